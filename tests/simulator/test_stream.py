"""``simulate_to`` streams a world to disk block by block: the same bytes as ``simulate(...).save``."""

import hashlib
import math
import random
import subprocess
import sys

import pandas as pd
import pyarrow.parquet as pq
import pytest
from crmlab import simulator
from crmlab.simulator import engine, stream, summary, tablefile
from crmlab.simulator.world import WorldIOError

# three blocks of 2,000 customers, Parquet row groups of 3,000 rows (so groups straddle blocks)
KW = dict(n_customers=5_500, seed=5, start="2024-01-01", end="2024-09-01")


def _hashes(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _small(mp, block_size=2_000):
    mp.setattr(engine, "BLOCK_SIZE", block_size)
    mp.setattr(tablefile, "ROW_GROUP_ROWS", 3_000)


@pytest.fixture
def small_blocks(monkeypatch):
    _small(monkeypatch)


@pytest.fixture(scope="module")
def worlds(tmp_path_factory):
    """The in-memory world, and it saved (1 worker) and streamed (2 workers) as Parquet."""
    root = tmp_path_factory.mktemp("stream")
    with pytest.MonkeyPatch.context() as mp:
        _small(mp)
        world = simulator.simulate(**KW)
        world.save(root / "memory")
        _, stats = stream.write_world(root / "stream", engine.make_config(**KW), workers=2)
    return world, root, stats


def test_streamed_parquet_is_byte_identical(worlds):
    world, root, _ = worlds
    groups = pq.ParquetFile(root / "stream" / "orders.parquet").metadata.num_row_groups
    assert groups == -(-len(world.orders) // 3_000) >= 3  # row groups of 3,000 rows straddle the blocks
    assert world.truth.params["block_size"] == 2_000
    memory, streamed = _hashes(root / "memory"), _hashes(root / "stream")
    assert memory == streamed and len(memory) == len(simulator.schema.OBSERVED) + len(simulator.schema.TRUTH) + 1


def test_streamed_csv_is_byte_identical_for_any_workers(small_blocks, tmp_path):
    simulator.simulate(**KW, workers=2).save(tmp_path / "memory", format="csv")
    simulator.simulate_to(tmp_path / "stream", **KW, format="csv", workers=1)
    assert _hashes(tmp_path / "memory") == _hashes(tmp_path / "stream")


def test_dictionary_encoding_follows_the_schema_rule(worlds):
    """Categories and codes are dictionary-encoded; ids, names, timestamps and floats are stored plain."""
    _, root, _ = worlds
    meta = pq.ParquetFile(root / "stream" / "orders.parquet").metadata
    group = meta.row_group(0)
    encodings = {group.column(i).path_in_schema: group.column(i).encodings for i in range(group.num_columns)}
    assert "RLE_DICTIONARY" in encodings["status"] and "RLE_DICTIONARY" in encodings["shop_id"]
    for col in ("order_id", "customer_id", "order_ts", "order_total"):
        assert "RLE_DICTIONARY" not in encodings[col], col
    schema = pq.read_schema(root / "stream" / "customers.parquet")
    assert not {"name", "email", "phone", "customer_id"} & set(tablefile.dictionary_columns(schema))


def test_streamed_world_loads_equal_to_the_simulated_one(worlds):
    world, root, _ = worlds
    loaded = simulator.load(root / "stream")
    assert list(loaded.tables) == list(world.tables)
    for name, df in world.tables.items():
        pd.testing.assert_frame_equal(loaded.tables[name], df, check_exact=True, obj=name)
    for name, df in world.truth.tables.items():
        pd.testing.assert_frame_equal(loaded.truth.tables[name], df, check_exact=True, obj=f"truth/{name}")
    assert loaded.truth.params == {**world.truth.params, "format": "parquet",
                                   "hashes": loaded.truth.params["hashes"]}


def test_summary_from_the_stream_equals_the_in_memory_one(worlds):
    world, _, stats = worlds
    assert summary.summarize(stats, where="x") == simulator.summarize(world, where="x")


def test_more_blocks_than_in_flight(monkeypatch, tmp_path):
    _small(monkeypatch, block_size=1_000)
    kw = dict(n_customers=6_500, seed=4, end="2024-05-01")
    simulator.simulate(**kw).save(tmp_path / "memory")
    simulator.simulate_to(tmp_path / "stream", **kw, workers=2)
    assert len(simulator.load(tmp_path / "stream").customers) == 6_500
    assert _hashes(tmp_path / "memory") == _hashes(tmp_path / "stream")


def test_full_size_blocks_stream_identically(tmp_path):
    kw = dict(n_customers=55_000, seed=9, end="2024-04-01")  # three real blocks of 25,000
    simulator.simulate(**kw).save(tmp_path / "memory")
    simulator.simulate_to(tmp_path / "stream", **kw, workers=2)
    assert _hashes(tmp_path / "memory") == _hashes(tmp_path / "stream")


def test_tiny_world_with_empty_tables(tmp_path):
    kw = dict(n_customers=2, n_shops=1, seed=1, end="2024-04-15")  # no calls, tickets, surveys …
    world = simulator.simulate(**kw)
    assert len(world.calls) == len(world.tickets) == len(world.leads) == 0
    world.save(tmp_path / "memory")
    simulator.simulate_to(tmp_path / "stream", **kw)
    assert _hashes(tmp_path / "memory") == _hashes(tmp_path / "stream")


def test_data_quality_falls_back_to_memory(tmp_path):
    kw = dict(n_customers=400, seed=2, end="2024-04-01", data_quality=True)
    simulator.simulate(**kw).save(tmp_path / "memory", format="csv")
    simulator.simulate_to(tmp_path / "stream", **kw, format="csv")
    assert _hashes(tmp_path / "memory") == _hashes(tmp_path / "stream")


@pytest.mark.parametrize("workers", [1, 2])
def test_failure_mid_stream_leaves_nothing(small_blocks, tmp_path, monkeypatch, workers):
    calls = {"n": 0}
    append = tablefile.TableFile.append

    def failing(self, df):
        calls["n"] += 1
        if calls["n"] == 20:  # inside the second block
            raise RuntimeError("disk full")
        return append(self, df)

    monkeypatch.setattr(tablefile.TableFile, "append", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        simulator.simulate_to(tmp_path / "w", **KW, workers=workers)
    assert list(tmp_path.iterdir()) == []
    old = tmp_path / "old"
    old.mkdir()
    (old / "keep.txt").write_text("x")
    calls["n"] = 0
    with pytest.raises(RuntimeError, match="disk full"):
        simulator.simulate_to(old, **KW, workers=workers, force=True)
    assert [p.name for p in tmp_path.iterdir()] == ["old"] and (old / "keep.txt").read_text() == "x"


def test_target_rules(tmp_path):
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "a.txt").write_text("x")
    with pytest.raises(WorldIOError, match="not empty"):
        simulator.simulate_to(tmp_path / "w", n_customers=50, end="2024-04-15")
    with pytest.raises(WorldIOError, match="unknown format"):
        simulator.simulate_to(tmp_path / "v", n_customers=50, end="2024-04-15", format="xlsx")
    path = simulator.simulate_to(tmp_path / "w", n_customers=50, end="2024-04-15", force=True)
    assert path == (tmp_path / "w").absolute() and not (path / "a.txt").exists()
    assert not (path / ".calls.arrow").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["w"]


def test_exact_parts_do_not_depend_on_the_split():
    rng = random.Random(3)
    values = [rng.uniform(-1, 1) * 10 ** rng.randint(-8, 12) for _ in range(5_000)]
    whole = math.fsum(values)
    merged = []
    for lo in range(0, len(values), 777):
        merged = summary.exact_parts(merged + summary.exact_parts(values[lo:lo + 777]))
    assert math.fsum(merged) == whole and math.fsum(summary.exact_parts(values)) == whole


def test_cli_streams_and_prints_the_in_memory_summary(tmp_path):
    out = tmp_path / "w"
    res = subprocess.run([sys.executable, "-m", "crmlab.autograde.cli", "simulate", "--customers", "600",
                          "--months", "5", "--seed", "8", "--workers", "2", "--out", str(out)],
                         capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    world = simulator.simulate(n_customers=600, end="2024-06-01", seed=8)
    assert res.stdout.strip() == simulator.summarize(world, where=str(out.absolute()))
    world.save(tmp_path / "memory")
    assert _hashes(out) == _hashes(tmp_path / "memory")
