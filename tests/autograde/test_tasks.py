"""Tests generated from the task declarations of every notebook (public half ``autograde.tasks.<topic>``,
instructor half ``course/NN_slug/reference.py``): the reference solution passes its formative check and
the grader's verdict; every declared mistake gets its own hint from the formative check and fails the
verdict. Worlds are real (the default simulator, 3,000 customers) so the truth-graded tasks are tested too.
"""

from __future__ import annotations

import numpy as np
import pytest
from crmlab.autograde.answers import read_answers, record
from crmlab.autograde.observe import local_observer
from crmlab.autograde.prepare import load_reference
from crmlab.autograde.tasks import CheckError
from crmlab.autograde.verdict import NO_ANSWER, judge

from tests.conftest import lecture_sources

LECTURES = [(src, name) for src, name in lecture_sources() if name != "01_fixture"]
SEEDS = (3, 11)
OBSERVER = local_observer()  # Observed answers (SQL constraints) run unsandboxed: the artefacts are our own


def _reference(src, name):
    return load_reference(src / name / "reference.py")


@pytest.fixture(scope="module", params=SEEDS)
def worlds(request):
    from crmlab import simulator
    return (simulator.simulate(seed=request.param, n_customers=3000),
            simulator.simulate(seed=request.param, n_customers=3000, data_quality=True))


def _cases():
    for src, name in LECTURES:
        ref = _reference(src, name)
        for gid in ref.TASKS:
            yield pytest.param(src, name, gid, id=f"{name}:{gid}")


def _mistakes():
    for src, name in LECTURES:
        ref = _reference(src, name)
        for gid, task in ref.TASKS.items():
            for mistake in task.mistakes:
                yield pytest.param(src, name, gid, mistake.name, id=f"{name}:{gid}:{mistake.name}")


@pytest.mark.parametrize("src,name", [pytest.param(s, n, id=n) for s, n in LECTURES])
def test_halves_agree(src, name):
    ref = _reference(src, name)
    assert set(ref.SOLUTIONS) == set(ref.TASKS)
    assert set(getattr(ref, "TRUTH", {})) <= set(ref.TASKS)
    declared = {(gid, m.name) for gid, t in ref.TASKS.items() for m in t.mistakes}
    assert declared == set(ref.MISTAKES), "every declared mistake has an instructor implementation, and only those"
    for task in ref.TASKS.values():
        assert task.rules and all(rule.reason for rule in task.rules.values()), f"{task.grade_id}: give reasons"
    md = (src / name / f"{name}.md").read_text(encoding="utf-8")
    for gid in ref.TASKS:
        assert f"grade_id: {gid}" in md and f"{gid.split('_')[0]}.check(" in md


@pytest.mark.parametrize("src,name,gid", list(_cases()))
def test_reference_passes(src, name, gid, worlds, capsys):
    ref = _reference(src, name)
    world, dq = worlds
    expected = ref.expected(world, dq_world=dq)
    objects = ref.SOLUTIONS[gid](world, dq)
    task = ref.TASKS[gid]
    task.formative(**objects)
    verdict = judge(task, gid, task.answers(**objects), expected[gid], observer=OBSERVER)
    assert verdict.passed, verdict.message


@pytest.mark.parametrize("src,name,gid,mistake", list(_mistakes()))
def test_mistake_gets_its_hint_and_fails(src, name, gid, mistake, worlds):
    ref = _reference(src, name)
    world, dq = worlds
    task = ref.TASKS[gid]
    objects = ref.MISTAKES[(gid, mistake)](world, dq)
    with pytest.raises(CheckError) as err:
        task.formative(**objects)
    assert task.mistake(mistake).hint in str(err.value)
    verdict = judge(task, gid, task.answers(**objects), ref.expected(world, dq_world=dq)[gid], observer=OBSERVER)
    assert not verdict.passed
    assert not any(ch.isdigit() for ch in verdict.message.split(":", 1)[-1].replace("10", "")), verdict.message


def test_answers_round_trip_and_refuse_subclasses(tmp_path, monkeypatch):
    import pandas as pd
    from crmlab.autograde.answers import AnswerError

    monkeypatch.setenv("CRMLAB_ANSWERS", str(tmp_path))
    frame = pd.DataFrame({"customer_id": ["C1", "C2"], "revenue": [1.5, 2.0]})
    assert record("q1_test", {"x": 1.5, "arr": np.arange(3.0), "f": frame, "s": ["a", "b"], "n": float("nan")})
    back = read_answers(tmp_path, "q1_test")
    assert back["x"] == 1.5 and back["s"] == ["a", "b"] and np.isnan(back["n"])
    assert np.array_equal(back["arr"], [0.0, 1.0, 2.0]) and back["f"].equals(frame)

    class Sneaky(float):
        def __eq__(self, other):
            return True

    with pytest.raises(AnswerError):
        record("q2_test", {"x": Sneaky(1.0)})
    (tmp_path / "q3_test.json").symlink_to("/etc/hostname")
    assert read_answers(tmp_path, "q3_test") is None
    assert read_answers(tmp_path, "../q1_test") is None
    (tmp_path / "q4_test.json").write_text("{not json")
    assert read_answers(tmp_path, "q4_test") is None


def test_missing_record_scores_zero():
    from crmlab.autograde.tasks.fixture import q1

    verdict = judge(q1, "q1_test", None, {"total_revenue": 1.0})
    assert not verdict.passed and verdict.message == NO_ANSWER
