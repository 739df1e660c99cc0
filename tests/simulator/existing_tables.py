"""The tables that existed before issue 14, and the SHA-256 of their Parquet bytes on a few worlds.

``fixtures/existing_tables.json`` was written by :func:`write_fixture` at commit 47d1065, before the ticket
events, ERP invoices, ticket messages and activities were added. Those tables draw only from new named
streams, so every table listed here must keep its bytes for every seed and mode
(``test_existing_tables.py``). Regenerate the file only for a deliberate change of an existing table.
"""

from __future__ import annotations

import json
from pathlib import Path

from crmlab import simulator
from crmlab.simulator import engine
from crmlab.simulator.tablefile import TableFile

FIXTURE = Path(__file__).parent / "fixtures" / "existing_tables.json"

# world keywords per case; "block_size" (popped) splits the customers into several blocks
CASES = {
    "seed1-default": {"seed": 1},
    "seed1-default-dq": {"seed": 1, "data_quality": True},
    "seed2-mixed": {"n_customers": 3_000, "seed": 2, "mode": "mixed"},
    "seed3-btyd": {"n_customers": 3_000, "seed": 3, "mode": "btyd", "end": "2025-01-01"},
    "seed4-blocks-dq": {"n_customers": 5_500, "seed": 4, "end": "2025-03-01", "data_quality": True,
                        "block_size": 2_000},
}


def digest(df) -> str:
    """SHA-256 of a table's Parquet bytes as ``World.save`` writes them (in memory, via a temporary file)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = TableFile(Path(tmp) / "t.parquet", "parquet")
        out.append(df)
        return out.close()


def world_hashes(*, block_size: int | None = None, **kwargs) -> dict[str, str]:
    """``{"orders": sha, "truth/orders": sha, …}`` of every table of the world of ``kwargs``."""
    saved = engine.BLOCK_SIZE
    if block_size is not None:
        engine.BLOCK_SIZE = block_size
    try:
        world = simulator.simulate(**kwargs)
    finally:
        engine.BLOCK_SIZE = saved
    out = {name: digest(df) for name, df in world.tables.items()}
    out.update({f"truth/{name}": digest(df) for name, df in world.truth.tables.items()})
    return out


def load_fixture() -> dict[str, dict[str, str]]:
    """Case → table → SHA-256, as written before issue 14."""
    return json.loads(FIXTURE.read_text())


def write_fixture() -> None:
    """(Re)write the fixture from the simulator as it is now."""
    data = {name: world_hashes(**kw) for name, kw in CASES.items()}
    FIXTURE.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    write_fixture()
