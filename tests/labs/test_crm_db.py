"""The standard CRM database (crmlab.labs.crm_db): foreign keys on, the world's rows all loaded, bad rows refused."""

import sqlite3

import pytest
from crmlab import simulator
from crmlab.labs import crm_db


@pytest.fixture(scope="module")
def world():
    return simulator.simulate(seed=7, n_customers=800)


@pytest.fixture(scope="module")
def con(world):
    return crm_db.crm_database(world)


def _count(con, table: str) -> int:
    return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_foreign_keys_are_enforced_on_every_connection(con):
    assert con.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert crm_db.connect().execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        con.execute("INSERT INTO cases (case_id, shop_id, contact_id, priority, category, channel, state, status, "
                    "opened_at) VALUES ('T-x', (SELECT MIN(shop_id) FROM shops), 'NO-SUCH-CONTACT', 'P2', 'refund', "
                    "'email', 'Open', 'Open_New', '2025-01-01')")
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []


def test_row_counts_equal_the_worlds_tables(world, con):
    cu, cc, k = world.customers, world.campaign_contacts, world.calls
    assert _count(con, "shops") == len(world.shops)
    assert _count(con, "sales_stages") == 10
    assert _count(con, "campaigns") == len(world.campaigns)
    assert _count(con, "contacts") == len(cu)
    assert _count(con, "accounts") == int((cu["customer_type"] == "B2B").sum())
    assert _count(con, "leads") == len(world.leads)
    assert _count(con, "opportunities") == len(world.opportunities)
    assert _count(con, "cases") == len(world.tickets)
    with_parent = (k["ticket_id"] != "") | (k["customer_id"] != "")
    assert _count(con, "calls") == int(with_parent.sum()) > 0
    assert _count(con, "campaign_log") == len(cc) + int(cc["opened"].sum()) + int(cc["clicked"].sum())
    assert set(crm_db.TABLES) == {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_empty_strings_become_null_and_amounts_stay_in_shop_currency(world, con):
    no_campaign = int((world.leads["campaign_id"] == "").sum())
    assert _count(con, "leads WHERE campaign_id IS NULL") == no_campaign
    assert _count(con, "leads WHERE campaign_id = ''") == 0
    total = con.execute("SELECT SUM(amount) FROM opportunities").fetchone()[0]
    assert total == pytest.approx(float(world.opportunities["amount"].sum()))


def test_a_bad_stage_and_an_inconsistent_case_are_refused():
    con = crm_db.connect()
    con.executescript(crm_db.SCHEMA_SQL)
    con.execute("INSERT INTO shops VALUES ('S1', 'Demo', 'CNY')")
    with pytest.raises(sqlite3.IntegrityError):
        con.execute("INSERT INTO opportunities (opportunity_id, shop_id, name, sales_stage, amount, created_at, "
                    "close_date) VALUES ('Y1', 'S1', 'x', 'Won', 100, '2025-01-01', '2025-02-01')")
    con.execute("INSERT INTO opportunities (opportunity_id, shop_id, name, sales_stage, amount, created_at, "
                "close_date) VALUES ('Y1', 'S1', 'x', 'Closed Won', 100, '2025-01-01', '2025-02-01')")
    con.execute("INSERT INTO contacts VALUES ('C1', 'S1', NULL, 'Li', NULL, NULL, 'B2C')")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        con.execute("INSERT INTO cases (case_id, shop_id, contact_id, priority, category, channel, state, status, "
                    "opened_at) VALUES ('T1', 'S1', 'C1', 'P2', 'refund', 'email', 'Open', 'Closed_Closed', "
                    "'2025-01-01')")


def test_each_database_is_fresh(world, con):
    other = crm_db.crm_database(world)
    other.execute("DELETE FROM campaign_log")
    assert _count(con, "campaign_log") > 0
