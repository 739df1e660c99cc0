"""The broken-submission matrix on the fixture lecture: every kind gets a clear status, zero for what
failed, and the rest of the class is graded normally."""

from __future__ import annotations

import time

import pytest
from crmlab.autograde import variants

pytestmark = pytest.mark.slow
TIMEOUT = 3  # s per cell; keeps the infinite loops short


@pytest.fixture(scope="module")
def matrix(fixture_course, fake_factory, tmp_path_factory):
    """Grade one student per broken kind plus two good ones.

    Returns (records by kind, seconds, course dir, all records)."""
    import shutil

    from conftest import write_class
    from crmlab.autograde.grade import grade_assignment

    base = tmp_path_factory.mktemp("broken")
    course_dir = base / "course"
    shutil.copytree(fixture_course, course_dir)
    plan = {f"k{i:02d}": kind for i, kind in enumerate(variants.BROKEN_KINDS)}
    plan.update({"good1": "solution", "good2": "solution"})
    write_class(course_dir, plan, base / "subs", "01_fixture", factory=fake_factory)
    t0 = time.perf_counter()
    records = grade_assignment(course_dir=course_dir, assignment="01_fixture", submissions_path=base / "subs",
                               workers=2, timeout=TIMEOUT, progress=False, world_factory=fake_factory)
    seconds = time.perf_counter() - t0
    by_kind = {plan[r["student_id"]]: r for r in records}
    return by_kind, seconds, course_dir, records


def _statuses(record):
    return [c["status"] for c in record["cells"]]


def test_everyone_else_graded_normally(matrix):
    by_kind = matrix[0]
    assert by_kind["solution"]["score"] == by_kind["solution"]["max_score"] == 5


def test_deleted_graded_cell_scores_zero_not_manual(matrix):
    r = matrix[0]["deleted_cell"]
    assert _statuses(r)[0] == "graded cell deleted" and r["cells"][0]["score"] == 0
    assert r["cells"][1]["score"] == 3
    assert "graded cell deleted" in r["banner"]
    assert not any("manual" in s for s in _statuses(r))


def test_reordered_cells(matrix):
    r = matrix[0]["reordered"]
    assert "cells reordered" in r["banner"] and r["score"] == 3


def test_exception_in_answer(matrix):
    r = matrix[0]["exception"]
    assert r["cells"][0]["score"] == 0 and r["cells"][1]["score"] == 3
    assert "raised ValueError" in r["banner"]


def test_infinite_loop_times_out(matrix):
    r = matrix[0]["infinite_loop"]
    assert f"ran past the {TIMEOUT} s limit" in r["banner"]
    assert r["score"] == 3


def test_swallowed_interrupt_stops_kernel_in_bounded_time(matrix):
    r = matrix[0]["swallow_interrupt"]
    assert "kernel stopped" in r["banner"]
    assert r["score"] == 0
    assert all(s.startswith("not run") for s in _statuses(r))
    assert r["timings"]["autograde"] < TIMEOUT + 4 + 10


def test_edited_test_is_restored_and_said_once(matrix):
    r = matrix[0]["test_edited"]
    assert r["score"] == 0
    assert all(s.startswith("test cell edited, restored") for s in _statuses(r))
    assert r["banner"].count("locked cell edited") == 1
    assert "checksum" not in r["banner"]


def test_malformed_json(matrix):
    r = matrix[0]["malformed_json"]
    assert r["score"] == 0 and all(s == "malformed notebook" for s in _statuses(r))
    assert "malformed notebook" in r["banner"]


def test_huge_output_capped_by_bytes(matrix):
    r, course_dir = matrix[0]["huge_output"], matrix[2]
    assert "truncated" in r["banner"] and r["score"] == 5
    sid = r["student_id"]
    feedback = course_dir / "feedback" / sid / "01_fixture" / "01_fixture.html"
    assert feedback.stat().st_size < 1_000_000
    assert (course_dir / "autograded" / sid / "01_fixture" / "01_fixture.ipynb").stat().st_size < 300_000


def test_missing_notebook(matrix):
    r = matrix[0]["missing"]
    assert r["kind"] == "missing" and r["score"] == 0 and all(s == "missing notebook" for s in _statuses(r))


def test_misnamed_notebook_used_with_note(matrix):
    r = matrix[0]["misnamed"]
    assert r["score"] == 5 and "-Copy1.ipynb" in r["banner"]


def test_changed_kernel_name(matrix):
    r = matrix[0]["kernel_changed"]
    assert r["score"] == 5 and "kernel 'ir' changed back" in r["banner"]


def test_tampering_is_flagged(matrix):
    r = matrix[0]["tampered"]
    assert r["flagged"] and "flagged for review" in r["banner"]


def test_every_status_is_one_line_in_csv_and_feedback(matrix):
    import pandas as pd

    by_kind, _, course_dir, records = matrix
    grades = pd.read_csv(course_dir / "grades.csv", keep_default_na=False)
    assert not grades["status"].str.contains("\n").any()
    assert set(grades["student_id"]) == {r["student_id"] for r in records}
    assert len(grades) == 2 * len(records)
    for kind, r in by_kind.items():
        if kind == "missing":
            continue
        html = (course_dir / "feedback" / r["student_id"] / "01_fixture" / "01_fixture.html").read_text()
        assert "Grading status" in html
