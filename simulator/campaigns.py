"""Marketing campaigns with a randomised holdout and a real, stored effect.

Each shop runs a few campaigns a year. Eligibility is decided from what the shop can observe at launch
(orders so far, opt-in); eligible customers are randomised to treatment or control. Inside the response
window a treated lifecycle customer's purchase rate is multiplied by ``1 + rate_lift`` (btyd customers follow
their pre-drawn BG/NBD purchases: no campaign moves them; ``effects`` reports the share it can move).
Treated customers' orders in the window redeem the campaign's coupon (``orders``). Both potential outcomes are
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

# channel: (P(open), P(click | open)) of a recipient who does not convert in the window; a converting
# recipient opens CONVERTER_OPEN_MULT times and clicks-through-when-open CONVERTER_CLICK_MULT times as often
# (capped at 0.98), so the averages depend a little on the campaign's conversion. What "open" and "click"
# mean per channel, where the level comes from, and the resulting average over treated contacts in
# default worlds (bench/fidelity.py, 2 seeds × 3 modes):
# - email: opened / clicked a link. Mailchimp, "Email Marketing Benchmarks" (e-commerce): ≈ 15.7 % open,
#   ≈ 2.0 % click per delivered e-mail. Here: 15–16 % / 2.0–2.4 %.
# - sms: read / tapped the link. Vendors quote read rates of 90–98 % (the "98 %" is an often repeated,
#   unverified figure); click-through of retail SMS a few per cent. Stated assumption: ≈ 85 % / ≈ 3.5 %.
# - push: app notification tapped (open) / went on to the offer page (click). Airship's push benchmarks put
#   direct open rates at a few per cent (iOS lower than Android). Stated assumption: ≈ 4–5 % / ≈ 2 %.
# - wechat: official-account / service message read / link clicked. Official-account article read rates
#   are widely reported at a few per cent of followers, service messages higher. Stated assumption:
#   ≈ 11 % / ≈ 2 %.
# - outbound_call: call answered ("open", 20–40 % answer rates in outbound call-centre practice) / agreed to
#   receive the offer ("click"). Stated assumption: ≈ 28 % / ≈ 6–7 %.
CHANNEL_RESPONSE = {
    "email": (0.14, 0.11), "sms": (0.84, 0.035), "push": (0.04, 0.30), "wechat": (0.10, 0.15),
    "outbound_call": (0.27, 0.20),
}
CONVERTER_OPEN_MULT = 1.8
CONVERTER_CLICK_MULT = 2.5
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


def response_probs(channel: np.ndarray, converted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P(open) and P(click | open) of each contact from its campaign's ``channel`` (str array) and whether
    the customer ``converted`` in the window (bool array), from :data:`CHANNEL_RESPONSE`."""
    base = np.array([CHANNEL_RESPONSE[c] for c in CHANNEL_RESPONSE])
    pos = pd.Index(list(CHANNEL_RESPONSE)).get_indexer(np.asarray(channel, dtype=object))
    if (pos < 0).any():
        raise ValueError(f"unknown campaign channel in {sorted(set(np.asarray(channel)[pos < 0]))}")
    p_open, p_click = base[pos, 0], base[pos, 1]
    p_open = np.where(converted, np.minimum(0.98, p_open * CONVERTER_OPEN_MULT), p_open)
    p_click = np.where(converted, np.minimum(0.98, p_click * CONVERTER_CLICK_MULT), p_click)
    return p_open, p_click


def effects(contacts: pd.DataFrame, campaigns: pd.DataFrame) -> pd.DataFrame:
    """True effects per campaign (``schema.TRUTH["campaign_effects"]``) from the tracked potential outcomes.

    ``contacts`` needs int ``campaign_id``, ``p0``, ``p1`` (expected conversion probabilities without and
    with treatment) and ``y0``, ``y1`` (realised potential outcomes, bool).

    ``rate_lift`` acts only on customers the campaign can move: lifecycle customers alive at launch (their
    ``p1 > p0``). btyd-mechanism customers follow their pre-drawn BG/NBD purchases (p0 = p1 = 1 − exp(−λ ×
    window weeks) if alive at launch) and churned ones do not buy (p0 = p1 = 0), so for them the campaign
    does nothing. ``movable_share`` is the share of contacted customers it can
    move and ``effective_lift = rate_lift × movable_share`` the mean purchase-rate lift over all contacted
    customers — 0 in btyd mode, where the true and the sample effects are 0 as well.
    """
    g = contacts.assign(d_exp=contacts["p1"] - contacts["p0"],
                        d_real=contacts["y1"].astype(float) - contacts["y0"].astype(float),
                        movable=(contacts["p1"] > contacts["p0"]).astype(float))
    agg = g.groupby("campaign_id").agg(true_ate_conversion=("d_exp", "mean"),
                                       sample_ate_conversion=("d_real", "mean"),
                                       n_contacted=("d_exp", "size"), movable_share=("movable", "mean"))
    out = campaigns[["campaign_id", "rate_lift"]].merge(agg, on="campaign_id", how="left")
    out["n_contacted"] = out["n_contacted"].fillna(0).astype(np.int64)
    out = out.fillna({"true_ate_conversion": 0.0, "sample_ate_conversion": 0.0, "movable_share": 0.0})
    out["effective_lift"] = out["rate_lift"] * out["movable_share"]
    return out[["campaign_id", "rate_lift", "movable_share", "effective_lift", "true_ate_conversion",
                "sample_ate_conversion", "n_contacted"]]
