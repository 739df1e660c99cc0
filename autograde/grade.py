"""``crmlab grade``: autograde one assignment for the whole class, in parallel over students.

Per student, in a worker process: sanitise the submission (:mod:`autograde.submissions`), regenerate the
student's worlds on the grader's side from their id and the course key and compute their expected answers
(:mod:`autograde.prepare`; reused when already prepared), run nbgrader's autograde with only
``CRMLAB_SEED``, ``CRMLAB_STUDENT``, ``CRMLAB_CACHE``, ``CRMLAB_EXPECTED`` and ``CRMLAB_FINGERPRINT`` added to
the kernel's environment (the kernel reads the pre-generated world and never simulates), fix the gradebook
where stock nbgrader leaves it open (deleted cells) and write the status file. Then nbgrader's feedback is
generated in one batch per worker (one exporter for many students), and the main process writes
``grades.csv`` and ``summary.csv``.

The reference is ``expected(world)``, or ``expected(world, *, dq_world)`` when the notebook also calls
``my_world(data_quality=True)``; both worlds carry their truth.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from autograde import gradebook, submissions
from autograde.build import root_cause
from autograde.errors import UsageError
from autograde.prepare import needs_dq, prepare_student, private_paths
from autograde.preprocessors import NOT_RUN_ENAME, STUCK_ENAME, TRUNCATED_NOTE
from autograde.roster import PRIVATE, course_key, read_seeds

INTAKE = f"{PRIVATE}/intake/submitted"
SECRET_ENV = ("CRMLAB_COURSE_KEY",)
_API_CACHE: dict = {}


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to grade one student (picklable)."""

    course_dir: str
    assignment: str
    student_id: str
    seed: int
    candidates: tuple[str, ...]
    timeout: int
    world_factory: Callable | None = None


def _api(course_dir: str, timeout: int, exclude: str = ""):
    """One NbGraderAPI per worker process (and excluded-students list), reading the intake folder."""
    key = (course_dir, timeout, exclude)
    if key not in _API_CACHE:
        from traitlets.config import Config

        from autograde.build import nbgrader_api

        cfg = Config()
        cfg.CourseDirectory.submitted_directory = INTAKE
        cfg.CourseDirectory.student_id_exclude = exclude
        cfg.Execute.timeout = int(timeout)
        cfg.StatusBanner.status_dir = str(private_paths(Path(course_dir))["status"])
        _API_CACHE[key] = nbgrader_api(course_dir, cfg)
    return _API_CACHE[key]


def quiet_worker() -> None:
    """Pool initializer: kernels inherit this stderr; their start-up warnings would break the progress bar."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    warnings.simplefilter("ignore")


def _cell_status(cell, timeout: int) -> str:
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
    from autograde.preprocessors import is_test_cell

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


def _results(course_dir: Path, job: Job, intake, points: list[tuple[str, float]]) -> list[dict]:
    """Per graded cell: score and status, from the gradebook and the autograded notebook."""
    import nbformat

    name = job.assignment
    grades = gradebook.read_grades(course_dir, assignment=name, notebook=name, student_id=job.student_id)
    path = course_dir / "autograded" / job.student_id / name / f"{name}.ipynb"
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
            status = "needs manual grading"
        elif gid in cells:
            status = _cell_status(cells[gid], job.timeout)
        else:
            status = "not graded"
        if gid in intake.edited:
            status = f"test cell edited, restored from the original; {status}"
        if intake.kind == "malformed":
            status = "malformed notebook"
        score = 0.0 if gid in intake.deleted or not cells else grade["score"]
        out.append({"grade_id": gid, "score": score, "max_score": max_score, "status": status})
    return out


def _record(job: Job, intake, cells: list[dict], timings: dict) -> dict:
    score = sum(c["score"] for c in cells)
    max_score = sum(c["max_score"] for c in cells)
    if intake.kind == "missing":
        banner = "; ".join(intake.notes) or "missing notebook"
    else:
        failed = sum(c["status"] not in ("ok",) and not c["status"].endswith("; ok") for c in cells)
        head = "graded" if not failed else f"graded: {failed} of {len(cells)} graded cells failed"
        banner = "; ".join([head, *intake.notes, *intake.errors])
    banner = " ".join(banner.split())
    return {"student_id": job.student_id, "assignment": job.assignment, "kind": intake.kind,
            "notes": intake.notes, "errors": intake.errors, "flagged": bool(intake.flagged or intake.notes),
            "banner": banner, "score": score, "max_score": max_score, "cells": cells, "timings": timings}


def _write_status(course_dir: Path, record: dict) -> None:
    path = private_paths(course_dir)["status"] / record["assignment"] / f"{record['student_id']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _save_log(course_dir: Path, job: Job, result: dict) -> None:
    """Keep nbgrader's log of a failed autograde for the instructor (``status/<assignment>/<id>.log``)."""
    path = private_paths(course_dir)["status"] / job.assignment / f"{job.student_id}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"{result.get('log') or ''}\n{result.get('error') or ''}\n")


def grade_student(job: Job) -> dict:
    """Grade one student end to end (runs in a worker process); returns their status record.

    A failure of the grader itself (not of the submission) gives that student a "grader error" record
    with zero scores, so the rest of the class is still graded.
    """
    try:
        return _grade_student(job)
    except Exception as exc:  # noqa: BLE001 - one student's failure must not stop the class
        import nbformat

        from autograde.submissions import Intake

        name = job.assignment
        source = nbformat.read(Path(job.course_dir) / "source" / name / f"{name}.ipynb", as_version=4)
        reason = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
        intake = Intake(job.student_id, kind="error", notes=[f"grader error: {type(exc).__name__}: {reason}"])
        cells = [{"grade_id": g, "score": 0.0, "max_score": p, "status": "grader error"}
                 for g, p in submissions.graded_cells(source)]
        record = _record(job, intake, cells, {})
        _write_status(Path(job.course_dir), record)
        return record


def _grade_student(job: Job) -> dict:
    import nbformat

    warnings.simplefilter("ignore")
    course_dir = Path(job.course_dir)
    name = job.assignment
    t0 = time.perf_counter()
    (private_paths(course_dir)["status"] / name / f"{job.student_id}.log").unlink(missing_ok=True)
    source = nbformat.read(course_dir / "source" / name / f"{name}.ipynb", as_version=4)
    release = nbformat.read(course_dir / "release" / name / f"{name}.ipynb", as_version=4)
    points = submissions.graded_cells(source)
    intake = submissions.sanitise(job.student_id, [Path(p) for p in job.candidates],
                                  expected_name=f"{name}.ipynb", source=source, release=release,
                                  out_dir=course_dir / INTAKE / job.student_id / name)
    timings = {"sanitise": time.perf_counter() - t0}
    if intake.kind == "missing":
        record = _record(job, intake, [{"grade_id": g, "score": 0.0, "max_score": p, "status": "missing notebook"}
                                       for g, p in points], timings)
        _write_status(course_dir, record)
        return record
    t1 = time.perf_counter()
    dq = needs_dq(course_dir, name, source)
    os.environ["CRMLAB_CACHE"] = str(private_paths(course_dir)["worlds"])  # the reference's own look-ups
    expected = prepare_student(course_dir, name, job.seed, job.student_id, data_quality=dq,
                               factory=job.world_factory)
    timings["worlds_expected"] = time.perf_counter() - t1
    for var in SECRET_ENV:
        os.environ.pop(var, None)
    os.environ.update({"CRMLAB_SEED": str(job.seed), "CRMLAB_STUDENT": job.student_id,
                       "CRMLAB_CACHE": str(private_paths(course_dir)["cache"]), "CRMLAB_EXPECTED": str(expected)})
    t2 = time.perf_counter()
    api = _api(job.course_dir, job.timeout)
    result = api.autograde(name, job.student_id, force=True, create=True)
    if not result.get("success"):  # once more: a kernel start-up race or a busy gradebook is transient
        _save_log(course_dir, job, result)
        result = api.autograde(name, job.student_id, force=True, create=True)
    timings["autograde"] = time.perf_counter() - t2
    if not result.get("success"):
        _save_log(course_dir, job, result)
        intake.notes.append(f"autograde failed: {root_cause(result)}")
    gradebook.zero_deleted(course_dir, assignment=name, notebook=name, student_id=job.student_id,
                           grade_ids=intake.deleted)
    record = _record(job, intake, _results(course_dir, job, intake, points), timings)
    record["timings"]["total"] = time.perf_counter() - t0
    _write_status(course_dir, record)
    return record


def feedback_batch(job: tuple) -> float:
    """Worker: nbgrader's feedback for ``students`` in one GenerateFeedback run; returns seconds taken.

    ``job`` is ``(course_dir, assignment, students, everyone)``; nbgrader selects students by one glob,
    so the batch excludes everyone else (``CourseDirectory.student_id_exclude``).
    """
    course_dir, assignment, students, everyone = job
    t0 = time.perf_counter()
    exclude = ",".join(sorted(set(everyone) - set(students)))
    result = _api(course_dir, 0, exclude).generate_feedback(assignment, force=True)
    if not result.get("success"):  # the grades stand; the instructor finds nbgrader's log here
        with (private_paths(Path(course_dir))["status"] / assignment / "feedback.log").open("a") as fh:
            fh.write(f"{result.get('log') or ''}\n{result.get('error') or ''}\n")
    return time.perf_counter() - t0


def grade_assignment(*, course_dir, assignment: str, submissions_path, workers: int | None = None,
                     timeout: int = 30, progress: bool = True, world_factory: Callable | None = None) -> list[dict]:
    """Grade ``assignment`` for every rostered student and write the gradebook CSVs.

    Parameters
    ----------
    course_dir : path
        A course built by :func:`autograde.build.build_course`, with a class from ``class init``.
    assignment : str
        Assignment id (``NN_slug``).
    submissions_path : path
        nbgrader ``submitted/`` tree, or a folder or ``.zip`` of files named by student.
    workers : int, optional
        Processes grading students in parallel (default: all cores).
    timeout : int, default=30
        Per-cell execution limit (seconds).
    progress : bool, default=True
        Show a tqdm progress bar over students.
    world_factory : callable ``(seed, data_quality) -> World``, optional
        World generator on a cache miss (tests use a small stand-in); default ``simulator.simulate``.

    Returns
    -------
    list of dict
        One status record per rostered student: student_id, kind, notes (what flags the submission),
        errors (errors raised by answer cells), flagged, banner, score, max_score, cells (grade_id, score,
        max_score, status), timings (seconds: sanitise, worlds_expected, autograde, feedback, total).
    """
    from tqdm import tqdm

    course_dir = Path(course_dir).absolute()
    if not (course_dir / "nbgrader_config.py").is_file():
        raise UsageError(f"{course_dir} is not a built course; run 'crmlab course build' first")
    if not (course_dir / "source" / assignment / f"{assignment}.ipynb").is_file():
        raise UsageError(f"unknown assignment {assignment!r} in {course_dir}")
    seeds = read_seeds(course_dir)
    course_key(course_dir)
    staging = private_paths(course_dir)["staging"] / assignment
    found = submissions.collect(submissions_path, assignment=assignment, staging=staging)
    strangers = sorted(set(found) - set(seeds["student_id"]))
    if strangers:
        print(f"crmlab: skipped {len(strangers)} submission(s) not on the roster: {', '.join(strangers[:5])}",
              file=sys.stderr)
    from labs.data import ENV_FINGERPRINT, fix_fingerprint

    before = os.environ.get(ENV_FINGERPRINT)
    fix_fingerprint()  # one name for this run's worlds, kernels included
    jobs = [Job(str(course_dir), assignment, sid, int(seed), tuple(str(p) for p in found.get(sid, [])),
                int(timeout), world_factory) for sid, seed in zip(seeds["student_id"], seeds["seed"])]
    import nbgrader.apps  # noqa: F401 - imported once here so forked workers inherit it

    records = []
    n = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    try:
        with ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork"),
                                 initializer=quiet_worker) as pool:
            futures = {pool.submit(grade_student, job): job for job in jobs}
            try:
                for fut in tqdm(as_completed(futures), total=len(futures), desc=f"grading {assignment}",
                                unit="student", disable=not progress, file=sys.stderr):
                    records.append(fut.result())
            except BaseException:
                for fut in futures:
                    fut.cancel()
                raise
            _feedback(pool, n, course_dir, assignment, records)
    finally:
        if before is None:
            os.environ.pop(ENV_FINGERPRINT, None)
        else:
            os.environ[ENV_FINGERPRINT] = before
    records.sort(key=lambda r: r["student_id"])
    gradebook.write_csvs(course_dir, assignment=assignment, records=records)
    return records


def _feedback(pool, n: int, course_dir: Path, assignment: str, records: list[dict]) -> None:
    """Generate feedback for every graded student in ``n`` batches; each record gets its share of the time."""
    graded = sorted(r["student_id"] for r in records if r["kind"] != "missing")
    folder = course_dir / "autograded"
    everyone = sorted(p.name for p in folder.iterdir() if (p / assignment).is_dir()) if folder.is_dir() else []
    batches = [graded[i::n] for i in range(n) if graded[i::n]]
    seconds = pool.map(feedback_batch, [(str(course_dir), assignment, b, everyone) for b in batches])
    share = {sid: sec / len(batch) for batch, sec in zip(batches, seconds) for sid in batch}
    for record in records:
        if record["student_id"] in share and "total" in record["timings"]:
            record["timings"]["feedback"] = share[record["student_id"]]
            record["timings"]["total"] += share[record["student_id"]]
