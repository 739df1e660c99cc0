"""Instructor-only half of notebook 02's tasks (:mod:`autograde.tasks.positioning` is the public half).

``SOLUTIONS[grade_id](world, world_dq)`` gives a correct solution's objects, ``TRUTH`` the answers graded
against the hidden truth, ``MISTAKES[(grade_id, name)]`` the objects of a student making a declared mistake,
``FIGURES`` the numbers the prose quotes (measured by ``crmlab course measure 02_customer_positioning`` into
``measured.json``). The grader calls :func:`expected` with the student's FULL world (truth included). The code
is written independently of the notebook's solutions (lexsort and integer rank arithmetic instead of
``sort_values``/``cumsum`` bookkeeping, a lookup on M+A+N counts, the simulator's own word lists for the MAN
flags). Never copied into ``source/`` or ``release/``; never visible to a grading kernel.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
from crmlab.autograde.measure import Figure
from crmlab.autograde.tasks.positioning import (  # documented there
    RULE_SHARE,
    TASKS,
    TOP_SHARE,
)
from crmlab.autograde.tasks.positioning_checks import OPEN_STATUSES
from crmlab.simulator.data import sales_words

VALID_STATUSES = ("delivered", "shipped")  # 有效订单 valid orders, as stated in the notebook
HORIZON_END = pd.Timestamp("2026-01-01")  # end of the default simulated horizon
PYRAMID_CUTS = (0.05, 0.20, 0.50)  # cumulative rank cuts Platinum / Gold / Iron, floor(cut × n)
TIER_NAMES = ("Platinum", "Gold", "Iron", "Lead")
TIER_SHARES = (0.05, 0.15, 0.30, 0.50)  # the tiers' own shares (only the not-cumulative mistake uses them)
MAN_NAMES = ("drop", "cultivate", "contact", "ideal")  # indexed by how many of M, A, N hold
DECISION_TITLES = {t for titles in sales_words.DECISION_TITLES.values() for t in titles}
CONCRETE_NEEDS = {t for needs in sales_words.CONCRETE_NEEDS.values() for t in needs}
RELATION_KEY = {"瓶装水": "A", "家用空调": "B", "汽车发动机": "E", "医学影像设备": "D", "办公耗材": "C"}

# Tasks 8 and 9 are graded against the hidden truth with a pass mark per student: RULE_SHARE (0.95) of an
# instructor's baseline on the same data, never a fixed number (the recovery studies, 200 seeds, and the
# figures quoted to students are in measured.json; FIGURES below says what each is).
#   task 8 (precision@10 % against the true top decile of true_clv): baseline = revenue of the last 365 days;
#     the score must also beat plain historical revenue. Solution: gross margin × exp(−days since last/180).
#   task 9 (balanced accuracy of "already lost" over the A class against alive_at_end): baseline = "no valid
#     order in the last 180 days". Solution: a gap rule per customer (see is_lost).
BASELINE_DAYS_SCORE = 365
BASELINE_DAYS_LOST = 180
DECAY_DAYS = 180
GAP_FACTOR, GAP_FLOOR_DAYS, ONE_ORDER_DAYS = 3.0, 60, 180


def _valid(orders: pd.DataFrame) -> pd.DataFrame:
    keep = orders["status"].isin(VALID_STATUSES).to_numpy() & (orders["customer_id"] != "").to_numpy()
    return orders.loc[keep]


def order_revenue(orders: pd.DataFrame, *, with_duty: bool = False) -> pd.Series:
    """CNY revenue of each order: (order_total − duty_tax) × fx (``with_duty`` builds the declared mistake)."""
    net = orders["order_total"].to_numpy(dtype=float)
    if not with_duty:
        net = net - orders["duty_tax"].to_numpy(dtype=float)
    return pd.Series(net * orders["fx_rate_to_cny"].to_numpy(dtype=float), index=orders.index)


def _per_customer(values: np.ndarray, who: np.ndarray, customers: pd.DataFrame) -> pd.Series:
    ids = customers["customer_id"].to_numpy(dtype=object)
    total = pd.Series(values, index=who).groupby(level=0).sum().reindex(ids).fillna(0.0)
    return pd.Series(total.to_numpy(dtype=float), index=pd.Index(ids, name="customer_id"))


def revenue_cny(customers: pd.DataFrame, orders: pd.DataFrame, *, since=None, with_duty: bool = False) -> pd.Series:
    """CNY revenue (duty excluded) per customer, every customer (0 without valid orders); only orders >= since."""
    v = _valid(orders)
    if since is not None:
        v = v.loc[(v["order_ts"] >= since).to_numpy()]
    return _per_customer(order_revenue(v, with_duty=with_duty).to_numpy(), v["customer_id"].to_numpy(), customers)


def _order_margin(orders: pd.DataFrame, items: pd.DataFrame) -> np.ndarray:
    cost = (items["quantity"].to_numpy(dtype=float) * items["unit_cost"].to_numpy(dtype=float))
    cost_per_order = pd.Series(cost, index=items["order_id"].to_numpy()).groupby(level=0).sum()
    order_cost = cost_per_order.reindex(orders["order_id"].to_numpy()).fillna(0.0).to_numpy()
    margin = orders["items_subtotal"].to_numpy(dtype=float) - orders["discount"].to_numpy(dtype=float) - order_cost
    return margin * orders["fx_rate_to_cny"].to_numpy(dtype=float)


def profit_cny(customers: pd.DataFrame, orders: pd.DataFrame, items: pd.DataFrame) -> pd.Series:
    """Gross profit per customer in CNY: (items_subtotal − discount − Σ quantity × unit_cost) × fx."""
    v = _valid(orders)
    return _per_customer(_order_margin(v, items), v["customer_id"].to_numpy(), customers)


def _rank_order(values: pd.Series) -> np.ndarray:
    """Positions sorting ``values`` descending, ties by index (customer_id) ascending."""
    return np.lexsort((values.index.to_numpy(dtype=object).astype(str), -values.to_numpy(dtype=float)))


def abc(revenue: pd.Series, *, before: bool = True, rounding: bool = True,
        tie_ascending: bool = True) -> pd.DataFrame:
    """[customer_id, revenue, cum_share, abc_class] by the share of revenue ranked strictly before each row.

    ``before``, ``rounding`` and ``tie_ascending`` exist to build the declared mistakes (MISTAKES).
    """
    if tie_ascending:
        order = _rank_order(revenue)
    else:
        id_rank = np.unique(revenue.index.to_numpy(dtype=object).astype(str), return_inverse=True)[1]
        order = np.lexsort((-id_rank, -revenue.to_numpy(dtype=float)))  # ties by customer_id descending
    rev = revenue.to_numpy(dtype=float)[order]
    cum = np.cumsum(rev) / rev.sum()
    cum = np.round(cum, 10) if rounding else cum
    share = np.concatenate([[0.0], cum[:-1]]) if before else cum
    cls = np.select([share < 0.80, share < 0.95], ["A", "B"], default="C")
    return pd.DataFrame({"customer_id": revenue.index.to_numpy(dtype=object)[order].astype(str), "revenue": rev,
                         "cum_share": cum, "abc_class": cls})


def pyramid(profit: pd.Series, *, cut=np.floor, cumulative: bool = True, ascending: bool = False) -> pd.DataFrame:
    """[tier, n, profit, profit_share]: tiers by rank with cumulative cuts floor(cut × n).

    ``cut``, ``cumulative`` and ``ascending`` exist to build the declared mistakes (MISTAKES).
    """
    order = _rank_order(-profit if ascending else profit)
    p = profit.to_numpy(dtype=float)[order]
    n = len(p)
    if cumulative:
        inner = [int(cut(c * n)) for c in PYRAMID_CUTS]
    else:  # each tier its own share of n: 5 %, 15 %, 30 %
        inner = np.cumsum([int(cut(c * n)) for c in TIER_SHARES[:3]]).tolist()
    bounds = [0, *inner, n]
    sums = np.array([p[lo:hi].sum() for lo, hi in itertools.pairwise(bounds)])
    return pd.DataFrame({"tier": list(TIER_NAMES), "n": np.diff(bounds), "profit": sums,
                         "profit_share": sums / p.sum()})


# ---- task 5: the ideal-point model ----------------------------------------------------------------------
def ideal_rank(options: pd.DataFrame, ideal, weights, *, normalise: bool = True,
               descending: bool = False) -> pd.DataFrame:
    """[option, distance, rank]: weighted distance to the ideal point, rank 1 nearest, ties by option name."""
    w = np.asarray(weights, dtype=float)
    w = w / w.sum() if normalise else w
    d = np.sqrt((((options.to_numpy(dtype=float) - np.asarray(ideal, dtype=float)) ** 2) * w).sum(axis=1))
    d = np.round(d, 10)  # the stated rounding, so that ties are ties whatever the summation order
    names = options.index.to_numpy(dtype=object).astype(str)
    order = np.lexsort((names, -d if descending else d))
    return pd.DataFrame({"option": names[order], "distance": d[order], "rank": np.arange(1, len(d) + 1)})


def move(options: pd.DataFrame, brand, ideal, weights, step, *, rule: str = "best"):
    """The attribute whose move of up to ``step`` toward the ideal cuts the brand's d most (first on ties;
    None if nothing helps). ``rule`` = "largest_weight" / "overshoot" builds the declared mistakes."""
    gap = np.abs(options.loc[brand].to_numpy(dtype=float) - np.asarray(ideal, dtype=float))
    w = np.asarray(weights, dtype=float)
    if rule == "largest_weight":
        gain = np.where(gap > 0, w, 0.0)
    else:
        left = np.abs(gap - step) if rule == "overshoot" else np.maximum(gap - step, 0.0)
        gain = w * (gap ** 2 - left ** 2)
    k = int(np.argmax(gain))
    return str(options.columns[k]) if gain[k] > 1e-12 else None


# ---- tasks 6 and 7: MAN ---------------------------------------------------------------------------------
def man_flags(leads: pd.DataFrame, threshold, *, cny: bool = False, strict: bool = False) -> pd.DataFrame:
    """[lead_id, money, authority, need] from budget, job title and stated need (the simulator's word lists)."""
    cut = np.full(len(leads), 50_000.0) if cny else leads["shop_id"].map(dict(threshold)).to_numpy(dtype=float)
    budget = leads["budget"].to_numpy(dtype=float)
    money = (budget > cut) if strict else (budget >= cut)
    return pd.DataFrame({"lead_id": leads["lead_id"].to_numpy(), "money": money & (budget > 0),
                         "authority": leads["job_title"].isin(DECISION_TITLES).to_numpy(),
                         "need": leads["stated_need"].isin(CONCRETE_NEEDS).to_numpy()})


def man_label(money, authority, need, *, identity: bool = False) -> str:
    """The MAN label by how many of M, A, N hold; ``identity=True`` (``x is True``) builds the declared mistake."""
    flags = (money, authority, need)
    held = sum(f is True for f in flags) if identity else sum(bool(f) for f in flags)
    return MAN_NAMES[held]


def man_table(leads: pd.DataFrame, *, closed_only: bool = True) -> pd.DataFrame:
    """[man_class, n, n_closed, converted, conversion_rate] for ideal, contact, cultivate, drop."""
    count = (leads["man_money"].to_numpy(dtype=int) + leads["man_authority"].to_numpy(dtype=int)
             + leads["man_need"].to_numpy(dtype=int))
    closed = ~leads["status"].isin(OPEN_STATUSES).to_numpy()
    n = np.bincount(count, minlength=4)[::-1]
    n_closed = np.bincount(count, weights=closed, minlength=4)[::-1].astype(int)
    c = np.bincount(count, weights=leads["converted"].to_numpy(dtype=int), minlength=4)[::-1].astype(int)
    return pd.DataFrame({"man_class": list(MAN_NAMES[::-1]), "n": n, "n_closed": n_closed, "converted": c,
                         "conversion_rate": c / np.maximum(n_closed if closed_only else n, 1)})


# ---- tasks 8 and 9: the future, graded against the truth ------------------------------------------------
def true_value_cny(world) -> pd.Series:
    """truth.customers.true_clv (shop currency) in CNY at each shop's last order-day rate, by customer_id."""
    orders = world.orders
    last = orders.iloc[np.lexsort((orders["order_ts"].to_numpy(), orders["shop_id"].to_numpy(dtype=object)))]
    fx = last.groupby("shop_id")["fx_rate_to_cny"].last()
    shop = world.customers.set_index("customer_id")["shop_id"]
    clv = world.truth.customers.set_index("customer_id")["true_clv"].reindex(shop.index)
    return clv * shop.map(fx)


def top_ids(score: pd.Series, share: float = TOP_SHARE) -> list[str]:
    """customer_ids of the top floor(share × n) of ``score`` (descending, ties by customer_id)."""
    k = int(np.floor(share * len(score)))
    return [str(x) for x in score.index.to_numpy(dtype=object)[_rank_order(score)][:k]]


def precision_at(score: pd.Series, truth_top: list[str]) -> float:
    """Share of the score's top-k customers (k = len(truth_top)) that are in ``truth_top``."""
    mine = score.index.to_numpy(dtype=object)[_rank_order(score.astype(float))][:len(truth_top)].astype(str)
    return len(set(mine) & set(truth_top)) / len(truth_top)


def _days_since_last(customers, orders, asof) -> pd.Series:
    last = _valid(orders).groupby("customer_id")["order_ts"].max()
    days = (asof - last.reindex(customers["customer_id"].to_numpy())).dt.days
    return days.fillna(100_000).set_axis(pd.Index(customers["customer_id"].to_numpy(), name="customer_id"))


def potential(customers, orders, items, asof, *, with_orders_only: bool = False) -> pd.Series:
    """Gross margin (CNY) × exp(−days since the last valid order / DECAY_DAYS), every customer."""
    v = _valid(orders)
    margin = _per_customer(_order_margin(v, items), v["customer_id"].to_numpy(), customers)
    score = margin * np.exp(-_days_since_last(customers, orders, asof) / DECAY_DAYS)
    return score[score.index.isin(set(v["customer_id"]))] if with_orders_only else score


def is_lost(customers, orders, asof, *, flipped: bool = False) -> pd.Series:
    """Lost when the days since the last valid order exceed GAP_FACTOR × the customer's own mean gap (at least
    GAP_FLOOR_DAYS), or ONE_ORDER_DAYS for one order; customers without valid orders are not judged (False)."""
    v = _valid(orders)
    g = v.groupby("customer_id")["order_ts"]
    ids = customers["customer_id"].to_numpy()
    n = g.size().reindex(ids)
    span = (g.max() - g.min()).dt.days.reindex(ids)
    gap = (span / (n - 1)).where(n > 1)
    limit = np.where(gap.isna(), ONE_ORDER_DAYS, np.maximum(GAP_FACTOR * gap.fillna(0.0), GAP_FLOOR_DAYS))
    days = _days_since_last(customers, orders, asof).to_numpy()
    lost = (days > limit) & n.notna().to_numpy()
    return pd.Series(~lost if flipped else lost, index=pd.Index(ids, name="customer_id"))


def lost_baseline(customers, orders, asof) -> pd.Series:
    """The instructor's baseline for task 9: no valid order in the last BASELINE_DAYS_LOST days."""
    days = _days_since_last(customers, orders, asof)
    return (days > BASELINE_DAYS_LOST) & (days < 100_000)


def balanced_accuracy(flags: pd.Series, population, lost) -> float:
    mine = set(flags.index[flags.to_numpy(dtype=bool)]) & set(population)
    lost, population = set(lost), set(population)
    return (len(mine & lost) / len(lost) + len((population - lost) - mine) / len(population - lost)) / 2


def _a_class(w) -> list[str]:
    table = abc(revenue_cny(w.customers, w.orders))
    return table.loc[table["abc_class"] == "A", "customer_id"].tolist()


def _truly_lost(w, population) -> list[str]:
    alive = w.truth.customers.set_index("customer_id")["alive_at_end"]
    return [c for c in population if not bool(alive.get(c, True))]


def _q8_truth(w) -> dict:
    top = top_ids(true_value_cny(w))
    baseline = revenue_cny(w.customers, w.orders, since=HORIZON_END - pd.Timedelta(days=BASELINE_DAYS_SCORE))
    return {"top_ids": {"true_top": top, "mark": RULE_SHARE * precision_at(baseline, top),
                        "hist": precision_at(revenue_cny(w.customers, w.orders), top)}}


def _q9_truth(w) -> dict:
    population = _a_class(w)
    lost = _truly_lost(w, population)
    base = balanced_accuracy(lost_baseline(w.customers, w.orders, HORIZON_END), population, lost)
    return {"lost_ids": {"population": population, "lost": lost, "mark": RULE_SHARE * base}}


# ---- figures quoted in the prose ------------------------------------------------------------------------
_MEMO: dict = {}


def _facts(w) -> dict:
    """Everything the figures need, computed once per world."""
    if _MEMO.get("world") is w:
        return _MEMO["facts"]
    v = _valid(w.orders)
    cross = v[v["duty_tax"].to_numpy() > 0]
    a_ids = _a_class(w)
    top = top_ids(true_value_cny(w))
    lost = _truly_lost(w, a_ids)
    table = man_table(w.leads)
    pyr = pyramid(profit_cny(w.customers, w.orders, w.order_items))
    facts = {
        "a_share_customers": len(a_ids) / len(w.customers),
        "duty_share": float((cross["duty_tax"] / cross["order_total"]).mean()) if len(cross) else 0.0,
        "platinum_profit_share": float(pyr["profit_share"].iloc[0]),
        "open_leads_share": float(w.leads["status"].isin(OPEN_STATUSES).mean()),
        "conv_all": float(table["converted"].sum() / table["n"].sum()),
        "conv_closed": float(table["converted"].sum() / table["n_closed"].sum()),
        "a_top_share": len(set(top) & set(a_ids)) / len(top),
        "a_lost_share": len(lost) / len(a_ids),
        "prec_hist": precision_at(revenue_cny(w.customers, w.orders), top),
        "prec_baseline": _q8_truth(w)["top_ids"]["mark"] / RULE_SHARE,
        "lost_baseline": _q9_truth(w)["lost_ids"]["mark"] / RULE_SHARE,
    }
    _MEMO.update(world=w, facts=facts)
    return facts


_FIGURE_DOCS = {
    "a_share_customers": "share of customers in ABC class A (revenue excluding duty)",
    "duty_share": "import duty and tax as a share of order_total, valid orders that carry duty",
    "platinum_profit_share": "the Platinum tier's share of gross profit",
    "open_leads_share": "share of leads still open (New, Assigned, In Process)",
    "conv_all": "converted leads / all leads (open ones counted as failures)",
    "conv_closed": "converted leads / closed leads",
    "a_top_share": "share of the true top decile (true_clv) that is in ABC class A",
    "a_lost_share": "share of ABC class A already lost at the horizon (truth: not alive_at_end)",
    "prec_hist": "task 8: precision@10% of historical revenue against the true top decile",
    "prec_baseline": "task 8: precision@10% of the instructor's baseline (revenue of the last 365 days)",
    "lost_baseline": "task 9: balanced accuracy over class A of the instructor's baseline (no order in 180 days)",
}
FIGURES = {name: Figure(lambda w, dq, name=name: _facts(w)[name], doc) for name, doc in _FIGURE_DOCS.items()}


# ---- the instructor's half of the tasks -----------------------------------------------------------------
LECTURE_VALUE_KEYS = ("product", "service", "personnel", "image")
LECTURE_COST_KEYS = ("monetary", "time", "energy", "psychic")


def cdv(values: dict, costs: dict, *, keys: bool = False, first_only: bool = False, reversed_: bool = False,
        ratio_inverted: bool = False) -> tuple[float, float]:
    """(TCV − TCC, TCV / TCC) with exact summation; the keywords build the declared mistakes (MISTAKES)."""
    if first_only:
        tcv, tcc = float(next(iter(values.values()))), float(next(iter(costs.values())))
    elif keys:  # the lecture's four component names written into the code
        tcv = math.fsum(values.get(k, 0.0) for k in LECTURE_VALUE_KEYS)
        tcc = math.fsum(costs.get(k, 0.0) for k in LECTURE_COST_KEYS)
    else:
        tcv, tcc = math.fsum(values.values()), math.fsum(costs.values())
    return (tcc - tcv if reversed_ else tcv - tcc), (tcc / tcv if ratio_inverted else tcv / tcc)


def _cdv(**kwargs):
    return {"cdv": lambda values, costs: cdv(values, costs, **kwargs)}


def _q3(w, *, with_duty: bool = False, **kwargs) -> dict:
    table = abc(revenue_cny(w.customers, w.orders, with_duty=with_duty), **kwargs)
    counts = table["abc_class"].value_counts()
    return {"world": w, "order_revenue": lambda orders: order_revenue(orders, with_duty=with_duty),
            "abc_classify": lambda revenue: abc(revenue, **kwargs), "abc": table,
            "abc_counts": {k: int(counts.get(k, 0)) for k in ("A", "B", "C")}}


def order_profit(orders: pd.DataFrame, items: pd.DataFrame) -> pd.Series:
    """Gross profit of each order in CNY (the notebook's order_profit)."""
    return pd.Series(_order_margin(orders, items), index=orders.index)


def _q4(w, **kwargs) -> dict:
    return {"world": w, "order_profit": order_profit, "customer_pyramid": lambda profit: pyramid(profit, **kwargs),
            "pyramid": pyramid(profit_cny(w.customers, w.orders, w.order_items), **kwargs)}


def _q5(w, *, rule: str = "best", **kwargs) -> dict:
    return {"world": w, "ideal_point_rank": lambda o, i, wt: ideal_rank(o, i, wt, **kwargs),
            "best_move": lambda o, b, i, wt, s: move(o, b, i, wt, s, rule=rule)}


def _q6(w, **kwargs) -> dict:
    return {"world": w, "man_flags": lambda leads, threshold: man_flags(leads, threshold, **kwargs)}


def _q7(w, *, identity: bool = False, closed_only: bool = True) -> dict:
    return {"world": w, "man_class": lambda m, a, n: man_label(m, a, n, identity=identity),
            "man_table": man_table(w.leads, closed_only=closed_only)}


SOLUTIONS = {
    "q1_test": lambda w, dq: {"answer": dict(RELATION_KEY)},
    "q2_test": lambda w, dq: {"world": w, **_cdv()},
    "q3_test": lambda w, dq: _q3(w),
    "q4_test": lambda w, dq: _q4(w),
    "q5_test": lambda w, dq: _q5(w),
    "q6_test": lambda w, dq: _q6(w),
    "q7_test": lambda w, dq: _q7(w),
    "q8_test": lambda w, dq: {"world": w, "potential": potential},
    "q9_test": lambda w, dq: {"world": w, "is_lost": is_lost},
}
TRUTH = {
    "q8_test": lambda w, dq: _q8_truth(w),
    "q9_test": lambda w, dq: _q9_truth(w),
}
MISTAKES = {
    ("q2_test", "reversed"): lambda w, dq: {"world": w, **_cdv(reversed_=True)},
    ("q2_test", "first_only"): lambda w, dq: {"world": w, **_cdv(first_only=True)},
    ("q2_test", "ratio_inverted"): lambda w, dq: {"world": w, **_cdv(ratio_inverted=True)},
    ("q2_test", "fixed_keys"): lambda w, dq: {"world": w, **_cdv(keys=True)},
    ("q3_test", "with_duty"): lambda w, dq: _q3(w, with_duty=True),
    ("q3_test", "share_including"): lambda w, dq: _q3(w, before=False),
    ("q3_test", "tie_descending"): lambda w, dq: _q3(w, tie_ascending=False),
    ("q3_test", "no_rounding"): lambda w, dq: _q3(w, rounding=False),
    ("q4_test", "rounded_cuts"): lambda w, dq: _q4(w, cut=round),
    ("q4_test", "not_cumulative"): lambda w, dq: _q4(w, cumulative=False),
    ("q4_test", "ascending"): lambda w, dq: _q4(w, ascending=True),
    ("q5_test", "unnormalised"): lambda w, dq: _q5(w, normalise=False),
    ("q5_test", "descending"): lambda w, dq: _q5(w, descending=True),
    ("q5_test", "largest_weight"): lambda w, dq: _q5(w, rule="largest_weight"),
    ("q5_test", "overshoot"): lambda w, dq: _q5(w, rule="overshoot"),
    ("q6_test", "cny_threshold"): lambda w, dq: _q6(w, cny=True),
    ("q6_test", "strict"): lambda w, dq: _q6(w, strict=True),
    # the notebook's groupby/itertuples route hands man_class Python bools, so the table is still right
    ("q7_test", "is_true"): lambda w, dq: _q7(w, identity=True),
    ("q7_test", "all_leads"): lambda w, dq: _q7(w, closed_only=False),
    ("q8_test", "missing_customers"): lambda w, dq: {
        "world": w, "potential": lambda c, o, i, a: potential(c, o, i, a, with_orders_only=True)},
    ("q9_test", "flipped"): lambda w, dq: {"world": w, "is_lost": lambda c, o, a: is_lost(c, o, a, flipped=True)},
}


def expected(world, *, dq_world=None) -> dict:
    """Expected answers ``{grade_id: {answer: value}}`` of notebook 02 for the student of this FULL world.

    Notebook 02 uses the default world only; ``dq_world`` is accepted for the grader's uniform call and unused.
    """
    from crmlab.autograde.verdict import expected_answers

    return expected_answers(TASKS, SOLUTIONS, TRUTH, world, dq_world)
