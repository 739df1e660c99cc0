"""Instructor-only half of notebook 09's tasks (:mod:`autograde.tasks.operational` is the public half).

``SOLUTIONS[grade_id](world, world_dq)`` gives a correct solution's objects, ``TRUTH`` the answers graded
against the hidden truth (and, for task 3, the behaviour the grader must observe), ``MISTAKES[(grade_id,
name)]`` the objects of a student making a declared mistake, ``FIGURES`` the numbers the prose quotes. The
grader calls :func:`expected` with the student's FULL worlds (truth included). Never copied into ``source/``
or ``release/``.

Truth-graded tasks (recovery study: ``crmlab course measure 09_operational_crm``, 200 seeds, measured.json):

* q4 — the flagged events of the ticket log equal ``truth/ticket_events`` (``valid`` False -> "invalid", injected
  "duplicate" -> "duplicate"): a transition outside the allowed set is invalid by definition, and an event
  logged twice is a valid pair whose ``from_status`` is not the status the ticket was in, so the two rules
  recover the truth exactly (no tolerance).
* q7 — the touches of the contact log grouped into persons exactly as ``truth.customers.person_id`` of the
  data-quality world groups the records behind them: the data-quality layer copies a person's identity onto
  extra records with noisy e-mails and phones but never two persons' identities onto one, so linking records by
  normalised e-mail or E.164 phone, transitively, is exact; the count of persons and the share seen on two or
  more channels follow.
* q3 (observed, not a truth task in spirit) — the behaviour the grader's probe must see.
"""

from __future__ import annotations

import linecache
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from crmlab.autograde.measure import Figure
from crmlab.autograde.tasks.operational import CLASS_ITEMS, TASKS
from crmlab.autograde.tasks.operational_channels import SHIFT_SHARE, UNIT_COST
from crmlab.autograde.tasks.operational_inputs import e164, touches
from crmlab.autograde.tasks.probes_conversion import CORRECT
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

CASE_KEY = frozenset({("", "Open_New"), ("Open_New", "Open_Assigned"), ("Open_New", "Closed_Duplicate"),
                      ("Open_New", "Closed_Rejected"), ("Open_Assigned", "Open_Pending Input"),
                      ("Open_Pending Input", "Open_Assigned"), ("Open_Assigned", "Closed_Closed"),
                      ("Open_Assigned", "Closed_Rejected"), ("Closed_Closed", "Open_Assigned")})
CLASSES_KEY = ["A", "B", "C", "A", "B", "C"]
LOAD_DAYS = 7

# ---- tasks 2-3: the lead state machine and the conversion, as source (the grader runs the source) ---------------
CONVERT_SOURCE = '''\
def lead_next(status, action, man=(True, True, True)):
    """The lead's status after ``action``; ValueError for a move the process does not allow."""
    legal = {("New", "assign"): "Assigned", ("Recycled", "assign"): "Assigned", ("In Process", "convert"): "Converted"}
    if (status, action) in legal:
        return legal[(status, action)]
    if (status, action) == ("Assigned", "qualify"):
        return "In Process" if all(man) else "Recycled"
    if action == "dead" and status in ("New", "Assigned", "In Process", "Recycled"):
        return "Dead"
    raise ValueError(f"illegal move: {action} from {status}")


def convert_lead(con, lead_id, when):
    """Convert an In Process lead in one transaction; return (contact_id, account_id, opportunity_id)."""
    row = con.execute("SELECT status, shop_id, company, contact_name, budget FROM leads WHERE lead_id = ?",
                      (lead_id,)).fetchone()
    if row is None:
        raise ValueError(f"no lead {lead_id}")
    status, shop, company, person, budget = row
    lead_next(status, "convert")
    contact_id, account_id, opp_id = lead_id + "-C", lead_id + "-A", lead_id + "-O"
    close = (datetime.strptime(when, "%Y-%m-%d %H:%M:%S") + timedelta(days=90)).strftime("%Y-%m-%d %H:%M:%S")
    with con:
        con.execute("INSERT INTO accounts (account_id, shop_id, name) VALUES (?, ?, ?)", (account_id, shop, company))
        con.execute("INSERT INTO contacts (contact_id, shop_id, account_id, name, customer_type) "
                    "VALUES (?, ?, ?, ?, 'B2B')", (contact_id, shop, account_id, person))
        con.execute("INSERT INTO opportunities (opportunity_id, shop_id, account_id, lead_id, name, sales_stage, "
                    "amount, created_at, close_date) VALUES (?, ?, ?, ?, ?, 'Prospecting', ?, ?, ?)",
                    (opp_id, shop, account_id, lead_id, company, budget, when, close))
        con.execute("UPDATE leads SET status = 'Converted', contact_id = ? WHERE lead_id = ?", (contact_id, lead_id))
    return contact_id, account_id, opp_id
'''
_SEEN: dict[str, dict] = {}


def functions(source: str = CONVERT_SOURCE, **edits) -> dict:
    """``{"lead_next", "convert_lead"}`` compiled from ``source`` with ``edits`` (old text -> new text) applied,
    registered in ``linecache`` so ``inspect.getsource`` finds them (as IPython does for a notebook cell)."""
    for old, new in edits.items():
        assert old in source, old
        source = source.replace(old, new)
    if source not in _SEEN:
        name = f"<reference-09-{len(_SEEN)}>"
        linecache.cache[name] = (len(source), None, source.splitlines(True), name)
        namespace = {"datetime": datetime, "timedelta": timedelta}
        exec(compile(source, name, "exec"), namespace)
        _SEEN[source] = {"lead_next": namespace["lead_next"], "convert_lead": namespace["convert_lead"]}
    return dict(_SEEN[source])


WITH = "    with con:\n"
NO_TRANSACTION = {WITH: "    if True:\n"}
EDITS = {
    "no_commit": NO_TRANSACTION,
    "no_status_check": {'    lead_next(status, "convert")\n': "", "INSERT INTO": "INSERT OR REPLACE INTO"},
    "no_rollback": {**NO_TRANSACTION, "    return contact_id": "    con.commit()\n    return contact_id"},
    "swallowed": {WITH: "    try:\n      with con:\n", "    return contact_id":
                  "    except sqlite3.Error:\n        return None\n    return contact_id"},
    "man_ignored": {'"In Process" if all(man) else "Recycled"': '"In Process"'},
    "terminal_open": {'if action == "dead" and status in ("New", "Assigned", "In Process", "Recycled"):':
                      'if action == "dead":'},
}


# ---- task 4-5: the ticket log -----------------------------------------------------------------------------------
def invalid_transitions(events: pd.DataFrame, allowed, *, chain: bool = True, grouped: bool = True) -> pd.DataFrame:
    """[ticket_id, seq, from_status, to_status, problem]: pairs outside ``allowed`` ('invalid'), else a
    ``from_status`` other than the ticket's previous ``to_status`` ('' before the first event): 'duplicate'.
    ``chain=False`` and ``grouped=False`` build the declared mistakes."""
    ev = events.sort_values(["ticket_id", "seq"], kind="stable") if grouped else events
    ev = ev.reset_index(drop=True)
    frm, to, tid = (ev[c].to_numpy(dtype=object) for c in ("from_status", "to_status", "ticket_id"))
    bad = np.fromiter(((a, b) not in allowed for a, b in zip(frm, to, strict=True)), bool, len(ev))
    prev = np.empty(len(ev), dtype=object)
    prev[0:1] = ""
    prev[1:] = to[:-1]
    if grouped:
        prev[1:][tid[1:] != tid[:-1]] = ""
    broken = (frm != prev) & chain
    problem = np.where(bad, "invalid", np.where(broken, "duplicate", ""))
    out = ev.assign(problem=problem)[problem != ""]
    return out[["ticket_id", "seq", "from_status", "to_status", "problem"]].reset_index(drop=True)


def problem_rates(tickets: pd.DataFrame, flagged: pd.DataFrame, *, keep_all: bool = True) -> pd.DataFrame:
    """[agent_id, tickets, flagged, rate] per ticket owner; rate descending, ties by agent_id."""
    owner = tickets["agent_id"].astype(str).to_numpy()
    agents, n = np.unique(owner, return_counts=True)
    bad = np.isin(tickets["ticket_id"].to_numpy(dtype=object), flagged["ticket_id"].to_numpy(dtype=object))
    k = np.array([int(bad[owner == a].sum()) for a in agents])
    out = pd.DataFrame({"agent_id": agents, "tickets": n, "flagged": k, "rate": k / n})
    if not keep_all:
        out = out[out["flagged"] > 0]
    return out.sort_values(["rate", "agent_id"], ascending=[False, True]).reset_index(drop=True)


# ---- task 6: assignment -------------------------------------------------------------------------------------------
def open_load(tickets: pd.DataFrame, agents, at, *, days: int | None = LOAD_DAYS, closed_at_open: bool = False
              ) -> dict:
    """Tickets each agent owns opened in [at - days, at) and still open at ``at`` (resolved later or never)."""
    at = pd.Timestamp(at)
    o, r = tickets["opened_ts"], tickets["resolved_ts"]
    keep = (o < at) & (r.isna() | ((r >= at) if closed_at_open else (r > at)))
    if days is not None:
        keep &= o >= at - pd.Timedelta(days=days)
    counts = tickets.loc[keep, "agent_id"].astype(str).value_counts()
    return {a: int(counts.get(a, 0)) for a in agents}


def assign_round_robin(cases, agents, last=None, *, restart: bool = False) -> list:
    """Case i goes to agents[(start + i) mod n], start = the position after ``last`` (0 when None)."""
    start = 0 if last is None or restart else (list(agents).index(last) + 1)
    return [agents[(start + i) % len(agents)] for i in range(len(cases))]


def assign_least_busy(cases, load: dict, *, tie_last: bool = False) -> list:
    """Each case to the agent with the smallest load (ties: smallest id; ``tie_last``: largest), load + 1."""
    load = dict(load)
    out = []
    for _ in cases:
        low = min(load.values())
        tied = sorted(a for a, v in load.items() if v == low)
        agent = tied[-1] if tie_last else tied[0]
        load[agent] += 1
        out.append(agent)
    return out


# ---- task 7: identity stitching -----------------------------------------------------------------------------------
def _norm_email(s: pd.Series, *, raw: bool = False) -> np.ndarray:
    s = s.astype(object).where(s.notna(), "").astype(str)
    return (s if raw else s.str.strip().str.lower()).to_numpy(dtype=object)


def record_persons(customers: pd.DataFrame, *, phone: bool = True, raw: bool = False) -> np.ndarray:
    """Component number of each record: linked by equal non-empty e-mail or E.164 phone, transitively."""
    n = len(customers)
    keys = [_norm_email(customers["email"], raw=raw)]
    if phone:
        keys.append(e164(customers["phone"], customers["country"]).to_numpy(dtype=object))
    rows, cols = [], []
    for j, values in enumerate(keys, start=1):
        codes, _ = pd.factorize(values)
        has = np.flatnonzero(values != "")
        rows.append(has)
        cols.append(j * n + codes[has])
    r, c = np.concatenate(rows), np.concatenate(cols)
    size = (len(keys) + 1) * n
    return connected_components(coo_matrix((np.ones(len(r)), (r, c)), shape=(size, size)), directed=False)[1][:n]


def stitch(tp: pd.DataFrame, customers: pd.DataFrame, **kwargs) -> np.ndarray:
    """Person key per touch: the component of the record its handle names; a handle naming no record is its
    own person ('?' + handle)."""
    raw = kwargs.get("raw", False)
    comp = record_persons(customers, **kwargs).astype(str)
    lookups = {"account": pd.Series(comp, index=customers["customer_id"].astype(str).to_numpy()),
               "email": pd.Series(comp, index=_norm_email(customers["email"], raw=raw)),
               "phone": pd.Series(comp, index=e164(customers["phone"], customers["country"]).to_numpy())}
    out = np.full(len(tp), "", dtype=object)
    kind = tp["handle_type"].to_numpy(dtype=object)
    for name, table in lookups.items():
        table = table[(table.index != "") & ~table.index.duplicated()]
        m = kind == name
        handles = tp["handle"][m]
        handles = pd.Series(_norm_email(handles, raw=raw)) if name == "email" else handles
        out[m] = table.reindex(handles.to_numpy()).fillna("").to_numpy(dtype=object)
    missing = out == ""
    out[missing] = "?" + tp["handle"].to_numpy(dtype=object)[missing]
    return out


def multi_share(tp: pd.DataFrame, labels) -> float:
    """Share of persons seen on two or more channels."""
    return float((pd.Series(tp["channel"].to_numpy()).groupby(np.asarray(labels)).nunique() >= 2).mean())


def _true_touch_persons(dq) -> np.ndarray:
    source = touches(dq)[1]
    return dq.truth.customers.set_index("customer_id")["person_id"].reindex(source).astype(str).to_numpy()


# ---- task 8: cost to serve --------------------------------------------------------------------------------------
def _call_cost(calls: pd.DataFrame, unit: dict, *, talk_only: bool = False) -> np.ndarray:
    minutes = calls["talk_s"].to_numpy(float)
    if not talk_only:
        minutes = minutes + calls["hold_s"].to_numpy(float) + calls["wrap_s"].to_numpy(float)
    inbound = (calls["direction"] == "inbound").to_numpy()
    return np.where(inbound, unit["ivr_call"], 0.0) + minutes / 60.0 * unit["agent_minute"]


def cost_to_serve(calls, tickets, unit, *, talk_only: bool = False, phone_tickets: bool = False) -> pd.DataFrame:
    """[channel, contacts, cost, cost_per_contact] for phone (calls), chat, email and social (tickets)."""
    rows = [("phone", len(calls) + (int((tickets["channel"] == "phone").sum()) if phone_tickets else 0),
             float(_call_cost(calls, unit, talk_only=talk_only).sum()))]
    for ch in ("chat", "email", "social"):
        n = int((tickets["channel"] == ch).sum())
        rows.append((ch, n, n * unit[ch]))
    out = pd.DataFrame(rows, columns=["channel", "contacts", "cost", "cost_per_contact"][:3])
    out["cost_per_contact"] = out["cost"] / out["contacts"].replace(0, np.nan)
    return out


def shift_saving(calls, unit, share) -> float:
    """share × (cost of the general inbound calls an agent answered − their number × the chat cost)."""
    m = ((calls["direction"] == "inbound") & (calls["ticket_id"] == "") & (calls["talk_s"] > 0)).to_numpy()
    return float(share * (_call_cost(calls[m], unit).sum() - m.sum() * unit["chat"]))


# ---- SOLUTIONS, TRUTH, MISTAKES -----------------------------------------------------------------------------------
def _q4(w, **kw) -> dict:
    return {"world": w, "CASE_TRANSITIONS": set(CASE_KEY),
            "invalid_transitions": lambda ev, allowed: invalid_transitions(ev, allowed, **kw)}


def _q5(w, **kw) -> dict:
    return {**_q4(w), "problem_rates": lambda t, f: problem_rates(t, f, **kw)}


def _q6(w, load=None, rr=None, lb=None) -> dict:
    return {"world": w, "open_load": load or open_load, "assign_round_robin": rr or assign_round_robin,
            "assign_least_busy": lb or assign_least_busy}


def _q7(dq, **kw) -> dict:
    tp = touches(dq)[0]
    labels = stitch(tp, dq.customers, **kw)
    return {"world_dq": dq, "stitch": lambda t, c: stitch(t, c, **kw), "n_persons": len(set(labels)),
            "multi_share": multi_share(tp, labels)}


def _q8(w, **kw) -> dict:
    return {"world": w, "cost_to_serve": lambda k, t, u: cost_to_serve(k, t, u, **kw), "shift_saving": shift_saving}


def _q4_truth(w, dq) -> dict:
    t = w.truth.ticket_events
    problem = np.where(~t["valid"].to_numpy(bool), "invalid", np.where(t["injected"] == "duplicate", "duplicate", ""))
    keep = problem != ""
    return {"found": sorted(f"{a}/{int(b)}/{p}" for a, b, p in
                            zip(t["ticket_id"][keep], t["seq"][keep], problem[keep], strict=True))}


def _q7_truth(w, dq) -> dict:
    person = _true_touch_persons(dq)
    return {"labels": list(person), "n_persons": len(set(person)), "multi_share": multi_share(touches(dq)[0], person)}


SOLUTIONS = {
    "q1_test": lambda w, dq: {"answer": dict(zip(CLASS_ITEMS, CLASSES_KEY, strict=True))},
    "q2_test": lambda w, dq: {"lead_next": functions()["lead_next"]},
    "q3_test": lambda w, dq: functions(),
    "q4_test": lambda w, dq: _q4(w),
    "q5_test": lambda w, dq: _q5(w),
    "q6_test": lambda w, dq: _q6(w),
    "q7_test": lambda w, dq: _q7(dq),
    "q8_test": lambda w, dq: _q8(w),
}
TRUTH = {
    "q3_test": lambda w, dq: {"behaviour": dict(CORRECT)},
    "q4_test": _q4_truth,
    "q7_test": _q7_truth,
}
MISTAKES = {
    ("q2_test", "man_ignored"): lambda w, dq: {"lead_next": functions(**EDITS["man_ignored"])["lead_next"]},
    ("q2_test", "terminal_open"): lambda w, dq: {"lead_next": functions(**EDITS["terminal_open"])["lead_next"]},
    **{("q3_test", name): (lambda edits: lambda w, dq: functions(**edits))(EDITS[name])
       for name in ("no_commit", "no_status_check", "no_rollback", "swallowed")},
    ("q4_test", "pairs_only"): lambda w, dq: _q4(w, chain=False),
    ("q4_test", "unsorted"): lambda w, dq: _q4(w, grouped=False),
    ("q5_test", "agents_dropped"): lambda w, dq: _q5(w, keep_all=False),
    ("q6_test", "rr_restart"): lambda w, dq: _q6(w, rr=lambda c, a, last=None: assign_round_robin(c, a, last,
                                                                                                  restart=True)),
    ("q6_test", "lb_tie"): lambda w, dq: _q6(w, lb=lambda c, load: assign_least_busy(c, load, tie_last=True)),
    ("q6_test", "load_window"): lambda w, dq: _q6(w, load=lambda t, a, at: open_load(t, a, at, days=None)),
    ("q7_test", "raw_email"): lambda w, dq: _q7(dq, raw=True),
    ("q7_test", "email_only"): lambda w, dq: _q7(dq, phone=False),
    ("q8_test", "phone_twice"): lambda w, dq: _q8(w, phone_tickets=True),
    ("q8_test", "talk_only"): lambda w, dq: _q8(w, talk_only=True),
}


# ---- figures quoted in the prose ------------------------------------------------------------------------------------
def _flagged(w) -> pd.DataFrame:
    return invalid_transitions(w.ticket_events, CASE_KEY)


def _ticket_share(w, dq) -> float:
    return float(_flagged(w)["ticket_id"].nunique() / len(w.tickets))


def _top_rate_ratio(w, dq) -> float:
    """The highest agent's problem rate over the median agent's (agents with at least 20 tickets)."""
    r = problem_rates(w.tickets, _flagged(w))
    r = r[r["tickets"] >= 20]
    return float(r["rate"].max() / max(r["rate"].median(), 1e-9))


def _handles_per_person(w, dq) -> float:
    tp = touches(dq)[0]
    handles = pd.Series(list(zip(tp["handle_type"], _norm_email(tp["handle"]), strict=True))).nunique()
    return float(handles / len(set(_true_touch_persons(dq))))


def _records_multi(w, dq) -> float:
    tp, source = touches(dq)
    return multi_share(tp, source)


def _phone_cost_share(w, dq) -> float:
    t = cost_to_serve(w.calls, w.tickets, UNIT_COST)
    return float(t.loc[t["channel"] == "phone", "cost"].iloc[0] / t["cost"].sum())


def _shift_share(w, dq) -> float:
    return shift_saving(w.calls, UNIT_COST, SHIFT_SHARE) / float(cost_to_serve(w.calls, w.tickets, UNIT_COST)["cost"]
                                                                 .sum())


FIGURES = {
    "problem_ticket_share": Figure(_ticket_share, "share of tickets with at least one flagged status change"),
    "top_rate_ratio": Figure(_top_rate_ratio, "highest agent problem rate over the median agent's (>= 20 tickets)"),
    "handles_per_person": Figure(_handles_per_person, "distinct channel handles per true person in the contact log"),
    "records_multi": Figure(_records_multi, "share of customer records seen on >= 2 channels (no stitching)"),
    "persons_multi": Figure(lambda w, dq: multi_share(touches(dq)[0], _true_touch_persons(dq)),
                            "share of true persons seen on >= 2 channels"),
    "phone_cost_share": Figure(_phone_cost_share, "phone's share of the contact centre's cost to serve"),
    "shift_saving_share": Figure(_shift_share, "task 8's 30 % channel shift saving as a share of the total cost"),
}


def expected(world, *, dq_world=None) -> dict:
    """Expected answers ``{grade_id: {answer: value}}`` of notebook 09 for the student of these FULL worlds."""
    from crmlab.autograde.verdict import expected_answers

    return expected_answers(TASKS, SOLUTIONS, TRUTH, world, dq_world)
