"""environment.yml (conda) and pyproject.toml (pip) declare the same dependencies, numpy and Faker exactly."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pyproject() -> dict[str, str]:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    out = {}
    for d in deps:
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*==\s*([0-9][0-9A-Za-z.]*)", d.strip())
        assert m, f"pyproject dependency not pinned with ==: {d}"
        out[m.group(1).lower()] = m.group(2)
    return out


def _environment() -> dict[str, str]:
    out = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        m = re.fullmatch(r"\s*-\s*([A-Za-z0-9_.-]+)=([0-9][0-9A-Za-z.]*)\s*", line)
        if m and m.group(1) != "python":
            out[m.group(1).lower()] = m.group(2)
    return out


def test_conda_and_pip_declare_the_same_dependencies():
    assert _pyproject() == _environment()


def test_simulator_inputs_are_pinned_exactly():
    deps = _pyproject()
    assert "numpy" in deps and "faker" in deps


def test_python_version_agrees():
    assert "python=3.11" in (ROOT / "environment.yml").read_text()
    assert ">=3.11" in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
