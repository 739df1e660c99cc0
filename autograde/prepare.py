"""The grader's side of per-student data: each student's worlds and their expected answers.

For a student with seed ``s`` the grader keeps, under ``DIR/.crmlab/``:

* ``worlds/<s>-<clean|dq>-<fingerprint>/`` — the full world, truth included (grader only);
* ``cache/<s>-<clean|dq>-<fingerprint>/`` — the same observed tables without the truth: the folder a
  grading kernel's ``labs.data.my_world`` reads (env ``CRMLAB_CACHE``), so a kernel never simulates;
* ``expected/<assignment>/<student>.pkl`` — ``reference.expected(world)`` (or
  ``expected(world, *, dq_world)`` when the notebook also calls ``my_world(data_quality=True)``), with a
  ``.key`` beside it naming the reference and worlds it was computed from; a matching key means the
  pickle is reused instead of reloading the worlds and recomputing.

The fingerprint is the simulator's (``labs.data.current_fingerprint``); the grader fixes it for a whole
run through env ``CRMLAB_FINGERPRINT`` so its kernels look up exactly the folders written here.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import pickle
import shutil
import tempfile
import types
from pathlib import Path
from typing import Callable

from autograde.roster import PRIVATE

_REFERENCES: dict = {}


def private_paths(course_dir: Path) -> dict[str, Path]:
    """The grader's folders under ``DIR/.crmlab``: full worlds, kernel cache, expected, status, staging."""
    base = Path(course_dir) / PRIVATE
    return {"worlds": base / "worlds", "cache": base / "cache", "expected": base / "expected",
            "status": base / "status", "staging": base / "staging"}


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


def reference_path(course_dir: Path, assignment: str) -> Path:
    """``DIR/reference/<assignment>.py`` (may not exist: then nothing is expected)."""
    return Path(course_dir) / "reference" / f"{assignment}.py"


def takes_dq_world(func) -> bool:
    """Whether a reference ``expected`` accepts the keyword ``dq_world`` (the data-quality world)."""
    params = inspect.signature(func).parameters
    return "dq_world" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def uses_data_quality(nb) -> bool:
    """Whether a notebook asks for the data-quality world (``my_world(data_quality=True)``)."""
    return "data_quality=True" in "\n".join(c.source for c in nb.cells)


def needs_dq(course_dir: Path, assignment: str, nb) -> bool:
    """Whether grading ``assignment`` needs the data-quality world: the notebook or its reference asks."""
    path = reference_path(course_dir, assignment)
    return uses_data_quality(nb) or (
        path.is_file() and "dq_world" in inspect.signature(load_reference(path).expected).parameters)


def _copy_observed(full: Path, target: Path) -> None:
    """Put ``full``'s observed table files (not ``truth/``) at ``target``, atomically; the bytes are those
    a truth-less save would write, so copying spares a second Parquet encoding."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for item in full.iterdir():
            if item.is_file():
                shutil.copyfile(item, tmp / item.name)
        os.replace(tmp, target)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not target.is_dir():
            raise


def world_paths(course_dir: Path, seed: int, dq: bool) -> tuple[Path, Path]:
    """``(full world folder, kernel cache folder)`` of one world of seed ``seed``."""
    from labs.data import world_dir

    paths = private_paths(Path(course_dir))
    return (world_dir(seed=seed, data_quality=dq, root=paths["worlds"]),
            world_dir(seed=seed, data_quality=dq, root=paths["cache"]))


def prepare_worlds(course_dir: Path, seed: int, *, data_quality: bool = False,
                   factory: Callable | None = None) -> dict:
    """Generate (or reuse) one student's worlds: with truth on the grader's side, without in the kernel cache.

    Returns
    -------
    dict
        ``{False: World}`` and, if ``data_quality``, ``{True: World}`` too; both with truth.
    """
    from labs.data import ensure_world

    paths = private_paths(Path(course_dir))
    worlds = {}
    for dq in (False, True) if data_quality else (False,):
        full = ensure_world(seed=seed, data_quality=dq, root=paths["worlds"], truth=True, factory=factory)
        full_dir, target = world_paths(course_dir, seed, dq)
        if not target.is_dir():
            _copy_observed(full_dir, target)
        worlds[dq] = full
    return worlds


def _expected_key(course_dir: Path, assignment: str, seed: int, dq: bool) -> str:
    """What an expected-answers pickle depends on: the reference's bytes and the worlds' folders."""
    ref = reference_path(course_dir, assignment)
    digest = hashlib.sha256(ref.read_bytes() if ref.is_file() else b"no reference")
    for flag in (False, True) if dq else (False,):
        full_dir, _ = world_paths(course_dir, seed, flag)
        stamp = (full_dir / "truth" / "params.json").stat().st_mtime_ns if full_dir.is_dir() else 0
        digest.update(f"{full_dir.name}:{stamp}\0".encode())
    return digest.hexdigest()


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def write_expected(course_dir: Path, assignment: str, student_id: str, seed: int, worlds: dict, *,
                   data_quality: bool) -> Path:
    """Pickle ``reference.expected`` for one student from their full ``worlds``; returns the pickle's path.

    The reference gets ``dq_world=worlds[True]`` when ``data_quality`` (the assignment needs that world)
    and it accepts the keyword.
    """
    out = private_paths(course_dir)["expected"] / assignment / f"{student_id}.pkl"
    ref = reference_path(course_dir, assignment)
    answers = {}
    if ref.is_file():
        func = load_reference(ref).expected
        kwargs = {"dq_world": worlds[True]} if data_quality and takes_dq_world(func) else {}
        answers = func(worlds[False], **kwargs)
    _write_private(out, pickle.dumps(answers))
    _write_private(out.with_suffix(".key"), _expected_key(course_dir, assignment, seed, data_quality).encode())
    return out


def prepare_student(course_dir: Path, assignment: str, seed: int, student_id: str, *,
                    data_quality: bool, factory: Callable | None) -> Path:
    """Make sure the student's worlds and expected answers exist; returns the expected pickle's path.

    The pickle is reused when its key matches (same reference file, same full-world folders) and the
    kernel cache holds the worlds; otherwise the worlds are loaded or generated and the answers computed.
    """
    course_dir = Path(course_dir)
    out = private_paths(course_dir)["expected"] / assignment / f"{student_id}.pkl"
    key = out.with_suffix(".key")
    flags = (False, True) if data_quality else (False,)
    if (out.is_file() and key.is_file()
            and all(world_paths(course_dir, seed, f)[1].is_dir() for f in flags)
            and key.read_text() == _expected_key(course_dir, assignment, seed, data_quality)):
        return out
    worlds = prepare_worlds(course_dir, seed, data_quality=data_quality, factory=factory)
    return write_expected(course_dir, assignment, student_id, seed, worlds, data_quality=data_quality)


def prepare_member(job: tuple) -> None:
    """Worker: one student's worlds and their expected answers for several assignments.

    ``job`` is ``(course_dir, student_id, seed, {assignment: needs the data-quality world}, factory)``;
    the worlds are generated (or loaded) once and kept in memory for every assignment's reference.
    """
    course_dir, student_id, seed, assignments, factory = job
    os.environ["CRMLAB_CACHE"] = str(private_paths(Path(course_dir))["worlds"])  # the references' look-ups
    worlds = prepare_worlds(Path(course_dir), seed, data_quality=any(assignments.values()), factory=factory)
    for assignment, dq in assignments.items():
        write_expected(Path(course_dir), assignment, student_id, seed, worlds, data_quality=dq)


def prepare_class(*, course_dir, students: dict[str, int], assignments: list[str], workers: int | None = None,
                  factory: Callable | None = None) -> None:
    """Generate every student's worlds and expected answers ahead of grading, in parallel over students.

    Parameters
    ----------
    course_dir : path
        A built course.
    students : dict
        ``student_id -> seed``.
    assignments : list of str
        Assignment ids whose expected answers to compute.
    workers : int, optional
        Processes (default: all cores).
    factory : callable ``(seed, data_quality) -> World``, optional
        World generator; default ``simulator.simulate`` with the course defaults.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import nbformat

    from labs.data import fix_fingerprint

    course_dir = Path(course_dir).absolute()
    fix_fingerprint()
    needs = {a: needs_dq(course_dir, a, nbformat.read(course_dir / "source" / a / f"{a}.ipynb", as_version=4))
             for a in assignments}
    jobs = [(str(course_dir), sid, int(seed), needs, factory) for sid, seed in students.items()]
    n = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    with ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork")) as pool:
        list(pool.map(prepare_member, jobs))
