"""``class init``: gradebook entries, the private course key, one seed file per student."""

from __future__ import annotations

import json
import shutil
import stat

import pytest


@pytest.fixture
def klass(fixture_course, tmp_path):
    from autograde.roster import init_class

    course_dir = tmp_path / "course"
    shutil.copytree(fixture_course, course_dir)
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,first_name,last_name,email\nzoe,Zoe,Test,z@example.invalid\nann.b-1,Ann,,\n")
    return course_dir, init_class(course_dir=course_dir, roster=roster)


def test_seed_files_hold_own_seed_only(klass):
    from simulator.seeding import student_seed

    course_dir, seeds = klass
    key = (course_dir / ".crmlab" / "course_key").read_text().strip()
    assert list(seeds["student_id"]) == ["ann.b-1", "zoe"]
    for sid in ("zoe", "ann.b-1"):
        data = json.loads((course_dir / "seeds" / sid / "crmlab-seed.json").read_text())
        assert data == {"student_id": sid, "seed": student_seed(key, sid), "course": "crmlab"}
        assert key not in json.dumps(data)


def test_key_and_seeds_are_private(klass):
    course_dir, _ = klass
    for name in ("course_key", "seeds.csv"):
        assert stat.S_IMODE((course_dir / ".crmlab" / name).stat().st_mode) == 0o600
    assert stat.S_IMODE((course_dir / ".crmlab").stat().st_mode) == 0o700


def test_students_in_gradebook_and_key_stable(klass, tmp_path):
    from nbgrader.api import Gradebook

    from autograde.gradebook import db_url
    from autograde.roster import course_key, init_class

    course_dir, seeds = klass
    key = course_key(course_dir)
    roster = tmp_path / "more.csv"
    roster.write_text("student_id\nbob\nzoe\n")
    again = init_class(course_dir=course_dir, roster=roster)
    assert course_key(course_dir) == key
    assert list(again["student_id"]) == ["ann.b-1", "bob", "zoe"]
    assert again.set_index("student_id")["seed"]["zoe"] == seeds.set_index("student_id")["seed"]["zoe"]
    with Gradebook(db_url(course_dir), "crmlab") as gb:
        assert sorted(s.id for s in gb.students) == ["ann.b-1", "bob", "zoe"]
        assert gb.find_student("zoe").first_name == "Zoe"
