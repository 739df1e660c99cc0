"""Instructor-only half of notebook 01's tasks (:mod:`autograde.tasks.foundations` is the public half).

``SOLUTIONS[grade_id](world, world_dq)`` gives a correct solution's objects, ``TRUTH`` the answers graded
against the hidden truth, ``MISTAKES[(grade_id, name)]`` the objects of a student making a declared mistake,
``FIGURES`` the numbers the prose quotes (measured by ``crmlab course measure 01_crm_foundations`` into
``measured.json``). The grader calls :func:`expected` with the student's FULL worlds (truth included). The code
is written independently of the notebook's solutions where possible (closed forms, lexsort instead of
``sort_values``, a sparse graph's connected components instead of label propagation). Never copied into
``source/`` or ``release/``; never visible to a grading kernel.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from crmlab.autograde.measure import Figure
from crmlab.autograde.tasks.foundations import (  # noqa: F401 - tolerances documented there
    CALLING_CODES,
    DRIVER_CASES,
    RTOL_DUP_SHARE,
    RTOL_PERSONS,
    TASKS,
)
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

VALID_STATUSES = ("delivered", "shipped")  # 有效订单 valid orders, as stated in the notebook
YEAR = 2025  # the year task 3 measures A and r in (the default horizon is 2024-01-01 .. 2026-01-01)
MIN_PHONE_DIGITS = 7  # fewer digits (after leading zeros) -> missing
# the key of task 9 (matching): 需求的拉动 A, 技术的推动 B, 管理理念的更新 C, one letter per case of
# foundations.DRIVER_CASES (the cases' texts are in foundations_examples.DRIVER_TEXTS)
DRIVERS_KEY = ["A", "B", "C", "A", "C", "B"]


def _valid(orders: pd.DataFrame, statuses=VALID_STATUSES) -> pd.DataFrame:
    keep = orders["status"].isin(statuses).to_numpy() & (orders["customer_id"] != "").to_numpy()
    return orders.loc[keep]


def _revenue_cny(orders: pd.DataFrame, statuses=VALID_STATUSES, fx: bool = True, duty: bool = False) -> pd.Series:
    """CNY revenue per customer_id over valid orders: (order_total − duty_tax) × fx_rate_to_cny.

    ``fx=False`` and ``duty=True`` (duty left in) build the declared mistakes.
    """
    v = _valid(orders, statuses)
    rate = v["fx_rate_to_cny"].to_numpy(dtype=float) if fx else 1.0
    amount = v["order_total"].to_numpy(dtype=float) - (0.0 if duty else v["duty_tax"].to_numpy(dtype=float))
    return pd.Series(amount * rate, index=v["customer_id"].to_numpy()).groupby(level=0).sum()


def leaky_bucket(N0: float, A: float, r: float, T: int) -> np.ndarray:
    """Closed form N_t = r^t N0 + A (1 - r^t)/(1 - r) for t = 0..T (A t when r = 1)."""
    t = np.arange(T + 1, dtype=float)
    grow = A * t if r == 1 else A * (1 - r ** t) / (1 - r)
    return r ** t * N0 + grow


def retention_boost(A: float, r: float, pp: float = 0.05, *, mode: str = "annual") -> tuple[float, float]:
    """(raised monthly retention, ΔN*) when ANNUAL retention r^12 rises by ``pp``; N* = A/(1−r).

    ``mode="monthly"`` (pp added to the monthly rate) and ``"split"`` (pp/12 added each month) build the
    declared mistakes.
    """
    if mode == "annual":
        r_new = float(np.exp(np.log(r ** 12 + pp) / 12))
    elif mode == "split":
        r_new = r + pp / 12
    else:
        r_new = r + pp
    return r_new, A / (1 - r_new) - A / (1 - r)


def acquisition_retention(customers: pd.DataFrame, orders: pd.DataFrame, year: int = YEAR, *,
                          statuses=VALID_STATUSES, last_start: int = 11, pooled: bool = True) -> tuple[float, float]:
    """A = signups in ``year`` / 12; r = pooled share of month-m actives active in m+1, m = Jan..Nov.

    ``statuses``, ``last_start`` and ``pooled`` exist to build the declared mistakes (MISTAKES).
    """
    A = float(np.count_nonzero(customers["signup_date"].dt.year.to_numpy() == year)) / 12.0
    active = _active_months(orders, year, statuses)
    base = active[active % 16 <= last_start]
    kept = np.isin(base + 1, active)
    if pooled:
        return A, float(kept.sum()) / float(len(base))
    by_month = pd.DataFrame({"m": base % 16, "kept": kept}).groupby("m")["kept"].mean()
    return A, float(by_month.mean())


def _active_months(orders: pd.DataFrame, year: int = YEAR, statuses=VALID_STATUSES) -> np.ndarray:
    """One code per (customer, month of ``year``) with a valid order: customer number × 16 + month."""
    v = _valid(orders, statuses)
    ts = v["order_ts"]
    in_year = (ts.dt.year == year).to_numpy()
    codes, _ = pd.factorize(v["customer_id"].to_numpy()[in_year])
    return np.unique(codes.astype(np.int64) * 16 + ts.dt.month.to_numpy()[in_year])


def pareto(customers: pd.DataFrame, orders: pd.DataFrame, **revenue) -> pd.DataFrame:
    """[customer_id, revenue, cum_share, rank_pct]: revenue desc, ties by customer_id asc, zeros included."""
    ids = customers["customer_id"].to_numpy(dtype=object)
    rev = _revenue_cny(orders, **revenue).reindex(ids).fillna(0.0).to_numpy(dtype=float)
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


def norm_phone(phone: pd.Series, country: pd.Series, *, country_code: bool = True) -> pd.Series:
    """E.164 '+<calling code><number>': digits only, leading zeros dropped, the country's calling code
    prepended unless the digits already start with it; '' when fewer than 7 digits remain.

    ``country_code=False`` (digits only, no code added) builds a declared mistake.
    """
    digits = (phone.astype(object).where(phone.notna(), "").astype(str)
              .str.replace(r"[^0-9]", "", regex=True).str.lstrip("0"))
    short = digits.str.len().to_numpy() < MIN_PHONE_DIGITS
    if country_code:
        code = country.astype(object).map(CALLING_CODES).fillna("").astype(str).to_numpy(dtype=object)
        values = digits.to_numpy(dtype=object)
        has = np.fromiter((v.startswith(c) for v, c in zip(values, code, strict=True)), bool, len(values))
        digits = "+" + pd.Series(np.where(has, values, code + values), index=phone.index, dtype=object)
    return digits.mask(short, "").astype(str)


def _last_nine(phone: pd.Series, country: pd.Series) -> pd.Series:
    """The old rule (a declared mistake): the last 9 digits, '' if fewer; 13800138000 and 15800138000 merge."""
    digits = phone.fillna("").astype(str).str.replace(r"[^0-9]", "", regex=True)
    return digits.str.slice(-9).mask(digits.str.len() < 9, "")


def persons(customers: pd.DataFrame, *, phone: bool = True, link_empty: bool = False,
            country_code: bool = True) -> np.ndarray:
    """Component id per record: linked by equal non-empty normalised e-mail or phone (transitively).

    ``phone=False``, ``link_empty=True`` and ``country_code=False`` build the declared mistakes (MISTAKES).
    """
    n = len(customers)
    rows, cols = [], []
    keys = [(n, norm_email(customers["email"]))]
    if phone:
        keys.append((2 * n, norm_phone(customers["phone"], customers["country"], country_code=country_code)))
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


def duplicate_revenue_share(customers: pd.DataFrame, orders: pd.DataFrame, person: np.ndarray, *,
                            duty: bool = False) -> float:
    """Share of valid-order CNY revenue without duty (orders with a customer_id) of persons with >= 2 records."""
    size = np.bincount(person)[person]
    dup_ids = customers["customer_id"].to_numpy(dtype=object)[size > 1]
    rev = _revenue_cny(orders, duty=duty)
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


# ---- figures quoted in the prose ----------------------------------------------------------------------
def _monthly_active_2025(w) -> float:
    """Mean number of customers with a valid order in a month of 2025."""
    return len(_active_months(w.orders)) / 12.0


def _n_star_over_active(w, dq) -> float:
    A, r = acquisition_retention(w.customers, w.orders)
    return A / (1 - r) / _monthly_active_2025(w)


def _duty_share(w, dq) -> float:
    v = _valid(w.orders)
    v = v[v["duty_tax"] > 0]
    return float((v["duty_tax"] * v["fx_rate_to_cny"]).sum() / (v["order_total"] * v["fx_rate_to_cny"]).sum())


def _dup_record_share(w, dq) -> float:
    person = persons(dq.customers)
    return float(np.mean(np.bincount(person)[person] > 1))


def _extra_persons(**kwargs):
    """Persons counted by the rule (or a mistaken variant of it) minus the true number of persons."""
    return lambda w, dq: float(len(np.unique(persons(dq.customers, **kwargs))) - len(np.unique(_true_persons(dq))))


FIGURES = {
    "r_month": Figure(lambda w, dq: acquisition_retention(w.customers, w.orders)[1],
                      "pooled month-to-month activity retention r in 2025 (task 3's definition)"),
    "n_star_over_active": Figure(_n_star_over_active,
                                 "N* = A/(1-r) over the mean number of customers active in a month of 2025"),
    "duty_share": Figure(_duty_share, "duty_tax as a share of order_total, valid orders that carry duty"),
    "top20_share": Figure(lambda w, dq: float(pareto(w.customers, w.orders)["cum_share"]
                                              .iloc[int(np.floor(0.2 * len(w.customers))) - 1]),
                          "revenue share of the top 20 % of customers (revenue without duty)"),
    "revenue_gini": Figure(lambda w, dq: gini(pareto(w.customers, w.orders)["revenue"]),
                           "Gini coefficient of customer revenue (revenue without duty, zeros included)"),
    "n_persons": Figure(lambda w, dq: float(len(np.unique(_true_persons(dq)))), "true number of persons"),
    "rule_extra": Figure(_extra_persons(), "persons counted by the stated rule minus the true number"),
    "no_code_extra": Figure(_extra_persons(country_code=False), "the same, phones without the country code"),
    "email_only_extra": Figure(_extra_persons(phone=False), "the same, linking by e-mail only"),
    "dup_record_share": Figure(_dup_record_share, "share of customer records whose person has >= 2 records"),
    "dup_revenue_share": Figure(lambda w, dq: duplicate_revenue_share(dq.customers, dq.orders, _true_persons(dq)),
                                "revenue share of the true duplicate persons (task 8's target)"),
}


# ---- the instructor's half of the tasks -----------------------------------------------------------------
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


def _q3(w, **kwargs) -> dict:
    A, r = acquisition_retention(w.customers, w.orders, **kwargs)
    return {"world": w, "acquisition_retention": lambda c, o, year=YEAR: acquisition_retention(c, o, year, **kwargs),
            "A": A, "r": r, "N_star": A / (1 - r)}


def _q4(w, **kwargs) -> dict:
    table = pareto(w.customers, w.orders, **kwargs)
    k = max(1, int(np.floor(0.2 * len(table))))
    return {"world": w, "pareto": table, "top20_share": float(table["cum_share"].iloc[k - 1]),
            "pareto_table": lambda o, c: pareto(c, o, **kwargs)}


def _q5(w, fn=gini) -> dict:
    return {"world": w, "gini": fn, "revenue_gini": fn(pareto(w.customers, w.orders)["revenue"])}


def _q6(dq, **phone) -> dict:
    return {"world_dq": dq, "normalise_email": norm_email,
            "normalise_phone": lambda p, c: norm_phone(p, c, **phone)}


def _q7(dq, **kwargs) -> dict:
    return {"world_dq": dq, "link_persons": _labels(**kwargs),
            "n_persons": len(np.unique(persons(dq.customers, **kwargs)))}


def _q8(dq, **kwargs) -> dict:
    return {"dup_revenue_share": duplicate_revenue_share(dq.customers, dq.orders, persons(dq.customers), **kwargs)}


SOLUTIONS = {
    "q1_test": lambda w, dq: {"world": w, "customer_base": _bucket()},
    "q2_test": lambda w, dq: {"world": w, "retention_boost": retention_boost},
    "q3_test": lambda w, dq: _q3(w),
    "q4_test": lambda w, dq: _q4(w),
    "q5_test": lambda w, dq: _q5(w),
    "q6_test": lambda w, dq: _q6(dq),
    "q7_test": lambda w, dq: _q7(dq),
    "q8_test": lambda w, dq: _q8(dq),
    "q9_test": lambda w, dq: {"answer": dict(zip(DRIVER_CASES, DRIVERS_KEY, strict=True))},
}
TRUTH = {
    "q7_test": lambda w, dq: {"n_persons": len(np.unique(_true_persons(dq)))},
    "q8_test": lambda w, dq: {"dup_revenue_share": duplicate_revenue_share(dq.customers, dq.orders,
                                                                           _true_persons(dq))},
}
MISTAKES = {
    ("q1_test", "add_then_retain"): lambda w, dq: {"world": w, "customer_base": _bucket(add_first=True)},
    ("q2_test", "monthly_pp"): lambda w, dq: {
        "world": w, "retention_boost": lambda A, r, pp=0.05: retention_boost(A, r, pp, mode="monthly")},
    ("q2_test", "split_pp"): lambda w, dq: {
        "world": w, "retention_boost": lambda A, r, pp=0.05: retention_boost(A, r, pp, mode="split")},
    ("q3_test", "cancelled_active"): lambda w, dq: _q3(w, statuses=(*VALID_STATUSES, "cancelled")),
    ("q3_test", "returned_active"): lambda w, dq: _q3(w, statuses=(*VALID_STATUSES, "returned")),
    ("q3_test", "december_start"): lambda w, dq: _q3(w, last_start=12),
    ("q3_test", "averaged"): lambda w, dq: _q3(w, pooled=False),
    ("q4_test", "invalid_orders"): lambda w, dq: _q4(w, statuses=(*VALID_STATUSES, "cancelled", "returned")),
    ("q4_test", "no_fx"): lambda w, dq: _q4(w, fx=False),
    ("q4_test", "with_duty"): lambda w, dq: _q4(w, duty=True),
    ("q5_test", "descending"): lambda w, dq: _q5(w, lambda x: -gini(x)),
    ("q6_test", "no_strip"): lambda w, dq: {**_q6(dq),
                                            "normalise_email": lambda s: s.fillna("").astype(str).str.lower()},
    ("q6_test", "no_country_code"): lambda w, dq: _q6(dq, country_code=False),
    ("q6_test", "last_nine"): lambda w, dq: {**_q6(dq), "normalise_phone": _last_nine},
    ("q7_test", "empty_links"): lambda w, dq: _q7(dq, link_empty=True),
    ("q7_test", "email_only"): lambda w, dq: _q7(dq, phone=False),
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


def mistake_errors(seeds=range(20)) -> pd.DataFrame:
    """Relative errors against the truth of the stated dedupe rule and of the clear mistakes, per seed.

    The recovery study proper (the solution judged by the tasks' rules on 200 seeds) is ``crmlab course
    measure``; this shows how far the mistakes land, which is what the tolerances must separate.
    """
    from crmlab.simulator import simulate_pair

    variants = {"rule": {}, "email_only": {"phone": False}, "no_country_code": {"country_code": False}}
    rows = []
    for seed in seeds:
        _, dq = simulate_pair(seed=seed)
        true = _true_persons(dq)
        n_true, s_true = len(np.unique(true)), duplicate_revenue_share(dq.customers, dq.orders, true)
        for name, kwargs in variants.items():
            own = persons(dq.customers, **kwargs)
            rows.append({"seed": seed, "variant": name, "err_persons": len(np.unique(own)) / n_true - 1,
                         "err_share": duplicate_revenue_share(dq.customers, dq.orders, own) / s_true - 1})
        rows.append({"seed": seed, "variant": "with_duty", "err_persons": 0.0,
                     "err_share": duplicate_revenue_share(dq.customers, dq.orders, true, duty=True) / s_true - 1})
    return pd.DataFrame(rows)
