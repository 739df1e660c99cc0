"""``crmlab class init``: enrol a roster, create the course key, generate and hand out each student's data.

Instructor-only state lives in ``DIR/.crmlab/`` (mode 700): ``course_key`` (mode 600), ``seeds.csv``
(mode 600) and each student's full worlds, truth included. Each student gets ``DIR/handout/<id>/crmlab-data``
to hand out or mount: their observed tables and a manifest of hashes, never a seed or the key, so the
public simulator cannot regenerate their truth (:mod:`autograde.handout`). A bad roster is rejected as a
whole, before anything is written. Paths come from :class:`autograde.layout.CourseLayout`.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from crmlab.autograde.errors import UsageError
from crmlab.autograde.layout import CourseLayout

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
ROSTER_COLUMNS = ("student_id", "first_name", "last_name", "email")


def private_dir(course_dir: str | os.PathLike) -> Path:
    """The grader-only ``DIR/.crmlab`` (created with mode 700 if missing)."""
    path = CourseLayout(course_dir).private
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def course_key(course_dir: str | os.PathLike, *, create: bool = False) -> str:
    """The course key of ``course_dir`` (``DIR/.crmlab/course_key``); created (mode 600) if ``create``."""
    path = CourseLayout(course_dir).key_file
    if path.is_file():
        key = path.read_text(encoding="utf-8").strip()
        if key:
            return key
    if not create:
        raise UsageError(f"no course key in {path.parent}; run 'crmlab class init' first")
    key = secrets.token_hex(32)
    private_dir(course_dir)
    write_private(path, key + "\n")
    return key


def read_roster(path: str | os.PathLike) -> pd.DataFrame:
    """Read and validate a roster CSV.

    Returns
    -------
    DataFrame
        Columns ``student_id, first_name, last_name, email`` (strings, empty when absent), one row per
        student, in file order.

    Raises
    ------
    UsageError
        Unreadable file, no ``student_id`` column, an empty id, an id with characters outside
        ``[A-Za-z0-9_.-]`` (or longer than 64), or a duplicate id.
    """
    path = Path(path)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        reason = getattr(exc, "strerror", None) or (str(exc).splitlines() or [type(exc).__name__])[0]
        raise UsageError(f"cannot read roster {path}: {reason}") from None
    df.columns = [str(c).strip() for c in df.columns]
    if "student_id" not in df.columns:
        raise UsageError(f"roster {path} has no 'student_id' column (columns: {', '.join(df.columns)})")
    ids = df["student_id"].astype(str).str.strip()
    empty = ids.eq("")
    if empty.any():
        raise UsageError(f"roster {path}: empty student_id on line {int(empty.to_numpy().argmax()) + 2}")
    bad = ~ids.str.fullmatch(ID_RE.pattern)
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise UsageError(f"roster {path}: student_id {ids.iloc[row]!r} on line {row + 2} may only use "
                         f"letters, digits, '_', '.', '-' (max 64, starting with a letter or digit)")
    dup = ids.duplicated()
    if dup.any():
        raise UsageError(f"roster {path}: duplicate student_id {ids[dup].iloc[0]!r}")
    out = pd.DataFrame({"student_id": ids})
    for col in ROSTER_COLUMNS[1:]:
        out[col] = df[col].astype(str).str.strip() if col in df.columns else ""
    return out.reset_index(drop=True)


def read_seeds(course_dir: str | os.PathLike) -> pd.DataFrame:
    """The instructor's ``DIR/.crmlab/seeds.csv`` (student_id, seed) or a UsageError if absent."""
    path = CourseLayout(course_dir).seeds_file
    if not path.is_file():
        raise UsageError(f"no class roster in {Path(course_dir)}; run 'crmlab class init' first")
    return pd.read_csv(path, dtype={"student_id": str, "seed": "int64"}, keep_default_na=False)


def write_private(path: Path, data: bytes | str) -> None:
    """Write ``data`` (str as UTF-8) to the grader-only file ``path``: mode 600, through a temporary
    sibling renamed into place, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    os.replace(tmp, path)


def init_class(*, course_dir: str | os.PathLike, roster: str | os.PathLike, workers: int | None = None,
               factory: Callable | None = None) -> pd.DataFrame:
    """Enrol the students of ``roster`` in the course at ``course_dir`` and hand out their data.

    Adds (or updates) every student in nbgrader's gradebook, creates the course key if missing, records
    each seed in ``.crmlab/seeds.csv``, then, in parallel over students, generates both of their worlds
    (clean and data-quality), keeps them with truth and hashes, and writes ``handout/<id>/crmlab-data``.
    Students enrolled earlier stay enrolled and keep the worlds they were handed, whatever the simulator
    version now installed.

    Parameters
    ----------
    course_dir : path
        A built course (``crmlab course build``).
    roster : path
        CSV with ``student_id`` and optionally ``first_name, last_name, email``.
    workers : int, optional
        Processes generating worlds (default: all cores).
    factory : callable ``(seed, data_quality) -> World``, optional
        World generator; default ``simulator.simulate`` with the course defaults.

    Returns
    -------
    DataFrame
        ``student_id, seed`` of the whole class (earlier and new students), sorted by id; grader-only.
    """
    from crmlab.autograde.gradebook import open_gradebook
    from crmlab.autograde.prepare import ensure_class_worlds
    from crmlab.simulator.seeding import student_seed

    layout = CourseLayout(course_dir)
    if not layout.config.is_file():
        raise UsageError(f"{layout.root} is not a built course; run 'crmlab course build --out {layout.root}' first")
    students = read_roster(roster)
    if not os.access(layout.root, os.W_OK):
        raise UsageError(f"cannot write to {layout.root}")
    key = course_key(layout.root, create=True)
    seeds = students[["student_id"]].copy()
    seeds["seed"] = [student_seed(key, sid) for sid in seeds["student_id"]]
    if layout.seeds_file.is_file():
        old = read_seeds(layout.root)
        seeds = pd.concat([old, seeds[~seeds["student_id"].isin(old["student_id"])]])
    seeds = seeds.sort_values("student_id").reset_index(drop=True)
    with open_gradebook(layout.root) as gb:
        for row in students.itertuples(index=False):
            fields = {k: getattr(row, k) for k in ROSTER_COLUMNS[1:] if getattr(row, k)}
            gb.update_or_create_student(row.student_id, **fields)
    rows = zip(seeds["student_id"], seeds["seed"], strict=True)
    write_private(layout.seeds_file, "student_id,seed\n" + "".join(f"{s},{int(v)}\n" for s, v in rows))
    ensure_class_worlds(course_dir=layout.root, student_ids=list(students["student_id"]), workers=workers,
                        factory=factory)
    return seeds
