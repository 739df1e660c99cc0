"""The inputs of notebook 02's graded calls, derived from the student's own observed world.

They are derived from the student's own observed tables (known to the kernel; the
answers are not): customer ids and order amounts drawn with a generator seeded by the sizes of the tables.
Each input is built to expose a declared mistake the student's own tables cannot: extra cost/value
components (fixed key names), amounts rounded to tens and zeros (the tie rule), ten customers of 0.1 CNY
(rounding cum_share), and 257 customers, where round() and per-tier floors cut differently from the
cumulative floor rule (3000 customers cut the same either way).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CDV_VALUE_KEYS = ("product", "service", "personnel", "image", "experience")
CDV_COST_KEYS = ("monetary", "time", "energy", "psychic", "waiting")
ABC_SAMPLE_SIZE = 300
PYRAMID_SAMPLE_SIZE = 257  # 0.05·257 = 12.85 and 0.15·257 = 38.55: round() and per-tier floors both differ


def _rng(world, stream: int) -> np.random.Generator:
    """A generator seeded by stable properties of the student's observed world (the sizes of its tables)."""
    return np.random.default_rng([len(world.customers), len(world.orders), len(world.leads), stream])


def cdv_args(world) -> tuple[dict, dict]:
    """Value and cost components (CNY) for the graded ``cdv`` call, with one component beyond the lecture's four."""
    rng = _rng(world, 1)
    values = {k: float(v) for k, v in zip(CDV_VALUE_KEYS, rng.integers(5, 300, size=len(CDV_VALUE_KEYS)), strict=True)}
    costs = {k: float(v) for k, v in zip(CDV_COST_KEYS, rng.integers(1, 150, size=len(CDV_COST_KEYS)), strict=True)}
    return values, costs


def _sample_ids(world, rng: np.random.Generator, size: int) -> np.ndarray:
    ids = world.customers["customer_id"].to_numpy(dtype=object).astype(str)
    return ids[rng.choice(len(ids), size=min(size, len(ids)), replace=False)]


def _sample_amounts(world, rng: np.random.Generator, size: int) -> np.ndarray:
    totals = world.orders["order_total"].to_numpy(dtype=float)
    return totals[rng.integers(0, len(totals), size=size)]


def abc_input(world) -> pd.Series:
    """Revenues (CNY) of 300 of the student's customers: order amounts rounded to tens, a tenth of them 0 (ties)."""
    rng = _rng(world, 2)
    ids = _sample_ids(world, rng, ABC_SAMPLE_SIZE)
    amounts = np.round(_sample_amounts(world, rng, len(ids)), -1)
    amounts[rng.random(len(ids)) < 0.1] = 0.0
    return pd.Series(amounts, index=pd.Index(ids, name="customer_id"), dtype=float)


def abc_tenths_input(world) -> pd.Series:
    """Ten of the student's customers with 0.1 CNY each: the share before the 9th is 0.7999999999999999 in floats."""
    ids = _sample_ids(world, _rng(world, 3), 10)
    return pd.Series(0.1, index=pd.Index(ids, name="customer_id"), dtype=float)


def pyramid_input(world) -> pd.Series:
    """Gross profits (CNY) of 257 of the student's customers: order amounts × a margin in [−20 %, 50 %), whole yuan."""
    rng = _rng(world, 4)
    ids = _sample_ids(world, rng, PYRAMID_SAMPLE_SIZE)
    profit = np.round(_sample_amounts(world, rng, len(ids)) * rng.uniform(-0.2, 0.5, size=len(ids)))
    return pd.Series(profit, index=pd.Index(ids, name="customer_id"), dtype=float)
