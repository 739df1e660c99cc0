"""Fast checks of the pipeline's parts: reproducible build, byte-capped output, short test tracebacks,
submission collection from zips, sanitising notes, CSV replacement and the report."""

from __future__ import annotations

import hashlib
import json
import zipfile

import nbformat
import pandas as pd
import pytest
from crmlab.autograde import preprocessors as pp, submissions, variants
from nbformat.notebooknode import NotebookNode


def _hashes(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "gradebook.db"}


@pytest.mark.slow
def test_build_twice_gives_identical_files(fixture_course, tmp_path):
    from conftest import FIXTURE_COURSE
    from crmlab.autograde.build import build_course

    build_course(out=tmp_path / "b", course=FIXTURE_COURSE)
    first = _hashes(tmp_path / "b")
    build_course(out=tmp_path / "b", course=FIXTURE_COURSE)
    assert _hashes(tmp_path / "b") == first == _hashes(fixture_course)
    assert "reference/01_fixture.py" in first and "release/01_fixture/01_fixture.ipynb" in first
    assert not any(k.startswith(("release", "source")) and k.endswith("reference.py") for k in first)


def _cell(outputs, grade=True):
    meta = {"nbgrader": {"grade": grade, "solution": False, "grade_id": "t", "locked": True}}
    return NotebookNode(cell_type="code", metadata=meta, source="", outputs=outputs, execution_count=1)


def test_byte_limit_cuts_one_huge_line_and_keeps_errors():
    huge = NotebookNode(output_type="stream", name="stdout", text="x" * 5_000_000)
    err = NotebookNode(output_type="error", ename="AssertionError", evalue="no", traceback=["tb"])
    cell, _ = pp.ByteLimitOutput(max_bytes=100_000).preprocess_cell(_cell([huge, err]), {}, 0)
    assert sum(len(o.get("text", "")) for o in cell.outputs) < 101_000
    assert any(o.output_type == "error" for o in cell.outputs)
    assert "truncated" in cell.outputs[-1].text


def test_short_tracebacks_only_in_test_cells():
    err = NotebookNode(output_type="error", ename="AssertionError", evalue="hidden test: x off\nmore",
                       traceback=["assert_close(x, expected('x'))  # hidden source", "AssertionError"])
    cell, _ = pp.ShortTestTracebacks().preprocess_cell(_cell([err]), {}, 0)
    assert cell.outputs[0].traceback == ["AssertionError: hidden test: x off"]
    err2 = NotebookNode(output_type="error", ename="ValueError", evalue="v", traceback=["line 1", "line 2"])
    answer = _cell([err2], grade=False)
    answer.metadata["nbgrader"]["solution"] = True
    cell, _ = pp.ShortTestTracebacks().preprocess_cell(answer, {}, 0)
    assert len(cell.outputs[0].traceback) == 2


def test_status_banner_on_top(tmp_path):
    (tmp_path / "a1").mkdir()
    (tmp_path / "a1" / "s1.json").write_text(json.dumps({"banner": "graded; kernel changed", "score": 2,
                                                         "max_score": 5}))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("hello")])
    nb, _ = pp.StatusBanner(status_dir=str(tmp_path)).preprocess(nb, {"nbgrader": {"student": "s1",
                                                                                     "assignment": "a1"}})
    assert "kernel changed" in nb.cells[0].source and "2 / 5" in nb.cells[0].source


def test_collect_zip_named_by_student(tmp_path):
    z = tmp_path / "subs.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("alice.ipynb", "{}")
        zf.writestr("bob/whatever-Copy1.ipynb", "{}")
        zf.writestr("carol/01_x/01_x.ipynb", "{}")
        zf.writestr("carol/02_y/02_y.ipynb", "{}")
        zf.writestr("__MACOSX/alice.ipynb", "{}")
        zf.writestr("../evil.ipynb", "{}")
    found = submissions.collect(z, assignment="01_x", staging=tmp_path / "st")
    assert sorted(found) == ["alice", "bob", "carol"]
    assert [p.name for p in found["carol"]] == ["01_x.ipynb"]
    assert not (tmp_path / "evil.ipynb").exists()


def test_sanitise_notes(fixture_course, tmp_path):
    read = lambda k: nbformat.read(fixture_course / k / "01_fixture" / "01_fixture.ipynb", as_version=4)  # noqa: E731
    source, release = read("source"), read("release")
    kinds = {"deleted_cell": "graded cell deleted: q1_test", "reordered": "cells reordered",
             "test_edited": "locked cell edited: q1_test, q2_test", "kernel_changed": "kernel 'ir'",
             "malformed_json": "malformed notebook", "tampered": "flagged for review"}
    for kind, note in kinds.items():
        nb = variants.broken(kind, source, release)
        path = tmp_path / kind / variants.file_name(kind, "01_fixture")
        path.parent.mkdir()
        path.write_bytes(nb if isinstance(nb, bytes) else nbformat.writes(nb).encode())
        intake = submissions.sanitise(kind, [path], expected_name="01_fixture.ipynb", source=source,
                                      release=release, out_dir=tmp_path / "out" / kind)
        assert any(note in n for n in intake.notes), (kind, intake.notes)
        written = nbformat.read(tmp_path / "out" / kind / "01_fixture.ipynb", as_version=4)
        assert all(not c.get("outputs") for c in written.cells)
    good = submissions.sanitise("g", [], expected_name="01_fixture.ipynb", source=source, release=release,
                                out_dir=tmp_path / "out" / "g")
    assert good.kind == "missing"


def test_csv_rows_replaced_not_appended(tmp_path):
    from crmlab.autograde.gradebook import write_csvs

    rec = {"student_id": "s1", "score": 1.0, "max_score": 2.0, "banner": "graded",
           "cells": [{"grade_id": "t", "score": 1.0, "max_score": 2.0, "status": "ok"}]}
    write_csvs(tmp_path, assignment="a1", records=[rec])
    write_csvs(tmp_path, assignment="a2", records=[rec])
    grades, summary = write_csvs(tmp_path, assignment="a1", records=[dict(rec, score=2.0)])
    assert len(grades) == 2 and len(summary) == 2
    assert summary.set_index("assignment").loc["a1", "score"] == 2.0


def test_report_from_csvs(tmp_path):
    from crmlab.autograde.report import write_report

    pd.DataFrame({"student_id": ["a", "a", "b", "b"], "assignment": "01_x", "grade_id": ["q1", "q2"] * 2,
                  "score": [2, 0, 2, 3], "max_score": [2, 3, 2, 3],
                  "status": ["ok", "failed: AssertionError: hidden test: n off", "ok", "ok"]}
                 ).to_csv(tmp_path / "grades.csv", index=False)
    pd.DataFrame({"student_id": ["a", "b"], "assignment": "01_x", "score": [2, 5], "max_score": [5, 5],
                  "status": ["graded: 1 of 2 graded cells failed", "graded"]}).to_csv(tmp_path / "summary.csv",
                                                                                     index=False)
    page = write_report(course_dir=tmp_path).read_text()
    for png in ("scores.png", "tasks.png", "failures.png"):
        assert (tmp_path / "report" / png).stat().st_size > 1000 and png in page
    assert "hidden test: n off" in page


def test_only_the_instructors_data_cell_gets_the_data_timeout():
    data_cell = NotebookNode(cell_type="code", source="world = my_world()", outputs=[],
                             metadata={"nbgrader": {"grade": False, "solution": False, "locked": True,
                                                    "grade_id": "setup"}})
    ex = pp.GuardedExecute(timeout=3, data_timeout=120)
    assert ex._get_timeout(data_cell) == 120
    answer = NotebookNode(cell_type="code", source="w = my_world()\nwhile True: pass", outputs=[],
                          metadata={"nbgrader": {"grade": False, "solution": True, "locked": False,
                                                 "grade_id": "q1"}})
    forged = NotebookNode(cell_type="code", source="my_world()", outputs=[],
                          metadata={"nbgrader": {"locked": True}})  # unknown ids are dropped by nbgrader
    assert ex._get_timeout(answer) == ex._get_timeout(forged) == ex._get_timeout(_cell([])) == 3
    assert pp.GuardedExecute(timeout=300, data_timeout=120)._get_timeout(data_cell) == 300


def test_written_answer_points_are_kept_apart():
    """A written answer awaiting manual grading is neither a failure nor hidden in the total."""
    from crmlab.autograde.records import make_record
    from crmlab.autograde.submissions import Intake

    class Job:
        student_id, assignment, digest = "s1", "03_x", "d"

    cells = [{"grade_id": "q1_test", "score": 2.0, "max_score": 2.0, "status": "ok"},
             {"grade_id": "q2_test", "score": 0.0, "max_score": 1.0, "status": "wrong answer"},
             {"grade_id": "w1", "score": 0.0, "max_score": 2.0, "status": "needs manual grading"}]
    r = make_record(Job, Intake("s1", kind="ok"), cells, {})
    assert (r["auto_score"], r["auto_max"], r["manual_pending"]) == (2.0, 3.0, 2.0)
    assert r["banner"] == "graded: 1 of 2 graded cells failed; 2 point(s) await manual grading"
