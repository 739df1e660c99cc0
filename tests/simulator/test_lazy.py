"""A lazily generated world (``simulator.simulate_lazy``): every table, asked for first in a fresh lazy world,
is byte-identical to the same table of the full world (``simulate``), on two seeds, with and without the
data-quality layer, and across customer blocks; printing a lazy world generates nothing."""

from __future__ import annotations

import pandas as pd
import pytest
from crmlab import simulator
from crmlab.simulator import engine, schema
from crmlab.simulator.tablefile import TableFile
from crmlab.simulator.world import LazyTables

N = 1_500  # customers: small, so forty-odd lazy worlds stay cheap


def digest(df: pd.DataFrame, tmp_path, name: str) -> str:
    """SHA-256 of the table's Parquet file as ``World.save`` writes it."""
    out = TableFile(tmp_path / f"{name.replace('/', '-')}.parquet", "parquet")
    out.append(df)
    return out.close()


def assert_each_table_alone_identical(kwargs: dict, tmp_path) -> None:
    full = simulator.simulate(**kwargs)
    for kind, spec in (("observed", schema.OBSERVED), ("truth", schema.TRUTH)):
        for name in spec:
            lazy = simulator.simulate_lazy(**kwargs)
            tables = lazy.tables if kind == "observed" else lazy.truth.tables
            got = tables[name]
            want = (full.tables if kind == "observed" else full.truth.tables)[name]
            assert tables.loaded() == [name], f"{kind}/{name}: only the table asked for is made"
            pd.testing.assert_frame_equal(got, want, check_exact=True, obj=f"{kind}/{name}")
            assert digest(got, tmp_path, f"lazy-{name}") == digest(want, tmp_path, f"full-{name}"), f"{kind}/{name}"


@pytest.mark.parametrize("seed", [3, 8])
@pytest.mark.parametrize("data_quality", [False, True])
def test_every_table_generated_alone_is_byte_identical(seed, data_quality, tmp_path):
    assert_each_table_alone_identical({"n_customers": N, "seed": seed, "data_quality": data_quality}, tmp_path)


def test_identical_across_blocks_in_mixed_mode(monkeypatch, tmp_path):
    monkeypatch.setattr(engine, "BLOCK_SIZE", 400)  # four blocks: block-local ids shifted by earlier blocks
    assert len(engine.block_jobs(N)) == 4
    kwargs = {"n_customers": N, "seed": 5, "mode": "mixed", "data_quality": True}
    assert_each_table_alone_identical(kwargs, tmp_path)


def test_tables_in_reverse_order_and_saved_files_identical(tmp_path):
    kwargs = {"n_customers": N, "seed": 4, "data_quality": True}
    lazy = simulator.simulate_lazy(**kwargs)
    made = [lazy.tables[name] for name in reversed(list(schema.OBSERVED))]
    assert len(made) == len(schema.OBSERVED) and lazy.tables.loaded() == list(schema.OBSERVED)
    a = simulator.simulate(**kwargs).save(tmp_path / "full")
    b = lazy.save(tmp_path / "lazy")
    assert sorted(p.name for p in a.rglob("*")) == sorted(p.name for p in b.rglob("*"))
    for file in a.rglob("*.parquet"):
        assert file.read_bytes() == (b / file.relative_to(a)).read_bytes(), file.name


def test_repr_generates_nothing_and_shows_what_is_loaded():
    world = simulator.simulate_lazy(n_customers=N, seed=2, truth=False)
    assert isinstance(world.tables, LazyTables) and world.truth is None
    text = repr(world)
    assert world.tables.loaded() == []
    assert all(name in text for name in schema.OBSERVED) and "truth=hidden" in text
    n = len(world.orders)
    assert f"orders={n:,}" in repr(world) and world.tables.loaded() == ["orders"]
    assert "orders" in world.tables and "nope" not in world.tables and world.tables.loaded() == ["orders"]
    assert sorted(dir(world)) == sorted(set(dir(world)))  # no table made by dir() either
    assert world.tables.loaded() == ["orders"]
    with pytest.raises(AttributeError, match="no table 'nope'"):
        _ = world.nope


def test_full_world_repr_unchanged():
    world = simulator.simulate(n_customers=300, seed=1)
    assert repr(world).startswith(f"World(shops={len(world.shops)}, ") and "made when first used" not in repr(world)


def test_lazy_load_reads_each_file_when_first_used(tmp_path):
    world = simulator.simulate(n_customers=300, seed=1)
    path = world.save(tmp_path / "w")
    lazy = simulator.load(path, lazy=True)
    assert lazy.tables.loaded() == [] and f"orders={len(world.orders):,}" in repr(lazy)  # count from the footer
    pd.testing.assert_frame_equal(lazy.orders, simulator.load(path).orders, check_exact=True)
    assert lazy.tables.loaded() == ["orders"] and lazy.truth.tables.loaded() == []


def test_pickled_lazy_world_is_a_whole_one():
    import pickle

    lazy = simulator.simulate_lazy(n_customers=300, seed=6, truth=False)
    back = pickle.loads(pickle.dumps(lazy))
    assert type(back.tables) is dict and list(back.tables) == list(schema.OBSERVED)
    pd.testing.assert_frame_equal(back.orders, simulator.simulate(n_customers=300, seed=6).orders, check_exact=True)
