"""``class init``: gradebook entries, the private course key and seeds, each student's kept worlds and
handout; re-running it keeps every enrolled student's world whatever the simulator does now."""

from __future__ import annotations

import json
import shutil
import stat

import pytest
from crmlab.autograde.layout import CourseLayout
from crmlab.labs import data


@pytest.fixture
def klass(fixture_course, tmp_path, fake_factory):
    from crmlab.autograde.roster import init_class

    course_dir = tmp_path / "course"
    shutil.copytree(fixture_course, course_dir)
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,first_name,last_name,email\nzoe,Zoe,Test,z@example.invalid\nann.b-1,Ann,,\n")
    return course_dir, init_class(course_dir=course_dir, roster=roster, workers=2, factory=fake_factory)


def _tree(folder):
    """``relative path -> bytes`` of every file under ``folder``."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_handouts_hold_observed_tables_and_no_seed(klass, fake_factory):
    from crmlab.simulator.seeding import student_seed

    course_dir, seeds = klass
    lay = CourseLayout(course_dir)
    key = lay.key_file.read_text().strip()
    assert list(seeds["student_id"]) == ["ann.b-1", "zoe"]
    assert not (course_dir / "seeds").exists()
    for sid in ("zoe", "ann.b-1"):
        seed = student_seed(key, sid)
        assert int(seeds.set_index("student_id")["seed"][sid]) == seed
        folder = lay.handout(sid)
        manifest = json.loads((folder / data.MANIFEST).read_text())
        assert (manifest["student_id"], manifest["course"]) == (sid, "crmlab")
        for name, blob in _tree(folder).items():
            assert str(seed).encode() not in blob and key.encode() not in blob and "truth" not in name
        for dq in (False, True):
            data.check_data(folder, data_quality=dq)
            world, _ = data.load_data(folder, data_quality=dq)
            assert world.orders.equals(fake_factory(seed, dq).orders)
            kept = lay.world(sid, dq)
            assert (kept / "truth" / "params.json").is_file()
            assert (kept / "truth" / "customers.parquet").is_file()


def test_key_seeds_and_worlds_are_private(klass):
    course_dir, _ = klass
    lay = CourseLayout(course_dir)
    for path in (lay.key_file, lay.seeds_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(lay.private.stat().st_mode) == 0o700
    assert lay.world("zoe").is_relative_to(lay.private)


def test_students_in_gradebook_and_key_stable(klass, tmp_path, fake_factory):
    from crmlab.autograde.gradebook import db_url
    from crmlab.autograde.roster import course_key, init_class
    from nbgrader.api import Gradebook

    course_dir, seeds = klass
    key = course_key(course_dir)
    roster = tmp_path / "more.csv"
    roster.write_text("student_id\nbob\nzoe\n")
    again = init_class(course_dir=course_dir, roster=roster, factory=fake_factory)
    assert course_key(course_dir) == key
    assert list(again["student_id"]) == ["ann.b-1", "bob", "zoe"]
    assert again.set_index("student_id")["seed"]["zoe"] == seeds.set_index("student_id")["seed"]["zoe"]
    assert (CourseLayout(course_dir).handout("bob") / data.MANIFEST).is_file()
    with Gradebook(db_url(course_dir), "crmlab") as gb:
        assert sorted(s.id for s in gb.students) == ["ann.b-1", "bob", "zoe"]
        assert gb.find_student("zoe").first_name == "Zoe"


def test_re_init_keeps_worlds_after_a_simulator_upgrade(klass, tmp_path, fake_factory):
    from crmlab.autograde.roster import init_class

    course_dir, _ = klass
    lay = CourseLayout(course_dir)
    before = {sid: (_tree(lay.world(sid)), _tree(lay.world(sid, True)), _tree(lay.handout(sid)))
              for sid in ("zoe", "ann.b-1")}
    calls = []

    def upgraded(seed, dq):  # a new simulator version: other worlds from the same seeds
        calls.append(seed)
        return fake_factory(seed + 1, dq)

    roster = tmp_path / "again.csv"
    roster.write_text("student_id\nzoe\nann.b-1\n")
    init_class(course_dir=course_dir, roster=roster, workers=1, factory=upgraded)
    assert calls == []
    for sid, trees in before.items():
        assert (_tree(lay.world(sid)), _tree(lay.world(sid, True)), _tree(lay.handout(sid))) == trees


def test_bad_roster_writes_nothing(fixture_course, tmp_path):
    from crmlab.autograde.errors import UsageError
    from crmlab.autograde.roster import init_class

    course_dir = tmp_path / "course"
    shutil.copytree(fixture_course, course_dir)
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\nok\nbad id\n")
    with pytest.raises(UsageError, match="bad id"):
        init_class(course_dir=course_dir, roster=roster)
    assert not CourseLayout(course_dir).private.exists() and not (course_dir / "handout").exists()
