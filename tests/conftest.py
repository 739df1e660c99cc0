"""Shared fixtures: the fixture course, the lecture sources under course/, and built, graded courses.

nbgrader runs are expensive (a kernel per submission), so each course is built and graded once per
session and every test reads the results.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "autograde" / "fixtures"
FIXTURE_COURSE = FIXTURES / "course"
sys.path.insert(0, str(FIXTURES))


def lecture_sources() -> list[tuple[Path, str]]:
    """``(course folder, assignment id)`` for the fixture lecture and every ``course/NN_slug/``."""
    found = [(FIXTURE_COURSE, "01_fixture")]
    course = REPO / "course"
    if course.is_dir():
        found += [(course, p.name) for p in sorted(course.iterdir())
                  if p.is_dir() and (p / f"{p.name}.md").is_file() and p.name[:2].isdigit()]
    return found


def single_lecture_course(src: Path, assignment: str, dest: Path) -> Path:
    """A course folder holding only ``assignment`` (so each lecture is built and graded on its own)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(src / assignment, dest / assignment, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def factory_for(src: Path):
    """The fake world for the fixture course; the real simulator (``None``) for course/ lectures."""
    if src == FIXTURE_COURSE:
        from fakeworld import fake_world

        return fake_world
    return None


@pytest.fixture(scope="session")
def fixture_course(tmp_path_factory) -> Path:
    """The fixture course built once (nbgrader course dir, no class)."""
    from crmlab.autograde.build import build_course

    out = tmp_path_factory.mktemp("fixture_built") / "course"
    build_course(out=out, course=FIXTURE_COURSE)
    return out


@pytest.fixture(scope="session")
def fake_factory():
    """The stand-in world generator of the fixture course."""
    from fakeworld import fake_world

    return fake_world


TEST_COURSE_KEY = "crmlab-tests-fixed-course-key"  # fixed, so every run grades the same student seeds


def write_class(course_dir: Path, plan: dict[str, str], subs: Path, assignment: str, factory=None) -> None:
    """Enrol ``plan``'s students (course key ``TEST_COURSE_KEY``) and write their submissions under ``subs``."""
    from crmlab.autograde.demo import write_submissions
    from crmlab.autograde.roster import init_class, private_dir

    key = private_dir(course_dir) / "course_key"
    if not key.is_file():
        key.write_text(TEST_COURSE_KEY + "\n", encoding="utf-8")
        key.chmod(0o600)
    roster = course_dir.parent / "roster.csv"
    roster.write_text("student_id\n" + "".join(f"{sid}\n" for sid in plan), encoding="utf-8")
    init_class(course_dir=course_dir, roster=roster, factory=factory)
    write_submissions(course_dir=course_dir, assignment=assignment, plan=plan, out=subs)


SOLUTION_PLAN = {"sol1": "solution", "sol2": "solution", "sol3": "solution", "blank1": "blank"}


@pytest.fixture(scope="session", params=lecture_sources(), ids=lambda p: p[1])
def graded_lecture(request, tmp_path_factory):
    """One lecture built, a class of three solutions and one blank release graded.

    Returns
    -------
    dict
        ``course_dir``, ``assignment``, ``source`` (course folder), ``records`` (status records by id).
    """
    from crmlab.autograde.build import build_course
    from crmlab.autograde.grade import grade_assignment

    src, assignment = request.param
    base = tmp_path_factory.mktemp(f"graded_{assignment}")
    course = single_lecture_course(src, assignment, base / "src")
    course_dir = base / "course"
    build_course(out=course_dir, course=course)
    write_class(course_dir, SOLUTION_PLAN, base / "subs", assignment, factory=factory_for(src))
    records = grade_assignment(course_dir=course_dir, assignment=assignment, submissions_path=base / "subs",
                               workers=2, progress=False, world_factory=factory_for(src))
    return {"course_dir": course_dir, "assignment": assignment, "source": src / assignment,
            "records": {r["student_id"]: r for r in records}}
