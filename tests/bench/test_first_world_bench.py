"""The first-world benchmark's bookkeeping: a student's environment has no ``CRMLAB_*`` name but those it is
given, and each scenario's ratio is its median over the floor's median."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "first_world.py"
_spec = importlib.util.spec_from_file_location("bench_first_world", BENCH)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def test_student_env_keeps_only_the_names_given(monkeypatch, tmp_path):
    monkeypatch.setenv("CRMLAB_SEED", "12")
    monkeypatch.setenv("CRMLAB_DATA", "/somewhere")
    env = bench.student_env(tmp_path, CRMLAB_CACHE="/c")
    assert {k for k in env if k.startswith("CRMLAB_")} == {"CRMLAB_CACHE"}
    assert env["HOME"] == str(tmp_path / "home") and env["PATH"]


def test_report_ratio_is_median_over_floor_median():
    lines = bench.report({"floor": [0.3, 0.5, 0.4], "self-study: my_world()": [0.8, 0.6, 1.0]})
    assert "median  0.40 s" in lines[0]
    assert lines[1].endswith("ratio 2.00") and "median  0.80 s" in lines[1]
