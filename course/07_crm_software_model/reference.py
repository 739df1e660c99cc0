"""Instructor-only half of notebook 07's tasks (:mod:`autograde.tasks.crm_model` is the public half).

``SOLUTIONS[grade_id](world, world_dq)`` gives a correct solution's objects, ``TRUTH`` the answers graded
against the hidden truth (and, for task 3, the behaviour the grader must observe), ``MISTAKES[(grade_id,
name)]`` the objects of a student making a declared mistake, ``FIGURES`` the numbers the prose quotes. The
grader calls :func:`expected` with the student's FULL world. Never copied into ``source/`` or ``release/``.

* q3 — the DDL: the same for everyone, so graded by observed behaviour (``Observed``): valid rows accepted,
  the four groups of bad statements refused. Its "recovery study" in measured.json only confirms that the
  reference DDL behaves so (it does not depend on the seed).
* q8, q9 — recomputed exactly from the student's data (a typed-in number cannot pass: the true share varies
  little between seeds and four SE is wide) and graded against the truth,
  ``truth.campaign_effects.sample_ate_conversion`` (the realised mean of Y(1) − Y(0) over each campaign's
  contacts; the difference in means of a randomised holdout is unbiased for it). The tolerance is four
  standard errors of the student's own estimator, computed here from their data (binomial variance at the
  campaign's pooled rate with one pseudo-buyer and one pseudo-non-buyer, so a campaign with no buyer has no
  zero variance). Exploration on seeds 0–24: 125 campaign-type estimates with z-scores of sd 0.96 and
  |z| ≤ 2.9; the share of task 9 within 1.9 SE. Four SE alone is a wide band: the report's attributed rate
  (the declared mistake) stays within it on 6 of 10 worlds of 3,000 customers and comes within 4.3 SE on one
  of 20 default worlds. So the rule has a second part the proxy must lose: weighted by the treated, the
  estimate must be at most half as far from the truth as the attributed rate (the attribution fails it by
  construction, the holdout estimate is a fraction of the gap away).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from crmlab.autograde.measure import Figure
from crmlab.autograde.tasks.crm_model import TASKS
from crmlab.labs.crm_db import ACTIVITY_SQL, CASES_SQL, ENTITY_SQL, GIVEN_SQL, SCHEMA_SQL, load_crm

Q_PIPELINE = """
SELECT o.shop_id, s.currency, o.sales_stage, st.probability,
       COUNT(*) AS n, SUM(o.amount) AS amount, SUM(o.amount * st.probability / 100.0) AS weighted
FROM opportunities AS o
JOIN sales_stages AS st ON st.sales_stage = o.sales_stage
JOIN shops AS s ON s.shop_id = o.shop_id
WHERE st.is_closed = 0
GROUP BY o.shop_id, s.currency, o.sales_stage, st.probability
"""
Q_FUNNEL = """
SELECT l.lead_source,
       COUNT(DISTINCT l.lead_id) AS leads,
       COUNT(DISTINCT CASE WHEN l.status IN ('Converted', 'Dead', 'Recycled') THEN l.lead_id END) AS closed,
       COUNT(DISTINCT o.lead_id) AS with_opportunity,
       COUNT(DISTINCT CASE WHEN o.sales_stage = 'Closed Won' THEN o.lead_id END) AS won,
       COUNT(DISTINCT CASE WHEN o.sales_stage = 'Closed Won' THEN o.lead_id END) * 1.0
         / COUNT(DISTINCT CASE WHEN l.status IN ('Converted', 'Dead', 'Recycled') THEN l.lead_id END) AS conversion
FROM leads AS l LEFT JOIN opportunities AS o ON o.lead_id = l.lead_id
GROUP BY l.lead_source
"""
Q_CAMPAIGN_ROI = """
WITH per AS (
    SELECT l.campaign_id, COUNT(DISTINCT l.lead_id) AS leads,
           COALESCE(SUM(CASE WHEN o.sales_stage = 'Closed Won' THEN o.amount END), 0) AS won_revenue
    FROM leads AS l LEFT JOIN opportunities AS o ON o.lead_id = l.lead_id
    WHERE l.campaign_id IS NOT NULL
    GROUP BY l.campaign_id
)
SELECT c.campaign_id, c.actual_cost, COALESCE(per.leads, 0) AS leads,
       COALESCE(per.won_revenue, 0) AS won_revenue,
       c.actual_cost / NULLIF(per.leads, 0) AS cpl,
       (COALESCE(per.won_revenue, 0) - c.actual_cost) / c.actual_cost AS roi
FROM campaigns AS c LEFT JOIN per ON per.campaign_id = c.campaign_id
"""


# ---- tasks 8-9: the holdout ----------------------------------------------------------------------------------
def _arms(contacts: pd.DataFrame, campaigns: pd.DataFrame) -> pd.DataFrame:
    """Per campaign with both groups: n_t, x_t, n_c, x_c, campaign_type (numpy bookkeeping)."""
    cid = contacts["campaign_id"].to_numpy(dtype=object).astype(str)
    uniq, inv = np.unique(cid, return_inverse=True)
    t = (contacts["group"] == "treatment").to_numpy()
    y = contacts["converted"].to_numpy(dtype=bool)
    n_t, x_t = np.bincount(inv, weights=t), np.bincount(inv, weights=t & y)
    n_c, x_c = np.bincount(inv, weights=~t), np.bincount(inv, weights=~t & y)
    kind = pd.Series(campaigns["campaign_type"].to_numpy(), index=campaigns["campaign_id"].astype(str))
    out = pd.DataFrame({"campaign_id": uniq, "n_t": n_t, "x_t": x_t, "n_c": n_c, "x_c": x_c,
                        "campaign_type": kind.reindex(uniq).to_numpy()})
    return out[(out["n_t"] > 0) & (out["n_c"] > 0)].reset_index(drop=True)


def incremental_by_type(contacts, campaigns, *, attributed: bool = False) -> pd.DataFrame:
    a = _arms(contacts, campaigns)
    d = a["x_t"] / a["n_t"] - (0.0 if attributed else a["x_c"] / a["n_c"])
    a = a.assign(w_d=a["n_t"] * d)
    g = a.groupby("campaign_type")
    out = pd.DataFrame({"campaigns": g.size(), "treated": g["n_t"].sum(),
                        "attributed_rate": g["x_t"].sum() / g["n_t"].sum(),
                        "incremental_rate": g["w_d"].sum() / g["n_t"].sum()})
    return out.reset_index()


def incremental_share(contacts, campaigns, *, inverted: bool = False) -> float:
    a = _arms(contacts, campaigns)
    inc = float((a["n_t"] * (a["x_t"] / a["n_t"] - a["x_c"] / a["n_c"])).sum())
    att = float(a["x_t"].sum())
    return att / inc if inverted else inc / att


def _truth_arms(w) -> pd.DataFrame:
    a = _arms(w.campaign_contacts, w.campaigns)
    sate = w.truth.campaign_effects.set_index("campaign_id")["sample_ate_conversion"]
    p = (a["x_t"] + a["x_c"] + 1) / (a["n_t"] + a["n_c"] + 2)
    return a.assign(sate=sate.reindex(a["campaign_id"]).to_numpy(dtype=float),
                    var=p * (1 - p) * (1 / a["n_t"] + 1 / a["n_c"]))


def _q8_truth(w, dq) -> dict:
    a = _truth_arms(w)
    rows = [(kind, float((g["n_t"] * g["sate"]).sum() / g["n_t"].sum()),
             float(np.sqrt((g["n_t"] ** 2 * g["var"]).sum()) / g["n_t"].sum()),
             float(g["x_t"].sum() / g["n_t"].sum()), float(g["n_t"].sum()))
            for kind, g in sorted(a.groupby("campaign_type"), key=lambda kv: kv[0])]
    return {"incremental": {"truth": [r[1] for r in rows], "se": [r[2] for r in rows],
                            "report": [r[3] for r in rows], "weight": [r[4] for r in rows]}}


def _q9_truth(w, dq) -> dict:
    a = _truth_arms(w)
    att = float(a["x_t"].sum())
    return {"share": {"truth": float((a["n_t"] * a["sate"]).sum()) / att,
                      "se": float(np.sqrt((a["n_t"] ** 2 * a["var"]).sum())) / att, "report": 1.0, "weight": 1.0}}


# ---- SOLUTIONS, TRUTH, MISTAKES ------------------------------------------------------------------------------
def _load_empty_as_text(con, world) -> None:
    """Task 4's mistake: the world's empty strings kept as '' text instead of NULL (what a plain str() gives)."""
    load_crm(con, world)
    for table, column in (("leads", "campaign_id"), ("leads", "contact_id"), ("opportunities", "account_id"),
                          ("opportunities", "lead_id"), ("calls", "contact_id")):
        con.execute(f"UPDATE {table} SET {column} = '' WHERE {column} IS NULL")


def _db(w, **kw) -> dict:
    return {"world": w, "schema_sql": SCHEMA_SQL, "load_crm": load_crm, **kw}


Q1_KEY = {"呼叫中心、网站、电子邮件、微信、面对面拜访": "A", "营销自动化、销售自动化、服务自动化": "B",
          "统一的客户数据库与数据仓库": "C", "数据挖掘、报表与预测": "D", "订单、库存、财务": "E"}
Q2_KEY = {"campaign_log 中的 targeted / viewed / link": "A", "leads 的 status 从 Assigned 变为 In Process": "B",
          "opportunities 的 sales_stage 推进到 Negotiation/Review": "B",
          "cases 的 status 从 Open_New 变为 Closed_Closed": "C", "parent_type = 'Cases' 的一通呼入电话": "C"}

SOLUTIONS = {
    "q1_test": lambda w, dq: {"answer": Q1_KEY},
    "q2_test": lambda w, dq: {"answer": Q2_KEY},
    "q3_test": lambda w, dq: {"schema_sql": SCHEMA_SQL},
    "q4_test": lambda w, dq: _db(w),
    "q5_test": lambda w, dq: _db(w, q_pipeline=Q_PIPELINE),
    "q6_test": lambda w, dq: _db(w, q_funnel=Q_FUNNEL),
    "q7_test": lambda w, dq: _db(w, q_campaign_roi=Q_CAMPAIGN_ROI),
    "q8_test": lambda w, dq: {"world": w, "incremental_by_type": incremental_by_type},
    "q9_test": lambda w, dq: {"world": w, "incremental_share": incremental_share},
}
TRUTH = {
    "q3_test": lambda w, dq: {"valid": "accepted", "stage": "refused", "case_state": "refused", "orphan": "refused",
                              "enums": "refused"},
    "q8_test": _q8_truth,
    "q9_test": _q9_truth,
}

_NO_CASE = CASES_SQL.replace("    resolved_at TEXT,\n    CHECK (substr(status, 1, length(state) + 1) = state || '_')",
                             "    resolved_at TEXT")
_NO_FK = ENTITY_SQL.replace("    account_id     TEXT REFERENCES accounts(account_id),", "    account_id     TEXT,")
_FREE = ENTITY_SQL.replace("sales_stage    TEXT NOT NULL REFERENCES sales_stages(sales_stage)",
                           "sales_stage    TEXT NOT NULL")
assert len({SCHEMA_SQL, _NO_CASE, _NO_FK, _FREE}) == 4 and _NO_CASE != CASES_SQL
_ALL_OPEN = Q_FUNNEL.replace("COUNT(DISTINCT CASE WHEN l.status IN ('Converted', 'Dead', 'Recycled') "
                             "THEN l.lead_id END) AS conversion", "COUNT(DISTINCT l.lead_id) AS conversion")
MISTAKES = {
    ("q3_test", "no_case_check"): lambda w, dq: {"schema_sql": GIVEN_SQL + ENTITY_SQL + _NO_CASE + ACTIVITY_SQL},
    ("q3_test", "no_foreign_key"): lambda w, dq: {"schema_sql": GIVEN_SQL + _NO_FK + CASES_SQL + ACTIVITY_SQL},
    ("q3_test", "free_stage"): lambda w, dq: {"schema_sql": GIVEN_SQL + _FREE + CASES_SQL + ACTIVITY_SQL},
    ("q4_test", "empty_as_text"): lambda w, dq: _db(w, load_crm=_load_empty_as_text),
    ("q5_test", "closed_included"): lambda w, dq: _db(w, q_pipeline=Q_PIPELINE.replace("WHERE st.is_closed = 0", "")),
    ("q5_test", "currencies_mixed"): lambda w, dq: _db(w, q_pipeline="""
        SELECT MIN(o.shop_id) AS shop_id, MIN(s.currency) AS currency, o.sales_stage, st.probability,
               COUNT(*) AS n, SUM(o.amount) AS amount, SUM(o.amount * st.probability / 100.0) AS weighted
        FROM opportunities AS o JOIN sales_stages AS st ON st.sales_stage = o.sales_stage
        JOIN shops AS s ON s.shop_id = o.shop_id WHERE st.is_closed = 0
        GROUP BY o.sales_stage, st.probability"""),
    ("q6_test", "all_leads"): lambda w, dq: _db(w, q_funnel=_ALL_OPEN),
    ("q7_test", "campaigns_dropped"): lambda w, dq: _db(w, q_campaign_roi=Q_CAMPAIGN_ROI.replace(
        "FROM campaigns AS c LEFT JOIN per", "FROM campaigns AS c JOIN per")),
    ("q7_test", "not_won"): lambda w, dq: _db(w, q_campaign_roi=Q_CAMPAIGN_ROI.replace(
        "SUM(CASE WHEN o.sales_stage = 'Closed Won' THEN o.amount END)", "SUM(o.amount)")),
    ("q8_test", "attributed"): lambda w, dq: {"world": w, "incremental_by_type": lambda c, m: incremental_by_type(
        c, m, attributed=True)},
    ("q9_test", "inverted"): lambda w, dq: {"world": w, "incremental_share": lambda c, m: incremental_share(
        c, m, inverted=True)},
}


# ---- figures quoted by the prose -----------------------------------------------------------------------------
def _fig_open_share(w, dq) -> float:
    stage = w.opportunities["sales_stage"]
    return float((~stage.str.startswith("Closed")).mean())


FIGURES = {
    "unparented_calls": Figure(lambda w, dq: float(((w.calls["ticket_id"] == "") & (w.calls["customer_id"] == ""))
                                                   .mean()), "share of calls with no parent (caller not identified)"),
    "open_opps": Figure(_fig_open_share, "share of opportunities still open at the horizon"),
    "share_true": Figure(lambda w, dq: _q9_truth(w, dq)["share"]["truth"],
                         "q9: true incremental buyers over the buyers the campaign report credits"),
    "attributed_rate": Figure(lambda w, dq: float(_arms(w.campaign_contacts, w.campaigns)
                                                  .pipe(lambda a: a["x_t"].sum() / a["n_t"].sum())),
                              "treated contacts who bought in the window (what the report credits)"),
}


def expected(world, *, dq_world=None) -> dict:
    """Expected answers ``{grade_id: {answer: value}}`` of notebook 07 for the student of this FULL world."""
    from crmlab.autograde.verdict import expected_answers

    return expected_answers(TASKS, SOLUTIONS, TRUTH, world, dq_world)
