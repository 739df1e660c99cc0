"""``crmlab simulate``: bad arguments print one line and exit 2; good ones write a world atomically."""

import subprocess
import sys
from pathlib import Path

import pytest

CRMLAB = [sys.executable, "-m", "autograde.cli"]


def run(*args, cwd=None):
    return subprocess.run(CRMLAB + list(args), capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.mark.parametrize("args, needle", [
    (["--customers", "0"], "positive integer"),
    (["--customers", "-5"], "positive integer"),
    (["--shops", "0"], "positive integer"),
    (["--months", "0"], "positive integer"),
    (["--customers", "ten"], "positive integer"),
    (["--mode", "weird"], "invalid choice"),
    (["--locales", "xx_XX"], "unknown locale"),
    (["--seed", "-1"], "seed"),
    (["--start", "2025-01-01", "--end", "2024-01-01"], "must be after"),
    (["--start", "not-a-date"], "dates"),
    (["--format", "xlsx"], "invalid choice"),
    (["--student", "alice"], "course-key"),
    (["--workers", "0"], "positive integer"),
])
def test_bad_arguments_one_line_exit_2(tmp_path, args, needle):
    out = tmp_path / "w"
    res = run("simulate", "--customers", "200", "--out", str(out), *args) if "--customers" not in args \
        else run("simulate", "--out", str(out), *args)
    assert res.returncode == 2, res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and needle in lines[0], res.stderr
    assert "Traceback" not in res.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_missing_out_is_an_error(tmp_path):
    res = run("simulate", "--customers", "200")
    assert res.returncode == 2 and "--out" in res.stderr and "Traceback" not in res.stderr


def test_non_empty_output_needs_force(tmp_path):
    out = tmp_path / "w"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    res = run("simulate", "--customers", "200", "--out", str(out))
    assert res.returncode == 2 and "not empty" in res.stderr
    assert (out / "notes.txt").read_text() == "keep me"
    res = run("simulate", "--customers", "200", "--out", str(out), "--force")
    assert res.returncode == 0, res.stderr
    assert not (out / "notes.txt").exists() and (out / "orders.parquet").exists()


def test_unwritable_parent_is_an_error(tmp_path):
    res = run("simulate", "--customers", "200", "--out", str(tmp_path / "no" / "such" / "dir"))
    assert res.returncode == 2 and "does not exist" in res.stderr and "Traceback" not in res.stderr


def test_student_seed_run_and_summary(tmp_path):
    res = run("simulate", "--customers", "300", "--months", "6", "--student", "s001", "--course-key", "k",
              "--format", "csv", "--out", str(tmp_path / "w"))
    assert res.returncode == 0, res.stderr
    assert "customers" in res.stdout and "orders" in res.stdout and str(tmp_path / "w") in res.stdout
    assert (tmp_path / "w" / "orders.csv").exists() and (tmp_path / "w" / "truth" / "params.json").exists()
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())
