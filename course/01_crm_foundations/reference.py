"""Instructor-only half of notebook 01's tasks (:mod:`autograde.tasks.foundations` is the public half).

``SOLUTIONS[grade_id](world, world_dq)`` gives a correct solution's objects, ``TRUTH`` the answers graded
against the hidden truth, ``MISTAKES[(grade_id, name)]`` the objects of a student making a declared mistake.
The grader calls :func:`expected` with the student's FULL worlds (truth included). The code is written
independently of the notebook's solutions where possible (lexsort instead of ``sort_values``, a sparse
graph's connected components instead of label propagation). Never copied into ``source/`` or ``release/``;
never visible to a grading kernel.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from crmlab.autograde.tasks.foundations import RTOL_DUP_SHARE, RTOL_PERSONS, TASKS  # noqa: F401 - tolerances documented there
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

VALID_STATUSES = ("delivered", "shipped")  # 有效订单 valid orders, as stated in the notebook
YEAR = 2025  # the year task 2 measures A and r in (the default horizon is 2024-01-01 .. 2026-01-01)
PHONE_DIGITS = 9  # normalised phone = last 9 digits; fewer digits -> missing



def _valid(orders: pd.DataFrame, statuses=VALID_STATUSES) -> pd.DataFrame:
    keep = orders["status"].isin(statuses).to_numpy() & (orders["customer_id"] != "").to_numpy()
    return orders.loc[keep]


def _revenue_cny(orders: pd.DataFrame, statuses=VALID_STATUSES, fx: bool = True) -> pd.Series:
    """CNY revenue per customer_id over valid orders (order_total × fx_rate_to_cny)."""
    v = _valid(orders, statuses)
    rate = v["fx_rate_to_cny"].to_numpy(dtype=float) if fx else 1.0
    amount = v["order_total"].to_numpy(dtype=float) * rate
    return pd.Series(amount, index=v["customer_id"].to_numpy()).groupby(level=0).sum()


def leaky_bucket(N0: float, A: float, r: float, T: int) -> np.ndarray:
    """Closed form N_t = r^t N0 + A (1 - r^t)/(1 - r) for t = 0..T (A t when r = 1)."""
    t = np.arange(T + 1, dtype=float)
    grow = A * t if r == 1 else A * (1 - r ** t) / (1 - r)
    return r ** t * N0 + grow


def acquisition_retention(customers: pd.DataFrame, orders: pd.DataFrame, year: int = YEAR, *,
                          statuses=VALID_STATUSES, last_start: int = 11, pooled: bool = True) -> tuple[float, float]:
    """A = signups in ``year`` / 12; r = pooled share of month-m actives active in m+1, m = Jan..Nov.

    ``statuses``, ``last_start`` and ``pooled`` exist to build the declared mistakes (MISTAKES).
    """
    A = float(np.count_nonzero(customers["signup_date"].dt.year.to_numpy() == year)) / 12.0
    v = _valid(orders, statuses)
    ts = v["order_ts"]
    in_year = (ts.dt.year == year).to_numpy()
    codes, _ = pd.factorize(v["customer_id"].to_numpy()[in_year])
    month = ts.dt.month.to_numpy()[in_year]
    active = np.unique(codes.astype(np.int64) * 16 + month)  # one entry per (customer, month)
    base = active[active % 16 <= last_start]
    kept = np.isin(base + 1, active)
    if pooled:
        return A, float(kept.sum()) / float(len(base))
    by_month = pd.DataFrame({"m": base % 16, "kept": kept}).groupby("m")["kept"].mean()
    return A, float(by_month.mean())


def pareto(customers: pd.DataFrame, orders: pd.DataFrame, *, statuses=VALID_STATUSES, fx: bool = True) -> pd.DataFrame:
    """[customer_id, revenue, cum_share, rank_pct]: revenue desc, ties by customer_id asc, zeros included."""
    ids = customers["customer_id"].to_numpy(dtype=object)
    rev = _revenue_cny(orders, statuses, fx).reindex(ids).fillna(0.0).to_numpy(dtype=float)
    order = np.lexsort((ids, -rev))
    rev_sorted = rev[order]
    n = len(ids)
    return pd.DataFrame({"customer_id": ids[order].astype(str), "revenue": rev_sorted,
                         "cum_share": np.cumsum(rev_sorted) / rev_sorted.sum(),
                         "rank_pct": np.arange(1, n + 1) / n})


def gini(values) -> float:
    """Gini via the mean absolute difference form G = Σ_i Σ_j |x_i − x_j| / (2 n² mean), O(n log n)."""
    x = np.sort(np.asarray(values, dtype=float))
    n, total = len(x), x.sum()
    if total == 0:
        return 0.0
    # Σ_i Σ_j |x_i - x_j| = 2 Σ_i (2i - n - 1) x_(i) with i = 1..n
    return float(2 * np.sum((2 * np.arange(1, n + 1) - n - 1) * x) / (2 * n * total))


def norm_email(s: pd.Series) -> pd.Series:
    """strip surrounding whitespace, lower-case; missing -> ''."""
    return s.astype(object).where(s.notna(), "").astype(str).str.strip().str.lower()


def norm_phone(s: pd.Series) -> pd.Series:
    """digits only, the last 9 of them; '' if fewer than 9 digits."""
    digits = s.fillna("").astype(str).str.replace(r"[^0-9]", "", regex=True)
    return digits.str.slice(-PHONE_DIGITS).mask(digits.str.len() < PHONE_DIGITS, "")


def persons(customers: pd.DataFrame, *, phone: bool = True, link_empty: bool = False) -> np.ndarray:
    """Component id per record: linked by equal non-empty normalised e-mail or phone (transitively).

    ``phone=False`` and ``link_empty=True`` build the declared mistakes (MISTAKES).
    """
    n = len(customers)
    rows, cols = [], []
    keys = [(n, norm_email(customers["email"]))] + ([(2 * n, norm_phone(customers["phone"]))] if phone else [])
    # bipartite graph: record i -- e-mail value node (offset n) and record i -- phone value node (offset 2n)
    for offset, key in keys:
        values = key.to_numpy(dtype=object)
        codes, _ = pd.factorize(values)
        has = np.flatnonzero(values != "") if not link_empty else np.arange(n)
        rows.append(has)
        cols.append(offset + codes[has])
    r, c = np.concatenate(rows), np.concatenate(cols)
    graph = coo_matrix((np.ones(len(r)), (r, c)), shape=(3 * n, 3 * n))
    _, labels = connected_components(graph, directed=False)
    return labels[:n]


def duplicate_revenue_share(customers: pd.DataFrame, orders: pd.DataFrame, person: np.ndarray) -> float:
    """Share of valid-order CNY revenue (orders with a customer_id) of persons with >= 2 customer records."""
    size = np.bincount(person)[person]
    dup_ids = customers["customer_id"].to_numpy(dtype=object)[size > 1]
    rev = _revenue_cny(orders)
    return float(rev[rev.index.isin(dup_ids)].sum() / rev.sum())


def _world_pair(world):
    """(clean world, data-quality world) of the same configuration; the missing one is regenerated."""
    from crmlab import simulator
    config = dict(world.truth.params["config"])
    dq = bool(config.pop("data_quality"))
    other = simulator.simulate(**config, data_quality=not dq)
    return (other, world) if dq else (world, other)


def _true_persons(world_dq) -> np.ndarray:
    person = (world_dq.truth.customers.set_index("customer_id")["person_id"]
              .reindex(world_dq.customers["customer_id"]).to_numpy())
    return pd.factorize(person)[0]


def _labels(**kwargs):
    """A ``link_persons`` function from :func:`persons` with ``kwargs``."""
    return lambda c: pd.Series(persons(c, **kwargs), index=c.index)


def _bucket(*, add_first: bool = False):
    def customer_base(N0, A, r, T):
        if not add_first:
            return leaky_bucket(N0, A, r, T)
        out = [float(N0)]
        for _ in range(T):
            out.append(r * (out[-1] + A))
        return np.asarray(out)
    return customer_base


def _q2(w, **kwargs) -> dict:
    A, r = acquisition_retention(w.customers, w.orders, **kwargs)
    return {"world": w, "acquisition_retention": lambda c, o, year=YEAR: acquisition_retention(c, o, year, **kwargs),
            "A": A, "r": r, "N_star": A / (1 - r)}


def _q3(w, **kwargs) -> dict:
    table = pareto(w.customers, w.orders, **kwargs)
    k = max(1, int(np.floor(0.2 * len(table))))
    return {"world": w, "pareto": table, "top20_share": float(table["cum_share"].iloc[k - 1]),
            "pareto_table": lambda o, c: pareto(c, o, **kwargs)}


def _gini_desc(values) -> float:
    return -gini(values)


def _q6(dq, **kwargs) -> dict:
    return {"world_dq": dq, "link_persons": _labels(**kwargs),
            "n_persons": len(np.unique(persons(dq.customers, **kwargs)))}


SOLUTIONS = {
    "q1_test": lambda w, dq: {"world": w, "customer_base": _bucket()},
    "q2_test": lambda w, dq: _q2(w),
    "q3_test": lambda w, dq: _q3(w),
    "q4_test": lambda w, dq: {"world": w, "gini": gini, "revenue_gini": gini(pareto(w.customers, w.orders)["revenue"])},
    "q5_test": lambda w, dq: {"world_dq": dq, "normalise_email": norm_email, "normalise_phone": norm_phone},
    "q6_test": lambda w, dq: _q6(dq),
    "q7_test": lambda w, dq: {"dup_revenue_share": duplicate_revenue_share(dq.customers, dq.orders,
                                                                           persons(dq.customers))},
}
TRUTH = {
    "q6_test": lambda w, dq: {"n_persons": len(np.unique(_true_persons(dq)))},
    "q7_test": lambda w, dq: {"dup_revenue_share": duplicate_revenue_share(dq.customers, dq.orders,
                                                                           _true_persons(dq))},
}
MISTAKES = {
    ("q1_test", "add_then_retain"): lambda w, dq: {"world": w, "customer_base": _bucket(add_first=True)},
    ("q2_test", "cancelled_active"): lambda w, dq: _q2(w, statuses=(*VALID_STATUSES, "cancelled")),
    ("q2_test", "returned_active"): lambda w, dq: _q2(w, statuses=(*VALID_STATUSES, "returned")),
    ("q2_test", "december_start"): lambda w, dq: _q2(w, last_start=12),
    ("q2_test", "averaged"): lambda w, dq: _q2(w, pooled=False),
    ("q3_test", "invalid_orders"): lambda w, dq: _q3(w, statuses=(*VALID_STATUSES, "cancelled", "returned")),
    ("q3_test", "no_fx"): lambda w, dq: _q3(w, fx=False),
    ("q4_test", "descending"): lambda w, dq: {"world": w, "gini": _gini_desc,
                                              "revenue_gini": -gini(pareto(w.customers, w.orders)["revenue"])},
    ("q5_test", "no_strip"): lambda w, dq: {"world_dq": dq, "normalise_phone": norm_phone,
                                            "normalise_email": lambda s: s.fillna("").astype(str).str.lower()},
    ("q6_test", "empty_links"): lambda w, dq: _q6(dq, link_empty=True),
    ("q6_test", "email_only"): lambda w, dq: _q6(dq, phone=False),
}


def expected(world, *, dq_world=None) -> dict:
    """Expected answers ``{grade_id: {answer: value}}`` of notebook 01 for the student of these FULL worlds.

    ``dq_world`` (the same seed with ``data_quality=True``) is regenerated from ``world.truth.params`` when
    omitted.
    """
    from crmlab.autograde.verdict import expected_answers

    if dq_world is None:
        world, dq_world = _world_pair(world)
    return expected_answers(TASKS, SOLUTIONS, TRUTH, world, dq_world)


def measure_tolerances(seeds=range(20)) -> pd.DataFrame:
    """Relative errors of the stated dedupe rule against the truth over ``seeds`` (default world size).

    Returns
    -------
    DataFrame
        One row per seed: ``seed, n_true, n_rule, err_persons, share_true, share_rule, err_share``.
    """
    from crmlab import simulator
    rows = []
    for seed in seeds:
        dq = simulator.simulate(seed=seed, data_quality=True)
        person = dq.truth.customers.set_index("customer_id")["person_id"].reindex(dq.customers["customer_id"])
        true_codes = pd.factorize(person.to_numpy())[0]
        own = persons(dq.customers)
        n_true, n_rule = len(np.unique(true_codes)), len(np.unique(own))
        s_true = duplicate_revenue_share(dq.customers, dq.orders, true_codes)
        s_rule = duplicate_revenue_share(dq.customers, dq.orders, own)
        rows.append({"seed": seed, "n_true": n_true, "n_rule": n_rule, "err_persons": n_rule / n_true - 1,
                     "share_true": s_true, "share_rule": s_rule, "err_share": s_rule / s_true - 1})
    return pd.DataFrame(rows)
