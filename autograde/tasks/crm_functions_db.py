"""The database of notebook 08: lecture 07's CRM of a student's world (:mod:`crmlab.labs.crm_db`) with three more
tables — the orders the web shops took, the invoices the ERP issued for won deals, and the (empty) stage history
an audit trigger fills — and the small read-only helpers the test cells use.

Every connection turns foreign keys on (SQLite checks them only when each connection asks). The notebook's
``con`` and each test cell get their own in-memory copy of one master database per world (a backup: ~10 ms), so
what a student does to ``con`` never leaks into a test cell, and a test cell runs a student's SQL on a fresh copy.
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
from crmlab.labs import crm_db

from . import fail
from .probes import strict

EXTRA_SQL = """\
CREATE TABLE orders (                   -- the web shops' orders, as the CRM's order module keeps them
    order_id   TEXT PRIMARY KEY,
    contact_id TEXT REFERENCES contacts(contact_id),     -- NULL: a guest order
    shop_id    TEXT NOT NULL REFERENCES shops(shop_id),
    order_ts   TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('delivered', 'shipped', 'cancelled', 'returned')),
    channel    TEXT NOT NULL,
    amount     REAL NOT NULL CHECK (amount >= 0)         -- goods after discount (shop currency): no shipping, duty, tax
);
CREATE TABLE erp_invoices (             -- the ERP's invoices for won B2B deals (back office), as exported
    invoice_id   TEXT PRIMARY KEY,
    crm_ref      TEXT NOT NULL,          -- the opportunity_id as someone typed it into the ERP: not a foreign key
    customer_id  TEXT,
    shop_id      TEXT NOT NULL REFERENCES shops(shop_id),
    invoice_date TEXT NOT NULL,
    amount       REAL NOT NULL,
    currency     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('paid', 'open', 'cancelled'))
);
CREATE TABLE opportunity_stage_history (  -- SuiteCRM's audit table of sales_stage, filled by a trigger (task 3)
    history_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    opportunity_id TEXT NOT NULL REFERENCES opportunities(opportunity_id),
    from_stage     TEXT NOT NULL,
    to_stage       TEXT NOT NULL,
    changed_at     TEXT NOT NULL
);
"""
SCHEMA_SQL = crm_db.SCHEMA_SQL + EXTRA_SQL
PROBE_SETUP = SCHEMA_SQL + "INSERT INTO shops (shop_id, name, currency) VALUES ('S1', 'Probe shop', 'CNY');\n"


def _text(values) -> list:
    """Strings with '' (the world's "none") as NULL."""
    return [None if v is None or v == "" or (isinstance(v, float) and np.isnan(v)) else str(v) for v in values]


def _when(values) -> list:
    """Timestamps as 'YYYY-MM-DD HH:MM:SS', NaT as NULL."""
    ts = pd.to_datetime(pd.Series(values))
    return [None if pd.isna(t) else t.strftime("%Y-%m-%d %H:%M:%S") for t in ts]


def load_extra(con: sqlite3.Connection, world) -> None:
    """The world's orders (amount = items_subtotal − discount, to the cent) and the ERP's invoices, into the
    tables of :data:`EXTRA_SQL`."""
    o = world.orders
    amount = (o["items_subtotal"] - o["discount"]).clip(lower=0).round(2).astype(float)
    con.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?)", zip(
        o["order_id"], _text(o["customer_id"]), o["shop_id"], _when(o["order_ts"]), o["status"], o["channel"],
        amount, strict=True))
    e = world.erp_invoices
    con.executemany("INSERT INTO erp_invoices VALUES (?, ?, ?, ?, ?, ?, ?, ?)", zip(
        e["invoice_id"], e["crm_ref"], _text(e["customer_id"]), e["shop_id"], _when(e["invoice_date"]),
        e["amount"].astype(float), e["currency"], e["status"], strict=True))


_MASTER: dict = {}


def lecture_database(world) -> sqlite3.Connection:
    """A fresh in-memory copy of the lecture's database of ``world`` (lecture 07's CRM, its orders, the ERP's
    invoices and an empty stage history), foreign keys on. The master is built once per world."""
    key = id(world)
    if _MASTER.get("key") != key or _MASTER.get("world") is not world:
        master = crm_db.crm_database(world)
        master.executescript(EXTRA_SQL)
        load_extra(master, world)
        master.commit()
        _MASTER.clear()
        _MASTER.update(key=key, world=world, con=master)
    out = crm_db.connect(":memory:")
    _MASTER["con"].backup(out)
    out.execute("PRAGMA foreign_keys = ON")
    return out


def example_database(rows: list[str]) -> sqlite3.Connection:
    """The lecture's empty schema with the example ``rows`` (INSERT statements) of a formative check."""
    con = crm_db.connect(":memory:")
    con.executescript(SCHEMA_SQL)
    for row in rows:
        con.execute(row)
    con.commit()
    return con


def with_script(con: sqlite3.Connection, script, *, name: str) -> sqlite3.Connection:
    """``con`` after the student's SQL ``script`` (a view, a trigger, indexes) ran in it with ``ATTACH`` and
    pragmas refused, as in the grader's probes; or a formative failure naming ``name``."""
    if not isinstance(script, str):
        fail(f"{name} 应是一段 SQL 字符串 a string of SQL（got {type(script).__name__}）")
    strict(con)
    try:
        con.executescript(script)
        con.commit()
    except sqlite3.Error as err:
        fail(f"{name} 运行出错 fails: {err}")
    finally:
        con.set_authorizer(None)
    return con
