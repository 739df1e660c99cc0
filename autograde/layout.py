"""The one owner of a course folder's layout and of the ``CRMLAB_*`` environment names (nbgrader's
``coursedir.py`` pattern): every other module asks :class:`CourseLayout` where a thing lives.

Layout of a course folder ``DIR``::

    nbgrader_config.py, gradebook.db      nbgrader's, written by the grader only
    source/ release/ autograded/ feedback/  nbgrader's folders
    reference/NN_slug.py                  instructor-only reference answers (never in source/ or release/)
    handout/<student>/crmlab-data/        what a student of the class receives: their observed tables only
    grades.csv, summary.csv, report/      the gradebook export and the class report
    .crmlab/                              grader-only (mode 700): course key, seeds, full worlds, expected
                                          answers, per-student status, submission intake, staging

A grading kernel sees none of ``DIR``: only a scratch copy of one submission and that student's
``handout`` folder (:mod:`autograde.sandbox`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Environment names, declared once. ENV_DATA is the only one a grading kernel receives.
ENV_DATA = "CRMLAB_DATA"  # a student's handed-out data folder (observed tables, no seed, no truth)
ENV_SEED = "CRMLAB_SEED"  # self-study edition only: a public seed
ENV_CACHE = "CRMLAB_CACHE"  # where a self-learner's generated worlds are cached
ENV_ANSWERS = "CRMLAB_ANSWERS"  # a grading kernel's answer channel (a folder in its scratch copy)
ENV_COURSE_KEY = "CRMLAB_COURSE_KEY"  # crmlab simulate --student: the instructor's key

PRIVATE = ".crmlab"
DATA_FOLDER = "crmlab-data"


@dataclass(frozen=True)
class CourseLayout:
    """Paths of one course folder. Pure: nothing is created or read by asking."""

    root: Path

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root).absolute())

    # nbgrader's part
    @property
    def config(self) -> Path:
        return self.root / "nbgrader_config.py"

    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    def source(self, assignment: str) -> Path:
        """The instructor's source notebook of ``assignment``."""
        return self.root / "source" / assignment / f"{assignment}.ipynb"

    def release(self, assignment: str) -> Path:
        """The blank notebook students receive."""
        return self.root / "release" / assignment / f"{assignment}.ipynb"

    def autograded(self, student_id: str, assignment: str) -> Path:
        """nbgrader's autograded copy of one student's notebook."""
        return self.root / "autograded" / student_id / assignment / f"{assignment}.ipynb"

    def reference(self, assignment: str) -> Path:
        """The instructor-only reference module of ``assignment``."""
        return self.root / "reference" / f"{assignment}.py"

    # what students receive
    def handout(self, student_id: str) -> Path:
        """``handout/<student>/crmlab-data``: the student's observed tables, to hand out or mount."""
        return self.root / "handout" / student_id / DATA_FOLDER

    # exports
    @property
    def grades_csv(self) -> Path:
        return self.root / "grades.csv"

    @property
    def summary_csv(self) -> Path:
        return self.root / "summary.csv"

    @property
    def report_dir(self) -> Path:
        return self.root / "report"

    # the grader's private part
    @property
    def private(self) -> Path:
        return self.root / PRIVATE

    @property
    def key_file(self) -> Path:
        return self.private / "course_key"

    @property
    def seeds_file(self) -> Path:
        return self.private / "seeds.csv"

    def world(self, student_id: str, data_quality: bool = False) -> Path:
        """The full world (truth included) the grader generated for ``student_id`` and keeps."""
        return self.private / "worlds" / student_id / ("dq" if data_quality else "clean")

    def expected(self, assignment: str, student_id: str) -> Path:
        """The cached expected answers of one student (pickle, with a MAC beside it)."""
        return self.private / "expected" / assignment / f"{student_id}.pkl"

    @property
    def status_root(self) -> Path:
        """Where status records live, one folder per assignment (the feedback's status banner reads it)."""
        return self.private / "status"

    def status(self, assignment: str, student_id: str | None = None) -> Path:
        """Per-student status records (``<id>.json``) and logs of ``assignment``; the folder if no id."""
        folder = self.status_root / assignment
        return folder if student_id is None else folder / f"{student_id}.json"

    @property
    def intake(self) -> Path:
        """Sanitised submissions, in nbgrader's ``submitted/`` shape (nbgrader's submitted_directory)."""
        return self.private / "intake" / "submitted"

    @property
    def intake_rel(self) -> str:
        """:attr:`intake` relative to the root, as nbgrader's config wants it."""
        return os.path.relpath(self.intake, self.root)

    def staging(self, assignment: str) -> Path:
        """Scratch space of one grading run (unzipped submissions)."""
        return self.private / "staging" / assignment
