"""``crmlab grade``: autograde one assignment for the whole class, in parallel over students.

Per student, in a worker process: sanitise the submission (:mod:`autograde.submissions`), load the worlds
the grader kept for the student and their expected answers (:mod:`autograde.prepare`, verified under the
course key), run nbgrader's autograde with the kernel in a sandbox (:mod:`autograde.sandbox`) that sees a
scratch copy of the submission and the student's handed-out data only, and decide every test cell's verdict
on the grader's side from the answers the kernel recorded (:mod:`autograde.verdict`); fix the gradebook where
stock nbgrader leaves it open (deleted cells) and write the status record (:mod:`autograde.records`). A
worker lost on the way (killed, out of memory) costs only its student a "grader error" record; the pool is
replaced. Then nbgrader's
feedback is generated in one batch per worker, and the main process writes ``grades.csv`` and
``summary.csv``.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from crmlab.autograde import gradebook, submissions
from crmlab.autograde.build import root_cause
from crmlab.autograde.errors import UsageError
from crmlab.autograde.layout import CourseLayout
from crmlab.autograde.records import cell_results, grader_error, make_record, save_log, write_status
from crmlab.autograde.roster import course_key, read_seeds

_API_CACHE: dict = {}


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to grade one student (picklable)."""

    course_dir: str
    assignment: str
    student_id: str
    candidates: tuple[str, ...]
    timeout: int
    world_factory: Callable | None = None
    sandbox: str = "none"
    memory: int = 3 * 2**30
    digest: str = ""  # of everything the record depends on: submission, source, reference, task modules


def _api(course_dir: str, timeout: int, exclude: str = ""):
    """One NbGraderAPI per worker process (and excluded-students list), reading the intake folder."""
    key = (course_dir, timeout, exclude)
    if key not in _API_CACHE:
        from crmlab.autograde.build import nbgrader_api
        from traitlets.config import Config

        layout = CourseLayout(course_dir)
        cfg = Config()
        cfg.CourseDirectory.submitted_directory = layout.intake_rel
        cfg.CourseDirectory.student_id_exclude = exclude
        cfg.Execute.timeout = int(timeout)
        cfg.StatusBanner.status_dir = str(layout.status_root)
        _API_CACHE[key] = nbgrader_api(course_dir, cfg)
    return _API_CACHE[key]


def quiet_worker() -> None:
    """Pool initializer: kernels inherit this stderr; their start-up warnings would break the progress bar."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    warnings.simplefilter("ignore")


def grade_student(job: Job) -> dict:
    """Grade one student end to end (runs in a worker process); returns their status record.

    A failure of the grader itself (not of the submission) gives that student a "grader error" record
    with zero scores, so the rest of the class is still graded.
    """
    try:
        return _grade_student(job)
    except Exception as exc:  # noqa: BLE001 - one student's failure must not stop the class
        reason = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
        return grader_error(job, f"{type(exc).__name__}: {reason}")


def _context(job: Job, layout: CourseLayout, source):
    """The grader-side context of one student's run: tasks, verified expected answers, data, sandbox."""
    from crmlab.autograde import prepare
    from crmlab.autograde.preprocessors import GradingContext
    from crmlab.autograde.sandbox import Sandbox

    name = job.assignment
    dq = prepare.needs_dq(layout.root, name, source)
    expected = prepare.expected_answers(layout.root, name, job.student_id, data_quality=dq,
                                        factory=job.world_factory)
    ref = layout.reference(name)
    tasks = getattr(prepare.load_reference(ref), "TASKS", {}) if ref.is_file() else {}
    data = prepare.ensure_handout(layout.root, job.student_id, factory=job.world_factory)
    return GradingContext(tasks=tasks, expected=expected, data=data,
                          sandbox=Sandbox(kind=job.sandbox, memory=job.memory))


def _grade_student(job: Job) -> dict:
    import nbformat
    from crmlab.autograde.preprocessors import CONTEXTS

    warnings.simplefilter("ignore")
    layout = CourseLayout(job.course_dir)
    course_dir = layout.root
    name = job.assignment
    t0 = time.perf_counter()
    layout.status(name, job.student_id).with_suffix(".log").unlink(missing_ok=True)
    source = nbformat.read(layout.source(name), as_version=4)
    release = nbformat.read(layout.release(name), as_version=4)
    points = submissions.graded_cells(source)
    intake = submissions.sanitise(job.student_id, [Path(p) for p in job.candidates],
                                  expected_name=f"{name}.ipynb", source=source, release=release,
                                  out_dir=layout.intake / job.student_id / name)
    timings = {"sanitise": time.perf_counter() - t0}
    if intake.kind == "missing":
        record = make_record(job, intake, [{"grade_id": g, "score": 0.0, "max_score": p, "status": "missing notebook"}
                                       for g, p in points], timings)
        write_status(course_dir, record)
        return record
    t1 = time.perf_counter()
    context = _context(job, layout, source)
    timings["worlds_expected"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    api = _api(job.course_dir, job.timeout)
    CONTEXTS[(job.student_id, name)] = context
    try:
        result = api.autograde(name, job.student_id, force=True, create=True)
        if not result.get("success"):  # once more: a kernel start-up race or a busy gradebook is transient
            save_log(course_dir, job, result)
            result = api.autograde(name, job.student_id, force=True, create=True)
    finally:
        CONTEXTS.pop((job.student_id, name), None)
    timings["autograde"] = time.perf_counter() - t2
    if not result.get("success"):
        save_log(course_dir, job, result)
        intake.notes.append(f"autograde failed: {root_cause(result)}")
    gradebook.zero_deleted(course_dir, assignment=name, notebook=name, student_id=job.student_id,
                           grade_ids=intake.deleted)
    record = make_record(job, intake, cell_results(course_dir, job, intake, points), timings)
    record["timings"]["total"] = time.perf_counter() - t0
    write_status(course_dir, record)
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
        with (CourseLayout(course_dir).status(assignment) / "feedback.log").open("a") as fh:
            fh.write(f"{result.get('log') or ''}\n{result.get('error') or ''}\n")
    return time.perf_counter() - t0


def grade_assignment(*, course_dir, assignment: str, submissions_path, workers: int | None = None,
                     timeout: int = 30, progress: bool = True, world_factory: Callable | None = None,
                     sandbox: str = "auto", resume: bool = False) -> list[dict]:
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
    sandbox : {"auto", "bwrap", "unshare", "none"}, default="auto"
        How grading kernels are isolated (:mod:`autograde.sandbox`); ``auto`` takes the strongest that works.
    resume : bool, default=False
        Keep the records of students an earlier (interrupted) run graded from exactly the same inputs.

    Returns
    -------
    list of dict
        One status record per rostered student: student_id, kind, notes (what flags the submission),
        errors (errors raised by answer cells), flagged, banner, score, max_score, cells (grade_id, score,
        max_score, status), timings (seconds: sanitise, worlds_expected, autograde, feedback, total).
    """
    from crmlab.autograde.sandbox import resolve

    layout = CourseLayout(course_dir)
    course_dir = layout.root
    if not layout.config.is_file():
        raise UsageError(f"{course_dir} is not a built course; run 'crmlab course build' first")
    if not layout.source(assignment).is_file():
        raise UsageError(f"unknown assignment {assignment!r} in {course_dir}")
    _check_gradebook(layout, assignment)
    seeds = read_seeds(course_dir)
    course_key(course_dir)
    kind, note = resolve(sandbox)
    found = submissions.collect(submissions_path, assignment=assignment, staging=layout.staging(assignment))
    strangers = sorted(set(found) - set(seeds["student_id"]))
    if strangers:
        print(f"crmlab: skipped {len(strangers)} submission(s) not on the roster: {', '.join(strangers[:5])}",
              file=sys.stderr)
    jobs = [Job(str(course_dir), assignment, sid, tuple(str(p) for p in found.get(sid, [])), int(timeout),
                world_factory, kind, digest=_digest(layout, assignment, found.get(sid, []), kind))
            for sid in seeds["student_id"]]
    import nbgrader.apps  # noqa: F401 - imported once here so forked workers inherit it

    n = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    done = {job.student_id: _finished(layout, job) for job in jobs} if resume else {}
    done = {sid: record for sid, record in done.items() if record is not None}
    records = [*done.values(), *_run_pool([j for j in jobs if j.student_id not in done], n, assignment, progress)]
    _write_run(layout, assignment, kind, note)
    with _pool(n) as pool:
        _feedback(pool, n, course_dir, assignment, records)
    records.sort(key=lambda r: r["student_id"])
    gradebook.write_csvs(course_dir, assignment=assignment, records=records)
    return records


def _digest(layout: CourseLayout, assignment: str, candidates, sandbox: str) -> str:
    """SHA-256 over what one student's record depends on: their submitted files, the source notebook, the
    reference and the task modules, and the sandbox kind."""
    import hashlib

    from crmlab.autograde import tasks

    digest = hashlib.sha256(sandbox.encode())
    files = [*map(Path, candidates), layout.source(assignment), layout.reference(assignment),
             *sorted(Path(tasks.__file__).parent.glob("*.py"))]
    for path in files:
        digest.update(str(path.name).encode() + b"\0" + (path.read_bytes() if path.is_file() else b"-") + b"\0")
    return digest.hexdigest()


def _finished(layout: CourseLayout, job: Job) -> dict | None:
    """The status record of an earlier run graded from exactly the same inputs (resuming), else ``None``."""
    path = layout.status(job.assignment, job.student_id)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = (isinstance(record, dict) and record.get("digest") == job.digest and record.get("kind") != "error"
          and layout.autograded(job.student_id, job.assignment).is_file())
    return record if ok else None


def _pool(n: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork"),
                               initializer=quiet_worker)


def _run_pool(jobs: list[Job], n: int, assignment: str, progress: bool) -> list[dict]:
    """Grade ``jobs`` on ``n`` workers. If a worker is lost (killed, out of memory) the pool breaks; the jobs
    not finished then are graded again each in a pool of its own, ``n`` at a time, so a loss is pinned on the
    one student whose grading caused it (a "grader error" record) and costs nobody else."""
    from tqdm import tqdm

    records: dict = {}
    bar = tqdm(total=len(jobs), desc=f"grading {assignment}", unit="student", disable=not progress,
               file=sys.stderr)
    try:
        with _pool(n) as pool:
            _collect(pool, jobs, records, bar)
        todo = [job for job in jobs if job.student_id not in records]
        for start in range(0, len(todo), n):
            alone = [_pool(1) for _ in todo[start:start + n]]
            try:
                futures = {pool.submit(grade_student, job): job for pool, job in zip(alone, todo[start:start + n],
                                                                                     strict=True)}
                for fut in as_completed(futures):
                    job = futures[fut]
                    try:
                        records[job.student_id] = fut.result()
                    except BrokenProcessPool:
                        records[job.student_id] = grader_error(
                            job, "the grading worker was lost (killed or out of memory) while grading this submission")
                    bar.update()
            finally:
                for pool in alone:
                    pool.shutdown(cancel_futures=True)
    finally:
        bar.close()
    return list(records.values())


def _collect(pool: ProcessPoolExecutor, jobs: list[Job], records: dict, bar) -> None:
    """Submit ``jobs`` to ``pool`` and keep each finished record; stop quietly when the pool breaks."""
    futures = {pool.submit(grade_student, job): job for job in jobs}
    try:
        for fut in as_completed(futures):
            try:
                records[futures[fut].student_id] = fut.result()
                bar.update()
            except BrokenProcessPool:
                continue
    except BaseException:
        for fut in futures:
            fut.cancel()
        raise


def _check_gradebook(layout: CourseLayout, assignment: str) -> None:
    """The gradebook must know ``assignment`` (nbgrader's own error is a traceback pointer)."""
    from crmlab.autograde.build import COURSE_ID
    from nbgrader.api import Gradebook, MissingEntry

    if not layout.gradebook.is_file():
        raise UsageError(f"no gradebook in {layout.root}; run 'crmlab course build --out {layout.root}' first")
    with Gradebook(f"sqlite:///{layout.gradebook}", COURSE_ID) as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            raise UsageError(f"the gradebook of {layout.root} has no assignment {assignment!r}; run "
                             f"'crmlab course build --out {layout.root}' to add it") from None


def _write_run(layout: CourseLayout, assignment: str, kind: str, note: str) -> None:
    """``status/<assignment>/run.json``: how this run's kernels were isolated (the report shows the note)."""
    path = layout.status(assignment) / "run.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(".run.json.tmp")
    tmp.write_text(json.dumps({"sandbox": kind, "note": note}), encoding="utf-8")
    os.replace(tmp, path)


def _feedback(pool, n: int, course_dir: Path, assignment: str, records: list[dict]) -> None:
    """Generate feedback for every graded student in ``n`` batches; each record gets its share of the time."""
    graded = sorted(r["student_id"] for r in records if r["kind"] != "missing")
    folder = course_dir / "autograded"
    everyone = sorted(p.name for p in folder.iterdir() if (p / assignment).is_dir()) if folder.is_dir() else []
    batches = [graded[i::n] for i in range(n) if graded[i::n]]
    seconds = pool.map(feedback_batch, [(str(course_dir), assignment, b, everyone) for b in batches])
    share = {sid: sec / len(batch) for batch, sec in zip(batches, seconds, strict=True) for sid in batch}
    for record in records:
        if record["student_id"] in share and "total" in record["timings"]:
            record["timings"]["feedback"] = share[record["student_id"]]
            record["timings"]["total"] += share[record["student_id"]]
