"""``crmlab course measure``: figures and recovery studies written to measured.json, and stale files caught."""

from __future__ import annotations

import json

import pytest
from crmlab.autograde import measure

pytestmark = pytest.mark.slow

REFERENCE = '''
from crmlab.autograde.measure import Figure
from crmlab.autograde.tasks import Task, tasks_of
from crmlab.autograde.tasks.rules import Close

q1 = Task("q1_test", 1, "orders", {"n": Close(rtol=0.05, reason="a study")}, lambda n: {"n": n})
TASKS = tasks_of(q1)
SOLUTIONS = {"q1_test": lambda w, dq: {"n": float(len(w.orders))}}
TRUTH = {"q1_test": lambda w, dq: {"n": float(len(w.truth.orders))}}
FIGURES = {"orders": Figure(lambda w, dq: float(len(w.orders)), "orders in a world")}
'''


def test_measure_writes_and_stale_notices(tmp_path):
    folder = tmp_path / "03_x"
    folder.mkdir()
    (folder / "reference.py").write_text(REFERENCE, encoding="utf-8")
    content = measure.measure(folder, figure_seeds=2, recovery_seeds=3)
    kept = json.loads((folder / measure.FILE).read_text(encoding="utf-8"))
    assert kept["figures"]["orders"]["seeds"] == [0, 1] and len(kept["recovery"]["q1_test"]["passed"]) == 3
    assert content == {k: kept[k] for k in content}
    assert measure.pass_rates(kept) == {"q1_test": 1.0}
    assert measure.stale(folder) == []
    kept["figures"]["orders"]["values"][1] += 1
    (folder / measure.FILE).write_text(json.dumps(kept), encoding="utf-8")
    assert any("figure orders on seed 1" in p for p in measure.stale(folder))
    (folder / "reference.py").write_text(REFERENCE.replace('"orders": Figure', '"n_orders": Figure'))
    assert measure.stale(folder) == ["the declared FIGURES / TRUTH tasks differ from those measured"]
