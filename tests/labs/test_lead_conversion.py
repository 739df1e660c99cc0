"""The lead-conversion role-play: the student's functions drive the card, illegal moves show the state machine's
error, a conversion's rows appear in SQLite, and a forced failure shows whether the transaction rolled back."""

from datetime import datetime, timedelta

import pytest
from crmlab.labs.lead_conversion import WHEN, apply_action, build_ui, card_html, left_behind, rows_html
from crmlab.labs.lead_db import lead_card, lead_database, open_leads


def lead_next(status, action, man=(True, True, True)):
    moves = {("New", "assign"): "Assigned", ("Recycled", "assign"): "Assigned", ("In Process", "convert"): "Converted"}
    if (status, action) in moves:
        return moves[(status, action)]
    if (status, action) == ("Assigned", "qualify"):
        return "In Process" if all(man) else "Recycled"
    if action == "dead" and status in ("New", "Assigned", "In Process", "Recycled"):
        return "Dead"
    raise ValueError(f"illegal move: {action} from {status}")


def _writes(con, lead_id, when):
    status, shop, company, person, budget = con.execute(
        "SELECT status, shop_id, company, contact_name, budget FROM leads WHERE lead_id = ?", (lead_id,)).fetchone()
    lead_next(status, "convert")
    close = (datetime.strptime(when, "%Y-%m-%d %H:%M:%S") + timedelta(days=90)).strftime("%Y-%m-%d %H:%M:%S")
    con.execute("INSERT INTO accounts (account_id, shop_id, name) VALUES (?, ?, ?)", (lead_id + "-A", shop, company))
    con.execute("INSERT INTO contacts (contact_id, shop_id, account_id, name, customer_type) "
                "VALUES (?, ?, ?, ?, 'B2B')",
                (lead_id + "-C", shop, lead_id + "-A", person))
    con.execute("INSERT INTO opportunities (opportunity_id, shop_id, account_id, lead_id, name, sales_stage, amount, "
                "created_at, close_date) VALUES (?, ?, ?, ?, ?, 'Prospecting', ?, ?, ?)",
                (lead_id + "-O", shop, lead_id + "-A", lead_id, company, budget, when, close))
    con.execute("UPDATE leads SET status = 'Converted', contact_id = ? WHERE lead_id = ?", (lead_id + "-C", lead_id))
    return lead_id + "-C", lead_id + "-A", lead_id + "-O"


def convert_lead(con, lead_id, when):
    with con:
        return _writes(con, lead_id, when)


def convert_no_transaction(con, lead_id, when):
    ids = _writes(con, lead_id, when)
    con.commit()
    return ids


@pytest.fixture(scope="module")
def world():
    from crmlab import simulator
    return simulator.simulate(seed=2, n_customers=1500)


@pytest.fixture
def con(world):
    return lead_database(world)


def _lead(con, status):
    lead = open_leads(con, limit=1)[0]
    con.execute("UPDATE leads SET status = ? WHERE lead_id = ?", (status, lead))
    con.commit()
    return lead


def test_assign_and_qualify_call_the_state_machine(con):
    lead = _lead(con, "New")
    out = apply_action(con, lead, "assign", lead_next=lead_next, convert_lead=convert_lead, rep="Emma Clark")
    assert out["ok"] and (out["before"], out["after"]) == ("New", "Assigned")
    assert lead_card(con, lead)["assigned_user"] == "Emma Clark"
    con.execute("UPDATE leads SET man_money = 0 WHERE lead_id = ?", (lead,))
    out = apply_action(con, lead, "qualify", lead_next=lead_next, convert_lead=convert_lead)
    assert out["after"] == "Recycled"


def test_an_illegal_move_shows_the_error_and_changes_nothing(con):
    lead = _lead(con, "New")
    out = apply_action(con, lead, "convert", lead_next=lead_next, convert_lead=convert_lead)
    assert not out["ok"] and "illegal move: convert from New" in out["message"] and out["after"] == "New"
    assert out["left"] == 0


def test_a_conversion_shows_its_rows(con):
    lead = _lead(con, "In Process")
    out = apply_action(con, lead, "convert", lead_next=lead_next, convert_lead=convert_lead)
    assert out["ok"] and out["after"] == "Converted" and f"{lead}-C" in out["message"]
    shown = rows_html(con, lead)
    assert f"{lead}-A" in shown and f"{lead}-O" in shown and "Prospecting" in shown and WHEN in shown
    assert left_behind(con, lead) == 3
    again = apply_action(con, lead, "convert", lead_next=lead_next, convert_lead=convert_lead)
    assert not again["ok"] and "illegal move" in again["message"]


def test_a_forced_failure_shows_whether_the_transaction_rolled_back(con):
    good, bad = open_leads(con, limit=2)
    con.executemany("UPDATE leads SET status = 'In Process' WHERE lead_id = ?", [(good,), (bad,)])
    con.commit()
    out = apply_action(con, good, "convert", lead_next=lead_next, convert_lead=convert_lead, fail=True)
    assert not out["ok"] and "simulated failure" in out["message"] and out["left"] == 0 and out["after"] == "In Process"
    out = apply_action(con, bad, "convert", lead_next=lead_next, convert_lead=convert_no_transaction, fail=True)
    assert not out["ok"] and out["left"] == 2  # the account and the contact stayed
    assert con.execute("SELECT COUNT(*) FROM sqlite_temp_master WHERE type = 'trigger'").fetchone()[0] == 0


def test_the_card_gives_every_fact(con):
    lead = open_leads(con, limit=1)[0]
    card = lead_card(con, lead)
    text = card_html({**card, "budget": 120000.0}, "EUR")
    assert "120,000 EUR" in text and card["company"] in text and "M 有购买力" in text and card["stated_need"] in text
    assert "未知" in card_html({**card, "budget": 0.0}, "CNY")


def test_widget_buttons_call_the_students_functions(world):
    calls = []

    def spy(status, action, man=(True, True, True)):
        calls.append((status, action))
        return lead_next(status, action, man)

    lab = build_ui(world, lead_next=spy, convert_lead=convert_lead)
    lab.con.execute("UPDATE leads SET status = 'New' WHERE lead_id = ?", (lab.lead.value,))
    lab.show()
    lab.buttons["assign"].click()
    assert calls[-1] == ("New", "assign") and "New → Assigned" in lab.message.value
    lab.buttons["convert"].click()
    assert "illegal move" in lab.message.value and "#b42318" in lab.message.value
    lab.buttons["dead"].click()
    assert "Assigned → Dead" in lab.message.value and "Dead" in lab.rows.value


def test_the_lead_database_carries_the_cards_of_the_world(world, con):
    import sqlite3

    le = world.leads.set_index("lead_id")
    for lead in open_leads(con, limit=5):
        card = lead_card(con, lead)
        row = le.loc[lead]
        assert (card["company"], card["contact_name"], card["stated_need"]) == (row["company"], row["contact_name"],
                                                                                 row["stated_need"])
        assert card["budget"] == pytest.approx(row["budget"]) and card["man_need"] == int(row["man_need"])
    assert lead_card(con, "no such lead") is None
    with pytest.raises(sqlite3.IntegrityError):
        con.execute("UPDATE leads SET budget = -1 WHERE lead_id = ?", (open_leads(con, limit=1)[0],))
