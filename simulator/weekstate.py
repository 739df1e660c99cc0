"""The week loop's state for one block of ``lifecycle.run``: its fixed inputs (:class:`Block`, one entry per
customer, indexed by local index = customer id − the block's first id) and what carries over from week to week
(:class:`WeekState`), with the two helpers that group indices by week and stack per-week rows.

Times are datetime64[s]; rates are purchases per week; a week is ``calendar.WEEK_S`` seconds from the horizon's
start. Building a block draws nothing: every draw of the loop is in ``lifecycle``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import calendar


@dataclass
class Block:
    """The block's fixed inputs, one entry per customer (local index = customer_id − first id)."""

    n: int
    ws: np.ndarray               # week starts, datetime64[s]
    cid: np.ndarray              # global customer ids
    shop: np.ndarray             # shop index
    kind: np.ndarray             # column of ``season``: 0 domestic, 1 cross-border
    season: np.ndarray           # (n_weeks, 2) weekly seasonal multiplier
    lam: np.ndarray              # baseline purchase rate /week
    s0: np.ndarray               # satisfaction baseline
    is_life: np.ndarray
    opt_in: np.ndarray
    signup: np.ndarray           # datetime64[s]
    signup_week: np.ndarray
    week_left: np.ndarray        # share of the signup week left after the signup
    b_local: np.ndarray          # btyd pre-drawn orders: local customer index …
    b_ts: np.ndarray             # … and time
    d_ts: np.ndarray             # btyd dropout time (NaT: none)
    joins: list[np.ndarray]      # by week: customers who sign up
    b_events: list[np.ndarray]   # by week: rows of the btyd orders
    b_deaths: list[np.ndarray]   # by week: btyd customers who drop out
    launches: dict[int, list]    # start week -> campaigns (named tuples)
    shops_cols: dict
    cat_cdf: np.ndarray
    rng: np.random.Generator

    @classmethod
    def build(cls, *, pop, btyd_events, deaths, shops_cols, cat_cdf, campaigns, start, n_weeks, rng) -> Block:
        n = len(pop)
        t0 = np.datetime64(start, "s")
        week = np.timedelta64(calendar.WEEK_S, "s")
        cid = pop["customer_id"].to_numpy()
        lo = int(cid.min())
        shop = pop["shop_id"].to_numpy()
        cross = shops_cols["cross"][shop]
        season = np.column_stack([calendar.weekly_season(start, n_weeks, cross_border=False),
                                  calendar.weekly_season(start, n_weeks, cross_border=True)])
        signup = pop["signup_date"].to_numpy().astype("datetime64[s]")
        signup_week = ((signup - t0) // week).astype(int)
        # btyd customers: weekly order counts from their pre-drawn events
        b_local = btyd_events["customer_id"].to_numpy() - lo
        b_ts = btyd_events["order_ts"].to_numpy().astype("datetime64[s]")
        b_week = ((b_ts - t0) // week).astype(int)
        d_ts = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
        d_ts[deaths["customer_id"].to_numpy() - lo] = deaths["churn_ts"].to_numpy().astype("datetime64[s]")
        d_week = np.full(n, -1)
        has_d = ~np.isnat(d_ts)
        d_week[has_d] = (d_ts[has_d] - t0) // week
        launches: dict[int, list] = {}
        for c in campaigns[["campaign_id", "shop_id", "start_week", "window_weeks", "rate_lift", "rule",
                            "holdout_share"]].itertuples(index=False):
            launches.setdefault(int(c.start_week), []).append(c)
        return cls(n=n, ws=calendar.week_starts(start, n_weeks), cid=cid, shop=shop, kind=cross.astype(np.int64),
                   season=season, lam=pop["lambda_week"].to_numpy(), s0=pop["sat_baseline"].to_numpy(),
                   is_life=(pop["mechanism"] == "lifecycle").to_numpy(), opt_in=pop["marketing_opt_in"].to_numpy(),
                   signup=signup, signup_week=signup_week, week_left=1 - (signup - t0) % week / week,
                   b_local=b_local, b_ts=b_ts, d_ts=d_ts,
                   joins=by_week(signup_week, n_weeks), b_events=by_week(b_week, n_weeks),
                   b_deaths=by_week(d_week, n_weeks), launches=launches, shops_cols=shops_cols, cat_cdf=cat_cdf,
                   rng=rng)


@dataclass
class WeekState:
    """What carries over from week to week, and the rows the weeks have produced so far."""

    stage: np.ndarray            # −1 not joined yet, 0–3 living stage, 4 terminated
    s: np.ndarray                # latent satisfaction
    churn_ts: np.ndarray
    exit_stage: np.ndarray       # stage left at termination (−1 alive)
    last_order_week: np.ndarray
    n_orders: np.ndarray
    living: np.ndarray           # joined in an earlier week and not terminated (local indices)
    # active experiments, one entry per (campaign, contacted customer): local index, campaign, arm, lift,
    # and the accumulated orders under control / treatment
    c_cust: np.ndarray
    c_camp: np.ndarray
    c_treat: np.ndarray
    c_lift: np.ndarray
    acc_y0: np.ndarray
    acc_y1: np.ndarray
    windows: list[tuple[int, int, int, int, bool]]  # (first week, end week, lo, hi, is win-back)
    ev: list = field(default_factory=list)          # per week: order rows (``EV_COLS``)
    sp: list = field(default_factory=list)          # stage spells
    snaps: list = field(default_factory=list)       # month-end satisfaction
    con: list = field(default_factory=list)         # campaign contacts

    @classmethod
    def begin(cls, b: Block) -> WeekState:
        n = b.n
        return cls(stage=np.full(n, -1), s=b.s0.copy(),
                   churn_ts=np.full(n, np.datetime64("NaT"), dtype="datetime64[s]"), exit_stage=np.full(n, -1),
                   last_order_week=np.full(n, -10_000), n_orders=np.zeros(n, dtype=np.int64),
                   living=np.empty(0, np.int64), c_cust=np.empty(0, np.int64), c_camp=np.empty(0, np.int64),
                   c_treat=np.empty(0, bool), c_lift=np.empty(0), acc_y0=np.empty(0), acc_y1=np.empty(0),
                   windows=[])


def by_week(week: np.ndarray, n_weeks: int) -> list[np.ndarray]:
    """Indices grouped by week value (0..n_weeks−1; other values dropped), each group in index order."""
    order = np.argsort(week, kind="stable")
    bounds = np.searchsorted(week[order], np.arange(n_weeks + 1))
    return [order[bounds[i]:bounds[i + 1]] for i in range(n_weeks)]


def stack(parts: list[tuple], columns: tuple[str, ...]) -> pd.DataFrame:
    """One DataFrame from per-week tuples of equally long arrays (built once, not per week)."""
    if not parts:
        return pd.DataFrame({c: np.empty(0) for c in columns})
    return pd.DataFrame({c: np.concatenate([p[i] for p in parts]) for i, c in enumerate(columns)})
