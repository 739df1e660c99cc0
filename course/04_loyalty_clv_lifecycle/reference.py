"""Instructor-only half of notebook 04's tasks (:mod:`autograde.tasks.loyalty` is the public half).

``SOLUTIONS[grade_id](world, world_dq)`` gives a correct solution's objects, ``TRUTH`` the answers graded against
the hidden truth, ``MISTAKES[(grade_id, name)]`` the objects of a student making a declared mistake, ``FIGURES``
the numbers the prose quotes (``crmlab course measure 04_loyalty_clv_lifecycle`` writes them to measured.json).
The grader calls :func:`expected` with the student's FULL world (truth included). The code is written apart from
the notebook's solutions (numpy bincounts and searchsorted instead of groupby bookkeeping). Never copied into
``source/`` or ``release/``; never visible to a grading kernel.

Recovery studies (measured.json keeps every seed):
* q7: RMST(365 days) of the true lifetimes (first valid order → truth churn_ts, censored at the horizon) lies
  between the two proxies; on seeds 100..114 the lower proxy (last − first order) is 138–149 days, the truth
  166–175, the upper proxy (last order + 180 days) 236–241: 24–31 days below and 63–68 above.
* q9: Spearman rho with true_clv (CNY) of the BG/NBD + Gamma-Gamma 3-year forecast 0.51–0.55, of past margin
  0.27–0.32 (seeds 100..114): the forecast wins by 0.21–0.26; the mark is past margin's rho + 0.15 on the
  student's own data. The forecasts' total must also be 0.25–2 times the true total (right unit, right order of
  magnitude): the 3-year forecast's total is 0.46–0.82 of the (unlimited-horizon) truth on seeds 0..39.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from crmlab.autograde.measure import Figure
from crmlab.autograde.tasks.loyalty import STAGES, TASKS
from crmlab.autograde.tasks.loyalty_rules import SPEARMAN_MARGIN  # documented there

VALID = ("delivered", "shipped")
END = pd.Timestamp("2026-01-01")  # the horizon's end (exclusive)
INACTIVE_DAYS = 180  # the proxy's inactivity threshold
TAU = 365  # RMST horizon (days)
LAST_MONTH = pd.Period("2025-12", freq="M")
EXPLORE_MONTHS, CUT, WINDOW = 3, 0.8, 3  # the course's stage rule
DISCOUNT, YEARS = 0.10, 3  # q9's target: discounted margin over the next 3 years


# ---- shared data steps -------------------------------------------------------------------------------------------
def valid_orders(world) -> pd.DataFrame:
    """Valid orders with ``revenue`` (goods net of discount) and ``margin`` (minus unit costs), both CNY."""
    o = world.orders
    v = o.loc[o["status"].isin(VALID).to_numpy() & (o["customer_id"] != "").to_numpy()].copy()
    items = world.order_items
    cost = pd.Series(items["quantity"].to_numpy(dtype=float) * items["unit_cost"].to_numpy(dtype=float),
                     index=items["order_id"].to_numpy()).groupby(level=0).sum()
    fx = v["fx_rate_to_cny"].to_numpy(dtype=float)
    net = v["items_subtotal"].to_numpy(dtype=float) - v["discount"].to_numpy(dtype=float)
    v["revenue"] = net * fx
    v["margin"] = (net - cost.reindex(v["order_id"].to_numpy()).fillna(0.0).to_numpy()) * fx
    return v


def latest_answers(surveys: pd.DataFrame, column: str) -> pd.DataFrame:
    """Each customer's latest answered relationship survey with ``column`` present."""
    s = surveys.loc[(surveys["type"] == "relationship").to_numpy() & surveys[column].notna().to_numpy()]
    s = s.iloc[np.lexsort((s["responded_ts"].to_numpy(), s["customer_id"].to_numpy(dtype=object).astype(str)))]
    return s.loc[~s["customer_id"].duplicated(keep="last").to_numpy()]


# ---- q1 NPS ------------------------------------------------------------------------------------------------------
def nps(scores, *, promoter=9, detractor=6, scale=100.0) -> float:
    x = np.asarray(list(scores), dtype=float)
    return float(scale * ((x >= promoter).sum() - (x <= detractor).sum()) / len(x))


def nps_table(surveys: pd.DataFrame) -> pd.DataFrame:
    s = latest_answers(surveys, "nps")
    shop, inv = np.unique(s["shop_id"].to_numpy(dtype=object).astype(str), return_inverse=True)
    x = s["nps"].to_numpy(dtype=float)
    n = np.bincount(inv)
    pro, det = np.bincount(inv, weights=x >= 9), np.bincount(inv, weights=x <= 6)
    return pd.DataFrame({"shop_id": shop, "n": n, "promoters": pro, "detractors": det, "nps": 100 * (pro - det) / n})


# ---- q2 Dick & Basu ----------------------------------------------------------------------------------------------
def loyalty_types(surveys, orders, *, after=False, all_answers=False, high=5) -> pd.DataFrame:
    s = latest_answers(surveys, "attitude_score")
    if all_answers:  # every answer, not only each customer's latest
        s = surveys.loc[(surveys["type"] == "relationship").to_numpy() & surveys["attitude_score"].notna().to_numpy()]
    v = orders.loc[orders["status"].isin(VALID).to_numpy()]
    ts = v.groupby("customer_id")["order_ts"].apply(lambda x: np.sort(x.to_numpy()))
    counts = []
    for cid, t in zip(s["customer_id"], s["responded_ts"].to_numpy(), strict=True):
        o = ts.get(cid, np.array([], dtype="datetime64[ns]"))
        lo = np.searchsorted(o, t - np.timedelta64(365, "D"), side="left")
        hi = len(o) if after else np.searchsorted(o, t, side="left")
        counts.append(hi - lo)
    att = s["attitude_score"].to_numpy(dtype=float)
    a, r = att >= high, np.array(counts) >= 2
    kind = np.select([a & r, a, r], ["true", "latent", "spurious"], default="none")
    return pd.DataFrame({"customer_id": s["customer_id"].to_numpy(dtype=object).astype(str), "attitude_score": att,
                         "recent_orders": counts, "loyalty_type": kind})


def _q2(w, **kwargs) -> dict:
    table = loyalty_types(w.surveys, w.orders, **kwargs)
    return {"world": w, "loyalty_types": lambda surveys, orders: loyalty_types(surveys, orders, **kwargs),
            "loyalty": table,
            "loyalty_counts": {t: int((table["loyalty_type"] == t).sum())
                               for t in ("true", "latent", "spurious", "none")}}


# ---- q5 stages ---------------------------------------------------------------------------------------------------
def stages(values, *, raw=False, last_peak=False) -> list[str]:
    x = np.asarray(list(values), dtype=float)
    r = x if raw else np.array([x[max(0, i - WINDOW + 1): i + 1].sum() for i in range(len(x))])
    peak = len(r) - 1 - int(np.argmax(r[::-1])) if last_peak else int(np.argmax(r))
    cut = CUT * r[peak]
    i = np.arange(len(x))
    return np.select([i < EXPLORE_MONTHS, r >= cut, i < peak], ["exploration", "stability", "formation"],
                     default="decline").tolist()


def monthly_series(world) -> dict[str, np.ndarray]:
    """Each buyer's monthly revenue (CNY) from the month of the first valid order to 2025-12."""
    v = valid_orders(world)
    month = v["order_ts"].dt.to_period("M").astype("int64").to_numpy()
    cid = v["customer_id"].to_numpy(dtype=object).astype(str)
    ids, inv = np.unique(cid, return_inverse=True)
    first = np.full(len(ids), np.iinfo(np.int64).max)
    np.minimum.at(first, inv, month)
    offset = month - first[inv]
    out = {}
    order = np.lexsort((offset, inv))
    bounds = np.searchsorted(inv[order], np.arange(len(ids) + 1))
    rev = v["revenue"].to_numpy(dtype=float)
    for k, c in enumerate(ids):
        sl = order[bounds[k]: bounds[k + 1]]
        out[c] = np.bincount(offset[sl], weights=rev[sl], minlength=LAST_MONTH.ordinal - first[k] + 1)
    return out


def stage_tables(world, **kwargs) -> tuple[dict, pd.DataFrame]:
    counts = dict.fromkeys(STAGES, 0)
    months, total = dict.fromkeys(STAGES, 0), dict.fromkeys(STAGES, 0.0)
    for values in monthly_series(world).values():
        labels = stages(values, **kwargs)
        counts[labels[-1]] += 1
        for lab, x in zip(labels, values, strict=True):
            months[lab] += 1
            total[lab] += x
    table = pd.DataFrame({"stage": list(STAGES), "months": [months[s] for s in STAGES],
                          "avg_revenue": [total[s] / max(months[s], 1) for s in STAGES]})
    return counts, table


def _q5(w, **kwargs) -> dict:
    counts, table = stage_tables(w, **kwargs)
    return {"world": w, "lifecycle_stages": lambda values: stages(values, **kwargs), "stage_counts": counts,
            "stage_revenue": table}


# ---- q6 / q7 Kaplan-Meier ----------------------------------------------------------------------------------------
def kaplan_meier(durations, events, *, ignore_censor=False, at_risk_after=False) -> pd.DataFrame:
    d, e = np.asarray(list(durations), dtype=float), np.asarray(list(events), dtype=int)
    if ignore_censor:
        e = np.ones_like(e)
    times = np.unique(d[e == 1])
    ds = np.sort(d)
    n = len(d) - np.searchsorted(ds, times, side="right" if at_risk_after else "left")
    deaths = np.array([int(((d == t) & (e == 1)).sum()) for t in times], dtype=int)
    return pd.DataFrame({"time": times, "at_risk": n, "events": deaths, "survival": np.cumprod(1 - deaths / n)})


def rmst(table: pd.DataFrame, tau: float, *, linear=False) -> float:
    t = table["time"].to_numpy(dtype=float)
    s = table["survival"].to_numpy(dtype=float)
    keep = t <= tau
    grid = np.concatenate([[0.0], t[keep], [float(tau)]])
    level = np.concatenate([[1.0], s[keep]])
    if linear:
        return float(np.trapezoid(np.concatenate([level, level[-1:]]), grid))
    return float(np.sum(np.diff(grid) * level))


def lifetimes_proxy(world):
    """Per buyer: first and last valid order dates, and the proxy's churn flag (no valid order in 180 days)."""
    v = valid_orders(world)
    day = v["order_ts"].dt.normalize()
    g = day.groupby(v["customer_id"].to_numpy()).agg(["min", "max"])
    churned = (g["max"] < END - pd.Timedelta(days=INACTIVE_DAYS)).to_numpy()
    return g["min"], g["max"], churned


def proxy_rmst(world) -> tuple[pd.DataFrame, float, float]:
    first, last, churned = lifetimes_proxy(world)
    low = (last - first).dt.days.to_numpy(dtype=float)
    table = kaplan_meier(low, churned.astype(int))
    high = np.where(churned, low + INACTIVE_DAYS, (END - first).dt.days.to_numpy(dtype=float))
    return table, rmst(table, TAU), rmst(kaplan_meier(high, churned.astype(int)), TAU)


def true_rmst(world) -> float:
    first, _, _ = lifetimes_proxy(world)
    churn = world.truth.customers.set_index("customer_id")["churn_ts"].reindex(first.index)
    end = churn.dt.normalize().fillna(END)
    days = np.maximum((end - first).dt.days.to_numpy(dtype=float), 0.0)
    return rmst(kaplan_meier(days, churn.notna().to_numpy().astype(int)), TAU)


def _q6(w, *, linear=False, **kwargs) -> dict:
    first, last, churned = lifetimes_proxy(w)
    table = kaplan_meier((last - first).dt.days.to_numpy(dtype=float), churned.astype(int), **kwargs)
    return {"world": w, "kaplan_meier": lambda d, e: kaplan_meier(d, e, **kwargs),
            "rmst": lambda table, tau: rmst(table, tau, linear=linear), "km_last": table,
            "rmst_last": rmst(table, TAU, linear=linear)}


# ---- q8 / q9 CLV -------------------------------------------------------------------------------------------------
def clv(margin, retention, discount, horizon=None, *, from_zero=False, no_r=False) -> float:
    q = retention / (1 + discount)
    if horizon is None:
        value = margin * q / (1 - q)
        if from_zero:
            value += margin
        if no_r:
            value = margin / (1 + discount - retention)
        return float(value)
    t = np.arange(0, horizon) if from_zero else np.arange(1, horizon + 1)
    return float(margin * np.sum(q ** t))


def predict_clv(tx: pd.DataFrame, end: pd.Timestamp, years: int = YEARS) -> pd.Series:
    """BG/NBD + Gamma-Gamma: discounted expected margin (CNY) of each customer in ``tx`` over the next ``years``."""
    import warnings

    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import summary_data_from_transaction_data

    s = summary_data_from_transaction_data(tx.assign(day=tx["order_ts"].dt.normalize()), "customer_id", "day",
                                           monetary_value_col="margin",
                                           observation_period_end=end - pd.Timedelta(days=1), freq="W")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bgf = BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
        rep = s.loc[(s["frequency"] > 0) & (s["monetary_value"] > 0)]
        ggf = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"] / 100)  # hundreds of CNY: stabler
    m = 100 * ggf.conditional_expected_average_profit(s["frequency"], s["monetary_value"].clip(lower=0) / 100)
    cum = [bgf.conditional_expected_number_of_purchases_up_to_time(52 * y, s["frequency"], s["recency"], s["T"])
           for y in range(years + 1)]
    out = sum((cum[y] - cum[y - 1]) * m / (1 + DISCOUNT) ** y for y in range(1, years + 1))
    return out.rename("clv").rename_axis("customer_id")


_FORECASTS: dict[int, tuple] = {}  # id(world) -> (world, forecast): the figures and the truth share one fit


def forecast(world) -> pd.Series:
    """The reference's 3-year forecast of ``world`` (cached for the last two worlds)."""
    if id(world) not in _FORECASTS or _FORECASTS[id(world)][0] is not world:
        v = valid_orders(world)
        while len(_FORECASTS) >= 2:
            _FORECASTS.pop(next(iter(_FORECASTS)))
        _FORECASTS[id(world)] = (world, predict_clv(v[["customer_id", "order_ts", "margin"]], END))
    return _FORECASTS[id(world)][1]


def true_value_cny(world, ids) -> pd.Series:
    """truth.customers.true_clv (shop currency) in CNY at each shop's last order-day rate."""
    orders = world.orders
    last = orders.iloc[np.lexsort((orders["order_ts"].to_numpy(), orders["shop_id"].to_numpy(dtype=object)))]
    fx = last.groupby("shop_id")["fx_rate_to_cny"].last()
    shop = world.customers.set_index("customer_id")["shop_id"]
    clv_ = world.truth.customers.set_index("customer_id")["true_clv"]
    return (clv_ * shop.reindex(clv_.index).map(fx)).reindex(ids)


def past_margin(world) -> pd.Series:
    v = valid_orders(world)
    return v.groupby("customer_id")["margin"].sum()


def _spearman(a, b) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(np.asarray(a, dtype=float), np.asarray(b, dtype=float))[0])


def _q9_truth(w) -> dict:
    pred = forecast(w)
    truth = true_value_cny(w, pred.index)
    mark = _spearman(past_margin(w).reindex(pred.index), truth) + SPEARMAN_MARGIN
    return {"clv_rank": {"ids": [str(i) for i in pred.index], "true": truth.to_numpy(dtype=float), "mark": mark}}


# ---- figures the prose quotes --------------------------------------------------------------------------------------
def _palive(w) -> float:
    import warnings

    from lifetimes import BetaGeoFitter
    from lifetimes.utils import summary_data_from_transaction_data

    v = valid_orders(w)
    s = summary_data_from_transaction_data(v.assign(day=v["order_ts"].dt.normalize()), "customer_id", "day",
                                           observation_period_end=END - pd.Timedelta(days=1), freq="W")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bgf = BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
    return float(bgf.conditional_probability_alive(s["frequency"], s["recency"], s["T"]).mean())


def _stage_agreement(w) -> float:
    v = valid_orders(w)
    series = monthly_series(w)
    labels = {c: stages(x) for c, x in series.items()}
    first = v.groupby("customer_id")["order_ts"].transform("min").dt.to_period("M").astype("int64")
    k = (v["order_ts"].dt.to_period("M").astype("int64") - first).to_numpy()
    mine = [labels[c][i] for c, i in zip(v["customer_id"].astype(str), k, strict=True)]
    true = w.truth.orders.set_index("order_id")["stage"].reindex(v["order_id"]).to_numpy()
    return float(np.mean(np.asarray(mine, dtype=object) == true))


def _nps_se_max(w) -> float:
    """The largest standard error of NPS (points) among the shops: 100·sqrt((p+ + p- − (p+ − p-)²) / n)."""
    t = nps_table(w.surveys)
    p, q = t["promoters"] / t["n"], t["detractors"] / t["n"]
    return float((100 * np.sqrt((p + q - (p - q) ** 2) / t["n"])).max())


def _exploration_short(w) -> float:
    """Share of the true exploration spells that ended within 30 days."""
    spells = w.truth.stage_spells
    spells = spells.loc[(spells["stage"] == "exploration").to_numpy() & spells["end_ts"].notna().to_numpy()]
    return float(((spells["end_ts"] - spells["start_ts"]).dt.days <= 30).mean())


def _buyers_alive(w) -> float:
    first, _, _ = lifetimes_proxy(w)
    return float(w.truth.customers.set_index("customer_id")["alive_at_end"].reindex(first.index).mean())


FIGURES = {
    "nps_se_max": Figure(lambda w, dq: _nps_se_max(w), "largest standard error of a shop's NPS (points)"),
    "exploration_short": Figure(lambda w, dq: _exploration_short(w), "share of true exploration spells of <= 30 days"),
    "one_order_share": Figure(lambda w, dq: float((valid_orders(w).groupby("customer_id").size() == 1).mean()),
                              "share of buyers with exactly one valid order"),
    "stage_agreement": Figure(lambda w, dq: _stage_agreement(w),
                              "share of valid orders whose month the course rule labels with the true stage"),
    "rmst_last": Figure(lambda w, dq: proxy_rmst(w)[1], "RMST(365 d) of the lower proxy (last − first order)"),
    "rmst_noticed": Figure(lambda w, dq: proxy_rmst(w)[2], "RMST(365 d) of the upper proxy (last order + 180 d)"),
    "rmst_true": Figure(lambda w, dq: true_rmst(w), "RMST(365 d) of the true lifetimes (truth churn_ts)"),
    "proxy_churn_share": Figure(lambda w, dq: float(lifetimes_proxy(w)[2].mean()),
                                "share of buyers the 180-day rule calls churned"),
    "true_churn_share": Figure(lambda w, dq: 1 - _buyers_alive(w), "share of buyers truly churned by the horizon"),
    "palive_mean": Figure(lambda w, dq: _palive(w), "mean BG/NBD P(alive) over buyers"),
    "alive_share": Figure(lambda w, dq: _buyers_alive(w), "share of buyers truly alive at the horizon"),
    "rho_forecast": Figure(lambda w, dq: _spearman(forecast(w), true_value_cny(w, forecast(w).index)),
                           "Spearman rho of the 3-year BG/NBD forecast with true_clv"),
    "rho_past": Figure(lambda w, dq: _spearman(past_margin(w).reindex(forecast(w).index),
                                               true_value_cny(w, forecast(w).index)),
                       "Spearman rho of past margin with true_clv"),
    "forecast_total_ratio": Figure(lambda w, dq: float(forecast(w).sum() / true_value_cny(w, forecast(w).index).sum()),
                                   "sum of the 3-year forecast / sum of true_clv"),
}


# ---- the instructor's half of the tasks ---------------------------------------------------------------------------
def _q1(w, **kwargs) -> dict:
    return {"world": w, "nps": lambda scores: nps(scores, **kwargs), "nps_table": nps_table(w.surveys)}


def _q7(w) -> dict:
    _, low, high = proxy_rmst(w)
    return {"world": w, "rmst_last": low, "rmst_noticed": high}


def _past_centred(w) -> pd.Series:
    p = past_margin(w)
    return p - p.mean()


SOLUTIONS = {
    "q1_test": lambda w, dq: _q1(w),
    "q2_test": lambda w, dq: _q2(w),
    "q3_test": lambda w, dq: {"answer": {"重复购买次数": "B", "挑选时间": "A", "价格敏感度": "D",
                                         "对竞争产品的态度": "E",
                                         "对质量事故的承受力": "C"}},
    "q4_test": lambda w, dq: {"answer": {"考察期": "B", "形成期": "C", "稳定期": "A", "退化期": "D"}},
    "q5_test": lambda w, dq: _q5(w),
    "q6_test": lambda w, dq: _q6(w),
    "q7_test": lambda w, dq: _q7(w),
    "q8_test": lambda w, dq: {"world": w, "clv": clv},
    "q9_test": lambda w, dq: {"world": w, "clv_pred": forecast(w)},
}
TRUTH = {
    "q7_test": lambda w, dq: {"brackets_truth": true_rmst(w)},
    "q9_test": lambda w, dq: _q9_truth(w),
}
MISTAKES = {
    ("q1_test", "fraction"): lambda w, dq: _q1(w, scale=1.0),
    ("q1_test", "seven"): lambda w, dq: _q1(w, detractor=7),
    ("q1_test", "eight"): lambda w, dq: _q1(w, promoter=8),
    ("q2_test", "after"): lambda w, dq: _q2(w, after=True),
    ("q2_test", "all_answers"): lambda w, dq: _q2(w, all_answers=True),
    ("q2_test", "strict"): lambda w, dq: _q2(w, high=6),
    ("q5_test", "raw"): lambda w, dq: _q5(w, raw=True),
    ("q5_test", "last_peak"): lambda w, dq: _q5(w, last_peak=True),
    ("q6_test", "ignore_censor"): lambda w, dq: _q6(w, ignore_censor=True),
    ("q6_test", "at_risk_after"): lambda w, dq: _q6(w, at_risk_after=True),
    ("q6_test", "rmst_linear"): lambda w, dq: _q6(w, linear=True),
    ("q8_test", "from_zero"): lambda w, dq: {"world": w, "clv": functools.partial(clv, from_zero=True)},
    ("q8_test", "no_r"): lambda w, dq: {"world": w, "clv": functools.partial(clv, no_r=True)},
    ("q9_test", "negative"): lambda w, dq: {"world": w, "clv_pred": _past_centred(w)},
}


def expected(world, *, dq_world=None) -> dict:
    """Expected answers ``{grade_id: {answer: value}}`` of notebook 04 for the student of this FULL world.

    Notebook 04 uses the default world only; ``dq_world`` is accepted for the grader's uniform call and unused.
    """
    from crmlab.autograde.verdict import expected_answers

    return expected_answers(TASKS, SOLUTIONS, TRUTH, world, dq_world)
