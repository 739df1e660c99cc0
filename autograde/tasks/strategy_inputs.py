"""The inputs of notebook 06's graded calls, derived from the student's own observed world.

Each is drawn with a generator seeded by the sizes of the student's tables (known to the kernel; the answers
are not) and built to expose a mistake the student's own tables may hide: a value matrix whose customers sit
exactly on both cuts (the tie rule) and whose order amounts differ within a customer (the cut is the mean over
customers); quadrant labels assigned at random to the student's customers (so segment economics does not hang
on the value matrix); factor tables with invalid weights or ratings; IE-matrix totals on the band edges.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

VM_SAMPLE_PAIRS = 60  # customers come in pairs symmetric about the cuts, so both means are exact
VM_CENTRE_FREQ, VM_CENTRE_AVG = 3, 200.0
QUADRANTS = ("best", "frequent", "spender", "uncertain")


def _rng(world, stream: int) -> np.random.Generator:
    return np.random.default_rng([len(world.customers), len(world.orders), len(world.order_items), 6, stream])


def _ids(world, rng, size: int) -> np.ndarray:
    ids = world.customers["customer_id"].to_numpy(dtype=object).astype(str)
    return ids[rng.choice(len(ids), size=min(size, len(ids)), replace=False)]


def vm_input(world) -> pd.DataFrame:
    """Orders [customer_id, revenue] of 120 of the student's customers: frequencies 1–5 in pairs about 3 and
    average values in pairs about 200 CNY (means exactly 3 and 200, many customers on the cuts); within a
    customer the amounts are the average ± 5, so the average is exact but the amounts differ."""
    rng = _rng(world, 1)
    ids = _ids(world, rng, 2 * VM_SAMPLE_PAIRS)
    dfreq = rng.integers(0, 3, size=VM_SAMPLE_PAIRS)
    davg = 10.0 * rng.integers(0, 18, size=VM_SAMPLE_PAIRS)
    freq = np.concatenate([VM_CENTRE_FREQ - dfreq, VM_CENTRE_FREQ + dfreq])
    avg = rng.permutation(np.concatenate([VM_CENTRE_AVG - davg, VM_CENTRE_AVG + davg]))
    rows = []
    for cid, f, a in zip(ids, freq, avg, strict=True):
        spread = [(-5.0 if j % 2 else 5.0) if j < f - f % 2 else 0.0 for j in range(f)]
        rows += [(cid, a + s) for s in spread]
    out = pd.DataFrame(rows, columns=["customer_id", "revenue"])
    return out.iloc[rng.permutation(len(out))].reset_index(drop=True)


def quadrant_input(world) -> pd.Series:
    """Random quadrant labels for 2,000 of the student's customers who placed an order (any status)."""
    rng = _rng(world, 2)
    ids = np.unique(world.orders["customer_id"].to_numpy(dtype=object).astype(str))
    ids = ids[ids != ""]
    ids = ids[rng.choice(len(ids), size=min(2000, len(ids)), replace=False)]
    labels = np.asarray(QUADRANTS, dtype=object)[rng.choice(4, size=len(ids), p=[0.1, 0.15, 0.25, 0.5])]
    return pd.Series(labels, index=pd.Index(ids, name="customer_id"), name="quadrant")


def factor_tables(world) -> list[tuple[list[float], list[int]]]:
    """24 EFE/IFE factor tables (weights, ratings): 3–6 factors, weights in hundredths summing to 1, ratings
    1–4; every fourth has weights summing to 0.95 or a rating of 0 or 5 (the function must refuse it)."""
    rng = _rng(world, 3)
    out = []
    for i in range(24):
        k = int(rng.integers(3, 7))
        cuts = np.sort(rng.choice(np.arange(1, 100), size=k - 1, replace=False))
        weights = (np.diff(np.concatenate([[0], cuts, [100]])) / 100).tolist()
        ratings = rng.integers(1, 5, size=k).tolist()
        if i % 4 == 3:
            if rng.random() < 0.5:
                weights[0] = round(weights[0] - 0.05, 2) if weights[0] > 0.05 else weights[0] + 0.05
            else:
                ratings[int(rng.integers(k))] = int(rng.choice([0, 5]))
        out.append(([float(w) for w in weights], [int(r) for r in ratings]))
    return out


def ie_pairs(world) -> list[tuple[float, float]]:
    """30 (IFE, EFE) totals between 1 and 4 in hundredths, a third of them exactly on 2.0 or 3.0."""
    rng = _rng(world, 4)
    vals = rng.integers(100, 401, size=(30, 2)) / 100
    edge = rng.random((30, 2)) < 0.2
    vals[edge] = rng.choice([2.0, 3.0], size=int(edge.sum()))
    return [(float(a), float(b)) for a, b in vals]
