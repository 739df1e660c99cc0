"""Marketing campaigns with a randomised holdout and a real, stored effect.

Each shop runs a few campaigns a year. Eligibility is decided from what the shop can observe at launch
(orders so far, opt-in); eligible customers are randomised to treatment or control. Inside the response
window a treated customer's purchase rate is multiplied by ``1 + rate_lift``. Both potential outcomes are
tracked for every contacted customer, so the sample effect is known exactly and the expected effect is
computed from the customers' true state at launch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# type: (channel options, response window in weeks, rate lift range, eligibility rule in words)
TYPES = {
    "win_back": (("email", "sms", "outbound_call"), 4, (0.6, 1.4),
                 "signed up ≥ 13 weeks ago, no order in the last 13 weeks, opted in"),
    "cross_sell": (("email", "push", "wechat"), 3, (0.3, 0.8), "ordered in the last 26 weeks, opted in"),
    "holiday_coupon": (("sms", "wechat", "email"), 2, (0.4, 1.0), "every signed-up customer, opted in"),
    "new_product": (("push", "email"), 3, (0.2, 0.6), "at least 2 orders so far, opted in"),
    "loyalty_points": (("wechat", "email"), 4, (0.2, 0.5), "at least 3 orders so far, opted in"),
}
WIN_BACK_STABILITY_BOOST = 3.0
_EMPTY = {"campaign_id": "int64", "shop_id": "int64", "campaign_type": "str", "channel": "str",
          "start_week": "int64", "window_weeks": "int64", "rate_lift": "float64", "rule": "str",
          "target_rule": "str", "holdout_share": "float64", "offer_value": "float64",
          "cost_per_contact": "float64", "start_date": "datetime64[s]", "end_date": "datetime64[s]",
          "name": "str", "budget": "float64"}  # treated win-back multiplies the decline → stability hazard by 1 + this


def make_campaigns(*, shops: pd.DataFrame, n_weeks: int, week_start: np.ndarray,
                   rng: np.random.Generator) -> pd.DataFrame:
    """The campaign schedule: about 4 campaigns per shop per year, none in the first 8 weeks.

    Returns int64 ``campaign_id`` (0-based), ``shop_id`` and the observed columns of ``schema.OBSERVED
    ["campaigns"]`` except ``actual_cost`` (known only after the campaign), plus internal columns
    ``start_week``, ``window_weeks``, ``rate_lift``, ``rule``.
    """
    rows = []
    types = list(TYPES)
    full_weeks = n_weeks - 1  # the last simulation week may be cut by the horizon
    for shop in shops.itertuples(index=False):
        n = max(1, rng.poisson(4.0 * n_weeks / 52.0))
        for k in rng.choice(len(types), n):
            name = types[k]
            channels, window, (lo, hi), rule = TYPES[name]
            if full_weeks - window < 8:
                continue  # horizon too short for this campaign: its window must end inside it
            rows.append({
                "shop_id": shop.shop_id, "campaign_type": name, "channel": channels[rng.integers(len(channels))],
                "start_week": int(rng.integers(8, full_weeks - window + 1)), "window_weeks": window,
                "rate_lift": float(rng.uniform(lo, hi)), "rule": name, "target_rule": rule,
                "holdout_share": float(rng.choice([0.1, 0.2, 0.3])),
                "offer_value": float(max(1.0, round(rng.uniform(5, 30) / shop.fx_rate_to_cny, 0))),
                "cost_per_contact": float(rng.choice([0.05, 0.1, 0.3, 2.5]) / shop.fx_rate_to_cny),
            })
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in _EMPTY.items()})
    out = pd.DataFrame(rows).sort_values(["start_week", "shop_id"], kind="stable").reset_index(drop=True)
    out.insert(0, "campaign_id", np.arange(len(out), dtype=np.int64))
    start = week_start[out["start_week"].to_numpy()]
    out["start_date"] = start
    out["end_date"] = start + (out["window_weeks"].to_numpy() * 7).astype("timedelta64[D]")
    out["name"] = [f"{t}-{str(s)[:7]}" for t, s in zip(out["campaign_type"], out["start_date"], strict=True)]
    out["budget"] = 0.0  # filled once eligibility is known (engine)
    return out


def eligible(rule: str, *, joined: np.ndarray, weeks_since_signup: np.ndarray, n_orders: np.ndarray,
             weeks_since_order: np.ndarray, opt_in: np.ndarray) -> np.ndarray:
    """Boolean mask of customers a campaign with ``rule`` may contact (observable state only)."""
    base = joined & opt_in
    if rule == "win_back":
        return base & (weeks_since_signup >= 13) & (weeks_since_order >= 13)
    if rule == "cross_sell":
        return base & (n_orders >= 1) & (weeks_since_order < 26)
    if rule == "holiday_coupon":
        return base
    if rule == "new_product":
        return base & (n_orders >= 2)
    if rule == "loyalty_points":
        return base & (n_orders >= 3)
    raise ValueError(f"unknown campaign rule {rule!r}")


def effects(contacts: pd.DataFrame, campaigns: pd.DataFrame) -> pd.DataFrame:
    """True effects per campaign (``schema.TRUTH["campaign_effects"]``) from the tracked potential outcomes.

    ``contacts`` needs int ``campaign_id``, ``p0``, ``p1`` (expected conversion probabilities without and
    with treatment) and ``y0``, ``y1`` (realised potential outcomes, bool).
    """
    g = contacts.assign(d_exp=contacts["p1"] - contacts["p0"],
                        d_real=contacts["y1"].astype(float) - contacts["y0"].astype(float))
    agg = g.groupby("campaign_id").agg(true_ate_conversion=("d_exp", "mean"),
                                       sample_ate_conversion=("d_real", "mean"),
                                       n_contacted=("d_exp", "size"))
    out = campaigns[["campaign_id", "rate_lift"]].merge(agg, on="campaign_id", how="left")
    out["n_contacted"] = out["n_contacted"].fillna(0).astype(np.int64)
    return out.fillna({"true_ate_conversion": 0.0, "sample_ate_conversion": 0.0})
