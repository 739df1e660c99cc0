"""Every user error of the course commands: exit status 2, one line on stderr, no traceback, and
nothing written."""

from __future__ import annotations

import shutil

import pytest
from crmlab.autograde.cli import main

BAD_MD = ("---\njupytext:\n  text_representation:\n    format_name: myst\n---\n\n"
          "```{code-cell} ipython3\n---\nnbgrader: {grade: [\n---\nx = 1\n```\n")


def _fails(capsys, argv) -> str:
    try:
        status = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse errors exit from inside parse_args
        status = exc.code
    err = capsys.readouterr().err
    assert status == 2, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err


@pytest.fixture
def built(fixture_course, tmp_path):
    """A copy of the built fixture course without a class."""
    dest = tmp_path / "course"
    shutil.copytree(fixture_course, dest)
    return dest


def test_build_missing_course_dir(capsys, tmp_path):
    assert "does not exist" in _fails(capsys, ["course", "build", "--out", tmp_path / "o",
                                               "--course", tmp_path / "nope"])
    assert not (tmp_path / "o").exists()


def test_build_unparseable_notebook(capsys, tmp_path):
    (tmp_path / "c" / "01_bad").mkdir(parents=True)
    (tmp_path / "c" / "01_bad" / "01_bad.md").write_text(BAD_MD)
    assert "cannot parse" in _fails(capsys, ["course", "build", "--out", tmp_path / "o", "--course", tmp_path / "c"])
    assert not (tmp_path / "o").exists()


def test_build_unwritable_out(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    from conftest import FIXTURE_COURSE

    assert "cannot write" in _fails(capsys, ["course", "build", "--out", blocker / "o", "--course", FIXTURE_COURSE])


@pytest.mark.parametrize("content, message", [
    ("student_id\na1\na1\n", "duplicate"),
    ("student_id\na1\n\"\"\n", "empty student_id"),
    ("student_id\na1\nbad id!\n", "may only use"),
    ("student_id\n../etc\n", "may only use"),
    ("name,email\nx,y\n", "no 'student_id' column"),
])
def test_class_init_bad_roster(capsys, built, tmp_path, content, message):
    roster = tmp_path / "roster.csv"
    roster.write_text(content)
    assert message in _fails(capsys, ["class", "init", "--course-dir", built, "--roster", roster])
    assert not (built / "seeds").exists() and not (built / ".crmlab").exists()


def test_class_init_unreadable_roster(capsys, built, tmp_path):
    assert "cannot read roster" in _fails(capsys, ["class", "init", "--course-dir", built,
                                                   "--roster", tmp_path / "no.csv"])
    assert not (built / ".crmlab").exists()


def test_class_init_unbuilt_course(capsys, tmp_path):
    (tmp_path / "empty").mkdir()
    roster = tmp_path / "r.csv"
    roster.write_text("student_id\na1\n")
    assert "not a built course" in _fails(capsys, ["class", "init", "--course-dir", tmp_path / "empty",
                                                   "--roster", roster])


def test_grade_errors(capsys, built, tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("student_id\na1\n")
    subs = tmp_path / "subs"
    subs.mkdir()
    assert "class init" in _fails(capsys, ["grade", "01_fixture", "--course-dir", built, "--submissions", subs])
    assert main(["class", "init", "--course-dir", str(built), "--roster", str(roster)]) == 0
    capsys.readouterr()
    assert "unknown assignment" in _fails(capsys, ["grade", "99_nope", "--course-dir", built, "--submissions", subs])
    assert "not found" in _fails(capsys, ["grade", "01_fixture", "--course-dir", built,
                                          "--submissions", tmp_path / "x"])
    (tmp_path / "notzip.txt").write_text("x")
    assert "folder or a .zip" in _fails(capsys, ["grade", "01_fixture", "--course-dir", built,
                                                 "--submissions", tmp_path / "notzip.txt"])
    (tmp_path / "bad.zip").write_text("not a zip")
    assert "cannot read zip" in _fails(capsys, ["grade", "01_fixture", "--course-dir", built,
                                               "--submissions", tmp_path / "bad.zip"])
    assert "does not exist" in _fails(capsys, ["grade", "01_fixture", "--course-dir", tmp_path / "nope",
                                               "--submissions", subs])
    assert "positive integer" in _fails(capsys, ["grade", "01_fixture", "--course-dir", built, "--submissions", subs,
                                                 "--workers", "0"])


def test_report_before_grading(capsys, built):
    assert "run 'crmlab grade' first" in _fails(capsys, ["report", "--course-dir", built])


def test_missing_required_argument(capsys):
    assert "required" in _fails(capsys, ["grade", "01_fixture"])
