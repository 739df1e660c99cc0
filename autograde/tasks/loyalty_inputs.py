"""The inputs of notebook 04's graded calls, derived from the student's own observed world.

Drawn with a generator seeded by the sizes of the student's tables (known to the kernel; the answers are not),
each built to expose a slip the worked examples may not: NPS scores right on the 6 / 7 / 9 boundaries, survival
data with many tied durations and censorings at event times, lumpy monthly revenues with zero months and tied
peaks, and CLV parameters with finite and infinite horizons.
"""

from __future__ import annotations

import numpy as np


def _rng(world, stream: int) -> np.random.Generator:
    """A generator seeded by stable properties of the student's observed world (the sizes of its tables)."""
    return np.random.default_rng([len(world.customers), len(world.orders), len(world.surveys), stream])


def nps_inputs(world) -> list[list[int]]:
    """Six samples of 0-10 scores (30-300 answers each), heavy on 6, 7, 8 and 9."""
    rng = _rng(world, 1)
    weights = np.array([1, 1, 1, 1, 2, 2, 6, 6, 6, 6, 4], dtype=float)
    return [[int(x) for x in rng.choice(11, size=int(rng.integers(30, 301)), p=weights / weights.sum())]
            for _ in range(6)]


def km_inputs(world) -> list[tuple[list[float], list[int]]]:
    """Two survival samples: 300 whole-day durations 0-90 (many ties) and 120 durations in half days."""
    rng = _rng(world, 2)
    a = rng.integers(0, 91, size=300).astype(float)
    b = rng.integers(1, 200, size=120) / 2.0
    return [([float(x) for x in d], [int(e) for e in rng.random(len(d)) < p]) for d, p in ((a, 0.6), (b, 0.4))]


def stage_inputs(world) -> list[list[float]]:
    """Twenty lumpy monthly revenue series (1-30 months; zero months; whole hundreds, so peaks tie)."""
    rng = _rng(world, 3)
    out = []
    for _ in range(20):
        n = int(rng.integers(1, 31))
        values = rng.integers(0, 6, size=n) * 100.0 * (rng.random(n) < 0.6)
        values[0] = max(values[0], 100.0)
        out.append([float(x) for x in values])
    return out


def clv_inputs(world) -> list[tuple]:
    """Eight (margin, retention, discount, horizon) cases; every other one has an infinite horizon (None)."""
    rng = _rng(world, 4)
    cases = []
    for i in range(8):
        horizon = None if i % 2 else int(rng.integers(1, 21))
        cases.append((float(rng.integers(20, 2000)), float(rng.integers(30, 96)) / 100,
                      float(rng.integers(2, 21)) / 100, horizon))
    return cases
