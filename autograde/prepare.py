"""The grader's side of per-student data: each student's kept worlds and their expected answers.

Everything lives where :class:`autograde.layout.CourseLayout` says: the full worlds (truth included) at
``.crmlab/worlds/<id>/{clean,dq}``, what the student received at ``handout/<id>/crmlab-data``
(:mod:`autograde.handout`), and ``reference.expected(world[, dq_world=...])`` at
``.crmlab/expected/<assignment>/<id>.pkl`` with an HMAC-SHA256 beside it (``.hmac``) under the course
key. The MAC covers the pickle's bytes, the assignment, the student, the reference file's bytes and the
kept worlds' table hashes, so a pickle is unpickled only if the grader wrote it for exactly these
inputs; anything else (edited, swapped, stale) is recomputed.
"""

from __future__ import annotations

import hashlib
import hmac
import inspect
import json
import os
import pickle
import types
from collections.abc import Callable
from pathlib import Path

from crmlab.autograde import handout
from crmlab.autograde.errors import UsageError
from crmlab.autograde.layout import CourseLayout
from crmlab.autograde.roster import course_key, read_seeds, write_private

_REFERENCES: dict = {}
MAC_LABEL = b"crmlab expected answers v1"


def load_reference(path: Path):
    """Import an instructor reference module from its file, cached by content: an edited reference is
    always run afresh (an mtime key, or Python's bytecode cache, can miss an edit made within a second)."""
    source = Path(path).read_bytes()
    key = (str(path), hashlib.sha256(source).hexdigest())
    if key not in _REFERENCES:
        module = types.ModuleType(f"crmlab_reference_{Path(path).stem}")
        module.__file__ = str(path)
        exec(compile(source, str(path), "exec"), module.__dict__)
        _REFERENCES[key] = module
    return _REFERENCES[key]


def takes_dq_world(func) -> bool:
    """Whether a reference ``expected`` accepts the keyword ``dq_world`` (the data-quality world)."""
    params = inspect.signature(func).parameters
    return "dq_world" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def uses_data_quality(nb) -> bool:
    """Whether a notebook asks for the data-quality world (``my_world(data_quality=True)``)."""
    return "data_quality=True" in "\n".join(c.source for c in nb.cells)


def needs_dq(course_dir: Path, assignment: str, nb) -> bool:
    """Whether grading ``assignment`` needs the data-quality world: the notebook or its reference asks."""
    path = CourseLayout(course_dir).reference(assignment)
    return uses_data_quality(nb) or (
        path.is_file() and "dq_world" in inspect.signature(load_reference(path).expected).parameters)


def enrolled_seeds(course_dir: Path) -> dict[str, int]:
    """``student_id -> seed`` of the class, from the grader-only ``.crmlab/seeds.csv``."""
    seeds = read_seeds(course_dir)
    return {str(s): int(v) for s, v in zip(seeds["student_id"], seeds["seed"], strict=True)}


def _keep(layout: CourseLayout, student_id: str, *, flags: tuple, factory: Callable | None) -> dict:
    """Keep the worlds of ``flags`` and the handout in order; ``{flag: World or None}`` as ``keep_world``."""
    seeds = enrolled_seeds(layout.root)
    if student_id not in seeds:
        raise UsageError(f"{student_id} is not enrolled in {layout.root}; run 'crmlab class init' first")
    made = {dq: handout.keep_world(layout, student_id, seed=seeds[student_id], data_quality=dq, factory=factory)
            for dq in flags}
    if not handout.handout_intact(layout, student_id):
        for dq in set(handout.VARIANTS) - set(flags):
            handout.keep_world(layout, student_id, seed=seeds[student_id], data_quality=dq, factory=factory)
        handout.write_handout(layout, student_id)
    return made


def ensure_student_worlds(course_dir, student_id: str, *, data_quality: bool,
                          factory: Callable | None = None) -> dict:
    """The full worlds kept for ``student_id``, checked against what was handed out; the handout ensured.

    A kept world whose files no longer match their recorded hashes (or that is missing) is regenerated
    from the student's seed, and kept only if its observed tables equal those handed out
    (:func:`autograde.handout.keep_world`). The handout is (re)written from the kept worlds when the
    grader's copy is missing or changed.

    Returns
    -------
    dict
        ``{False: World}``, and ``{True: World}`` if ``data_quality``; truth included.

    Raises
    ------
    UsageError
        ``student_id`` is not enrolled; :class:`autograde.handout.WorldMismatch` if a world cannot be
        restored to what was handed out.
    """
    from crmlab.simulator.world import load

    layout = CourseLayout(course_dir)
    made = _keep(layout, student_id, flags=(False, True) if data_quality else (False,), factory=factory)
    return {dq: world if world is not None else load(layout.world(student_id, dq), truth=True)
            for dq, world in made.items()}


def ensure_handout(course_dir, student_id: str, *, factory: Callable | None = None) -> Path:
    """The student's handout folder, what their grading kernel gets as ``CRMLAB_DATA``, after the same checks
    as :func:`ensure_student_worlds` on both kept worlds; no world is loaded (about 30 ms when all is in order)."""
    layout = CourseLayout(course_dir)
    _keep(layout, student_id, flags=(False, True), factory=factory)
    return layout.handout(student_id)


def _dependencies(layout: CourseLayout, assignment: str, student_id: str, flags) -> bytes | None:
    """What one student's expected answers depend on, hashed: the reference's bytes and the kept worlds'
    table hashes; ``None`` while a kept world has no readable record (the worlds must be ensured first)."""
    ref = layout.reference(assignment)
    digest = hashlib.sha256(b"reference\0" + (ref.read_bytes() if ref.is_file() else b"none"))
    for dq in flags:
        params = handout.recorded(layout.world(student_id, dq))
        if params is None:
            return None
        digest.update(json.dumps(params["hashes"], sort_keys=True).encode())
    return f"{assignment}\0{student_id}\0{digest.hexdigest()}\0".encode()


def _mac(key: str, dependencies: bytes, payload: bytes) -> str:
    return hmac.new(key.encode(), MAC_LABEL + b"\0" + dependencies + payload, hashlib.sha256).hexdigest()


def _mac_path(pkl: Path) -> Path:
    return pkl.with_suffix(".hmac")


def _read_expected(layout: CourseLayout, assignment: str, student_id: str, flags) -> dict | None:
    """The cached answers if their MAC verifies for today's dependencies; else ``None`` (never unpickled)."""
    deps = _dependencies(layout, assignment, student_id, flags)
    pkl = layout.expected(assignment, student_id)
    if deps is None or not (pkl.is_file() and _mac_path(pkl).is_file()):
        return None
    payload = pkl.read_bytes()
    mac = _mac_path(pkl).read_text(encoding="ascii", errors="replace").strip()
    if not hmac.compare_digest(mac, _mac(course_key(layout.root), deps, payload)):
        return None
    return pickle.loads(payload)


def _compute_expected(layout: CourseLayout, assignment: str, student_id: str, worlds: dict, *,
                      data_quality: bool) -> dict:
    """Run the reference on the student's full worlds, cache the answers with their MAC, return them."""
    flags = (False, True) if data_quality else (False,)
    ref = layout.reference(assignment)
    answers = {}
    if ref.is_file():
        func = load_reference(ref).expected
        kwargs = {"dq_world": worlds[True]} if data_quality and takes_dq_world(func) else {}
        answers = func(worlds[False], **kwargs)
    payload = pickle.dumps(answers)
    deps = _dependencies(layout, assignment, student_id, flags)
    pkl = layout.expected(assignment, student_id)
    write_private(pkl, payload)
    write_private(_mac_path(pkl), _mac(course_key(layout.root), deps, payload).encode())
    return answers


def expected_answers(course_dir, assignment: str, student_id: str, *, data_quality: bool,
                     factory: Callable | None = None) -> dict:
    """``reference.expected`` for one student: from the MAC-verified cache, else computed and cached.

    ``data_quality``: the assignment needs the data-quality world (:func:`needs_dq`); the reference then
    gets it as ``dq_world`` if it accepts the keyword. No reference file: ``{}``.
    """
    layout = CourseLayout(course_dir)
    flags = (False, True) if data_quality else (False,)
    cached = _read_expected(layout, assignment, student_id, flags)
    if cached is not None:
        return cached
    worlds = ensure_student_worlds(layout.root, student_id, data_quality=data_quality, factory=factory)
    return _compute_expected(layout, assignment, student_id, worlds, data_quality=data_quality)


def prepare_member(job: tuple) -> None:
    """Worker: one student's worlds and handout, and their expected answers for several assignments.

    ``job`` is ``(course_dir, student_id, {assignment: needs the data-quality world}, factory)``; the
    worlds are loaded (or generated) once, and only if some answers have to be computed.
    """
    course_dir, student_id, assignments, factory = job
    layout = CourseLayout(course_dir)
    dq_any = any(assignments.values())
    worlds = None
    for assignment, dq in assignments.items():
        if _read_expected(layout, assignment, student_id, (False, True) if dq else (False,)) is not None:
            continue
        if worlds is None:
            worlds = ensure_student_worlds(course_dir, student_id, data_quality=dq_any, factory=factory)
        _compute_expected(layout, assignment, student_id, worlds, data_quality=dq)
    if worlds is None:
        _keep(layout, student_id, flags=(False, True) if dq_any else (False,), factory=factory)


_PENDING: tuple | None = None  # (func, jobs) of the running pool, inherited by its forked workers


def _run_pending(index: int) -> None:
    func, jobs = _PENDING
    func(jobs[index])


def run_jobs(func: Callable, jobs: list, *, workers: int | None = None) -> None:
    """``func`` over ``jobs`` in forked processes (a single worker: in-process); the first error is raised.

    Workers inherit ``func`` and ``jobs`` through the fork, so a job may hold anything, closures included;
    only its index is sent.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _PENDING
    n = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    if n == 1:
        for job in jobs:
            func(job)
        return
    _PENDING = (func, list(jobs))
    try:
        with ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork")) as pool:
            list(pool.map(_run_pending, range(len(jobs))))
    finally:
        _PENDING = None


def prepare_class(*, course_dir, students: dict[str, int] | None = None, assignments: list[str],
                  workers: int | None = None, factory: Callable | None = None) -> None:
    """Every student's kept worlds, handout and expected answers, ahead of grading, in parallel over students.

    Parameters
    ----------
    course_dir : path
        A built course with an enrolled class.
    students : dict, optional
        ``student_id -> seed`` of the students to prepare (default: the whole class); each seed must be
        the one enrolled in ``.crmlab/seeds.csv``.
    assignments : list of str
        Assignment ids whose expected answers to compute.
    workers : int, optional
        Processes (default: all cores).
    factory : callable ``(seed, data_quality) -> World``, optional
        World generator on a miss; default ``simulator.simulate`` with the course defaults.
    """
    import nbformat

    layout = CourseLayout(course_dir)
    enrolled = enrolled_seeds(layout.root)
    wanted = dict(enrolled) if students is None else dict(students)
    for sid, seed in wanted.items():
        if enrolled.get(sid) != int(seed):
            raise UsageError(f"{sid} is not enrolled with that seed in {layout.root}; run 'crmlab class init'")
    needs = {a: needs_dq(layout.root, a, nbformat.read(layout.source(a), as_version=4)) for a in assignments}
    run_jobs(prepare_member, [(str(layout.root), sid, needs, factory) for sid in wanted], workers=workers)


def _keep_member(job: tuple) -> None:
    """Worker of :func:`ensure_class_worlds`: ``(course_dir, student_id, factory)``."""
    course_dir, student_id, factory = job
    ensure_handout(course_dir, student_id, factory=factory)


def ensure_class_worlds(*, course_dir, student_ids: list[str], workers: int | None = None,
                        factory: Callable | None = None) -> None:
    """Both kept worlds and the handout of every student in ``student_ids``, in parallel over students."""
    run_jobs(_keep_member, [(str(CourseLayout(course_dir).root), sid, factory) for sid in student_ids],
             workers=workers)
