"""Time in the simulator: the weekly grid, seasonal demand and the hour-of-day profile of activity.

The behaviour loop steps in weeks; timestamps inside a week are drawn from a day-of-week and hour-of-day
profile. Seasonality follows Chinese e-commerce: 618 (mid-June), Singles' Day 11.11, and for cross-border
shops Black Friday / Cyber Monday; Spring Festival is a trough.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

WEEK_S = 7 * 86_400
# Relative activity by hour of day (0–23): quiet at night, peaks late morning and 20:00–22:00.
HOUR_PROFILE = np.array([0.6, 0.3, 0.15, 0.1, 0.1, 0.15, 0.3, 0.6, 1.0, 1.4, 1.7, 1.8,
                         1.6, 1.4, 1.4, 1.5, 1.5, 1.5, 1.6, 1.9, 2.3, 2.4, 2.0, 1.2])
HOUR_CDF = np.cumsum(HOUR_PROFILE) / HOUR_PROFILE.sum()
# Sales peaks: (month, day, days of lift, multiplier, cross_border_only)
PEAKS = ((6, 18, 4, 2.2, False), (11, 11, 5, 3.0, False), (12, 12, 2, 1.6, False))


def week_starts(start: pd.Timestamp, n_weeks: int) -> np.ndarray:
    """Start of each simulation week as datetime64[s], shape (n_weeks,)."""
    return (np.datetime64(start, "s") + np.arange(n_weeks) * np.timedelta64(WEEK_S, "s"))


def daily_demand(start: pd.Timestamp, end: pd.Timestamp, *, cross_border: bool) -> np.ndarray:
    """Relative demand per day in [start, end): trend × weekday × festival peaks; shape (n_days,)."""
    days = pd.date_range(start, end, inclusive="left", freq="D")
    t = np.arange(len(days)) / 365.25
    weight = 1.0 + 0.15 * t  # growing market
    weight = weight * np.where(days.day_of_week >= 5, 1.15, 1.0)
    month, day = days.month.to_numpy(), days.day.to_numpy()
    for m, d, span, mult, _ in PEAKS:
        near = (month == m) & (day > d - span) & (day <= d)
        weight = np.where(near, weight * mult, weight)
    if cross_border:  # Black Friday to Cyber Monday: last Friday of November + 3 days
        bf = (month == 11) & (days.day_of_week.to_numpy() == 4) & (day >= 23) & (day <= 29)
        idx = np.flatnonzero(bf)
        for k in range(4):
            ok = idx + k < len(days)
            weight[idx[ok] + k] *= 2.5
    spring = (month == 2) & (day <= 14) | (month == 1) & (day >= 25)
    weight = np.where(spring, weight * 0.6, weight)
    return np.asarray(weight, dtype=float)


def weekly_season(start: pd.Timestamp, n_weeks: int, *, cross_border: bool) -> np.ndarray:
    """Mean relative demand of each simulation week, normalised to mean 1 over a year; shape (n_weeks,)."""
    end = start + pd.Timedelta(days=7 * n_weeks)
    daily = daily_demand(start, end, cross_border=cross_border)
    weekly = daily[: 7 * n_weeks].reshape(n_weeks, 7).mean(axis=1)
    trend = 1.0 + 0.15 * np.arange(n_weeks) / 52.18
    return weekly / trend / (weekly / trend).mean()


def random_seconds_in_days(n: int, *, rng: np.random.Generator) -> np.ndarray:
    """Seconds after midnight following the hour-of-day profile; shape (n,), int64."""
    hour = np.searchsorted(HOUR_CDF, rng.random(n), side="right")
    return hour * 3600 + rng.integers(0, 3600, n)


def times_in_week(week_start: np.ndarray, *, rng: np.random.Generator) -> np.ndarray:
    """A timestamp inside each given week (day uniform, hour by profile); datetime64[s], same shape."""
    n = len(week_start)
    offset = rng.integers(0, 7, n) * 86_400 + random_seconds_in_days(n, rng=rng)
    return week_start + offset.astype("timedelta64[s]")


def sample_days(weights: np.ndarray, n: int, start: pd.Timestamp, *, rng: np.random.Generator) -> np.ndarray:
    """``n`` timestamps on days drawn with probability ∝ ``weights`` (from ``start``); datetime64[s]."""
    cdf = np.cumsum(weights) / weights.sum()
    day = np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(weights) - 1)
    secs = day * 86_400 + random_seconds_in_days(n, rng=rng)
    return np.datetime64(start, "s") + secs.astype("timedelta64[s]")
