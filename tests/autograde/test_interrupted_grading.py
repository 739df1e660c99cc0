"""An interrupted grading run followed by a re-run leaves one consistent gradebook: one submission per
student, the same scores as an uninterrupted run, and CSV rows replaced rather than appended."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

PLAN = {f"st{i}": kind for i, kind in enumerate(["solution", "blank", "partial", "solution", "blank", "partial"])}
RUN = """
import sys
sys.path.insert(0, {fixtures!r})
from fakeworld import fake_world
from crmlab.autograde.grade import grade_assignment
grade_assignment(course_dir={course!r}, assignment="01_fixture", submissions_path={subs!r}, workers=1,
                 progress=False, world_factory=fake_world)
"""


def _gradebook(course_dir):
    from crmlab.autograde.gradebook import db_url
    from nbgrader.api import Gradebook

    with Gradebook(db_url(course_dir), "crmlab") as gb:
        subs = [(s.student.id, s.assignment.name) for s in gb.assignment_submissions("01_fixture")]
        scores = {s.student.id: s.score for s in gb.assignment_submissions("01_fixture")}
    return subs, scores


def test_interrupt_then_rerun_is_consistent(fixture_course, fake_factory, tmp_path):
    from conftest import FIXTURES, write_class
    from crmlab.autograde.grade import grade_assignment

    course_dir = tmp_path / "course"
    shutil.copytree(fixture_course, course_dir)
    write_class(course_dir, PLAN, tmp_path / "subs", "01_fixture", factory=fake_factory)
    code = RUN.format(fixtures=str(FIXTURES), course=str(course_dir), subs=str(tmp_path / "subs"))
    proc = subprocess.Popen([sys.executable, "-c", code], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    status = course_dir / ".crmlab" / "status" / "01_fixture"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (status.is_dir() and len(list(status.glob("*.json"))) >= 2):
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (course_dir / "summary.csv").exists(), "the run finished before it could be interrupted"
    before = {p.name: p.read_bytes() for p in status.glob("*.json")}
    first = grade_assignment(course_dir=course_dir, assignment="01_fixture", submissions_path=tmp_path / "subs",
                             workers=2, progress=False, world_factory=fake_factory, resume=True)
    assert {p.name: p.read_bytes() for p in status.glob("*.json") if p.name in before} == before, \
        "resuming regraded students the interrupted run had finished"
    again = grade_assignment(course_dir=course_dir, assignment="01_fixture", submissions_path=tmp_path / "subs",
                             workers=2, progress=False, world_factory=fake_factory)
    subs, scores = _gradebook(course_dir)
    assert sorted(subs) == sorted((sid, "01_fixture") for sid in PLAN)
    assert scores == {r["student_id"]: r["score"] for r in first} == {r["student_id"]: r["score"] for r in again}
    assert scores["st0"] == 5 and scores["st1"] == 0 and scores["st2"] == 2
    grades = pd.read_csv(course_dir / "grades.csv", keep_default_na=False)
    summary = pd.read_csv(course_dir / "summary.csv", keep_default_na=False)
    assert len(grades) == 2 * len(PLAN) and not grades.duplicated(["student_id", "grade_id"]).any()
    assert len(summary) == len(PLAN)
