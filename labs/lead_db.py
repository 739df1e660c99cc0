"""Lecture 09's lead desk: the standard CRM database (:mod:`crmlab.labs.crm_db`) with what a salesperson sees
on a lead card before converting it.

Lecture 07's ``leads`` table keeps only the lead's status, source and campaign. Converting a lead (SuiteCRM's
"Convert Lead") creates an account for the prospect's company, a contact for the person and an opportunity
for the deal, so the lead must also carry the prospect's company, contact name and stated budget, and the
MAN answers (money, authority, need) that qualify it. :data:`LEAD_SQL` adds those columns to ``leads``
(``ALTER TABLE``; their CHECK constraints hold for every row) and :func:`load_leads` fills them from the
world's ``leads`` table. Budgets are in the lead's shop currency (``shops.currency``).

Public API: :data:`LEAD_SQL`, :data:`LEAD_COLUMNS`, :func:`load_leads`, :func:`lead_database` (a fresh
database of a world, lecture 07's schema and load plus this), :func:`lead_card` (one lead as a dict).
"""

from __future__ import annotations

import sqlite3

import numpy as np
from crmlab.labs.crm_db import SCHEMA_SQL, connect, load_crm

LEAD_SQL = """\
ALTER TABLE leads ADD COLUMN company       TEXT NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN contact_name  TEXT NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN job_title     TEXT NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN stated_need   TEXT NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN budget        REAL NOT NULL DEFAULT 0 CHECK (budget >= 0);
ALTER TABLE leads ADD COLUMN man_money     INTEGER NOT NULL DEFAULT 0 CHECK (man_money IN (0, 1));
ALTER TABLE leads ADD COLUMN man_authority INTEGER NOT NULL DEFAULT 0 CHECK (man_authority IN (0, 1));
ALTER TABLE leads ADD COLUMN man_need      INTEGER NOT NULL DEFAULT 0 CHECK (man_need IN (0, 1));
ALTER TABLE leads ADD COLUMN assigned_user TEXT;
"""
LEAD_COLUMNS = ("company", "contact_name", "job_title", "stated_need", "budget", "man_money", "man_authority",
                "man_need")
CARD_COLUMNS = ("lead_id", "shop_id", "lead_source", "status", "contact_id", "created_at", *LEAD_COLUMNS,
                "assigned_user")


def load_leads(con: sqlite3.Connection, world) -> None:
    """Fill :data:`LEAD_COLUMNS` of every lead already loaded by ``load_crm`` from ``world.leads``; no commit."""
    le = world.leads
    flags = [le[c].to_numpy(dtype=bool).astype(int).tolist() for c in ("man_money", "man_authority", "man_need")]
    con.executemany(
        "UPDATE leads SET company = ?, contact_name = ?, job_title = ?, stated_need = ?, budget = ?, "
        "man_money = ?, man_authority = ?, man_need = ? WHERE lead_id = ?",
        zip(le["company"].astype(str), le["contact_name"].astype(str), le["job_title"].astype(str),
            le["stated_need"].astype(str), np.maximum(le["budget"].to_numpy(dtype=float), 0.0).tolist(), *flags,
            le["lead_id"].astype(str), strict=True))


def lead_database(world, path: str = ":memory:") -> sqlite3.Connection:
    """A fresh CRM database of ``world`` at ``path`` (default in memory): lecture 07's :data:`SCHEMA_SQL` and
    ``load_crm``, then :data:`LEAD_SQL` and :func:`load_leads`; committed, foreign keys on."""
    con = connect(path)
    con.executescript(SCHEMA_SQL)
    load_crm(con, world)
    con.executescript(LEAD_SQL)
    load_leads(con, world)
    con.commit()
    return con


def lead_card(con: sqlite3.Connection, lead_id: str) -> dict | None:
    """The lead's row as ``{column: value}`` (:data:`CARD_COLUMNS`), or ``None`` if there is no such lead."""
    row = con.execute(f"SELECT {', '.join(CARD_COLUMNS)} FROM leads WHERE lead_id = ?", (lead_id,)).fetchone()
    return None if row is None else dict(zip(CARD_COLUMNS, row, strict=True))


def open_leads(con: sqlite3.Connection, *, limit: int = 20) -> list[str]:
    """Ids of the most recent leads still open (New, Assigned, In Process or Recycled), newest first."""
    rows = con.execute("SELECT lead_id FROM leads WHERE status IN ('New', 'Assigned', 'In Process', 'Recycled') "
                       "ORDER BY created_at DESC, lead_id DESC LIMIT ?", (limit,)).fetchall()
    return [r[0] for r in rows]
