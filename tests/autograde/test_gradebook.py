"""The gradebook opens and is created without the venv on ``PATH`` (nbgrader would shell out to ``alembic``)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
from pathlib import Path


def _env_without_alembic() -> dict[str, str]:
    """This environment with every ``PATH`` folder holding an ``alembic`` dropped, as outside an activated venv."""
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["PATH"] = os.pathsep.join(d for d in os.environ.get("PATH", os.defpath).split(os.pathsep)
                                  if d and not shutil.which("alembic", path=d))
    assert shutil.which("alembic", path=env["PATH"]) is None
    return env


def _crmlab() -> list[str]:
    """The installed ``crmlab`` script, called by its path (or the module when no script is installed)."""
    script = Path(sysconfig.get_path("scripts")) / "crmlab"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "crmlab.autograde.cli"]


def _schema(db: Path) -> tuple[list, list]:
    with sqlite3.connect(db) as conn:
        return (sorted(conn.execute("SELECT type, name, sql FROM sqlite_master")),
                conn.execute("SELECT version_num FROM alembic_version").fetchall())


def test_created_gradebook_equals_nbgrader_own(tmp_path, monkeypatch):
    from crmlab.autograde.gradebook import open_gradebook
    from nbgrader.api import Gradebook

    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    with open_gradebook(tmp_path / "ours") as gb:
        gb.add_student("s1")
    with Gradebook(f"sqlite:///{tmp_path / 'theirs' / 'gradebook.db'}", "crmlab"):
        pass
    assert _schema(tmp_path / "ours" / "gradebook.db") == _schema(tmp_path / "theirs" / "gradebook.db")
    with open_gradebook(tmp_path / "ours") as gb:
        assert [s.id for s in gb.students] == ["s1"]


def test_open_gradebook_without_venv_on_path(tmp_path):
    code = ("import sys; from crmlab.autograde.gradebook import open_gradebook\n"
            "with open_gradebook(sys.argv[1]) as gb: gb.add_student('s1')\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], env=_env_without_alembic(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert _schema(tmp_path / "gradebook.db")[1]


def test_class_init_by_script_path_without_gradebook(fixture_course, tmp_path):
    course_dir = tmp_path / "course"
    shutil.copytree(fixture_course, course_dir)
    (course_dir / "gradebook.db").unlink()
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\ns001\n")
    done = subprocess.run([*_crmlab(), "class", "init", "--course-dir", str(course_dir), "--roster", str(roster)],
                          env=_env_without_alembic(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    with sqlite3.connect(course_dir / "gradebook.db") as conn:
        assert conn.execute("SELECT id FROM student").fetchall() == [("s001",)]
