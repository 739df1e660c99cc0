"""Lead conversion observed by the grader (autograde.tasks.probes_conversion): the student's function is run on a
fresh lead database with failures forced part-way, and only the rows it leaves count."""

from __future__ import annotations

from pathlib import Path

import pytest
from crmlab.autograde.observe import local_observer
from crmlab.autograde.prepare import load_reference
from crmlab.autograde.tasks.operational import CONVERT_PROBE, artefact
from crmlab.autograde.tasks.probes_conversion import CORRECT, conversion_outcome

REFERENCE = Path(__file__).resolve().parents[2] / "course" / "09_operational_crm" / "reference.py"


@pytest.fixture(scope="module")
def ref():
    return load_reference(REFERENCE)


@pytest.fixture(scope="module")
def observer():
    return local_observer()


def test_a_correct_conversion_is_observed(ref, observer):
    assert observer(CONVERT_PROBE, artefact(**ref.functions())) == CORRECT


@pytest.mark.parametrize("name,part,seen", [("no_commit", "first", "wrong row count"),
                                            ("no_status_check", "twice", "no error"),
                                            ("no_rollback", "rollback", "partial rows"),
                                            ("swallowed", "rollback", "no error")])
def test_each_mistake_is_seen_in_the_rows(ref, observer, name, part, seen):
    assert observer(CONVERT_PROBE, artefact(**ref.functions(**ref.EDITS[name])))[part] == seen


def test_source_that_does_not_run_or_forges_is_not_correct(ref, observer):
    assert observer(CONVERT_PROBE, "def convert_lead(:\n") == dict.fromkeys(CORRECT, "not run")
    forged = "print('CRMLAB-OBSERVED ' + '{\"first\": \"ok\", \"twice\": \"raised\", \"rollback\": \"clean\"}')\n"
    assert observer(CONVERT_PROBE, forged) != CORRECT


def test_closing_the_connection_does_not_pass_for_raising(ref, observer):
    closes = artefact(**ref.functions(**{"    return contact_id, account_id, opp_id":
                                         "    con.close()\n    return contact_id, account_id, opp_id"}))
    assert observer(CONVERT_PROBE, closes) == CORRECT  # each call gets a fresh connection: closing proves nothing
    no_tx = artefact(**ref.functions(**{**ref.NO_TRANSACTION, "    return contact_id":
                                        "    con.commit()\n    con.close()\n    return contact_id"}))
    assert observer(CONVERT_PROBE, no_tx)["rollback"] == "partial rows"


def test_inspect_without_a_database_is_an_error(tmp_path):
    assert conversion_outcome(str(tmp_path / "missing.db"), "", "", {}) == "error"
