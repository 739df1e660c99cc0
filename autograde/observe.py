"""Behaviour the grader observes itself, for tasks whose right answer is the same for every student.

"The database refuses a bad row", "the transaction rolls back", "the query uses an index": a hostile kernel
could simply record "refused". So the kernel records the student's artefact instead (SQL text, a
function's source), and the grader runs it in two fresh sandboxed processes on the student's data:

1. *act* runs the artefact (untrusted) and leaves a state file (e.g. a SQLite database) in its scratch;
2. *inspect* — trusted probe code only, in a new scratch holding a copy of that state file — observes the
   behaviour and prints one JSON value.

What the artefact prints, or leaves anywhere else, is never read; both processes run with ``python -I``
(no current folder on ``sys.path``), so nothing planted in the scratch is imported by the probe.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

MAX_ARTEFACT = 200_000  # bytes of recorded source or SQL
MAX_STATE = 200_000_000  # bytes of the state file carried from act to inspect
MARKER = "CRMLAB-OBSERVED "
RUNNER = ("import importlib, json, sys\n"
          "mod, fn = sys.argv[1].split(':')\n"
          "func = getattr(importlib.import_module(mod), fn)\n"
          "out = func(*sys.argv[2:5], json.loads(sys.argv[5]))\n"
          "print({marker!r} + json.dumps(out), flush=True)\n")


@dataclass(frozen=True)
class Probe:
    """``act(artefact_path, state_path, data_dir, args)`` and ``inspect(state_path, "", data_dir, args)``,
    as ``module:function`` names; ``args`` is JSON passed to both; seconds per phase. ``data``: whether the
    student's data folder is visible in the sandbox (a probe whose artefact carries its own inputs hides it, so
    the untrusted act cannot read answers from it); ``max_artefact``: bytes of artefact accepted."""

    act: str
    inspect: str
    args: dict = field(default_factory=dict)
    timeout: float = 30.0
    data: bool = True
    max_artefact: int = MAX_ARTEFACT


def _run(box, func: str, paths: tuple[str, str], *, scratch: Path, data: Path | None, args: dict,
         timeout: float) -> tuple[int, str]:
    from crmlab.autograde.sandbox import wait_gone

    code = RUNNER.format(marker=MARKER)
    argv = [sys.executable, "-I", "-c", code, func, *paths, str(data or ""), json.dumps(args)]
    cmd = box.command(argv, scratch=scratch, data=data, cwd=scratch / "work")
    try:
        proc = subprocess.run(cmd, env=box.environment(scratch=scratch, data=data), cwd=scratch / "work",
                              capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return -1, ""
    finally:
        wait_gone(scratch)
    return proc.returncode, proc.stdout


def observe(probe: Probe, artefact: str, *, box, data: Path | None):
    """The inspected behaviour of ``artefact`` (a JSON value), or ``None`` if it could not be observed."""
    from crmlab.autograde.sandbox import make_scratch

    if not isinstance(artefact, str) or len(artefact.encode("utf-8", "replace")) > probe.max_artefact:
        return None
    data = data if probe.data else None
    act, look = make_scratch(), make_scratch()
    try:
        source = act / "work" / "artefact.txt"
        source.write_text(artefact, encoding="utf-8")
        state = act / "work" / "state"
        _run(box, probe.act, (str(source), str(state)), scratch=act, data=data, args=probe.args,
             timeout=probe.timeout)
        copy = look / "work" / "state"
        if state.is_file() and not state.is_symlink() and state.stat().st_size <= MAX_STATE:
            shutil.copyfile(state, copy)
        shutil.rmtree(act, ignore_errors=True)
        code, out = _run(box, probe.inspect, (str(copy), ""), scratch=look, data=data, args=probe.args,
                         timeout=probe.timeout)
        lines = [ln for ln in out.splitlines() if ln.startswith(MARKER)]
        if code != 0 or len(lines) != 1:
            return None
        return json.loads(lines[0][len(MARKER):])
    except (OSError, ValueError):
        return None
    finally:
        shutil.rmtree(act, ignore_errors=True)
        shutil.rmtree(look, ignore_errors=True)


def local_observer(*, data: Path | None = None):
    """An observer ``(probe, artefact) -> behaviour`` that runs probes unsandboxed on this machine, for the
    instructor's own tools (tests, ``crmlab course measure``) where the artefact is the reference's or a
    declared mistake's; memoised per probe and artefact (the same DDL behaves the same on every seed)."""
    import json as _json

    from crmlab.autograde.sandbox import Sandbox

    box, seen = Sandbox(kind="none"), {}

    def observer(probe: Probe, artefact):
        key = (probe.act, probe.inspect, _json.dumps(probe.args, sort_keys=True), artefact)
        if key not in seen:
            seen[key] = observe(probe, artefact, box=box, data=data)
        return seen[key]

    return observer
