"""``crmlab demo`` (``make demo``): the instructor's whole pipeline on a synthetic class.

Build the course, enrol a demo class, generate each student's data (their worlds and expected answers,
ahead of grading as an instructor would before a deadline), simulate their submissions for every
assignment (instructor solutions, blank releases, partial answers, and one notebook of each broken kind),
grade, write the report, and print a short summary.

Submissions are written without outputs by default: the grader clears outputs before it runs a notebook,
so executing them first changes no grade and would cost a kernel run per notebook. ``execute=True``
(``crmlab demo --execute``) runs the solution and partial notebooks first, each on its student's handed-out
data folder (env ``CRMLAB_DATA``, as a student's saved notebook would be). The demo class has a fixed,
public course key (``DEMO_COURSE_KEY``), so every run grades the same student worlds; a real class gets a
random key from ``crmlab class init``.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from crmlab.autograde import variants
from crmlab.autograde.layout import ENV_DATA, ENV_SEED, CourseLayout

DEMO_TIMEOUT = 10  # s per cell: keeps the infinite-loop submissions short in the demo
DEMO_COURSE_KEY = "crmlab-demo-class"  # public and fixed: the demo class gets the same seeds on every run


def class_plan(n_students: int) -> dict[str, str]:
    """``student_id -> submission kind``: one of each broken kind, then partial, blank and solutions.

    Returns
    -------
    dict
        ``s001…`` mapped to a kind from ``variants.BROKEN_KINDS`` or ``solution``/``partial``/``blank``.
    """
    kinds = list(variants.BROKEN_KINDS) + ["partial"] * 4 + ["blank"] * 4
    kinds += ["solution"] * max(0, n_students - len(kinds))
    ids = [f"s{i:03d}" for i in range(1, n_students + 1)]
    order = kinds[:n_students] if n_students >= len(variants.BROKEN_KINDS) else (
        ["solution", "blank", "partial", *kinds])[:n_students]
    return dict(zip(ids, order, strict=True))


def _execute(job: tuple) -> None:
    """Run one simulated submission on its student's handed-out data folder (worker); outputs stay in the file.

    ``job`` is ``(notebook path, data folder)``: the kernel gets ``CRMLAB_DATA`` and no seed, as a class
    student's kernel on JupyterHub does.
    """
    from nbclient import NotebookClient

    path, data = job
    os.environ.pop(ENV_SEED, None)
    os.environ[ENV_DATA] = data
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=60, allow_errors=True, kernel_name="python3",
                   resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    nbformat.write(nb, path)


def write_submissions(*, course_dir: Path, assignment: str, plan: dict[str, str], out: Path) -> list[Path]:
    """Write every student's simulated submission under ``out/<sid>/<assignment>/``.

    Returns
    -------
    list of Path
        Notebooks to execute on the student's data (the solution and partial kinds).
    """
    source = nbformat.read(course_dir / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    release = nbformat.read(course_dir / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    to_run = []
    for sid, kind in plan.items():
        folder = out / sid / assignment
        folder.mkdir(parents=True, exist_ok=True)
        if kind in ("solution", "blank", "partial"):
            nb = getattr(variants, kind)(source, release)
        else:
            nb = variants.broken(kind, source, release)
        path = folder / variants.file_name(kind, assignment)
        if nb is None:
            continue
        if isinstance(nb, bytes):
            path.write_bytes(nb)
            continue
        nbformat.write(nb, path)
        if kind in ("solution", "partial"):
            to_run.append(path)
    return to_run


def summarise(records: list[dict]) -> dict[str, int]:
    """Counts for the demo's summary line: graded, full marks, zero, flagged, missing."""
    graded = [r for r in records if r["kind"] != "missing"]
    return {"graded": len(graded),
            "full marks": sum(r["score"] >= r["max_score"] > 0 for r in graded),
            "zero": sum(r["score"] == 0 for r in graded),
            "flagged": sum(bool(r["flagged"]) for r in records),
            "missing": len(records) - len(graded)}


def run_demo(*, out: str | os.PathLike = "demo", workers: int | None = None, n_students: int = 30,
             course: str | os.PathLike | None = None, world_factory: Callable | None = None,
             timeout: int = DEMO_TIMEOUT, execute: bool = False) -> dict[str, dict[str, int]]:
    """Run the whole pipeline on a demo class in ``out`` (replaced) and print a summary.

    ``execute`` runs the solution and partial submissions on the students' data before grading (see the
    module docstring).

    Returns
    -------
    dict
        ``assignment -> {graded, full marks, zero, flagged, missing}``.
    """
    from crmlab.autograde.build import build_course
    from crmlab.autograde.grade import grade_assignment, quiet_worker
    from crmlab.autograde.prepare import prepare_class
    from crmlab.autograde.report import write_report
    from crmlab.autograde.roster import init_class, private_dir, write_private

    t0 = time.perf_counter()
    out = Path(out).absolute()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    course_dir = out / "course"
    assignments = build_course(out=course_dir, course=course)
    plan = class_plan(n_students)
    roster = out / "roster.csv"
    roster.write_text("student_id,first_name,last_name,email\n" + "".join(
        f"{sid},Demo,Student {sid[1:]},{sid}@example.invalid\n" for sid in plan), encoding="utf-8")
    layout = CourseLayout(course_dir)
    private_dir(course_dir)
    write_private(layout.key_file, DEMO_COURSE_KEY + "\n")
    init_class(course_dir=course_dir, roster=roster, workers=workers, factory=world_factory)
    print(f"demo: course built ({', '.join(assignments)}), class of {len(plan)} enrolled, their data handed out "
          f"in {course_dir / 'handout'}/ ({time.perf_counter() - t0:.0f} s)", flush=True)
    prepare_class(course_dir=course_dir, assignments=assignments, workers=workers, factory=world_factory)
    print(f"demo: every student's expected answers computed ({time.perf_counter() - t0:.0f} s)", flush=True)
    to_run = []
    for a in assignments:
        folder = out / "submissions" / a
        for path in write_submissions(course_dir=course_dir, assignment=a, plan=plan, out=folder):
            to_run.append((str(path), str(layout.handout(path.parent.parent.name))))
    if execute:
        with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1,
                                 mp_context=multiprocessing.get_context("fork"), initializer=quiet_worker) as pool:
            list(pool.map(_execute, to_run))
    ran = f", {len(to_run)} run on the students' data" if execute else ""
    print(f"demo: submissions simulated{ran} ({time.perf_counter() - t0:.0f} s)", flush=True)
    summary = {}
    for a in assignments:
        records = grade_assignment(course_dir=course_dir, assignment=a, submissions_path=out / "submissions" / a,
                                   workers=workers, timeout=timeout, progress=sys.stderr.isatty(),
                                   world_factory=world_factory)
        summary[a] = summarise(records)
    report = write_report(course_dir=course_dir)
    print(f"\n{'assignment':<28}{'graded':>8}{'full':>6}{'zero':>6}{'flagged':>9}{'missing':>9}")
    for a, s in summary.items():
        print(f"{a:<28}{s['graded']:>8}{s['full marks']:>6}{s['zero']:>6}{s['flagged']:>9}{s['missing']:>9}")
    print(f"\ngrades: {course_dir / 'grades.csv'}\nreport: {report}\n"
          f"feedback: {course_dir / 'feedback'}/<student>/<assignment>/  ({time.perf_counter() - t0:.0f} s)")
    return summary
