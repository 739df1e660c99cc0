"""Instructor-only half of notebook 08's tasks (:mod:`autograde.tasks.crm_functions` and
:mod:`autograde.tasks.crm_functions_recon` are the public half).

``SOLUTIONS[grade_id](world, world_dq)`` gives a correct solution's objects, ``TRUTH`` the answers graded against
the hidden truth (and, for the observed tasks, the behaviour the grader must see), ``MISTAKES[(grade_id, name)]``
the objects of a student making a declared mistake, ``FIGURES`` the numbers the prose quotes. The grader calls
:func:`expected` with the student's FULL world. Never copied into ``source/`` or ``release/``.

* q2 (the view's liveness), q3 (the trigger) and q4 (the indexes): the same for everyone, so observed
  (``Observed``); their "recovery study" in measured.json only confirms that the reference SQL behaves so.
* q5, q6 — graded against ``truth.erp_issues``: the reconciliation's list of (reference, kind) pairs, recall per
  kind and precision over the list (``RECALL``, ``PRECISION`` in the public module), and the money at stake per
  shop and kind, within cents of the truth's sums. Each shop keeps its own ERP books (its currency): a mistyped
  reference found in two shops' invoices is an orphan in each (a few of the 200 recovery seeds have one), its
  money split by shop. The rules of the notebook (precedence orphan → missing → no issue → duplicate →
  cancelled → amount, sums of non-cancelled invoices compared in cents) recover the simulator's issues exactly
  (checked on seeds 0-39; the recovery study on 200 seeds is in measured.json).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from crmlab.autograde.measure import Figure
from crmlab.autograde.tasks.crm_functions import CORE_ITEMS, TASKS, TECH_ITEMS
from crmlab.autograde.tasks.crm_functions_recon import RECON_COLUMNS, STAKE_COLUMNS

V_CUSTOMER_360 = """
CREATE VIEW v_customer_360 AS
WITH o AS (SELECT contact_id,
                  SUM(status <> 'cancelled') AS orders,
                  SUM(CASE WHEN status IN ('delivered', 'shipped') THEN amount ELSE 0 END) AS revenue
           FROM orders WHERE contact_id IS NOT NULL GROUP BY contact_id),
     k AS (SELECT contact_id, SUM(state = 'Open') AS open_cases FROM cases GROUP BY contact_id),
     t AS (SELECT contact_id, COUNT(*) AS calls FROM calls WHERE contact_id IS NOT NULL GROUP BY contact_id),
     w AS (SELECT account_id, SUM(amount) AS won_amount FROM opportunities
           WHERE sales_stage = 'Closed Won' GROUP BY account_id),
     seen AS (SELECT contact_id, MAX(at) AS last_contact FROM (
                  SELECT contact_id, order_ts AS at FROM orders
                  UNION ALL SELECT contact_id, opened_at FROM cases
                  UNION ALL SELECT contact_id, date_start FROM calls)
              WHERE contact_id IS NOT NULL GROUP BY contact_id)
SELECT c.contact_id, c.shop_id, c.name, c.email, c.customer_type,
       COALESCE(o.orders, 0) AS orders, COALESCE(o.revenue, 0) AS revenue,
       COALESCE(k.open_cases, 0) AS open_cases, COALESCE(t.calls, 0) AS calls,
       COALESCE(w.won_amount, 0) AS won_amount, seen.last_contact
FROM contacts AS c
LEFT JOIN o ON o.contact_id = c.contact_id
LEFT JOIN k ON k.contact_id = c.contact_id
LEFT JOIN t ON t.contact_id = c.contact_id
LEFT JOIN w ON w.account_id = c.contact_id
LEFT JOIN seen ON seen.contact_id = c.contact_id;
"""
TRIGGER_SQL = """
CREATE TRIGGER trg_opp_stage_audit
AFTER UPDATE OF sales_stage ON opportunities
FOR EACH ROW WHEN OLD.sales_stage IS NOT NEW.sales_stage
BEGIN
    INSERT INTO opportunity_stage_history (opportunity_id, from_stage, to_stage, changed_at)
    VALUES (NEW.opportunity_id, OLD.sales_stage, NEW.sales_stage, datetime('now'));
END;
"""
INDEX_SQL = """
CREATE INDEX idx_contacts_email ON contacts (lower(email));
CREATE INDEX idx_orders_contact_time ON orders (contact_id, order_ts);
"""

# ---- tasks 5-6: the reconciliation ----------------------------------------------------------------------------
Q_ERP_BY_REF = """
SELECT crm_ref, shop_id,
       ROUND(SUM(CASE WHEN status <> 'cancelled' THEN amount ELSE 0 END), 2) AS erp_amount,
       SUM(status = 'cancelled') AS n_cancelled,
       (SELECT COUNT(*) FROM (SELECT 1 FROM erp_invoices AS d
                              WHERE d.crm_ref = e.crm_ref AND d.shop_id = e.shop_id AND d.status <> 'cancelled'
                              GROUP BY d.invoice_date, ROUND(d.amount * 100) HAVING COUNT(*) > 1)) AS n_twins
FROM erp_invoices AS e GROUP BY crm_ref, shop_id
"""
Q_WON = ("SELECT opportunity_id AS crm_ref, shop_id, amount AS crm_amount FROM opportunities "
         "WHERE sales_stage = 'Closed Won'")


def reconcile(con, *, count_cancelled=False, duplicates=True, both_sides=True) -> pd.DataFrame:
    """The mismatches between won deals and the ERP's invoices, one row per reference and shop (each shop's ERP
    books in its own currency): [crm_ref, shop_id, issue, crm_amount, erp_amount]. Keywords: declared mistakes."""
    erp = pd.read_sql_query(Q_ERP_BY_REF if not count_cancelled else
                            Q_ERP_BY_REF.replace("CASE WHEN status <> 'cancelled' THEN amount ELSE 0 END", "amount")
                            .replace("SUM(status = 'cancelled')", "0"), con)
    won = pd.read_sql_query(Q_WON, con)
    both = won.merge(erp, on=["crm_ref", "shop_id"], how="outer", indicator=True)
    same = np.round(both["crm_amount"] * 100) == np.round(both["erp_amount"] * 100)
    more = both["erp_amount"] > both["crm_amount"]
    issue = np.select(
        [both["_merge"] == "right_only", both["_merge"] == "left_only", same,
         more & (both["n_twins"] > 0) & duplicates, ~more & (both["n_cancelled"] > 0)],
        ["orphan", "missing", "", "duplicate", "cancelled"], default="amount")
    out = both.assign(issue=issue, erp_amount=both["erp_amount"].fillna(0.0))
    out = out[out["issue"] != ""]
    if not both_sides:
        out = out[out["issue"] != "orphan"]
    return out[RECON_COLUMNS].sort_values(["crm_ref", "shop_id"]).reset_index(drop=True)


def at_stake(issues: pd.DataFrame, *, by_shop=True, sign=1.0) -> pd.DataFrame:
    """Per shop and kind: deals, and gap = Σ (ERP − CRM) with a missing CRM amount as 0."""
    gap = sign * (issues["erp_amount"] - issues["crm_amount"].fillna(0.0))
    df = issues.assign(gap=gap, shop_id=issues["shop_id"] if by_shop else "all")
    out = df.groupby(["shop_id", "issue"], as_index=False).agg(deals=("crm_ref", "size"), gap=("gap", "sum"))
    return out[STAKE_COLUMNS]


def _true_issues(w) -> pd.DataFrame:
    """truth.erp_issues per reference and shop: a deal's issue in the deal's shop; an orphan reference in each
    shop whose ERP carries it, with that shop's non-cancelled invoices (a mistyped id can reach two shops)."""
    t = w.truth.erp_issues
    e = w.erp_invoices
    books = (e.assign(erp_amount=e["amount"].where(e["status"] != "cancelled", 0.0))
             .groupby(["crm_ref", "shop_id"], as_index=False)["erp_amount"].sum())
    orphan = t[t["issue"] == "orphan"].drop(columns="erp_amount").merge(books, on="crm_ref")
    deals = t[t["issue"] != "orphan"]
    shop = w.opportunities.set_index("opportunity_id")["shop_id"]
    return pd.concat([deals.assign(shop_id=shop.reindex(deals["crm_ref"]).to_numpy()), orphan], ignore_index=True)


def _q5_truth(w, dq) -> dict:
    t = w.truth.erp_issues
    return {"issues": {"crm_ref": [str(x) for x in t["crm_ref"]], "issue": [str(x) for x in t["issue"]]}}


def _q6_truth(w, dq) -> dict:
    table = at_stake(_true_issues(w)).sort_values(["shop_id", "issue"])
    return {"stake": {c: table[c].tolist() for c in STAKE_COLUMNS}}


# ---- SOLUTIONS, TRUTH, MISTAKES ------------------------------------------------------------------------------
Q1_KEY = dict(zip(CORE_ITEMS, "DCFBEAGH", strict=True))
Q7_KEY = dict(zip(TECH_ITEMS, "ABCDEFG", strict=True))

SOLUTIONS = {
    "q1_test": lambda w, dq: {"answer": Q1_KEY},
    "q2_test": lambda w, dq: {"world": w, "view_sql": V_CUSTOMER_360},
    "q3_test": lambda w, dq: {"trigger_sql": TRIGGER_SQL},
    "q4_test": lambda w, dq: {"index_sql": INDEX_SQL},
    "q5_test": lambda w, dq: {"world": w, "reconcile": reconcile},
    "q6_test": lambda w, dq: {"world": w, "reconcile": reconcile, "at_stake": at_stake},
    "q7_test": lambda w, dq: {"answer": Q7_KEY},
}
TRUTH = {
    "q2_test": lambda w, dq: {"live": _live_want()},
    "q3_test": lambda w, dq: {"log": _log_want()},
    "q4_test": lambda w, dq: {"plans": _plans_want()},
    "q5_test": _q5_truth,
    "q6_test": _q6_truth,
}


def _live_want():
    from crmlab.autograde.tasks.crm_functions_examples import VIEW_PROBE_WANT

    return VIEW_PROBE_WANT


def _log_want():
    from crmlab.autograde.tasks.crm_functions_examples import TRIGGER_WANT

    return TRIGGER_WANT


def _plans_want():
    from crmlab.autograde.tasks.crm_functions_examples import INDEX_WANT

    return INDEX_WANT


_FANOUT = """
CREATE VIEW v_customer_360 AS
SELECT c.contact_id, COUNT(DISTINCT CASE WHEN o.status <> 'cancelled' THEN o.order_id END) AS orders,
       COALESCE(SUM(CASE WHEN o.status IN ('delivered', 'shipped') THEN o.amount END), 0) AS revenue,
       COUNT(DISTINCT CASE WHEN k.state = 'Open' THEN k.case_id END) AS open_cases,
       COUNT(DISTINCT t.call_id) AS calls,
       COALESCE((SELECT SUM(amount) FROM opportunities AS y WHERE y.account_id = c.contact_id
                 AND y.sales_stage = 'Closed Won'), 0) AS won_amount,
       (SELECT MAX(at) FROM (SELECT order_ts AS at FROM orders WHERE contact_id = c.contact_id
                             UNION ALL SELECT opened_at FROM cases WHERE contact_id = c.contact_id
                             UNION ALL SELECT date_start FROM calls WHERE contact_id = c.contact_id)) AS last_contact
FROM contacts AS c LEFT JOIN orders AS o ON o.contact_id = c.contact_id
LEFT JOIN cases AS k ON k.contact_id = c.contact_id LEFT JOIN calls AS t ON t.contact_id = c.contact_id
GROUP BY c.contact_id;
"""
_NULL_MAX = V_CUSTOMER_360.replace("seen.last_contact\n", "max(oo.last_o, kk.last_k, tt.last_t) AS last_contact\n") \
    .replace("LEFT JOIN seen ON seen.contact_id = c.contact_id;",
             "LEFT JOIN (SELECT contact_id, MAX(order_ts) AS last_o FROM orders GROUP BY contact_id) AS oo "
             "ON oo.contact_id = c.contact_id\n"
             "LEFT JOIN (SELECT contact_id, MAX(opened_at) AS last_k FROM cases GROUP BY contact_id) AS kk "
             "ON kk.contact_id = c.contact_id\n"
             "LEFT JOIN (SELECT contact_id, MAX(date_start) AS last_t FROM calls GROUP BY contact_id) AS tt "
             "ON tt.contact_id = c.contact_id;")
_INNER = V_CUSTOMER_360.replace("LEFT JOIN o ON", "JOIN o ON")
_SNAPSHOT = V_CUSTOMER_360.replace("CREATE VIEW v_customer_360 AS", "CREATE TABLE v_customer_360 AS")
_NO_WHEN = TRIGGER_SQL.replace("AFTER UPDATE OF sales_stage ON", "AFTER UPDATE ON") \
    .replace(" WHEN OLD.sales_stage IS NOT NEW.sales_stage", "")
_SWAPPED = TRIGGER_SQL.replace("OLD.sales_stage, NEW.sales_stage,", "NEW.sales_stage, OLD.sales_stage,")
assert len({V_CUSTOMER_360, _NULL_MAX, _INNER, _SNAPSHOT}) == 4 and len({TRIGGER_SQL, _NO_WHEN, _SWAPPED}) == 3


def _db(w, **kw) -> dict:
    return {"world": w, **kw}


MISTAKES = {
    ("q2_test", "fanout"): lambda w, dq: _db(w, view_sql=_FANOUT),
    ("q2_test", "inner_join"): lambda w, dq: _db(w, view_sql=_INNER),
    ("q2_test", "null_max"): lambda w, dq: _db(w, view_sql=_NULL_MAX),
    ("q2_test", "snapshot"): lambda w, dq: _db(w, view_sql=_SNAPSHOT),
    ("q3_test", "no_when"): lambda w, dq: {"trigger_sql": _NO_WHEN},
    ("q3_test", "swapped"): lambda w, dq: {"trigger_sql": _SWAPPED},
    ("q4_test", "plain_email"): lambda w, dq: {"index_sql": INDEX_SQL.replace("(lower(email))", "(email)")},
    ("q4_test", "sorted"): lambda w, dq: {"index_sql": INDEX_SQL.replace("(contact_id, order_ts)", "(contact_id)")},
    ("q5_test", "cancelled_counted"): lambda w, dq: _db(w, reconcile=lambda con: reconcile(con, count_cancelled=True)),
    ("q5_test", "no_duplicates"): lambda w, dq: _db(w, reconcile=lambda con: reconcile(con, duplicates=False)),
    ("q5_test", "one_side"): lambda w, dq: _db(w, reconcile=lambda con: reconcile(con, both_sides=False)),
    ("q6_test", "currencies_mixed"): lambda w, dq: _db(w, reconcile=reconcile,
                                                       at_stake=lambda t: at_stake(t, by_shop=False)),
    ("q6_test", "sign"): lambda w, dq: _db(w, reconcile=reconcile, at_stake=lambda t: at_stake(t, sign=-1.0)),
}


# ---- figures quoted by the prose -----------------------------------------------------------------------------
def _won(w) -> pd.DataFrame:
    return w.opportunities[w.opportunities["sales_stage"] == "Closed Won"]


def _share_three_tables(w, dq) -> float:
    """Share of customers with at least one order, one case and one call (what only a 360 view puts together)."""
    c = w.customers["customer_id"]
    has = c.isin(w.orders["customer_id"]) & c.isin(w.tickets["customer_id"]) & c.isin(w.calls["customer_id"])
    return float(has.mean())


FIGURES = {
    "three_tables": Figure(_share_three_tables, "customers with an order, a case and a call"),
    "won_deals": Figure(lambda w, dq: float(len(_won(w))), "won deals (Closed Won) the ERP should invoice"),
    "issue_share": Figure(lambda w, dq: float(w.truth.erp_issues["crm_ref"].isin(_won(w)["opportunity_id"]).sum()
                                              / len(_won(w))), "won deals with a true reconciliation issue"),
}


def expected(world, *, dq_world=None) -> dict:
    """Expected answers ``{grade_id: {answer: value}}`` of notebook 08 for the student of this FULL world."""
    from crmlab.autograde.verdict import expected_answers

    return expected_answers(TASKS, SOLUTIONS, TRUTH, world, dq_world)
