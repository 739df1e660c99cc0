"""The inputs of notebook 03's graded calls, derived from the student's own observed world.

Seeded by the sizes of the student's tables (known to the kernel; the answers are not), each input exposes a
mistake the student's own call on their whole data may hide: RFM on a sample of customers as of another
day (a date written into the code; duty left in the revenue), k-means on points the lecture did not show,
every cell of the Kano table, SERVQUAL on half the respondents with other importance points, and ACSI item
means with weights that do not sum to 1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RFM_SAMPLE_CUSTOMERS = 600
RFM_SAMPLE_ASOF = pd.Timestamp("2025-10-01")
ORDER_COLUMNS = ["order_id", "customer_id", "order_ts", "status", "order_total", "duty_tax", "fx_rate_to_cny"]


def _rng(world, stream: int) -> np.random.Generator:
    """A generator seeded by stable properties of the student's observed world (the sizes of its tables)."""
    return np.random.default_rng([len(world.customers), len(world.orders), len(world.surveys), stream])


def rfm_input(world) -> tuple[pd.DataFrame, pd.Timestamp]:
    """(orders of a sample of customers placed before RFM_SAMPLE_ASOF, that day): cross-border shops included."""
    rng = _rng(world, 1)
    ids = world.customers["customer_id"].to_numpy(dtype=object).astype(str)
    chosen = set(rng.choice(ids, size=min(RFM_SAMPLE_CUSTOMERS, len(ids)), replace=False))
    o = world.orders
    keep = o["customer_id"].isin(chosen).to_numpy() & (o["order_ts"] < RFM_SAMPLE_ASOF).to_numpy()
    sample = o.loc[keep, ORDER_COLUMNS].sample(frac=1.0, random_state=int(rng.integers(2**31)))
    return sample.reset_index(drop=True), RFM_SAMPLE_ASOF


def kmeans_input(world) -> tuple[np.ndarray, int]:
    """(a 90 × 3 matrix of three loose groups, k = 3) for the graded ``kmeans`` call."""
    rng = _rng(world, 2)
    centres = rng.uniform(-3, 3, size=(3, 3))
    points = np.vstack([c + rng.normal(0, 1.0, size=(30, 3)) for c in centres])
    return points[rng.permutation(len(points))], 3


def kano_pairs() -> list[tuple[str, str]]:
    """Every (functional, dysfunctional) answer pair, the 25 cells of the evaluation table."""
    from .segmentation_examples import KANO_ANSWERS

    return [(f, d) for f in KANO_ANSWERS for d in KANO_ANSWERS]


def servqual_input(world) -> tuple[pd.DataFrame, dict]:
    """(every second survey row, in shuffled order; importance points that differ from the lecture's)."""
    from .segmentation_examples import SERVQUAL_DIMENSIONS

    rng = _rng(world, 3)
    half = world.surveys.iloc[::2].sample(frac=1.0, random_state=int(rng.integers(2**31)))
    cuts = np.sort(rng.choice(np.arange(1, 100), size=4, replace=False))
    points = np.diff(np.concatenate([[0], cuts, [100]]))
    return half.reset_index(drop=True), {d: int(p) for d, p in zip(SERVQUAL_DIMENSIONS, points, strict=True)}


def acsi_inputs(world) -> list[tuple[list[float], list[float]]]:
    """Five (item means on 1–10, weights) pairs; the weights do not sum to 1."""
    rng = _rng(world, 4)
    return [(list(np.round(rng.uniform(4, 9.5, 3), 2)), list(np.round(rng.uniform(0.5, 3.0, 3), 2)))
            for _ in range(5)]
