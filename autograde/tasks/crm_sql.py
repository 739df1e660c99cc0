"""A student's SQL run on a fresh CRM database of their own world, in their kernel (notebooks 07-10).

:func:`build` creates an in-memory database (foreign keys on, :func:`crmlab.labs.crm_db.connect`) from the
student's schema and loader and caches it for the last world, schema and loader, so several test cells share
one load; :func:`run_query` runs one report read-only (``PRAGMA query_only``, ``ATTACH`` refused), so a
report can neither change the data nor reach another file; :func:`result_frame` turns the result into the
plain columns the answer channel records. What the grader itself runs (a constraint's refusal, a rollback)
goes through :mod:`autograde.observe` and :mod:`autograde.tasks.probes` instead, sandboxed.
"""

from __future__ import annotations

import sqlite3

import pandas as pd
from crmlab.labs.crm_db import connect

from . import fail, plain_columns

_BUILT: dict = {}
_DENIED = {sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH}


def build(world, schema_sql: str, load_crm) -> sqlite3.Connection | None:
    """A fresh in-memory CRM database: ``schema_sql``, then ``load_crm(con, world)``, committed (cached for the
    last world, schema and loader); ``None`` if either fails (:func:`build_error` says why)."""
    key = (id(world), schema_sql, load_crm)
    if key in _BUILT:
        return _BUILT[key][1]
    con = connect()
    try:
        con.executescript(schema_sql)
        load_crm(con, world)
        con.commit()
    except (sqlite3.Error, TypeError, ValueError, KeyError, AttributeError) as err:  # nothing to grade
        con.close()
        _BUILT.clear()
        _BUILT["error"] = err
        return None
    _BUILT.clear()
    _BUILT[key] = (world, con)
    return con


def build_error() -> Exception | None:
    """Why the last :func:`build` gave nothing (``None`` if it did not fail)."""
    return _BUILT.get("error")


def _authorize(action, *_):
    return sqlite3.SQLITE_DENY if action in _DENIED else sqlite3.SQLITE_OK


def run_query(con: sqlite3.Connection | None, query: str, *, name: str) -> pd.DataFrame | None:
    """``query`` (one statement) run read-only with ``ATTACH`` refused; ``None`` without a database."""
    if con is None:
        return None
    if not isinstance(query, str):
        fail(f"{name} 应是一条 SQL 字符串 a SQL string（got {type(query).__name__}）")
    con.execute("PRAGMA query_only = ON")
    con.set_authorizer(_authorize)
    try:
        return pd.read_sql_query(query, con)
    except Exception as err:  # noqa: BLE001 - pandas wraps sqlite errors in its own
        fail(f"{name} 运行出错 fails: {err}")
    finally:
        con.set_authorizer(None)
        con.execute("PRAGMA query_only = OFF")


def result_frame(df, columns) -> pd.DataFrame | None:
    """The named columns of a result as floats or strings (:func:`autograde.tasks.plain_columns`)."""
    return plain_columns(df, columns)
