"""The grader's per-student data (``autograde.prepare``): the reference gets ``dq_world`` when the notebook
needs it, the kernel cache holds the observed tables only, and expected answers are reused only while the
reference and the worlds are unchanged."""

from __future__ import annotations

import pickle

import pytest

from autograde import prepare
from labs import data

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
def course(tmp_path, monkeypatch):
    monkeypatch.delenv(data.ENV_FINGERPRINT, raising=False)
    monkeypatch.delenv(data.ENV_CACHE, raising=False)
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "01_dq.py").write_text(DQ_REFERENCE)
    (tmp_path / "reference" / "02_plain.py").write_text(PLAIN_REFERENCE)
    return tmp_path


def _counting(factory, calls):
    def make(seed, dq):
        calls.append((seed, dq))
        return factory(seed, dq)
    return make


def test_reference_gets_the_data_quality_world(course, fake_factory):
    out = prepare.prepare_student(course, "01_dq", 5, "s1", data_quality=True, factory=fake_factory)
    answers = pickle.loads(out.read_bytes())
    # the fake world has 40 customers; with data_quality two records share each person
    assert answers == {"people": 40, "people_dq": 20, "version": 1}
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_kernel_cache_has_observed_tables_only(course, fake_factory):
    prepare.prepare_student(course, "01_dq", 5, "s1", data_quality=True, factory=fake_factory)
    for dq in (False, True):
        full, cache = prepare.world_paths(course, 5, dq)
        assert (full / "truth" / "params.json").is_file() and not (cache / "truth").exists()
        assert sorted(p.name for p in cache.iterdir()) == sorted(p.name for p in full.iterdir() if p.is_file())
        world = data.ensure_world(seed=5, data_quality=dq, root=course / ".crmlab" / "cache", factory=None)
        assert world.truth is None and world.orders.equals(fake_factory(5, dq).orders)


def test_expected_answers_reused_until_reference_changes(course, fake_factory):
    calls = []
    factory = _counting(fake_factory, calls)
    out = prepare.prepare_student(course, "01_dq", 7, "s1", data_quality=True, factory=factory)
    assert calls == [(7, False), (7, True)]
    stamp = out.stat().st_mtime_ns
    prepare.prepare_student(course, "01_dq", 7, "s1", data_quality=True, factory=factory)
    assert out.stat().st_mtime_ns == stamp and len(calls) == 2
    (course / "reference" / "01_dq.py").write_text(DQ_REFERENCE.replace("VERSION = 1", "VERSION = 2"))
    prepare.prepare_student(course, "01_dq", 7, "s1", data_quality=True, factory=factory)
    assert pickle.loads(out.read_bytes())["version"] == 2
    assert len(calls) == 2, "worlds are read from the grader's cache, not regenerated"


def test_plain_reference_and_prepare_member(course, fake_factory):
    prepare.prepare_member((str(course), "s2", 9, {"01_dq": True, "02_plain": False}, fake_factory))
    plain = course / ".crmlab" / "expected" / "02_plain" / "s2.pkl"
    assert pickle.loads(plain.read_bytes()) == {"orders": len(fake_factory(9, False).orders)}
    assert pickle.loads((plain.parent.parent / "01_dq" / "s2.pkl").read_bytes())["people_dq"] == 20
