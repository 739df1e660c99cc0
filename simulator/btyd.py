"""Exact BG/NBD purchase histories (Fader, Hardie & Lee 2005) for customers in the ``btyd`` mechanism.

Time 0 is the customer's first purchase (their signup). While alive, repeat purchases arrive as a Poisson
process with rate λ per week; after each repeat purchase the customer drops out with probability p. So the
number of repeat purchases made before dropping out is J ~ Geometric(p) and, given N(T) ~ Poisson(λT)
arrivals in the observation window of length T, the customer makes min(J, N(T)) of them, at the first
order statistics of N(T) uniform times. Fully vectorised; exact in continuous time (seconds).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .calendar import WEEK_S


def draw_btyd(*, pop: pd.DataFrame, end: pd.Timestamp, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Purchases and dropout of the btyd-mechanism customers in ``pop`` (``latent.draw_population``).

    Returns ``(events, deaths)``: events (customer_id, order_ts) including each first purchase, sorted by
    customer then time; deaths (customer_id, churn_ts) for customers who dropped out before ``end``
    (the time of their last purchase).
    """
    sel = (pop["mechanism"] == "btyd").to_numpy()
    cid = pop["customer_id"].to_numpy()[sel]
    lam = pop["lambda_week"].to_numpy()[sel]
    p = pop["p_dropout"].to_numpy()[sel]
    t0 = pop["signup_date"].to_numpy().astype("datetime64[s]")[sel]
    T = (np.datetime64(end, "s") - t0).astype(np.int64) / WEEK_S  # weeks observed after the first purchase
    n_arrivals = rng.poisson(lam * T)
    j = rng.geometric(np.clip(p, 1e-9, 1.0))          # repeat purchases made before dropping out
    x = np.minimum(n_arrivals, j)
    dead = j <= n_arrivals
    # times of the first x of n_arrivals uniform points on (0, T]: draw all, sort within customer, keep x
    owner = np.repeat(np.arange(len(cid)), n_arrivals)
    u = rng.random(len(owner))
    order = np.lexsort((u, owner))
    u = u[order]
    rank = np.arange(len(owner)) - np.repeat(np.cumsum(n_arrivals) - n_arrivals, n_arrivals)
    keep = rank < x[owner]
    own = owner[keep]
    secs = np.round(u[keep] * T[own] * WEEK_S).astype(np.int64)
    secs = np.minimum(secs, np.maximum(T[own] * WEEK_S - 1, 0).astype(np.int64))
    rep_ts = t0[own] + secs.astype("timedelta64[s]")
    events = pd.DataFrame({"customer_id": np.concatenate([cid, cid[own]]),
                           "order_ts": np.concatenate([t0, rep_ts])})
    events = events.sort_values(["customer_id", "order_ts"], kind="stable").reset_index(drop=True)
    last = events.groupby("customer_id", sort=True)["order_ts"].max()
    deaths = pd.DataFrame({"customer_id": cid[dead], "churn_ts": last.reindex(cid[dead]).to_numpy()})
    return events, deaths
