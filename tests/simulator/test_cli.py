"""``crmlab simulate``: bad arguments print one line and exit 2; good ones write a world atomically."""

import errno
import subprocess
import sys

import pytest

CRMLAB = [sys.executable, "-m", "crmlab.autograde.cli"]


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


def test_parent_that_is_a_file_is_an_error(tmp_path):
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    res = run("simulate", "--customers", "200", "--out", str(tmp_path / "notes.txt" / "w"))
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert res.returncode == 2 and len(lines) == 1 and "not a folder" in lines[0], res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def _main_in_process(capsys, *args):
    from crmlab.autograde.cli import main

    status = main(["simulate", "--customers", "200", *args])
    return status, [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]


def test_folder_the_os_refuses_is_one_line(tmp_path, capsys, monkeypatch):
    """Root passes ``os.access`` everywhere; a refusal at creation time (read-only mount, /proc) still
    prints one line and exits 2."""
    import crmlab.simulator.world

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(crmlab.simulator.world.tempfile, "mkdtemp", refuse)
    status, lines = _main_in_process(capsys, "--out", str(tmp_path / "w"))
    assert status == 2 and len(lines) == 1 and "cannot write to" in lines[0] and "Permission denied" in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_disk_full_midway_leaves_nothing(tmp_path, capsys, monkeypatch):
    import crmlab.simulator.stream

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(crmlab.simulator.stream, "write_params", full)
    status, lines = _main_in_process(capsys, "--out", str(tmp_path / "w"))
    assert status == 2 and len(lines) == 1 and "No space left on device" in lines[0], lines
    assert list(tmp_path.iterdir()) == []  # the tables already written went with the temporary folder
