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
