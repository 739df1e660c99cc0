"""The simulator benchmark's measuring functions, on small worlds: the figures it prints are read from
real runs, so they must count what they claim (rows, orders, the Parquet floor for both codecs)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pyarrow.parquet as pq
from crmlab import simulator

BENCH = Path(__file__).resolve().parents[2] / "bench" / "simulate.py"


_spec = importlib.util.spec_from_file_location("bench_simulate", BENCH)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def test_run_stream_counts_the_files_it_wrote():
    r = bench.run_stream(1_500, 1, floor=True)
    world = simulator.simulate(n_customers=1_500, seed=2024)
    assert r["orders"] == len(world.orders)
    assert r["rows"] == sum(len(t) for t in world.tables.values())
    assert r["total_s"] > 0 and r["peak_mb"] > 0
    assert set(r["floor"]) == {"zstd", "zstd_mb", "none", "none_mb"}
    assert r["floor"]["zstd"] > 0 and r["floor"]["none"] > 0
    assert 0 < r["floor"]["zstd_mb"] < r["floor"]["none_mb"]


def test_encode_floor_writes_every_observed_table(tmp_path):
    path = simulator.simulate_to(tmp_path / "w", n_customers=800, seed=5)
    floor = bench.encode_floor(path)
    on_disk = sum(f.stat().st_size for f in path.glob("*.parquet")) / 1e6
    assert abs(floor["zstd_mb"] - on_disk) / on_disk < 0.05
    assert pq.ParquetFile(next(path.glob("orders.parquet"))).metadata.num_rows > 0


def test_baseline_draws_the_worlds_order_counts():
    base = bench.baseline(300)
    world = simulator.simulate(n_customers=300, seed=2024)
    assert base["orders"] == len(world.orders)
    assert base["identity_s"] > 0 and base["vector_identity_s"] > 0
