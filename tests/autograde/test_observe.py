"""The grader observes behaviour itself (autograde.observe): a recorded claim proves nothing, the artefact
is run in a sandbox and only the trusted probe's observation counts."""

from __future__ import annotations

import pytest
from crmlab.autograde.observe import Probe, observe
from crmlab.autograde.sandbox import Sandbox, resolve
from crmlab.autograde.tasks import Task
from crmlab.autograde.tasks.rules import Observed
from crmlab.autograde.verdict import judge

BAD_ROW = "INSERT INTO opportunity (id, stage) VALUES (1, 'Dreaming')"
REFUSES = Probe("crmlab.autograde.tasks.probes:sql_script", "crmlab.autograde.tasks.probes:statement_refused",
                args={"statement": BAD_ROW})
GOOD_DDL = ("CREATE TABLE opportunity (id INTEGER PRIMARY KEY, stage TEXT NOT NULL "
            "CHECK (stage IN ('Prospecting', 'Proposal', 'Closed Won', 'Closed Lost')));")
LOOSE_DDL = "CREATE TABLE opportunity (id INTEGER PRIMARY KEY, stage TEXT);"
TASK = Task("q9_test", 1, "stage check", rules={"ddl": Observed("same for everyone: observed", probe=REFUSES)},
            produce=lambda ddl: {"ddl": ddl})


@pytest.fixture(scope="module")
def box():
    kind, _ = resolve("auto")
    return Sandbox(kind=kind)


def _verdict(ddl, box):
    return judge(TASK, "q9_test", TASK.answers(ddl=ddl), {"ddl": "refused"},
                 observer=lambda p, art: observe(p, art, box=box, data=None))


def test_a_check_constraint_is_observed_refusing(box):
    assert observe(REFUSES, GOOD_DDL, box=box, data=None) == "refused"
    assert _verdict(GOOD_DDL, box).passed


def test_a_claim_without_the_constraint_fails(box):
    assert observe(REFUSES, LOOSE_DDL, box=box, data=None) == "accepted"
    assert not _verdict(LOOSE_DDL, box).passed
    assert not _verdict("refused", box).passed  # recording the word proves nothing


def test_sql_cannot_attach_or_forge(box, tmp_path):
    outside = tmp_path / "outside.db"
    attack = f"ATTACH DATABASE '{outside}' AS x; CREATE TABLE x.t (a); {LOOSE_DDL}"
    assert not _verdict(attack, box).passed
    assert not outside.exists()


def test_a_broken_artefact_is_an_error_not_a_refusal(box):
    # text that prints the marker if it were run as Python; as SQL it builds nothing, so nothing is refused
    planted = "print('CRMLAB-OBSERVED \"refused\"')\n"
    assert observe(REFUSES, planted, box=box, data=None) == "error"
    assert not _verdict(planted, box).passed


def test_no_observer_means_not_observed():
    verdict = judge(TASK, "q9_test", {"ddl": GOOD_DDL}, {"ddl": "refused"})
    assert not verdict.passed and "could not observe" in verdict.message
