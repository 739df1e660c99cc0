"""Dependencies agree: pyproject.toml's ranges admit constraints.txt's pins, environment.yml pins the same, and the
venv set-up (Makefile, .ci/run) installs with the constraints."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
# The simulator's bytes depend on these: each range stays within one release series (pyarrow and Faker count
# releases in their major version).
SIMULATOR_INPUTS = {"numpy": "minor", "pandas": "minor", "scipy": "minor", "pyarrow": "major", "faker": "major"}
SUPPORTED_PYTHONS = ("3.11", "3.12", "3.13")


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _ranges() -> dict[str, SpecifierSet]:
    """Every requirement of pyproject.toml (dependencies and extras): name -> range."""
    project = _project()
    reqs = [Requirement(r) for r in project["dependencies"]]
    reqs += [Requirement(r) for extra in project.get("optional-dependencies", {}).values() for r in extra]
    return {canonicalize_name(r.name): r.specifier for r in reqs}


def _constraints() -> dict[str, Version]:
    out = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            m = re.fullmatch(r"([A-Za-z0-9_.-]+)==([0-9][0-9A-Za-z.]*)", line)
            assert m, f"constraints.txt: not an exact pin: {line}"
            out[canonicalize_name(m.group(1))] = Version(m.group(2))
    return out


def _environment() -> tuple[dict[str, Version], str]:
    """environment.yml's package pins and its python spec."""
    pins, python = {}, ""
    for line in (ROOT / "environment.yml").read_text().splitlines():
        m = re.fullmatch(r"\s*-\s*([A-Za-z0-9_.-]+)(=|>=)(\S+)\s*", line)
        if m and m.group(1) == "python":
            python = m.group(2) + m.group(3)
        elif m:
            assert m.group(2) == "=", f"environment.yml: not an exact pin: {line.strip()}"
            pins[canonicalize_name(m.group(1))] = Version(m.group(3))
    return pins, python


def test_every_requirement_is_pinned_and_every_pin_is_required():
    assert set(_constraints()) == set(_ranges())


def test_every_pin_lies_in_its_range():
    ranges = _ranges()
    outside = {name: f"{pin} not in {ranges[name]}" for name, pin in _constraints().items()
               if name in ranges and pin not in ranges[name]}
    assert not outside


def test_ranges_have_both_bounds():
    for name, spec in _ranges().items():
        ops = {s.operator for s in spec}
        assert ">=" in ops and "<" in ops, f"{name}: {spec} is not a compatible range"


def test_conda_pins_equal_constraints():
    assert _environment()[0] == _constraints()


def test_simulator_inputs_stay_within_one_release_series():
    ranges, pins = _ranges(), _constraints()
    for name, series in SIMULATOR_INPUTS.items():
        pin = pins[name]
        after = Version(f"{pin.major}.{pin.minor + 1}" if series == "minor" else f"{pin.major + 1}")
        assert after not in ranges[name], f"{name}: {ranges[name]} admits {after}"


def test_python_versions_agree():
    requires = SpecifierSet(_project()["requires-python"])
    for v in SUPPORTED_PYTHONS:
        assert Version(v) in requires
    assert Version("3.10") not in requires and Version("3.14") not in requires
    assert SpecifierSet(_environment()[1]) == requires


def test_venv_and_ci_install_with_the_constraints():
    assert re.search(r"pip install .*-c constraints\.txt", (ROOT / "Makefile").read_text())
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"make .*\btest\b", ci) and "3.11" in ci and "3.13" in ci
