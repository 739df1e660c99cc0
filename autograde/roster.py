"""``crmlab class init``: enrol a roster, create the course key, and write each student's seed file.

Instructor-only state lives in ``DIR/.crmlab/`` (mode 700): ``course_key`` (mode 600) and ``seeds.csv``.
Each student gets ``DIR/seeds/<student_id>/crmlab-seed.json`` to hand out: their own id and seed, never
the key. A bad roster is rejected as a whole, before anything is written.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from pathlib import Path

import pandas as pd

from autograde.errors import UsageError

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
ROSTER_COLUMNS = ("student_id", "first_name", "last_name", "email")
PRIVATE = ".crmlab"
KEY_FILE = "course_key"
SEEDS_FILE = "seeds.csv"


def private_dir(course_dir: str | os.PathLike) -> Path:
    """``DIR/.crmlab`` (created with mode 700 if missing)."""
    path = Path(course_dir) / PRIVATE
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def course_key(course_dir: str | os.PathLike, *, create: bool = False) -> str:
    """The course key of ``course_dir`` (``DIR/.crmlab/course_key``); created (mode 600) if ``create``."""
    path = Path(course_dir) / PRIVATE / KEY_FILE
    if path.is_file():
        key = path.read_text(encoding="utf-8").strip()
        if key:
            return key
    if not create:
        raise UsageError(f"no course key in {path.parent}; run 'crmlab class init' first")
    key = secrets.token_hex(32)
    private_dir(course_dir)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key + "\n")
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
    path = Path(course_dir) / PRIVATE / SEEDS_FILE
    if not path.is_file():
        raise UsageError(f"no class roster in {Path(course_dir)}; run 'crmlab class init' first")
    return pd.read_csv(path, dtype={"student_id": str, "seed": "int64"}, keep_default_na=False)


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


def init_class(*, course_dir: str | os.PathLike, roster: str | os.PathLike) -> pd.DataFrame:
    """Enrol the students of ``roster`` in the course at ``course_dir``.

    Adds (or updates) every student in nbgrader's gradebook, creates the course key if missing, writes
    ``DIR/seeds/<id>/crmlab-seed.json`` per student and ``DIR/.crmlab/seeds.csv``. Students enrolled
    earlier stay enrolled.

    Returns
    -------
    DataFrame
        ``student_id, seed`` of the whole class (earlier and new students), sorted by id.
    """
    from nbgrader.api import Gradebook

    from autograde.build import COURSE_ID
    from simulator.seeding import student_seed

    course_dir = Path(course_dir).absolute()
    if not (course_dir / "nbgrader_config.py").is_file():
        raise UsageError(f"{course_dir} is not a built course; run 'crmlab course build --out {course_dir}' first")
    students = read_roster(roster)
    if not os.access(course_dir, os.W_OK):
        raise UsageError(f"cannot write to {course_dir}")
    key = course_key(course_dir, create=True)
    seeds = students[["student_id"]].copy()
    seeds["seed"] = [student_seed(key, sid) for sid in seeds["student_id"]]
    seeds_path = course_dir / PRIVATE / SEEDS_FILE
    if seeds_path.is_file():
        old = read_seeds(course_dir)
        seeds = pd.concat([old[~old["student_id"].isin(seeds["student_id"])], seeds])
    seeds = seeds.sort_values("student_id").reset_index(drop=True)
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", COURSE_ID) as gb:
        for row in students.itertuples(index=False):
            fields = {k: getattr(row, k) for k in ROSTER_COLUMNS[1:] if getattr(row, k)}
            gb.update_or_create_student(row.student_id, **fields)
    by_id = dict(zip(seeds["student_id"], seeds["seed"]))
    for sid in students["student_id"]:
        folder = course_dir / "seeds" / sid
        folder.mkdir(parents=True, exist_ok=True)
        record = {"student_id": sid, "seed": int(by_id[sid]), "course": COURSE_ID}
        (folder / "crmlab-seed.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    lines = [["student_id", "seed"]] + [[s, str(int(v))] for s, v in zip(seeds["student_id"], seeds["seed"])]
    _write_private(seeds_path, "".join(",".join(line) + "\n" for line in lines))
    return seeds

