"""Latent customer state: who each customer is before anything is observed.

Each customer gets a shop, a signup time, a type (B2C/B2B), a locale, a persona and, within the persona, a
baseline purchase rate, basket value, price sensitivity and satisfaction. In ``btyd`` mode the purchase
process is the exact BG/NBD + Gamma-Gamma of Fader, Hardie & Lee (2005) instead. All parameters are
invented for teaching unless a source is named.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import calendar, lifecycle

# persona: (share among B2C, rate mean /week, rate shape, basket mean CNY, price sensitivity mean,
#           satisfaction baseline mean). Rates are Gamma; heterogeneity within persona is wide on purpose.
PERSONAS = {
    "one_off": (0.30, 0.050, 1.0, 160.0, 0.50, 0.35),
    "bargain_hunter": (0.30, 0.104, 1.5, 95.0, 0.80, 0.30),
    "regular": (0.32, 0.098, 2.0, 190.0, 0.45, 0.70),
    "vip": (0.08, 0.100, 3.0, 380.0, 0.20, 0.90),
}
# B2B in proportion (issue 12): a wholesaler buys about as often as a bargain hunter and its basket, drawn
# independently of its rate like everyone's, is a few times a regular's; it no longer owns the revenue.
WHOLESALER = ("wholesaler", 0.060, 3.0, 500.0, 0.50, 0.60)
# BG/NBD and Gamma-Gamma parameters: CDNOW fits (Fader, Hardie & Lee 2005), weeks; spend in value units.
BTYD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "p": 6.25, "q": 3.74, "gamma": 15.44}
BTYD_VALUE_CNY = 5.0  # CNY per Gamma-Gamma value unit (mean spend ≈ 35.2 units ≈ 176 CNY)
# heterogeneity around each persona's means: rate × LogNormal(−RATE_LOG_SD²/2, RATE_LOG_SD) (mean 1: real buyers'
# rates are far more spread than one Gamma per persona, BG/NBD's r ≈ 0.25 on CDNOW); basket ×
# LogNormal(BASKET_LOG_MEAN, BASKET_LOG_SD); price sensitivity ~ Beta(PS_CONCENTRATION × mean,
# PS_CONCENTRATION × (1 − mean)); satisfaction ~ Normal(mean, SAT_SD)
RATE_LOG_SD = 0.8
BASKET_LOG_MEAN, BASKET_LOG_SD = -0.045, 0.3
PS_CONCENTRATION = 4.0
SAT_SD = 0.6
# a lifecycle customer's baseline rate is at least this (/week: one purchase in 20 years), so that a Gamma draw
# near zero does not make a living customer worth exactly nothing
RATE_FLOOR = 0.001
MIXED_BTYD_SHARE = 0.5  # in mixed mode, each customer follows BG/NBD with this probability
PERSONA_FIELDS = ("rate_mean_week", "rate_shape", "basket_mean_cny", "price_sensitivity_mean",
                  "sat_baseline_mean")  # the columns of PERSONAS after the share, and of WHOLESALER after the name
CHANNELS = ("search", "social", "referral", "marketplace", "livestream", "direct")
CHANNEL_P = (0.26, 0.20, 0.10, 0.24, 0.12, 0.08)


def draw_population(*, ids: np.ndarray, shops: pd.DataFrame, shop_weight: np.ndarray, start: pd.Timestamp,
                    end: pd.Timestamp, mode: str, rng: np.random.Generator) -> pd.DataFrame:
    """Draw the latent state of customers ``ids`` (global int64 indices).

    Returns a DataFrame with one row per id: ``customer_id, shop_id, signup_date, customer_type, locale,
    acquisition_channel, marketing_opt_in, mechanism, persona, lambda_week, basket_mean (shop currency),
    price_sensitivity, sat_baseline, p_dropout, gg_nu``. ``shop_weight`` (shape (n_shops,)) is each
    shop's share of customers.
    """
    n = len(ids)
    shop_idx = rng.choice(len(shops), size=n, p=shop_weight)
    kind = shops["kind"].to_numpy()[shop_idx]
    cross = kind == "cross_border"
    # signup days follow each kind's demand curve (festival peaks)
    signup = np.empty(n, dtype="datetime64[s]")
    for is_cross in (False, True):
        sel = cross == is_cross
        if sel.any():
            w = calendar.daily_demand(start, end, cross_border=is_cross)
            signup[sel] = calendar.sample_days(w, int(sel.sum()), start, rng=rng)
    b2b = rng.random(n) < shops["b2b_share"].to_numpy()[shop_idx]
    locale = _draw_locales(shops, shop_idx, rng)
    channel = np.asarray(CHANNELS, dtype=object)[rng.choice(len(CHANNELS), size=n, p=CHANNEL_P)]
    channel = np.where(b2b, "sales_team", channel)

    names = list(PERSONAS)
    shares = np.array([PERSONAS[k][0] for k in names])
    persona_idx = rng.choice(len(names), size=n, p=shares / shares.sum())
    table = np.array([PERSONAS[k][1:] for k in names])
    params = table[persona_idx]
    params[b2b] = np.array(WHOLESALER[1:])
    persona = np.where(b2b, WHOLESALER[0], np.asarray(names, dtype=object)[persona_idx])
    rate_mean, rate_shape, basket_cny, ps_mean, sat_mean = params.T
    lam = np.maximum(rng.gamma(rate_shape, rate_mean / rate_shape), RATE_FLOOR)
    fx = shops["fx_rate_to_cny"].to_numpy()[shop_idx]
    basket = basket_cny * np.exp(rng.normal(BASKET_LOG_MEAN, BASKET_LOG_SD, n)) / fx
    ps = np.clip(rng.beta(PS_CONCENTRATION * ps_mean, PS_CONCENTRATION * (1 - ps_mean)), 0.01, 0.99)
    sat = rng.normal(sat_mean, SAT_SD)

    mechanism = np.full(n, "lifecycle", dtype=object)
    if mode == "btyd":
        mechanism[:] = "btyd"
    elif mode == "mixed":
        mechanism[rng.random(n) < MIXED_BTYD_SHARE] = "btyd"
    is_btyd = mechanism == "btyd"
    p_drop = np.full(n, np.nan)
    nu = np.full(n, np.nan)
    if is_btyd.any():
        k = int(is_btyd.sum())
        lam[is_btyd] = rng.gamma(BTYD["r"], 1.0 / BTYD["alpha"], k)
        p_drop[is_btyd] = rng.beta(BTYD["a"], BTYD["b"], k)
        nu[is_btyd] = rng.gamma(BTYD["q"], 1.0 / BTYD["gamma"], k)
        basket[is_btyd] = BTYD["p"] / nu[is_btyd] * BTYD_VALUE_CNY / fx[is_btyd]
    opt_in = rng.random(n) < np.where(b2b, 0.9, 0.7)
    # drawn last, so that no earlier draw moves (btyd mode keeps its bytes)
    spread = np.exp(rng.normal(-RATE_LOG_SD**2 / 2, RATE_LOG_SD, n))
    lam = np.where(is_btyd, lam, np.maximum(lam * spread, RATE_FLOOR))
    return pd.DataFrame({
        "customer_id": ids.astype(np.int64), "shop_id": shops["shop_id"].to_numpy()[shop_idx].astype(np.int64),
        "signup_date": signup, "customer_type": np.where(b2b, "B2B", "B2C"), "locale": locale,
        "acquisition_channel": channel, "marketing_opt_in": opt_in, "mechanism": mechanism,
        "persona": persona, "lambda_week": lam, "basket_mean": basket, "price_sensitivity": ps,
        "sat_baseline": sat, "p_dropout": p_drop, "gg_nu": nu,
    })


def population(mode: str) -> dict:
    """The population parameters mode ``mode`` draws customers' purchase processes from (``truth/params.json``).

    ``btyd`` for BG/NBD customers (btyd and mixed modes): λ ~ Gamma(r, rate α) per week, dropout p ~ Beta(a, b),
    spend per order ~ Gamma(p, rate ν) value units, ν ~ Gamma(q, rate γ), × ``value_cny`` CNY. ``lifecycle``
    for stage-machine customers (lifecycle and mixed modes): the persona mixture, the wholesaler (B2B, share
    per shop in ``shops.b2b_share``), the heterogeneity around them and the stage machine's rates
    (``lifecycle.stage_machine``). Every number is read from the constants the generator draws with.
    """
    out: dict = {}
    if mode == "mixed":
        out["btyd_share"] = MIXED_BTYD_SHARE
    if mode in ("btyd", "mixed"):
        out["btyd"] = {**BTYD, "value_cny": BTYD_VALUE_CNY, "time_unit": "week"}
    if mode in ("lifecycle", "mixed"):
        out["lifecycle"] = {
            "personas": {k: {"share_of_b2c": v[0], **dict(zip(PERSONA_FIELDS, v[1:], strict=True))}
                         for k, v in PERSONAS.items()},
            "wholesaler": dict(zip(PERSONA_FIELDS, WHOLESALER[1:], strict=True)),
            "heterogeneity": {"rate_floor_week": RATE_FLOOR, "rate_log_sd": RATE_LOG_SD,
                              "basket_log_mean": BASKET_LOG_MEAN, "basket_log_sd": BASKET_LOG_SD,
                              "price_sensitivity_concentration": PS_CONCENTRATION, "sat_baseline_sd": SAT_SD},
            "stages": lifecycle.stage_machine(),
        }
    return out


def _draw_locales(shops: pd.DataFrame, shop_idx: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each customer's locale, from their shop's buyer-locale mix (loop over shops only)."""
    locale = np.empty(len(shop_idx), dtype=object)
    u = rng.random(len(shop_idx))
    for s, (locs, weights) in enumerate(zip(shops["buyer_locales"], shops["buyer_weights"], strict=True)):
        sel = shop_idx == s
        cdf = np.cumsum(weights) / np.sum(weights)
        pick = np.minimum(np.searchsorted(cdf, u[sel], side="right"), len(locs) - 1)
        locale[sel] = np.asarray(locs, dtype=object)[pick]
    return locale
