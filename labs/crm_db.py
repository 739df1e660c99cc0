"""The standard CRM database of a student's world: lecture 07's model schema and loader, for lectures 07-10.

A SQLite CRM modelled on SuiteCRM (Accounts, Contacts, Leads, Opportunities with the ``sales_stage`` ladder
and its probabilities, Cases with ``state``/``status``, Calls with ``parent_type``/``parent_id``, Campaigns
and the campaign log). Lecture 07's students write the DDL of the entity, case and activity tables
themselves (graded by the behaviour the grader observes, not by comparison with this text); lectures 08-10
start from this database without redoing 07's tasks. The course's solutions are public, so this module is
07's model answer too.

Public API:

* :data:`SCHEMA_SQL` — the whole schema (:data:`GIVEN_SQL`, the tables the lecture gives, with the ten sales
  stages inserted, then leads, opportunities, cases, calls, campaign_log).
* :func:`connect` — a connection with foreign keys enforced (SQLite checks them only on connections that
  turn them on: every connection the course opens does).
* :func:`load_crm` — a world's rows into an empty database of this schema.
* :func:`crm_database` — a fresh in-memory database, schema created, world loaded, committed.

Money is in each shop's own currency (``shops.currency``); never add amounts across shops.
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd

TABLES = ("shops", "sales_stages", "campaigns", "accounts", "contacts", "leads", "opportunities", "cases", "calls",
          "campaign_log")

GIVEN_SQL = """\
CREATE TABLE shops (                    -- the company's shops (business units); money is in their currency
    shop_id   TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    currency  TEXT NOT NULL CHECK (length(currency) = 3)
);
CREATE TABLE sales_stages (             -- SuiteCRM sales_stage_dom with its sales_probability_dom
    sales_stage TEXT PRIMARY KEY,
    position    INTEGER NOT NULL UNIQUE,
    probability INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
    is_closed   INTEGER NOT NULL CHECK (is_closed IN (0, 1)),
    is_won      INTEGER NOT NULL CHECK (is_won IN (0, 1))
);
INSERT INTO sales_stages VALUES
    ('Prospecting', 1, 10, 0, 0), ('Qualification', 2, 20, 0, 0), ('Needs Analysis', 3, 25, 0, 0),
    ('Value Proposition', 4, 30, 0, 0), ('Id. Decision Makers', 5, 40, 0, 0),
    ('Perception Analysis', 6, 50, 0, 0), ('Proposal/Price Quote', 7, 65, 0, 0),
    ('Negotiation/Review', 8, 80, 0, 0), ('Closed Won', 9, 100, 1, 1), ('Closed Lost', 10, 0, 1, 0);
CREATE TABLE campaigns (                -- marketing campaigns (SuiteCRM Campaigns)
    campaign_id   TEXT PRIMARY KEY,
    shop_id       TEXT NOT NULL REFERENCES shops(shop_id),
    name          TEXT NOT NULL,
    campaign_type TEXT NOT NULL,
    channel       TEXT NOT NULL,
    start_date    TEXT NOT NULL,
    end_date      TEXT NOT NULL,
    budget        REAL NOT NULL CHECK (budget >= 0),
    actual_cost   REAL NOT NULL CHECK (actual_cost >= 0),
    CHECK (end_date >= start_date)
);
CREATE TABLE accounts (                 -- companies: one per B2B customer (SuiteCRM Accounts)
    account_id TEXT PRIMARY KEY,
    shop_id    TEXT NOT NULL REFERENCES shops(shop_id),
    name       TEXT NOT NULL
);
CREATE TABLE contacts (                 -- people: one per customer (SuiteCRM Contacts)
    contact_id    TEXT PRIMARY KEY,
    shop_id       TEXT NOT NULL REFERENCES shops(shop_id),
    account_id    TEXT REFERENCES accounts(account_id),   -- NULL: a consumer with no company
    name          TEXT NOT NULL,
    email         TEXT,
    phone         TEXT,
    customer_type TEXT NOT NULL CHECK (customer_type IN ('B2C', 'B2B')),
    CHECK (customer_type = 'B2B' OR account_id IS NULL)
);
"""
ENTITY_SQL = """\
CREATE TABLE leads (
    lead_id     TEXT PRIMARY KEY,
    shop_id     TEXT NOT NULL REFERENCES shops(shop_id),
    lead_source TEXT NOT NULL,
    status      TEXT NOT NULL
                CHECK (status IN ('New', 'Assigned', 'In Process', 'Converted', 'Recycled', 'Dead')),
    campaign_id TEXT REFERENCES campaigns(campaign_id),
    contact_id  TEXT REFERENCES contacts(contact_id),
    created_at  TEXT NOT NULL,
    CHECK (status <> 'Converted' OR contact_id IS NOT NULL)
);
CREATE TABLE opportunities (
    opportunity_id TEXT PRIMARY KEY,
    shop_id        TEXT NOT NULL REFERENCES shops(shop_id),
    account_id     TEXT REFERENCES accounts(account_id),
    lead_id        TEXT REFERENCES leads(lead_id),
    name           TEXT NOT NULL,
    sales_stage    TEXT NOT NULL REFERENCES sales_stages(sales_stage),
    amount         REAL NOT NULL CHECK (amount >= 0),
    created_at     TEXT NOT NULL,
    close_date     TEXT NOT NULL
);
"""
CASES_SQL = """\
CREATE TABLE cases (
    case_id     TEXT PRIMARY KEY,
    shop_id     TEXT NOT NULL REFERENCES shops(shop_id),
    contact_id  TEXT NOT NULL REFERENCES contacts(contact_id),
    account_id  TEXT REFERENCES accounts(account_id),
    priority    TEXT NOT NULL CHECK (priority IN ('P1', 'P2', 'P3')),
    category    TEXT NOT NULL,
    channel     TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('Open', 'Closed')),
    status      TEXT NOT NULL CHECK (status IN ('Open_New', 'Open_Assigned', 'Open_Pending Input',
                                                'Closed_Closed', 'Closed_Rejected', 'Closed_Duplicate')),
    opened_at   TEXT NOT NULL,
    resolved_at TEXT,
    CHECK (substr(status, 1, length(state) + 1) = state || '_')
);
"""
ACTIVITY_SQL = """\
CREATE TABLE calls (
    call_id     TEXT PRIMARY KEY,
    parent_type TEXT NOT NULL CHECK (parent_type IN ('Cases', 'Contacts')),
    parent_id   TEXT NOT NULL,
    contact_id  TEXT REFERENCES contacts(contact_id),
    direction   TEXT NOT NULL CHECK (direction IN ('Inbound', 'Outbound')),
    status      TEXT NOT NULL CHECK (status IN ('Planned', 'Held', 'Not Held')),
    date_start  TEXT NOT NULL,
    duration_s  REAL NOT NULL CHECK (duration_s >= 0)
);
CREATE TABLE campaign_log (
    campaign_id   TEXT NOT NULL REFERENCES campaigns(campaign_id),
    contact_id    TEXT NOT NULL REFERENCES contacts(contact_id),
    activity_type TEXT NOT NULL CHECK (activity_type IN ('targeted', 'held_out', 'viewed', 'link')),
    activity_date TEXT,
    PRIMARY KEY (campaign_id, contact_id, activity_type)
);
"""
SCHEMA_SQL = GIVEN_SQL + ENTITY_SQL + CASES_SQL + ACTIVITY_SQL


def connect(path: str = ":memory:") -> sqlite3.Connection:
    """A connection to ``path`` (default: a new in-memory database) with ``PRAGMA foreign_keys = ON``."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys = ON")
    return con


def _text(values) -> list:
    """Strings with '' as None."""
    return [None if (v is None or v == "" or (isinstance(v, float) and np.isnan(v))) else str(v) for v in values]


def _when(values) -> list:
    """Timestamps as 'YYYY-MM-DD HH:MM:SS', NaT as None."""
    ts = pd.to_datetime(pd.Series(values))
    return [None if pd.isna(t) else t.strftime("%Y-%m-%d %H:%M:%S") for t in ts]


def load_crm(con: sqlite3.Connection, world) -> None:
    """Insert ``world``'s rows into the tables of :data:`SCHEMA_SQL` (already created on ``con``); no commit.

    The mapping (lecture 07): a customer is a contact, a B2B customer also an account of the same id; the
    world's empty strings (no campaign, no customer, no lead) become NULL; a ticket is a case (``closed`` ->
    ``Closed``/``Closed_Closed``, else ``Open``/``Open_Assigned``); a call is kept only with a parent (its
    ticket, else its identified caller), ``Held`` when it was talked to (``talk_s`` > 0); each campaign contact
    gives a ``targeted`` or ``held_out`` row and, if opened or clicked, a ``viewed`` or ``link`` row. Money
    stays in each shop's currency; timestamps are ``'YYYY-MM-DD HH:MM:SS'`` text.
    """
    text = _text
    w = world
    con.executemany("INSERT INTO shops VALUES (?, ?, ?)",
                    zip(w.shops["shop_id"], w.shops["name"], w.shops["currency"], strict=True))
    c = w.campaigns
    con.executemany("INSERT INTO campaigns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", zip(
        c["campaign_id"], c["shop_id"], c["name"], c["campaign_type"], c["channel"], _when(c["start_date"]),
        _when(c["end_date"]), c["budget"].astype(float), c["actual_cost"].astype(float), strict=True))
    cu = w.customers
    b2b = (cu["customer_type"] == "B2B").to_numpy()
    con.executemany("INSERT INTO accounts VALUES (?, ?, ?)",
                    zip(cu["customer_id"][b2b], cu["shop_id"][b2b], cu["company"][b2b], strict=True))
    account = np.where(b2b, cu["customer_id"].to_numpy(dtype=object), None)
    con.executemany("INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?)", zip(
        cu["customer_id"], cu["shop_id"], account, cu["name"], cu["email"], cu["phone"], cu["customer_type"],
        strict=True))
    le = w.leads
    con.executemany("INSERT INTO leads VALUES (?, ?, ?, ?, ?, ?, ?)", zip(
        le["lead_id"], le["shop_id"], le["source"], le["status"], text(le["campaign_id"]), text(le["customer_id"]),
        _when(le["created_ts"]), strict=True))
    op = w.opportunities
    con.executemany("INSERT INTO opportunities VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", zip(
        op["opportunity_id"], op["shop_id"], text(op["customer_id"]), text(op["lead_id"]), op["name"],
        op["sales_stage"], op["amount"].astype(float), _when(op["created_ts"]), _when(op["close_date"]), strict=True))
    t = w.tickets
    is_b2b = pd.Series(b2b, index=cu["customer_id"].to_numpy())
    t_acct = np.where(is_b2b.reindex(t["customer_id"].to_numpy()).fillna(False).to_numpy(bool),
                      t["customer_id"].to_numpy(dtype=object), None)
    closed = (t["status"] == "closed").to_numpy()
    con.executemany("INSERT INTO cases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", zip(
        t["ticket_id"], t["shop_id"], t["customer_id"], t_acct, t["priority"], t["category"], t["channel"],
        np.where(closed, "Closed", "Open"), np.where(closed, "Closed_Closed", "Open_Assigned"),
        _when(t["opened_ts"]), _when(t["resolved_ts"]), strict=True))
    k = w.calls
    has_case, has_person = (k["ticket_id"] != "").to_numpy(), (k["customer_id"] != "").to_numpy()
    keep = has_case | has_person
    k = k[keep]
    con.executemany("INSERT INTO calls VALUES (?, ?, ?, ?, ?, ?, ?, ?)", zip(
        k["call_id"], np.where(has_case[keep], "Cases", "Contacts"),
        np.where(has_case[keep], k["ticket_id"], k["customer_id"]), text(k["customer_id"]),
        k["direction"].str.capitalize(), np.where(k["talk_s"].to_numpy() > 0, "Held", "Not Held"),
        _when(k["arrival_ts"]), k["talk_s"].astype(float), strict=True))
    cc = w.campaign_contacts
    treated = (cc["group"] == "treatment").to_numpy()
    sent = _when(cc["sent_ts"])
    rows = [(cid, cust, "targeted" if tr else "held_out", s) for cid, cust, tr, s in
            zip(cc["campaign_id"], cc["customer_id"], treated, sent, strict=True)]
    for flag, kind in (("opened", "viewed"), ("clicked", "link")):
        m = cc[flag].to_numpy(bool)
        rows += [(cid, cust, kind, s) for cid, cust, s in
                 zip(cc["campaign_id"][m], cc["customer_id"][m], np.asarray(sent, dtype=object)[m], strict=True)]
    con.executemany("INSERT INTO campaign_log VALUES (?, ?, ?, ?)", rows)


def crm_database(world) -> sqlite3.Connection:
    """A fresh in-memory CRM database of ``world``: :data:`SCHEMA_SQL` created, :func:`load_crm`, committed.

    The caller owns the connection (foreign keys on) and may add tables, views or triggers to it."""
    con = connect()
    con.executescript(SCHEMA_SQL)
    load_crm(con, world)
    con.commit()
    return con
