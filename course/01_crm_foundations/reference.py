"""Instructor-only reference for notebook 01: the expected answers, recomputed from a student's full world.

``expected(world)`` is called by the grader with the FULL world (truth included) of the student being
graded; the notebook's hidden tests compare against the returned dict. The code here is deliberately
written independently of the notebook's solutions (different algorithms where possible: lexsort instead of
``sort_values``, a sparse graph's connected components instead of label propagation). Never copied into
``source/`` or ``release/``; never importable from a student kernel.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

VALID_STATUSES = ("delivered", "shipped")  # 有效订单 valid orders, as stated in the notebook
YEAR = 2025  # the year task 2 measures A and r in (the default horizon is 2024-01-01 .. 2026-01-01)
PHONE_DIGITS = 9  # normalised phone = last 9 digits; fewer digits -> missing

# Tolerances of the tasks graded against the hidden truth (truth.customers.person_id).
# measure_tolerances() on the default world (10,000 customers), seeds 0..19: the stated e-mail-or-phone
# rule recovers the true person count and the true duplicate-revenue share exactly (relative error 0 on
# every seed). Typical mistakes, measured on seeds 0..5: linking by e-mail only or without transitivity
# over-counts persons by +1.05..+1.24 % and under-states the share by 3.5..12 %; no normalisation at all
# +1.2..+2.3 % and 7.7..20 %; not de-duplicating +10..14 %. Digits-only phones (country code kept) are
# nearly right: +0.18..+0.31 % persons, 0.3..2.4 % share. We accept half the smallest clear mistake:
# 0.5 % on the count and 2 % on the share, so the rule (and near-equivalent rules such as "last 8 digits")
# always passes while the mistakes above fail.
RTOL_PERSONS = 0.005
RTOL_DUP_SHARE = 0.02


def _valid(orders: pd.DataFrame) -> pd.DataFrame:
    keep = orders["status"].isin(VALID_STATUSES).to_numpy() & (orders["customer_id"] != "").to_numpy()
    return orders.loc[keep]


def _revenue_cny(orders: pd.DataFrame) -> pd.Series:
    """CNY revenue per customer_id over valid orders (order_total × fx_rate_to_cny)."""
    v = _valid(orders)
    amount = v["order_total"].to_numpy(dtype=float) * v["fx_rate_to_cny"].to_numpy(dtype=float)
    return pd.Series(amount, index=v["customer_id"].to_numpy()).groupby(level=0).sum()


def leaky_bucket(N0: float, A: float, r: float, T: int) -> np.ndarray:
    """Closed form N_t = r^t N0 + A (1 - r^t)/(1 - r) for t = 0..T (A t when r = 1)."""
    t = np.arange(T + 1, dtype=float)
    grow = A * t if r == 1 else A * (1 - r ** t) / (1 - r)
    return r ** t * N0 + grow


def acquisition_retention(customers: pd.DataFrame, orders: pd.DataFrame, year: int = YEAR) -> tuple[float, float]:
    """A = signups in ``year`` / 12; r = pooled share of month-m actives active in m+1, m = Jan..Nov."""
    A = float(np.count_nonzero(customers["signup_date"].dt.year.to_numpy() == year)) / 12.0
    v = _valid(orders)
    ts = v["order_ts"]
    in_year = (ts.dt.year == year).to_numpy()
    codes, _ = pd.factorize(v["customer_id"].to_numpy()[in_year])
    month = ts.dt.month.to_numpy()[in_year]
    active = np.unique(codes.astype(np.int64) * 16 + month)  # one entry per (customer, month)
    base = active[active % 16 <= 11]
    retained = np.isin(base + 1, active).sum()
    return A, float(retained) / float(len(base))


def pareto(customers: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """[customer_id, revenue, cum_share, rank_pct]: revenue desc, ties by customer_id asc, zeros included."""
    ids = customers["customer_id"].to_numpy(dtype=object)
    rev = _revenue_cny(orders).reindex(ids).fillna(0.0).to_numpy(dtype=float)
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


def persons(customers: pd.DataFrame) -> np.ndarray:
    """Component id per record: linked by equal non-empty normalised e-mail or phone (transitively)."""
    n = len(customers)
    rows, cols = [], []
    # bipartite graph: record i -- e-mail value node (offset n) and record i -- phone value node (offset 2n)
    for offset, key in ((n, norm_email(customers["email"])), (2 * n, norm_phone(customers["phone"]))):
        values = key.to_numpy(dtype=object)
        codes, _ = pd.factorize(values)
        has = np.flatnonzero(values != "")
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


def _normalise_cases(customers: pd.DataFrame, n_plain: int = 500) -> dict[str, list]:
    """Inputs/outputs for the hidden normalisation tests: every noisy value plus the first clean ones."""
    out = {}
    for col, norm in (("email", norm_email), ("phone", norm_phone)):
        raw = customers[col].fillna("").astype(str)
        want = norm(raw)
        noisy = (raw != want).to_numpy()
        keep = noisy | (np.cumsum(~noisy) <= n_plain)
        out[f"{col}_raw"], out[f"{col}_norm"] = raw[keep].tolist(), want[keep].tolist()
    return out


def _world_pair(world):
    """(clean world, data-quality world) of the same seed; the missing one is loaded or regenerated.

    A world with the course defaults (what ``labs.data.my_world`` gives a student) comes through the world
    cache (``labs.data.ensure_world``), so the grader's cache is reused; any other configuration is
    regenerated with ``simulator.simulate``.
    """
    import simulator
    from labs.data import ensure_world

    config = dict(world.truth.params["config"])
    dq = bool(config.pop("data_quality"))
    default = simulator.SimConfig(seed=int(config["seed"]), data_quality=dq).to_json()
    if {**config, "data_quality": dq} == default:
        other = ensure_world(seed=int(config["seed"]), data_quality=not dq, truth=True)
    else:
        other = simulator.simulate(**config, data_quality=not dq)
    return (other, world) if dq else (world, other)


def expected(world, *, dq_world=None) -> dict:
    """Expected answers of notebook 01 for the student whose FULL world this is.

    Parameters
    ----------
    world : simulator.World
        The student's default world (``data_quality=False``), truth included.
    dq_world : simulator.World, optional
        The same seed with ``data_quality=True``; regenerated from ``world.truth.params`` when omitted.

    Returns
    -------
    dict
        Scalars, arrays and DataFrames keyed as the notebook's hidden tests ask for them.
    """
    if dq_world is None:
        world, dq_world = _world_pair(world)
    A, r = acquisition_retention(world.customers, world.orders)
    table = pareto(world.customers, world.orders)
    n = len(table)
    cb_args = (round(3 * A, 1), A, r, 24)
    dq_customers = dq_world.customers[["customer_id", "name", "email", "phone"]].iloc[::-1]
    link_labels = persons(dq_customers)
    truth_person = (dq_world.truth.customers.set_index("customer_id")["person_id"]
                    .reindex(dq_world.customers["customer_id"]).to_numpy())
    true_codes, _ = pd.factorize(truth_person)
    own = persons(dq_world.customers)
    return {
        "cb_args": cb_args, "cb_path": leaky_bucket(*cb_args),
        "A": A, "r": r, "N_star": A / (1 - r),
        "pareto": table, "top20_share": float(table["cum_share"].iloc[max(1, int(np.floor(0.2 * n))) - 1]),
        "gini_input": table["revenue"].to_numpy()[::-1].copy(), "gini": gini(table["revenue"]),
        **_normalise_cases(dq_world.customers),
        "link_input": dq_customers.reset_index(drop=True),
        "link_partition": pd.factorize(link_labels)[0].tolist(),
        "n_persons_rule": int(len(np.unique(own))),
        "n_persons_true": int(len(np.unique(true_codes))),
        "dup_share_rule": duplicate_revenue_share(dq_world.customers, dq_world.orders, own),
        "dup_share_true": duplicate_revenue_share(dq_world.customers, dq_world.orders, true_codes),
        "rtol_persons": RTOL_PERSONS, "rtol_dup_share": RTOL_DUP_SHARE,
    }


def measure_tolerances(seeds=range(20)) -> pd.DataFrame:
    """Relative errors of the stated dedupe rule against the truth over ``seeds`` (default world size).

    Returns
    -------
    DataFrame
        One row per seed: ``seed, n_true, n_rule, err_persons, share_true, share_rule, err_share``.
    """
    import simulator

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
