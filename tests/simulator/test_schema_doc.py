"""simulator/README.md is the data dictionary rendered from simulator/schema.py; they stay in sync."""

from pathlib import Path

from crmlab.simulator import schema

README = Path(__file__).resolve().parents[2] / "simulator" / "README.md"


def test_readme_is_rendered_from_the_schema():
    assert README.read_text(encoding="utf-8").rstrip("\n") == schema.render_markdown().rstrip("\n"), \
        "run: python -m crmlab.simulator.schema > simulator/README.md"


def test_foreign_keys_point_at_real_columns():
    for name in schema.OBSERVED:
        for col, (table, ref) in schema.foreign_keys(name).items():
            assert ref in schema.OBSERVED[table], (name, col)
