"""Reading nbgrader's gradebook after autograde, fixing what stock nbgrader leaves open, and CSV export.

``grades.csv`` has one row per student × graded cell (student_id, assignment, grade_id, score, max_score,
status) and ``summary.csv`` one per student × assignment (student_id, assignment, score, max_score,
the autograded ``auto_score`` of ``auto_max``, the ``manual_pending`` points of a written answer, status).
Re-grading an assignment replaces that assignment's rows; files are written atomically.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

GRADE_COLUMNS = ["student_id", "assignment", "grade_id", "score", "max_score", "status"]
SUMMARY_COLUMNS = ["student_id", "assignment", "score", "max_score", "auto_score", "auto_max", "manual_pending",
                   "status"]


def db_url(course_dir: str | os.PathLike) -> str:
    """SQLAlchemy URL of the course's gradebook."""
    return f"sqlite:///{Path(course_dir).absolute() / 'gradebook.db'}"


def ensure_gradebook(course_dir: str | os.PathLike) -> None:
    """Create the course's gradebook if it has no tables yet, stamped with nbgrader's schema version.

    Done in-process: nbgrader would shell out to ``alembic`` for the version stamp, which fails when the
    venv's ``crmlab`` is run by its path without the venv on ``PATH``. Idempotent; an existing gradebook
    is left untouched.
    """
    from alembic.script import ScriptDirectory
    from nbgrader.api import Base
    from nbgrader.dbutil import ALEMBIC_DIR
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(db_url(course_dir))
    try:
        with engine.begin() as conn:
            if inspect(conn).get_table_names():
                return
            Base.metadata.create_all(bind=conn)
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"),
                         {"v": ScriptDirectory(ALEMBIC_DIR).get_current_head()})
    finally:
        engine.dispose()


def open_gradebook(course_dir: str | os.PathLike):
    """nbgrader's :class:`~nbgrader.api.Gradebook` of the course (a context manager), created if missing."""
    from crmlab.autograde.build import COURSE_ID
    from nbgrader.api import Gradebook

    ensure_gradebook(course_dir)
    return Gradebook(db_url(course_dir), COURSE_ID)


def zero_deleted(course_dir, *, assignment: str, notebook: str, student_id: str,
                 grade_ids: list[str]) -> None:
    """Score deleted graded cells 0 and clear their "needs manual grading" flag (nbgrader leaves it set)."""
    if not grade_ids:
        return
    with open_gradebook(course_dir) as gb:
        sub = gb.find_submission_notebook(notebook, assignment, student_id)
        for grade in sub.grades:
            if grade.name in grade_ids:
                grade.auto_score, grade.manual_score, grade.needs_manual_grade = 0.0, None, False
        gb.db.commit()


def read_grades(course_dir, *, assignment: str, notebook: str, student_id: str) -> dict[str, dict]:
    """``grade_id -> {score, max_score, needs_manual_grade}`` of one submitted notebook."""
    from nbgrader.api import MissingEntry

    with open_gradebook(course_dir) as gb:
        try:
            sub = gb.find_submission_notebook(notebook, assignment, student_id)
        except MissingEntry:
            return {}
        return {g.name: {"score": float(g.score or 0.0), "max_score": float(g.max_score),
                         "needs_manual_grade": bool(g.needs_manual_grade)} for g in sub.grades}


def _atomic_csv(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    df.to_csv(tmp, index=False)
    os.replace(tmp, path)


def _replace_rows(path: Path, new: pd.DataFrame, columns: list[str], assignment: str) -> pd.DataFrame:
    if path.is_file():
        old = pd.read_csv(path, dtype={"student_id": str, "assignment": str}, keep_default_na=False)
        old = old[old["assignment"] != assignment]
        new = pd.concat([old.reindex(columns=columns), new[columns]], ignore_index=True)
    new = new.sort_values(["assignment", "student_id"], kind="stable").reset_index(drop=True)
    _atomic_csv(new, path)
    return new


def write_csvs(course_dir, *, assignment: str, records: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Write ``grades.csv`` and ``summary.csv`` for ``assignment`` from per-student status records.

    Returns
    -------
    (DataFrame, DataFrame)
        The full ``grades.csv`` (columns ``GRADE_COLUMNS``) and ``summary.csv`` (``SUMMARY_COLUMNS``).
    """
    course_dir = Path(course_dir)
    rows = [{"student_id": r["student_id"], "assignment": assignment, **cell}
            for r in records for cell in r["cells"]]
    grades = pd.DataFrame(rows, columns=GRADE_COLUMNS)
    summary = pd.DataFrame([{"student_id": r["student_id"], "assignment": assignment, "score": r["score"],
                             "max_score": r["max_score"], "auto_score": r.get("auto_score", r["score"]),
                             "auto_max": r.get("auto_max", r["max_score"]),
                             "manual_pending": r.get("manual_pending", 0.0), "status": r["banner"]}
                            for r in records],
                           columns=SUMMARY_COLUMNS)
    return (_replace_rows(course_dir / "grades.csv", grades, GRADE_COLUMNS, assignment),
            _replace_rows(course_dir / "summary.csv", summary, SUMMARY_COLUMNS, assignment))
