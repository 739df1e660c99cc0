"""The purchase-process calibration against CDNOW (issue 12, items 1–4) holds on two seeds: each row that the
recalibration moved into its band stays inside it on each seed, in lifecycle and mixed modes.

The statistics, the cohort rule and the bands are bench/fidelity.py's own (imported by path), so the test and
the benchmark cannot drift apart. Only rows inside their band on both seeds are asserted; the rows still out of
band (or on its edge on one seed) are listed in ``NOT_ASSERTED`` and reported by the benchmark.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path

import pytest

pytest.importorskip("lifetimes")  # ships CDNOW (dev extra)

BENCH = Path(__file__).resolve().parents[2] / "bench" / "fidelity.py"
_spec = importlib.util.spec_from_file_location("bench_fidelity", BENCH)
fid = sys.modules.get("bench_fidelity") or importlib.util.module_from_spec(_spec)
if "bench_fidelity" not in sys.modules:
    sys.modules["bench_fidelity"] = fid  # dataclasses look their module up while the class is built
    _spec.loader.exec_module(fid)

SEEDS = (1, 2)
CUSTOMERS = 20_000  # the benchmark's default world size (its bands are calibrated for it)

# rows the recalibration moved into band, per mode, in band on both seeds
COMMON = ["repeats 7+", "purchase days / customer", "top-20% revenue share", "order value p90/p10",
          "frequency-spend corr", "median inter-purchase days", "decay wk 13-25 /1000/wk", "BG/NBD a"]
ASSERTED = {
    "lifecycle": [*COMMON, "repeats 1", "repeats 2", "repeats 3", "repeats 4", "decay wk 0-3 /1000/wk",
                  "decay ratio wk 66-78 / 13-26"],
    "mixed": [*COMMON, "decay wk 52-65 /1000/wk"],
}
# out of band on at least one seed (see the commit message and bench/fidelity.py's table)
NOT_ASSERTED = {
    "lifecycle": ["order value median/mean", "within-customer IPT CV", "decay wk 52-65 /1000/wk",
                  "holdout error aggregate", "holdout error x=0"],
    "mixed": ["order value median/mean", "within-customer IPT CV", "holdout error x=0", "holdout error x=1"],
}


@cache
def _cdnow() -> dict:
    return fid.measure_cdnow()


@cache
def _world(mode: str, seed: int) -> dict:
    return fid.measure_world(mode, seed, CUSTOMERS)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("mode", list(ASSERTED))
def test_moved_rows_stay_in_their_cdnow_band(mode, seed):
    cdnow, got = _cdnow(), _world(mode, seed)
    outside = {}
    for row in ASSERTED[mode]:
        lo, hi = fid.BAND[row].bounds(cdnow[row])
        if not lo <= got[row] <= hi:
            outside[row] = (round(got[row], 3), (round(lo, 3), round(hi, 3)))
    assert not outside, f"{mode}, seed {seed}: rows outside their band: {outside}"


def test_asserted_rows_have_a_cdnow_band():
    for mode, rows in ASSERTED.items():
        assert not set(rows) & set(NOT_ASSERTED[mode])
        for row in rows:
            assert fid.BAND[row].bounds(1.0) is not None, row
