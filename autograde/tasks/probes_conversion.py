"""Lead conversion observed by the grader (lecture 09): a student's ``convert_lead`` run on a fresh database built
from their own data, with failures forced part-way through (:mod:`autograde.observe`).

The artefact is the source of the student's ``lead_next`` and ``convert_lead``. *Act*
(:func:`convert_scenario`) builds the lecture's lead database from the student's observed tables (the
handed-out data folder; a public fixture world when the instructor's own tools run without one), makes four
open leads ``In Process`` and installs triggers that abort one step of three of them (inserting the
opportunity, inserting the contact, updating the lead). It then calls ``convert_lead`` five times, each on a
fresh connection: once on the first lead, a second time on the same lead, once on each lead whose conversion
is forced to fail. After a call that returned, anything it left uncommitted is rolled back (a conversion must
commit its own work); after a call that raised, anything left pending is committed (what the caller's next
commit would keep). Row counts after every step go to a log table. *Inspect* (:func:`conversion_outcome`,
trusted code only) reads the rows and the log and returns ``{"first", "twice", "rollback"}``: ``"ok"``,
``"raised"``, ``"clean"`` for a correct conversion.

The student's function runs inside the act process, so what that process logs is only as trustworthy as the
function's source, which the grader keeps; the rows the conversions leave are read by trusted code.
"""

from __future__ import annotations

import json
import sqlite3

FAIL_STEPS = {  # role -> the trigger that aborts one step of that lead's conversion ({lead} is its id)
    "fail_opportunity": "BEFORE INSERT ON opportunities WHEN NEW.lead_id = '{lead}'",
    "fail_contact": "BEFORE INSERT ON contacts WHEN NEW.contact_id = '{lead}-C'",
    "fail_update": "BEFORE UPDATE ON leads WHEN OLD.lead_id = '{lead}'",
}
ROLES = ("first", *FAIL_STEPS)
STEPS = (("first", "first"), ("twice", "first"), *((role, role) for role in FAIL_STEPS))
COUNTED = ("accounts", "contacts", "opportunities")
WHEN = "2026-01-05 10:00:00"  # the conversion time passed to every call
CORRECT = {"first": "ok", "twice": "raised", "rollback": "clean"}
FALLBACK = {"seed": 9, "customers": 3000}  # the public fixture world when no data folder is given


def new_ids(lead_id: str) -> tuple[str, str, str]:
    """The lecture's id rule: (contact_id, account_id, opportunity_id) of a converted lead."""
    return f"{lead_id}-C", f"{lead_id}-A", f"{lead_id}-O"


def load_functions(source: str) -> dict:
    """The names ``source`` defines, run as the grader runs it: a fresh namespace holding only ``sqlite3``,
    ``datetime`` and ``timedelta`` (nothing else from the notebook)."""
    import datetime as _dt

    namespace = {"__name__": "artefact", "sqlite3": sqlite3, "datetime": _dt.datetime, "timedelta": _dt.timedelta}
    exec(compile(source, "<convert_lead>", "exec"), namespace)
    return namespace


def prepare(con: sqlite3.Connection) -> dict[str, str]:
    """Pick four leads that are not converted (lowest ids), make them ``In Process``, install the failure
    triggers and the probe's tables; commit. Returns ``{role: lead_id}``."""
    ids = [r[0] for r in con.execute("SELECT lead_id FROM leads WHERE status <> 'Converted' AND contact_id IS NULL "
                                     "ORDER BY status = 'Dead', lead_id LIMIT ?", (len(ROLES),))]
    if len(ids) < len(ROLES):
        raise ValueError("too few leads to convert")
    roles = dict(zip(ROLES, ids, strict=True))
    con.executemany("UPDATE leads SET status = 'In Process' WHERE lead_id = ?", [(i,) for i in ids])
    con.execute("CREATE TABLE probe_roles (role TEXT PRIMARY KEY, lead_id TEXT NOT NULL)")
    con.executemany("INSERT INTO probe_roles VALUES (?, ?)", roles.items())
    con.execute("CREATE TABLE probe_log (n INTEGER PRIMARY KEY, step TEXT, outcome TEXT, detail TEXT, counts TEXT)")
    con.execute("INSERT INTO probe_log VALUES (0, 'start', '', '', ?)", (json.dumps(counts(con)),))
    for role, when in FAIL_STEPS.items():
        con.execute(f"CREATE TRIGGER probe_{role} {when.format(lead=roles[role])} "
                    f"BEGIN SELECT RAISE(ABORT, 'forced failure'); END")
    con.commit()
    return roles


def counts(con: sqlite3.Connection) -> list[int]:
    """Rows in each of :data:`COUNTED`."""
    return [int(con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in COUNTED]


def run_steps(open_connection, convert, roles: dict[str, str], *, when: str = WHEN) -> None:
    """Call ``convert(con, lead_id, when)`` for each of :data:`STEPS`, each on a fresh connection from
    ``open_connection()``; log each outcome and the row counts after it into ``probe_log``."""
    for n, (step, role) in enumerate(STEPS, start=1):
        con = open_connection()
        try:
            out = convert(con, roles[role], when)
            outcome = "returned"
            detail = json.dumps([str(x) for x in out]) if isinstance(out, (tuple, list)) else ""
            _finish(con, commit=False)
        except Exception as err:  # noqa: BLE001 - any exception counts as raised
            outcome, detail = "raised", type(err).__name__
            _finish(con, commit=True)
        log = open_connection()
        try:
            log.execute("INSERT INTO probe_log VALUES (?, ?, ?, ?, ?)", (n, step, outcome, detail,
                                                                         json.dumps(counts(log))))
            log.commit()
        finally:
            log.close()


def _finish(con: sqlite3.Connection, *, commit: bool) -> None:
    """Commit or roll back whatever ``con`` still holds, then close it (a closed connection is left alone)."""
    try:
        if con.in_transaction:
            con.commit() if commit else con.rollback()
        con.close()
    except sqlite3.Error:
        pass


def outcome(con: sqlite3.Connection) -> dict[str, str]:
    """What the scenario left, judged from the rows (trusted): ``{"first", "twice", "rollback"}``."""
    roles = dict(con.execute("SELECT role, lead_id FROM probe_roles").fetchall())
    log = {step: (out, detail, json.loads(c)) for step, out, detail, c in
           con.execute("SELECT step, outcome, detail, counts FROM probe_log ORDER BY n")}
    if set(log) != {"start", *(s for s, _ in STEPS)}:
        return {"first": "not run", "twice": "not run", "rollback": "not run"}
    return {"first": _first(con, roles["first"], log), "twice": _twice(log),
            "rollback": _rollback(con, roles, log)}


def _first(con, lead: str, log) -> str:
    out, detail, after = log["first"]
    if out != "returned":
        return "raised"
    if detail != json.dumps(list(new_ids(lead))):
        return "wrong ids"
    if [a - b for a, b in zip(after, log["start"][2], strict=True)] != [1, 1, 1]:
        return "wrong row count"
    contact, account, opp = new_ids(lead)
    row = con.execute(
        "SELECT l.status = 'Converted' AND l.contact_id = c.contact_id, "
        "a.shop_id = l.shop_id AND a.name = l.company, "
        "c.shop_id = l.shop_id AND c.account_id = a.account_id AND c.name = l.contact_name "
        "  AND c.customer_type = 'B2B', "
        "o.shop_id = l.shop_id AND o.account_id = a.account_id AND o.lead_id = l.lead_id AND o.name = l.company "
        "  AND o.sales_stage = 'Prospecting' AND abs(o.amount - l.budget) < 0.005 AND o.created_at = ? "
        "  AND o.close_date = datetime(?, '+90 days') "
        "FROM leads l, accounts a, contacts c, opportunities o "
        "WHERE l.lead_id = ? AND a.account_id = ? AND c.contact_id = ? AND o.opportunity_id = ?",
        (WHEN, WHEN, lead, account, contact, opp)).fetchone()
    if row is None:
        return "rows missing"
    return "ok" if all(row) else "wrong rows"


def _twice(log) -> str:
    out, _, after = log["twice"]
    if out != "raised":
        return "no error"
    return "raised" if after == log["first"][2] else "rows added"


def _rollback(con, roles, log) -> str:
    before = log["twice"][2]
    for role in FAIL_STEPS:
        out, _, after = log[role]
        if out != "raised":
            return "no error"
        if after != before:
            return "partial rows"
        status, contact = con.execute("SELECT status, contact_id FROM leads WHERE lead_id = ?",
                                      (roles[role],)).fetchone()
        if status != "In Process" or contact is not None:
            return "lead changed"
    return "clean" if counts(con) == before else "partial rows"


# ---- the probe's two phases (autograde.observe) ----------------------------------------------------------------
def _student_world(data_dir: str, args: dict):
    """The student's observed world from their data folder (``CRMLAB_DATA`` in a sandbox, else ``data_dir``); the
    public fixture world :data:`FALLBACK` when there is none (the instructor's tools run without one)."""
    import os
    from pathlib import Path

    from crmlab.autograde.layout import ENV_DATA
    from crmlab.labs.data import MANIFEST, load_data

    for folder in (os.environ.get(ENV_DATA, ""), data_dir):
        if folder and (Path(folder) / MANIFEST).is_file():
            return load_data(folder)[0]
    from crmlab.simulator import simulate

    fallback = {**FALLBACK, **args.get("fallback", {})}
    return simulate(seed=int(fallback["seed"]), n_customers=int(fallback["customers"]))


def convert_scenario(artefact: str, state: str, data_dir: str, args: dict) -> None:
    """Act: the lead database of the student's world at ``state``, then the scenario with their function."""
    from crmlab.labs.crm_db import connect
    from crmlab.labs.lead_db import lead_database

    lead_database(_student_world(data_dir, args), state).close()
    con = connect(state)
    roles = prepare(con)
    con.close()
    with open(artefact, encoding="utf-8") as fh:
        source = fh.read()
    try:
        convert = load_functions(source)["convert_lead"]
    except Exception:  # noqa: BLE001 - source that does not run or defines no convert_lead: nothing to observe
        return
    run_steps(lambda: connect(state), convert, roles)


def conversion_outcome(state: str, _unused: str, data_dir: str, args: dict):
    """Inspect: :func:`outcome` of the database the act left, or ``"error"`` if it is not one."""
    from crmlab.labs.crm_db import connect

    try:
        con = connect(state)
        try:
            return outcome(con)
        finally:
            con.close()
    except (sqlite3.Error, ValueError, TypeError):
        return "error"
