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
