"""The grader's per-student data (``autograde.prepare``): kept worlds checked against what was handed out,
and expected answers unpickled only under a MAC that covers them and what they depend on."""

from __future__ import annotations

import pickle
import shutil

import pytest
from crmlab.autograde import handout, prepare
from crmlab.autograde.errors import UsageError
from crmlab.autograde.layout import CourseLayout
from crmlab.autograde.roster import private_dir, write_private
from crmlab.labs import data

KEY = "test-course-key-prepare"
DQ_REFERENCE = '''
def expected(world, *, dq_world):
    """Answers from both worlds of the student (the fixture's fake worlds)."""
    return {"people": int(world.truth.customers["person_id"].nunique()),
            "people_dq": int(dq_world.truth.customers["person_id"].nunique()), "version": VERSION}

VERSION = 1
'''
PLAIN_REFERENCE = '''
def expected(world):
    return {"orders": len(world.orders)}
'''


@pytest.fixture
def course(tmp_path):
    """A course folder with two references and two enrolled students (seeds 5 and 9), nothing generated."""
    lay = CourseLayout(tmp_path / "course")
    lay.reference("01_dq").parent.mkdir(parents=True)
    lay.reference("01_dq").write_text(DQ_REFERENCE)
    lay.reference("02_plain").write_text(PLAIN_REFERENCE)
    private_dir(lay.root)
    write_private(lay.key_file, KEY + "\n")
    write_private(lay.seeds_file, "student_id,seed\ns1,5\ns2,9\n")
    return lay


def counting(factory, calls):
    def make(seed, dq):
        calls.append((seed, dq))
        return factory(seed, dq)
    return make


def test_reference_gets_the_data_quality_world(course, fake_factory):
    answers = prepare.expected_answers(course.root, "01_dq", "s1", data_quality=True, factory=fake_factory)
    # the fake world has 40 customers; with data_quality two records share each person
    assert answers == {"people": 40, "people_dq": 20, "version": 1}
    pkl = course.expected("01_dq", "s1")
    assert oct(pkl.stat().st_mode & 0o777) == "0o600" and pkl.with_suffix(".hmac").is_file()
    assert (course.handout("s1") / data.MANIFEST).is_file()


def test_kept_worlds_and_handout(course, fake_factory):
    calls = []
    worlds = prepare.ensure_student_worlds(course.root, "s1", data_quality=False,
                                           factory=counting(fake_factory, calls))
    assert list(worlds) == [False] and worlds[False].truth is not None
    assert sorted(calls) == [(5, False), (5, True)], "the handout needs both variants"
    for dq in (False, True):
        assert (course.world("s1", dq) / "truth" / "params.json").is_file()
        world, manifest = data.load_data(course.handout("s1"), data_quality=dq)
        assert world.truth is None and world.orders.equals(fake_factory(5, dq).orders)
        assert manifest["student_id"] == "s1"
    worlds = prepare.ensure_student_worlds(course.root, "s1", data_quality=True, factory=counting(fake_factory, calls))
    assert len(calls) == 2 and worlds[True].orders.equals(fake_factory(5, True).orders)
    with pytest.raises(UsageError, match="not enrolled"):
        prepare.ensure_student_worlds(course.root, "nobody", data_quality=False, factory=fake_factory)


def test_damaged_kept_world_restored_only_to_what_was_handed_out(course, fake_factory):
    calls = []
    prepare.ensure_student_worlds(course.root, "s1", data_quality=True, factory=fake_factory)
    truth = course.world("s1") / "truth" / "customers.parquet"
    truth.write_bytes(b"changed")
    world = prepare.ensure_student_worlds(course.root, "s1", data_quality=False,
                                          factory=counting(fake_factory, calls))[False]
    assert calls == [(5, False)] and handout.intact(course.world("s1")) is not None
    assert world.truth.customers.equals(fake_factory(5, False).truth.customers)

    def upgraded(seed, dq):  # a simulator that now makes another world of the same seed
        return fake_factory(seed + 1, dq)

    prepare.ensure_student_worlds(course.root, "s1", data_quality=False, factory=upgraded)  # kept: unchanged
    shutil.rmtree(course.world("s1"))
    with pytest.raises(handout.WorldMismatch, match=r"s1: .* than were handed out"):
        prepare.ensure_student_worlds(course.root, "s1", data_quality=False, factory=upgraded)
    prepare.ensure_student_worlds(course.root, "s1", data_quality=False, factory=fake_factory)  # restored
    shutil.rmtree(course.handout("s1"))  # handout gone: the kept world's own record is what was handed out
    (course.world("s1") / "truth" / "customers.parquet").write_bytes(b"changed")
    with pytest.raises(handout.WorldMismatch):
        prepare.ensure_student_worlds(course.root, "s1", data_quality=False, factory=upgraded)


def test_damaged_handout_rewritten_from_kept_worlds(course, fake_factory):
    prepare.ensure_student_worlds(course.root, "s2", data_quality=False, factory=fake_factory)
    folder = course.handout("s2")
    (folder / "dq" / "orders.parquet").write_bytes(b"x")
    prepare.ensure_student_worlds(course.root, "s2", data_quality=False, factory=None)  # never simulates
    data.check_data(folder, data_quality=True)
    shutil.rmtree(folder)
    assert prepare.ensure_handout(course.root, "s2", factory=None) == folder
    data.check_data(folder, data_quality=False)


def test_expected_answers_reused_until_reference_changes(course, fake_factory):
    calls = []
    factory = counting(fake_factory, calls)
    prepare.expected_answers(course.root, "01_dq", "s1", data_quality=True, factory=factory)
    assert sorted(calls) == [(5, False), (5, True)]
    pkl = course.expected("01_dq", "s1")
    stamp = pkl.stat().st_mtime_ns
    assert prepare.expected_answers(course.root, "01_dq", "s1", data_quality=True, factory=None)["version"] == 1
    assert pkl.stat().st_mtime_ns == stamp
    course.reference("01_dq").write_text(DQ_REFERENCE.replace("VERSION = 1", "VERSION = 2"))
    assert prepare.expected_answers(course.root, "01_dq", "s1", data_quality=True, factory=None)["version"] == 2
    assert len(calls) == 2, "worlds are read from the grader's kept copies, not regenerated"


class Boom:
    """Unpickling this creates a marker file: proof that a pickle was (or was not) loaded."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.mark.parametrize("tamper", ["pickle", "mac", "swap", "key"])
def test_tampered_cache_is_recomputed_never_unpickled(course, fake_factory, tmp_path, tamper):
    right = {"orders": len(fake_factory(5, False).orders)}
    assert prepare.expected_answers(course.root, "02_plain", "s1", data_quality=False, factory=fake_factory) == right
    prepare.expected_answers(course.root, "02_plain", "s2", data_quality=False, factory=fake_factory)
    pkl, other = course.expected("02_plain", "s1"), course.expected("02_plain", "s2")
    marker = tmp_path / "unpickled"
    if tamper == "pickle":
        pkl.write_bytes(pickle.dumps(Boom(marker)))
    elif tamper == "mac":
        mac = pkl.with_suffix(".hmac")
        mac.write_text(("0" if mac.read_text()[0] != "0" else "1") + mac.read_text()[1:])
    elif tamper == "swap":  # a classmate's answers and MAC, copied over
        shutil.copyfile(other, pkl)
        shutil.copyfile(other.with_suffix(".hmac"), pkl.with_suffix(".hmac"))
    else:  # a pickle signed under another key
        pkl.write_bytes(pickle.dumps(Boom(marker)))
        pkl.with_suffix(".hmac").write_text(prepare._mac("guessed-key", b"", pkl.read_bytes()))
    assert prepare.expected_answers(course.root, "02_plain", "s1", data_quality=False, factory=None) == right
    assert not marker.exists()
    assert pickle.loads(pkl.read_bytes()) == right


def test_changed_world_invalidates_expected(course, fake_factory):
    course.reference("03_sum").write_text(
        "def expected(world):\n    return {'sum': float(world.orders.order_total.sum())}\n")
    first = prepare.expected_answers(course.root, "03_sum", "s1", data_quality=False, factory=fake_factory)
    shutil.rmtree(course.world("s1").parent)
    shutil.rmtree(course.handout("s1"))

    def other(seed, dq):
        return fake_factory(seed + 100, dq)

    prepare.ensure_student_worlds(course.root, "s1", data_quality=False, factory=other)  # a new world kept
    again = prepare.expected_answers(course.root, "03_sum", "s1", data_quality=False, factory=None)
    assert again["sum"] == pytest.approx(fake_factory(105, False).orders["order_total"].sum()) != first["sum"]


def test_prepare_class_on_a_built_course(fixture_course, tmp_path, fake_factory):
    from crmlab.autograde.roster import init_class

    course_dir = tmp_path / "course"
    shutil.copytree(fixture_course, course_dir)
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\na1\na2\na3\n")
    seeds = init_class(course_dir=course_dir, roster=roster, workers=2, factory=fake_factory)
    prepare.prepare_class(course_dir=course_dir, assignments=["01_fixture"], workers=2, factory=fake_factory)
    lay = CourseLayout(course_dir)
    reference = prepare.load_reference(lay.reference("01_fixture")).expected
    dq = prepare.takes_dq_world(reference)
    for sid, seed in zip(seeds["student_id"], seeds["seed"], strict=True):
        assert lay.expected("01_fixture", sid).is_file()
        answers = prepare.expected_answers(course_dir, "01_fixture", sid, data_quality=dq, factory=None)
        kwargs = {"dq_world": fake_factory(int(seed), True)} if dq else {}
        assert answers and answers == reference(fake_factory(int(seed), False), **kwargs)
    with pytest.raises(UsageError, match="a1 is not enrolled with that seed"):
        prepare.prepare_class(course_dir=course_dir, students={"a1": 1}, assignments=["01_fixture"])
