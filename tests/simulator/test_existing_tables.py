"""Issue 14 added tables from new named streams only: every table that existed before keeps its bytes.

The SHA-256 of each table's Parquet bytes was written at the commit before the new tables
(``fixtures/existing_tables.json``, see ``existing_tables.py``) on five worlds: the default world clean and
with the data-quality layer, mixed and btyd modes, and a world of several customer blocks.
"""

import pytest
from existing_tables import CASES, load_fixture, world_hashes


@pytest.mark.parametrize("case", sorted(CASES))
def test_tables_that_existed_keep_their_bytes(case):
    before = load_fixture()[case]
    now = world_hashes(**CASES[case])
    assert len(before) == 20 and set(before) <= set(now)
    changed = sorted(name for name in before if now[name] != before[name])
    assert not changed, f"{case}: changed {changed}"
