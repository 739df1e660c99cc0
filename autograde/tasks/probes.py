"""Probes the grader runs on a student's artefact (:mod:`autograde.observe`): *act* functions run the
untrusted artefact, *inspect* functions observe what it left. Every connection turns foreign keys on and
refuses ``ATTACH``, so SQL can touch nothing but its own database."""

from __future__ import annotations

import sqlite3


def _connect(path: str) -> sqlite3.Connection:
    """A connection with foreign keys enforced and ``ATTACH`` refused."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    deny = {sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH}
    conn.set_authorizer(lambda action, *_: sqlite3.SQLITE_DENY if action in deny else sqlite3.SQLITE_OK)
    return conn


def sql_script(artefact: str, state: str, data_dir: str, args: dict) -> None:
    """Act: run the student's SQL script (DDL and DML) into a fresh database at ``state``."""
    with open(artefact, encoding="utf-8") as fh:
        script = fh.read()
    conn = _connect(state)
    try:
        conn.executescript(script)
        conn.commit()
    except sqlite3.Error:
        conn.commit()
    finally:
        conn.close()


def statement_refused(state: str, _unused: str, data_dir: str, args: dict) -> str:
    """Inspect: ``"refused"`` if a constraint refuses ``args["statement"]`` (an integrity error), ``"accepted"``
    if it succeeds, ``"error"`` for anything else (no such table, a broken schema: nothing was refused)."""
    conn = _connect(state)
    try:
        conn.execute(args["statement"])
        return "accepted"
    except sqlite3.IntegrityError:
        return "refused"
    except sqlite3.DatabaseError:
        return "error"
    finally:
        conn.close()


def refused_after_rows(state: str, _unused: str, data_dir: str, args: dict) -> str:
    """Inspect: insert the valid rows ``args["rows"]`` in order, then try each of ``args.get("statements", [])``
    in its own savepoint (so one cannot help another).

    ``"rows refused"`` if a constraint refuses a valid row (a schema that refuses everything refuses nothing
    in particular), ``"error"`` if a valid row cannot run at all (a missing table or column); then, with no
    statements, ``"accepted"``; else ``"refused"`` if a constraint refuses every statement, ``"accepted"`` if
    the database takes any of them, ``"error"`` otherwise."""
    conn = _connect(state)
    conn.isolation_level = None  # one explicit transaction, rolled back: the probe leaves the state as it was
    try:
        conn.execute("BEGIN")
        for row in args["rows"]:
            try:
                conn.execute(row)
            except sqlite3.IntegrityError:
                return "rows refused"
            except sqlite3.DatabaseError:
                return "error"
        seen = set()
        for statement in args.get("statements", []):
            conn.execute("SAVEPOINT probe")
            try:
                conn.execute(statement)
                seen.add("accepted")
            except sqlite3.IntegrityError:
                seen.add("refused")
            except sqlite3.DatabaseError:
                seen.add("error")
            finally:
                conn.execute("ROLLBACK TO probe")
                conn.execute("RELEASE probe")
        if not seen or "accepted" in seen:
            return "accepted"
        return "refused" if seen == {"refused"} else "error"
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()


# ---- probes on the lecture's given database: the artefact adds objects (a view, a trigger, an index) -----------
TOKEN = "{id}"  # in a statement or query of the probe: replaced by a fresh random id the artefact cannot know


def strict(conn: sqlite3.Connection) -> None:
    """Refuse ``ATTACH``, ``DETACH`` and every ``PRAGMA`` (``writable_schema`` could forge the schema)."""
    deny = {sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH, sqlite3.SQLITE_PRAGMA}
    conn.set_authorizer(lambda action, *_: sqlite3.SQLITE_DENY if action in deny else sqlite3.SQLITE_OK)


def setup_then_script(artefact: str, state: str, data_dir: str, args: dict) -> None:
    """Act: the lecture's given SQL ``args["setup"]`` (trusted: tables and a few rows) into a fresh database at
    ``state``, then the student's SQL script (untrusted, no pragmas) in the same database."""
    conn = _connect(state)
    try:
        conn.executescript(args["setup"])
        conn.commit()
        strict(conn)
        with open(artefact, encoding="utf-8") as fh:
            conn.executescript(fh.read())
        conn.commit()
    except sqlite3.Error:
        conn.commit()
    finally:
        conn.close()


def _tables_intact(conn: sqlite3.Connection, setup: str) -> bool:
    """Every table ``setup`` creates is still a table with the same definition (an artefact may add objects,
    not drop or replace the given ones)."""
    ref = sqlite3.connect(":memory:")
    try:
        ref.executescript(setup)
        want = ref.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    finally:
        ref.close()
    have = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall())
    return all(have.get(name) == sql for name, sql in want)


def rows_after(state: str, _unused: str, data_dir: str, args: dict):
    """Inspect: run ``args["statements"]`` in order, then ``args["query"]``, in one transaction rolled back;
    ``{id}`` in them is a fresh random id. Returns the query's rows (lists, the id written back as ``{id}``),
    ``"tampered"`` if a given table was dropped or replaced, ``"error"`` if a statement or the query fails."""
    import secrets

    token = "Z" + secrets.token_hex(6)
    conn = _connect(state)
    conn.isolation_level = None
    try:
        if not _tables_intact(conn, args["setup"]):
            return "tampered"
        conn.execute("BEGIN")
        try:
            for statement in args["statements"]:
                conn.execute(statement.replace(TOKEN, token))
            rows = conn.execute(args["query"].replace(TOKEN, token)).fetchall()
        except sqlite3.Error:
            return "error"
        return [[v.replace(token, TOKEN) if isinstance(v, str) else v for v in row] for row in rows]
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()


def plan_kind(details: list[str], table: str) -> str:
    """``"search"`` (an index finds the rows of ``table``), ``"scan"`` (every row is read) or ``"none"``, and
    ``"+sort"`` when SQLite sorts the result in a temporary B-tree instead of reading it in index order."""
    import re

    kind = "none"
    for detail in details:
        m = re.match(r"(SCAN|SEARCH)( TABLE)? (\w+)", detail)
        if m and m.group(3) == table:
            kind = "scan" if m.group(1) == "SCAN" else ("search" if kind != "scan" else kind)
    return kind + ("+sort" if any("USE TEMP B-TREE" in d for d in details) else "")


def query_plans(state: str, _unused: str, data_dir: str, args: dict):
    """Inspect: for each ``[query, params, table]`` of ``args["queries"]``, how ``EXPLAIN QUERY PLAN`` says
    SQLite reads ``table`` (:func:`plan_kind`); ``"tampered"`` or ``"error"`` as in :func:`rows_after`."""
    conn = _connect(state)
    try:
        if not _tables_intact(conn, args["setup"]):
            return "tampered"
        out = []
        for query, params, table in args["queries"]:
            try:
                details = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + query, params).fetchall()]
            except sqlite3.Error:
                return "error"
            out.append(plan_kind(details, table))
        return out
    finally:
        conn.close()
