"""The pipeline board lab: its pure functions on the lecture's six opportunities (open weighted pipeline 21,150),
the UPDATE it runs, and the widget driven by its buttons."""

import pandas as pd
import pytest
from crmlab.autograde.tasks.crm_model_examples import PIPE_OPPS
from crmlab.labs.crm_db import GIVEN_SQL, connect
from crmlab.labs.pipeline_board import (
    advance,
    board,
    build_ui,
    is_ready,
    lab_copy,
    mark_lost,
    moved_deals,
    next_stage,
    stage_summary,
    summary_html,
)

OPPS_SQL = """CREATE TABLE opportunities (opportunity_id TEXT PRIMARY KEY,
    shop_id TEXT NOT NULL REFERENCES shops(shop_id), name TEXT NOT NULL,
    sales_stage TEXT NOT NULL REFERENCES sales_stages(sales_stage), amount REAL NOT NULL);"""


@pytest.fixture
def con(tmp_path):
    con = connect(str(tmp_path / "crm.db"))
    con.executescript(GIVEN_SQL + OPPS_SQL)
    con.execute("INSERT INTO shops VALUES ('S1', 'Demo', 'CNY'), ('S2', 'UK', 'GBP')")
    con.executemany("INSERT INTO opportunities VALUES (?, 'S1', ?, ?, ?)",
                    [(oid, f"deal {oid}", stage, amount) for oid, stage, amount in PIPE_OPPS])
    con.execute("INSERT INTO opportunities VALUES ('Q1', 'S2', 'uk deal', 'Needs Analysis', 500)")
    con.commit()
    return con


def test_worked_example_weighted_pipeline(con):
    table = stage_summary(con, "S1")
    assert len(table) == 8 and table["weighted"].sum() == pytest.approx(21_150.0)
    assert table.set_index("sales_stage").loc["Needs Analysis", "n"] == 0  # empty stages are shown too
    cards = board(con, "S1")
    assert list(cards["opportunity_id"]) == ["P1", "P2", "P3", "P4"]  # closed deals are not on the board
    assert "21,150 CNY" in summary_html(table, "CNY")


def test_next_stage_ladder():
    assert next_stage("Prospecting") == "Qualification"
    assert next_stage("Negotiation/Review") == "Closed Won"
    for closed in ("Closed Won", "Closed Lost", "Dreaming"):
        with pytest.raises(ValueError):
            next_stage(closed)


def test_advance_runs_an_update_the_data_shows(con):
    sql, before, after = advance(con, "P3")  # Proposal 65 % -> Negotiation 80 %: +0.15 × 15,000
    assert sql.startswith("UPDATE opportunities") and (before, after) == ("Proposal/Price Quote", "Negotiation/Review")
    assert con.execute("SELECT sales_stage FROM opportunities WHERE opportunity_id = 'P3'").fetchone()[0] == after
    assert stage_summary(con, "S1")["weighted"].sum() == pytest.approx(21_150.0 + 2_250.0)
    advance(con, "P4")  # Negotiation -> Closed Won leaves the open pipeline
    assert "P4" not in set(board(con, "S1")["opportunity_id"])
    mark_lost(con, "P1")
    assert stage_summary(con, "S1")["weighted"].sum() == pytest.approx(21_150.0 + 2_250.0 - 6_400.0 - 1_000.0)
    with pytest.raises(ValueError):
        advance(con, "P5")  # already won
    with pytest.raises(KeyError):
        advance(con, "nope")


def test_lab_copy_leaves_the_original_alone(con, tmp_path):
    lab = lab_copy(con, str(tmp_path / "lab.db"))
    assert moved_deals(lab, con).empty
    advance(lab, "P1")
    moved = moved_deals(lab, con)
    assert moved[["opportunity_id", "stage_before", "stage_now"]].values.tolist() == [
        ["P1", "Prospecting", "Qualification"]]
    assert moved_deals(connect(":memory:"), con).empty  # an unfinished notebook: no tables, no error
    stage = con.execute("SELECT sales_stage FROM opportunities WHERE opportunity_id = 'P1'").fetchone()[0]
    assert stage == "Prospecting"
    assert lab.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_widget_buttons_update_and_show(con):
    ui = build_ui(con)
    assert ui.shop.value == "S1"  # the shop with the most open deals
    assert ui.deal.value == "P1" and "21,150" in ui.table.value  # no middle-stage deal here: the first card
    ui.deal.value = "P2"
    ui.move.click()
    assert "UPDATE opportunities" in ui.sql_out.value and "Needs Analysis" in ui.sql_out.value
    assert "+1,000" in ui.table.value  # 20 % -> 25 % of 20,000
    assert pd.read_sql_query("SELECT sales_stage FROM opportunities WHERE opportunity_id = 'P2'",
                             con).iloc[0, 0] == "Needs Analysis"
    ui.shop.value = "S2"
    assert ui.deal.value == "Q1" and "GBP" in ui.table.value
    ui.lose.click()
    assert ui.move.disabled and "Closed Lost" in ui.sql_out.value


def test_an_unfinished_notebook_gets_a_note_not_a_traceback(con, tmp_path):
    empty = connect(str(tmp_path / "empty.db"))
    assert not is_ready(empty) and "任务 3" in build_ui(empty).value
    empty.executescript(GIVEN_SQL + OPPS_SQL)
    assert not is_ready(empty)  # tables but no data: task 4 not done
    assert is_ready(con)
