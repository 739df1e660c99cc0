"""A student's status record: each graded cell's score and status line, the banner, the status file.

Read from nbgrader's gradebook and the autograded notebook after the grader has written its verdicts
(:mod:`crmlab.autograde.preprocessors`); a failure of the grader itself becomes a zero "grader error"
record, so the rest of the class is still graded.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from crmlab.autograde import gradebook, submissions
from crmlab.autograde.layout import CourseLayout
from crmlab.autograde.preprocessors import NOT_RUN_ENAME, STUCK_ENAME, TRUNCATED_NOTE, VERDICT_ENAME

if TYPE_CHECKING:
    from crmlab.autograde.grade import Job


def cell_status(cell, timeout: int) -> str:
    """One line for a graded cell of the autograded notebook: its first error, or ``ok``."""
    for output in cell.get("outputs", []):
        if output.get("output_type") != "error":
            continue
        ename = output.get("ename", "Error")
        evalue = (str(output.get("evalue", "")).splitlines() or [""])[0][:200]
        if ename == NOT_RUN_ENAME:
            return "not run: the kernel was stopped after a cell ignored the timeout"
        if ename in (STUCK_ENAME, "KeyboardInterrupt"):
            return f"timed out after {timeout} s"
        if ename == VERDICT_ENAME:
            return f"failed: {evalue}"
        return f"failed: {ename}: {evalue}".rstrip(": ")
    return "ok"


def run_notes(nb, timeout: int) -> tuple[list[str], list[str]]:
    """What the autograded notebook says beyond the scores.

    Returns
    -------
    (list of str, list of str)
        Notes that flag the submission (a timeout, a stopped kernel, truncated output) and, apart, the
        first two errors raised outside test cells (other than the blank stub's NotImplementedError):
        ordinary outcomes of unfinished work, told to the student but not flagged.
    """
    from crmlab.autograde.preprocessors import is_test_cell

    notes, errors = [], []
    enames = [(c, o.get("ename", "")) for c in nb.cells for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    if any(e == NOT_RUN_ENAME for _, e in enames):
        notes.append(f"a cell ignored the {timeout} s timeout interrupt: kernel stopped, later cells scored 0")
    elif any(e == STUCK_ENAME for _, e in enames):
        notes.append(f"a cell ran past the {timeout} s limit and was interrupted")
    for cell, ename in enames:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "an ungraded cell")
        if not is_test_cell(cell) and ename not in ("NotImplementedError", NOT_RUN_ENAME, STUCK_ENAME,
                                                     "KeyboardInterrupt") and len(errors) < 2:
            errors.append(f"{gid} raised {ename}")
    marker = TRUNCATED_NOTE.split("{")[0]
    if any(marker in str(o.get("text", "")) for c in nb.cells for o in c.get("outputs", [])):
        notes.append("output over the per-cell byte limit was truncated")
    return notes, errors


def cell_results(course_dir: Path, job: Job, intake, points: list[tuple[str, float]]) -> list[dict]:
    """Per graded cell: score and status, from the gradebook and the autograded notebook."""
    import nbformat

    name = job.assignment
    grades = gradebook.read_grades(course_dir, assignment=name, notebook=name, student_id=job.student_id)
    path = CourseLayout(course_dir).autograded(job.student_id, name)
    cells = {}
    if path.is_file():
        nb = nbformat.read(path, as_version=4)
        cells = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
                 if "grade_id" in c.get("metadata", {}).get("nbgrader", {})}
        notes, errors = run_notes(nb, job.timeout)
        intake.notes.extend(notes)
        intake.errors.extend(errors)
    out = []
    for gid, max_score in points:
        grade = grades.get(gid, {"score": 0.0, "max_score": max_score, "needs_manual_grade": False})
        if gid in intake.deleted:
            status = "graded cell deleted"
        elif not cells:
            status = "not graded: autograde failed"
        elif grade["needs_manual_grade"]:
            status = MANUAL
        elif gid in cells:
            status = cell_status(cells[gid], job.timeout)
        else:
            status = "not graded"
        if gid in intake.edited:
            status = f"test cell edited, restored from the original; {status}"
        if intake.kind == "malformed":
            status = "malformed notebook"
        score = 0.0 if gid in intake.deleted or not cells else grade["score"]
        out.append({"grade_id": gid, "score": score, "max_score": max_score, "status": status})
    return out


MANUAL = "needs manual grading"


def make_record(job: Job, intake, cells: list[dict], timings: dict) -> dict:
    """One student's record; points awaiting manual grading (a written answer) are kept apart from the
    autograded ones: ``auto_score``/``auto_max`` and ``manual_pending``."""
    score = sum(c["score"] for c in cells)
    max_score = sum(c["max_score"] for c in cells)
    manual = [c for c in cells if c["status"].endswith(MANUAL)]
    auto = [c for c in cells if c not in manual]
    if intake.kind == "missing":
        banner = "; ".join(intake.notes) or "missing notebook"
    else:
        failed = sum(c["status"] not in ("ok",) and not c["status"].endswith("; ok") for c in auto)
        head = "graded" if not failed else f"graded: {failed} of {len(auto)} graded cells failed"
        pending = [f"{sum(c['max_score'] for c in manual):g} point(s) await manual grading"] if manual else []
        banner = "; ".join([head, *pending, *intake.notes, *intake.errors])
    banner = " ".join(banner.split())
    return {"student_id": job.student_id, "assignment": job.assignment, "kind": intake.kind, "digest": job.digest,
            "notes": intake.notes, "errors": intake.errors, "flagged": bool(intake.flagged or intake.notes),
            "banner": banner, "score": score, "max_score": max_score, "auto_score": sum(c["score"] for c in auto),
            "auto_max": sum(c["max_score"] for c in auto), "manual_pending": sum(c["max_score"] for c in manual),
            "cells": cells, "timings": timings}


def write_status(course_dir: Path, record: dict) -> None:
    path = CourseLayout(course_dir).status(record["assignment"], record["student_id"])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def save_log(course_dir: Path, job: Job, result: dict) -> None:
    """Keep nbgrader's log of a failed autograde for the instructor (``status/<assignment>/<id>.log``)."""
    path = CourseLayout(course_dir).status(job.assignment, job.student_id).with_suffix(".log")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"{result.get('log') or ''}\n{result.get('error') or ''}\n")


def grader_error(job: Job, reason: str) -> dict:
    """A zero-score "grader error" record for ``job`` (written to its status file), the class goes on."""
    import nbformat
    from crmlab.autograde.submissions import Intake

    source = nbformat.read(CourseLayout(job.course_dir).source(job.assignment), as_version=4)
    intake = Intake(job.student_id, kind="error", notes=[f"grader error: {reason}"])
    cells = [{"grade_id": g, "score": 0.0, "max_score": p, "status": "grader error"}
             for g, p in submissions.graded_cells(source)]
    record = make_record(job, intake, cells, {})
    write_status(Path(job.course_dir), record)
    return record
