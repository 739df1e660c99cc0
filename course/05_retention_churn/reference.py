"""Instructor-only half of notebook 05's tasks (:mod:`autograde.tasks.retention` is the public half).

``SOLUTIONS[grade_id](world, world_dq)`` gives a correct solution's objects, ``TRUTH`` the answers graded
against the hidden truth, ``MISTAKES[(grade_id, name)]`` the objects of a student making a declared mistake,
``FIGURES`` the numbers the prose quotes. The grader calls :func:`expected` with the student's FULL world (truth
included). Written independently of the notebook's solution cells (numpy bookkeeping instead of their pandas
chains). Never copied into ``source/`` or ``release/``; never visible to a grading kernel.

Truth-graded tasks (recovery study: ``crmlab course measure 05_retention_churn``, 200 seeds, in measured.json):

* q9 — among the lapsed customers (last purchase before 2025-07-05), those whose reason comes from what they
  said (a complaint, a low CSAT or NPS answer) truly left over dissatisfaction (truth.stage_spells: the exit
  reason of the spell that ended in termination) more often than the silent ones. The gap is a relative
  comparison the proxy must win; its pass mark SAID_MARGIN comes from the figure ``said_gap`` (its minimum
  over the seeds measured, less a safety margin), and the lecture quotes the share of dissatisfied leavers
  who said anything (``said_recall``) to show how far the proxy is from the truth.
* q5 — the stratified uplift of the loyalty_points (care) campaigns: a 99.9 % interval must cover the true
  effect (campaign_effects.true_ate_conversion weighted by the campaigns' contacts, the estimate's own
  weights); at 95 % one seed in twenty would fail, which no pass rule may allow.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from crmlab.autograde.measure import Figure
from crmlab.autograde.tasks.retention import (  # documented there
    COST,
    HORIZON_END,
    MARGIN,
    SAID_MARGIN,
    TASKS,
    TRUTH_LEVEL,
    WINDOW,
    D,
    campaign_contacts,
)
from crmlab.autograde.tasks.retention_checks import MIN_GROUP
from scipy.stats import norm

CUTOFF = HORIZON_END - WINDOW          # 2025-07-05: tasks 8 and 9
LAST_MONTH = pd.Period(HORIZON_END - pd.Timedelta(days=1), "M")
FAST_HOURS = 24.0
QUARTERS = 8                            # 2024Q1 … 2025Q4

CARE_KEY = {"退换货政策条款": "A", "收货后商品好不好用": "B", "客服回复是否耐心": "B",
            "正品保证与个人信息保护承诺": "C"}
STEPS_KEY = {"记录投诉内容": "1", "判断投诉是否成立": "2", "确定投诉处理责任部门": "3", "分析投诉原因": "4",
          "提出处理方案": "5", "提交主管领导批示": "6", "实施处理方案": "7", "总结评价": "8"}
KEAVENEY = {"damaged": "core_failure", "wrong_size": "core_failure", "plug_voltage": "core_failure",
            "product_quality": "core_failure", "payment": "core_failure", "delivery_delay": "inconvenience",
            "customs": "inconvenience", "refund": "response_to_failure"}


def purchases(orders: pd.DataFrame, *, cancelled: bool = False) -> pd.DataFrame:
    """Orders that count as a purchase: not cancelled (``cancelled=True`` builds the declared mistake)."""
    keep = np.ones(len(orders), bool) if cancelled else (orders["status"] != "cancelled").to_numpy()
    return orders.loc[keep]


# ---- task 2 ------------------------------------------------------------------------------------------------
def cohort(customers, orders, *, cancelled=False, buyers=False) -> pd.DataFrame:
    """Cohort matrix: rows signup month ('任务 任务 -MM'), columns 0..11, share of the cohort buying in month k."""
    cm = customers["signup_date"].dt.to_period("M")
    months = sorted(set(cm))
    of = pd.Series(cm.to_numpy(), index=customers["customer_id"].to_numpy())
    p = purchases(orders, cancelled=cancelled)
    p = p.loc[p["customer_id"].isin(of.index).to_numpy()]
    c = of.reindex(p["customer_id"].to_numpy()).to_numpy()
    k = np.array([(a - b).n for a, b in zip(p["order_ts"].dt.to_period("M").to_numpy(), c, strict=True)], dtype=int)
    pairs = pd.DataFrame({"cid": p["customer_id"].to_numpy(), "cohort": c, "k": k}).drop_duplicates()
    pairs = pairs[(pairs["k"] >= 0) & (pairs["k"] <= 11)]
    counts = pairs.groupby(["cohort", "k"]).size()
    size = of.value_counts()
    if buyers:
        size = pairs[pairs["k"] == 0].groupby("cohort").size()
    out = np.full((len(months), 12), np.nan)
    for i, m in enumerate(months):
        for j in range(12):
            if m + j <= LAST_MONTH:
                out[i, j] = counts.get((m, j), 0) / size.get(m, np.nan)
    return pd.DataFrame(out, index=[str(m) for m in months], columns=list(range(12)))


def crr_2025(orders, *, new_removed=True) -> float:
    p = purchases(orders)
    year = p["order_ts"].dt.year.to_numpy()
    s = set(p["customer_id"].to_numpy()[year == 2024])
    e = set(p["customer_id"].to_numpy()[year == 2025])
    n = e - set(p["customer_id"].to_numpy()[year < 2025])
    return (len(e) - (len(n) if new_removed else 0)) / len(s)


def _q2(w, *, cancelled=False, buyers=False, new_removed=True) -> dict:
    return {"world": w, "cohort_retention": lambda c, o: cohort(c, o, cancelled=cancelled, buyers=buyers),
            "retention_rate": (lambda s, n, e: (e - n) / s) if new_removed else (lambda s, n, e: e / s),
            "crr_2025": crr_2025(w.orders, new_removed=new_removed)}


# ---- task 3 ------------------------------------------------------------------------------------------------
def recency_probs(orders, *, cancelled=False) -> pd.Series:
    """P(purchase in quarter q | recency state at its start), pooled over quarters 1..7; states 1..4."""
    p = purchases(orders, cancelled=cancelled)
    ts = p["order_ts"]
    q = ((ts.dt.year - 2024) * 4 + (ts.dt.month - 1) // 3).to_numpy()
    ids, inv = np.unique(p["customer_id"].to_numpy(dtype=object), return_inverse=True)
    bought = np.zeros((len(ids), QUARTERS), bool)
    bought[inv, q] = True
    n, k = np.zeros(4), np.zeros(4)
    last = np.full(len(ids), -1)
    for quarter in range(QUARTERS):
        seen = last >= 0
        state = np.minimum(quarter - last[seen], 4) - 1
        np.add.at(n, state, 1)
        np.add.at(k, state, bought[seen, quarter])
        last[bought[:, quarter]] = quarter
    return pd.Series(k / n, index=[1, 2, 3, 4])


def transition(p) -> np.ndarray:
    P = np.zeros((4, 4))
    P[:, 0] = p
    for i in range(4):
        P[i, min(i + 1, 3)] += 1 - p[i]
    return P


def markov_clv(P, R, d) -> np.ndarray:
    return np.linalg.solve(np.eye(len(R)) - np.asarray(P, float) / (1 + d), np.asarray(R, float))


def mailing_values(p, margin, cost, d, stop_from, *, keep_cost=False) -> np.ndarray:
    p = np.asarray(p, float)
    P, R = transition(p), margin * p - cost
    stopped = np.arange(1, 5) >= stop_from
    P[stopped] = 0.0
    if not keep_cost:
        R = np.where(stopped, 0.0, R)
    return markov_clv(P, R, d)


def best_stop(p, **kw) -> int:
    values = [mailing_values(p, MARGIN, COST, D, k, **kw)[0] for k in (2, 3, 4, 5)]
    return int(2 + np.argmax(values))


def _q3(w, *, cancelled=False, keep_cost=False) -> dict:
    probs = recency_probs(w.orders, cancelled=cancelled)
    return {"world": w, "recency_probs": lambda o: recency_probs(o, cancelled=cancelled), "markov_clv": markov_clv,
            "mailing_values": lambda p, m, c, d, k: mailing_values(p, m, c, d, k, keep_cost=keep_cost),
            "best_stop": best_stop(probs.to_numpy(), keep_cost=keep_cost)}


# ---- task 7 ------------------------------------------------------------------------------------------------
def complaint_kpis(tickets, orders, *, enquiries=False, from_response=False, mean=False) -> pd.DataFrame:
    shops = sorted(set(orders["shop_id"]))
    t = tickets if enquiries else tickets.loc[(tickets["kind"] == "complaint").to_numpy()]
    n_orders = purchases(orders).groupby("shop_id").size()
    start = t["first_response_ts"] if from_response else t["opened_ts"]
    hours = (t["resolved_ts"] - start).dt.total_seconds().to_numpy() / 3600.0
    rows = []
    for shop in shops:
        mine = (t["shop_id"] == shop).to_numpy()
        h = hours[mine]
        res = t["resolved_ts"].to_numpy()[mine]
        fcr = (t["resolved_ts"] == t["first_response_ts"]).fillna(False).to_numpy(dtype=bool)[mine]
        done = h[~np.isnan(h)]
        rows.append({"shop_id": shop, "complaints": int(mine.sum()),
                     "per_1000_orders": 1000.0 * mine.sum() / n_orders.get(shop, np.nan),
                     "fcr": fcr.mean() if mine.any() else np.nan,
                     "unresolved_share": np.isnat(res).mean() if mine.any() else np.nan,
                     "median_hours": (done.mean() if mean else np.median(done)) if len(done) else np.nan})
    return pd.DataFrame(rows)


# ---- task 8 ------------------------------------------------------------------------------------------------
def recovery_table(tickets, orders, shops, *, cutoff=True) -> pd.DataFrame:
    keep = (tickets["kind"] == "complaint").to_numpy()
    if cutoff:
        keep = keep & (tickets["opened_ts"] < CUTOFF).to_numpy()
    c = tickets.loc[keep, ["ticket_id", "customer_id", "shop_id", "opened_ts", "resolved_ts"]]
    p = purchases(orders)[["customer_id", "order_ts"]]
    m = c.merge(p, on="customer_id")
    back = set(m.loc[((m["order_ts"] > m["opened_ts"]) & (m["order_ts"] <= m["opened_ts"] + WINDOW)).to_numpy(),
                     "ticket_id"])
    hours = (c["resolved_ts"] - c["opened_ts"]).dt.total_seconds().to_numpy() / 3600.0
    group = np.where(np.isnan(hours), "unresolved", np.where(hours <= FAST_HOURS, "fast", "slow"))
    kind = c["shop_id"].map(shops.set_index("shop_id")["kind"]).to_numpy(dtype=object)
    df = pd.DataFrame({"kind": kind, "group": group, "back": c["ticket_id"].isin(back).to_numpy(dtype=float)})
    out = df.groupby(["kind", "group"])["back"].agg(["size", "mean"]).reset_index()
    return out.rename(columns={"size": "n", "mean": "came_back"})


def gaps(table, *, stratified=True) -> tuple[float, float]:
    t = table.assign(res=np.where(table["group"] == "unresolved", "u", "r"), hits=table["n"] * table["came_back"])
    overall = t.groupby("res")[["n", "hits"]].sum()
    rate = overall["hits"] / overall["n"]
    naive = float(rate["r"] - rate["u"])
    by = t.groupby(["kind", "res"])[["n", "hits"]].sum().unstack("res").dropna()
    diff = by["hits"]["r"] / by["n"]["r"] - by["hits"]["u"] / by["n"]["u"]
    weight = by["n"].sum(axis=1)
    adjusted = float((diff * weight).sum() / weight.sum()) if stratified else naive
    return naive, adjusted


# ---- task 9 ------------------------------------------------------------------------------------------------
def lapsed_ids(orders) -> np.ndarray:
    p = purchases(orders)
    last = p.groupby("customer_id")["order_ts"].max()
    return np.sort(last.index[(last < CUTOFF).to_numpy()].to_numpy(dtype=object).astype(str))


def lapsed_reasons(orders, tickets, surveys, keaveney, *, kinds=("complaint",), first=False,
                   unresolved=True) -> pd.DataFrame:
    ids = lapsed_ids(orders)
    t = tickets.loc[tickets["kind"].isin(kinds).to_numpy() & tickets["customer_id"].isin(ids).to_numpy()]
    t = t.sort_values(["customer_id", "opened_ts", "ticket_id"])
    t = t.groupby("customer_id").head(1) if first else t.groupby("customer_id").tail(1)
    said = t["category"].map(lambda c: keaveney.get(c)).to_numpy(dtype=object)
    if unresolved:
        said = np.where(t["resolved_ts"].isna().to_numpy(), "response_to_failure", said)
    said = pd.Series(said, index=t["customer_id"].to_numpy())
    low = (surveys["csat"].fillna(5) <= 2) | (surveys["nps"].fillna(10) <= 6)
    unhappy = set(surveys.loc[low.to_numpy(dtype=bool), "customer_id"])
    reason = [said[i] if i in said.index else ("unspecified" if i in unhappy else "silent") for i in ids]
    return pd.DataFrame({"customer_id": ids, "reason": reason})


def reason_pareto(reasons) -> pd.DataFrame:
    r = [str(x) for x in reasons["reason"] if x != "silent"]
    names, counts = np.unique(np.array(r, dtype=str), return_counts=True)
    order = np.lexsort((names, -counts))
    n = counts[order]
    return pd.DataFrame({"reason": names[order], "n": n, "share": n / n.sum(), "cum_share": np.cumsum(n) / n.sum()})


def _q9(w, **kw) -> dict:
    return {"world": w, "KEAVENEY": dict(KEAVENEY), "reason_pareto": reason_pareto,
            "lapsed_reasons": lambda o, t, s, k: lapsed_reasons(o, t, s, k, **kw)}


def exit_reasons(world) -> pd.Series:
    """True exit reason of every churned customer: the exit reason of the spell that ended in termination."""
    sp = world.truth.stage_spells.sort_values(["customer_id", "start_ts"], kind="stable")
    ended = set(sp.loc[(sp["stage"] == "terminated").to_numpy(), "customer_id"])
    living = sp.loc[(sp["stage"] != "terminated").to_numpy() & sp["customer_id"].isin(ended).to_numpy()]
    return living.groupby("customer_id")["exit_reason"].last()


def _q9_truth(w) -> dict:
    ids = lapsed_ids(w.orders)
    why = exit_reasons(w).reindex(ids)
    bad = [str(i) for i in ids[(why == "dissatisfaction").to_numpy()]]
    return {"truth": {"lapsed": ids.tolist(), "dissatisfied": bad,
                      "margin": SAID_MARGIN}}


# ---- task 5 ------------------------------------------------------------------------------------------------
def _arms(contacts, min_group) -> pd.DataFrame:
    g = contacts.assign(y=contacts["converted"].astype(float)).groupby(["campaign_id", "group"])["y"]
    arms = g.agg(["size", "mean"]).unstack("group")
    return arms[(arms[("size", "treatment")] >= min_group) & (arms[("size", "control")] >= min_group)]


def uplift_ci(contacts, level=0.95, *, pooled=False, fixed_z=False, min_group=MIN_GROUP):
    arms = _arms(contacts, min_group).dropna()
    if arms.empty:
        return (np.nan, np.nan, np.nan)
    nt, nc = arms[("size", "treatment")].to_numpy(float), arms[("size", "control")].to_numpy(float)
    pt, pc = arms[("mean", "treatment")].to_numpy(float), arms[("mean", "control")].to_numpy(float)
    w = (nt + nc) / (nt + nc).sum()
    pooled_p = (pt * nt + pc * nc) / (nt + nc)   # each campaign's two groups together: stable in small groups
    var = pooled_p * (1 - pooled_p) * (1 / nt + 1 / nc)
    est, se = float(w @ (pt - pc)), float(np.sqrt(w**2 @ var))
    if pooled:
        est = float((pt * nt).sum() / nt.sum() - (pc * nc).sum() / nc.sum())
    z = 1.959963984540054 if fixed_z else float(norm.ppf(1 - (1 - level) / 2))
    return (est, est - z * se, est + z * se)


def care_truth(world) -> float:
    contacts = campaign_contacts(world, "loyalty_points")
    arms = _arms(contacts, MIN_GROUP).dropna()
    if arms.empty:
        return float("nan")
    n = arms[("size", "treatment")] + arms[("size", "control")]
    ate = world.truth.campaign_effects.set_index("campaign_id")["true_ate_conversion"].reindex(arms.index)
    return float((n * ate).sum() / n.sum())


def _q5_truth(w) -> dict:
    _, lo, hi = uplift_ci(campaign_contacts(w, "loyalty_points"), TRUTH_LEVEL)
    return {"truth": {"truth": care_truth(w), "width": hi - lo}}


SOLUTIONS = {
    "q1_test": lambda w, dq: {"answer": "ABC"},
    "q4_test": lambda w, dq: {"answer": dict(CARE_KEY)},
    "q6_test": lambda w, dq: {"answer": dict(STEPS_KEY)},
    "q2_test": lambda w, dq: _q2(w),
    "q3_test": lambda w, dq: _q3(w),
    "q7_test": lambda w, dq: {"world": w, "complaint_kpis": complaint_kpis},
    "q8_test": lambda w, dq: {"world": w, "recovery_table": recovery_table, "gaps": gaps},
    "q9_test": lambda w, dq: _q9(w),
    "q5_test": lambda w, dq: {"world": w, "uplift_ci": uplift_ci},
}
TRUTH = {
    "q9_test": lambda w, dq: _q9_truth(w),
    "q5_test": lambda w, dq: _q5_truth(w),
}
MISTAKES = {
    ("q2_test", "cancelled_counted"): lambda w, dq: _q2(w, cancelled=True),
    ("q2_test", "buyers_denominator"): lambda w, dq: _q2(w, buyers=True),
    ("q2_test", "new_not_removed"): lambda w, dq: _q2(w, new_removed=False),
    ("q3_test", "cancelled_counted"): lambda w, dq: _q3(w, cancelled=True),
    ("q3_test", "stop_keeps_cost"): lambda w, dq: _q3(w, keep_cost=True),
    ("q7_test", "enquiries_counted"): lambda w, dq: {
        "world": w, "complaint_kpis": lambda t, o: complaint_kpis(t, o, enquiries=True)},
    ("q7_test", "from_first_response"): lambda w, dq: {
        "world": w, "complaint_kpis": lambda t, o: complaint_kpis(t, o, from_response=True)},
    ("q7_test", "mean_hours"): lambda w, dq: {
        "world": w, "complaint_kpis": lambda t, o: complaint_kpis(t, o, mean=True)},
    ("q8_test", "all_complaints"): lambda w, dq: {
        "world": w, "gaps": gaps, "recovery_table": lambda t, o, s: recovery_table(t, o, s, cutoff=False)},
    ("q8_test", "naive"): lambda w, dq: {
        "world": w, "recovery_table": recovery_table, "gaps": lambda t: gaps(t, stratified=False)},
    ("q9_test", "enquiries_as_complaints"): lambda w, dq: _q9(w, kinds=("complaint", "enquiry")),
    ("q9_test", "first_complaint"): lambda w, dq: _q9(w, first=True),
    ("q9_test", "unresolved_ignored"): lambda w, dq: _q9(w, unresolved=False),
    ("q5_test", "pooled"): lambda w, dq: {"world": w, "uplift_ci": lambda c, lv=0.95: uplift_ci(c, lv, pooled=True)},
    ("q5_test", "fixed_z"): lambda w, dq: {"world": w, "uplift_ci": lambda c, lv=0.95: uplift_ci(c, lv, fixed_z=True)},
    ("q5_test", "small_groups_kept"): lambda w, dq: {
        "world": w, "uplift_ci": lambda c, lv=0.95: uplift_ci(c, lv, min_group=1)},
}


# ---- figures the prose quotes ------------------------------------------------------------------------------
def _said_stats(w) -> tuple[float, float]:
    """(P(dissatisfaction | said) − P(dissatisfaction | silent), share of dissatisfied leavers who said anything)."""
    r = lapsed_reasons(w.orders, w.tickets, w.surveys, KEAVENEY)
    why = exit_reasons(w).reindex(r["customer_id"].to_numpy())
    bad = (why == "dissatisfaction").to_numpy()
    said = (r["reason"] != "silent").to_numpy()
    return float(bad[said].mean() - bad[~said].mean()), float(said[bad].mean())


def _alive_share_of_s(w) -> float:
    """Share of 2024's buyers still truly alive at the end of 2025 (the truth beside CRR)."""
    p = purchases(w.orders)
    s = np.unique(p.loc[(p["order_ts"].dt.year == 2024).to_numpy(), "customer_id"].to_numpy(dtype=object))
    churn = w.truth.customers.set_index("customer_id")["churn_ts"].reindex(s)
    return float(churn.isna().mean())


def _crr_mismatch(w) -> tuple[float, float]:
    """(share of CRR's 'retained' — bought in 2024 and 2025 — truly churned by the end of 2025,
    share of CRR's 'lost' — bought in 2024, not in 2025 — truly still alive)."""
    p = purchases(w.orders)
    year = p["order_ts"].dt.year.to_numpy()
    s = set(p["customer_id"].to_numpy()[year == 2024])
    e = set(p["customer_id"].to_numpy()[year == 2025])
    churn = w.truth.customers.set_index("customer_id")["churn_ts"]
    kept, lost = sorted(s & e), sorted(s - e)
    return float(churn.reindex(kept).notna().mean()), float(churn.reindex(lost).isna().mean())


def _lapsed_churned(w) -> float:
    ids = lapsed_ids(w.orders)
    return float(w.truth.customers.set_index("customer_id")["churn_ts"].reindex(ids).notna().mean())


FIGURES = {
    "crr": Figure(lambda w, dq: crr_2025(w.orders), "CRR 2025 = (E − N) / S on purchases"),
    "alive_2024_buyers": Figure(lambda w, dq: _alive_share_of_s(w), "share of 2024's buyers truly alive at the end"),
    "kept_but_gone": Figure(lambda w, dq: _crr_mismatch(w)[0], "CRR-retained customers truly churned by the end"),
    "lost_but_alive": Figure(lambda w, dq: _crr_mismatch(w)[1], "CRR-lost customers truly alive at the end"),
    "month1": Figure(lambda w, dq: float(np.nanmean(cohort(w.customers, w.orders)[1])),
                     "mean month-1 cohort retention"),
    "lapsed_churned": Figure(lambda w, dq: _lapsed_churned(w), "share of lapsed customers truly churned"),
    "said_gap": Figure(lambda w, dq: _said_stats(w)[0], "P(dissatisfaction | said) − P(… | silent), lapsed"),
    "said_recall": Figure(lambda w, dq: _said_stats(w)[1], "share of dissatisfied lapsed leavers who said anything"),
    "care_uplift": Figure(lambda w, dq: uplift_ci(campaign_contacts(w, "loyalty_points"))[0],
                          "stratified uplift of the loyalty_points campaigns"),
}


def expected(world, *, dq_world=None) -> dict:
    """Expected answers ``{grade_id: {answer: value}}`` of notebook 05 for the student of this FULL world.

    Notebook 05 uses the default world only; ``dq_world`` is accepted for the grader's uniform call and unused.
    """
    from crmlab.autograde.verdict import expected_answers

    return expected_answers(TASKS, SOLUTIONS, TRUTH, world, dq_world)
