"""Probes on a given database (autograde.tasks.probes): the artefact adds a view, a trigger or an index to the
lecture's tables; the grader observes rows after its own statements and the query plans, and refuses a schema
the artefact replaced."""

from __future__ import annotations

import pytest
from crmlab.autograde.observe import Probe, observe
from crmlab.autograde.sandbox import Sandbox, resolve

SETUP = """
CREATE TABLE deals (deal_id TEXT PRIMARY KEY, owner TEXT NOT NULL, stage TEXT NOT NULL);
CREATE TABLE history (history_id INTEGER PRIMARY KEY AUTOINCREMENT, deal_id TEXT NOT NULL, from_stage TEXT,
                      to_stage TEXT NOT NULL);
INSERT INTO deals VALUES ('D1', 'ann', 'open');
"""
TRIGGER = """CREATE TRIGGER audit AFTER UPDATE OF stage ON deals WHEN OLD.stage IS NOT NEW.stage BEGIN
INSERT INTO history (deal_id, from_stage, to_stage) VALUES (NEW.deal_id, OLD.stage, NEW.stage); END;"""
ROWS = Probe("crmlab.autograde.tasks.probes:setup_then_script", "crmlab.autograde.tasks.probes:rows_after",
             args={"setup": SETUP, "statements": ["INSERT INTO deals VALUES ('{id}', 'bo', 'open')",
                                                  "UPDATE deals SET stage = 'won' WHERE deal_id = '{id}'",
                                                  "UPDATE deals SET stage = 'won' WHERE deal_id = '{id}'"],
                   "query": "SELECT deal_id, from_stage, to_stage FROM history ORDER BY history_id"})
PLANS = Probe("crmlab.autograde.tasks.probes:setup_then_script", "crmlab.autograde.tasks.probes:query_plans",
              args={"setup": SETUP, "queries": [["SELECT * FROM deals WHERE lower(owner) = ?", ["ann"], "deals"],
                                                ["SELECT * FROM history WHERE deal_id = ? ORDER BY to_stage DESC",
                                                 ["D1"], "history"]]})


@pytest.fixture(scope="module")
def box():
    kind, _ = resolve("auto")
    return Sandbox(kind=kind)


def test_rows_after_the_probes_own_statements(box):
    assert observe(ROWS, TRIGGER, box=box, data=None) == [["{id}", "open", "won"]]
    assert observe(ROWS, "", box=box, data=None) == []
    loose = TRIGGER.replace(" WHEN OLD.stage IS NOT NEW.stage", "")
    assert observe(ROWS, loose, box=box, data=None) == [["{id}", "open", "won"], ["{id}", "won", "won"]]


def test_a_replaced_table_or_a_pragma_is_not_observed_as_correct(box):
    forged = ("DROP TABLE history; CREATE VIEW history AS SELECT 1 AS history_id, 'x' AS deal_id, "
              "'open' AS from_stage, 'won' AS to_stage;")
    assert observe(ROWS, forged, box=box, data=None) == "tampered"
    assert observe(ROWS, "PRAGMA writable_schema = ON; " + TRIGGER, box=box, data=None) == []


def test_query_plans_name_scans_searches_and_sorts(box):
    assert observe(PLANS, "", box=box, data=None) == ["scan", "scan+sort"]
    idx = "CREATE INDEX i_owner ON deals (lower(owner)); CREATE INDEX i_hist ON history (deal_id, to_stage);"
    assert observe(PLANS, idx, box=box, data=None) == ["search", "search"]
    plain = "CREATE INDEX i_owner ON deals (owner); CREATE INDEX i_hist ON history (deal_id);"
    assert observe(PLANS, plain, box=box, data=None) == ["scan", "search+sort"]
