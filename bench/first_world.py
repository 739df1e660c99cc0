"""Bench: a student's first ``my_world()`` in a fresh process, against the import floor, measured alternately.

Issue 12's target: the first ``my_world()`` in a fresh Python process (empty cache) within 2× (1.5× if
possible) of ``python -c "import pandas, pyarrow.parquet"``, on 2 cores. Each run is a fresh subprocess
timed from the outside (interpreter start included, as in the floor); the floor is run between the
scenarios of every round, so a busy minute slows both. Scenarios:

* ``self-study``: the self-learner's path, public seed, an empty ``CRMLAB_CACHE`` per run (the world is
  simulated, each table when first used, and cached);
* ``handout``: a class student's path, ``CRMLAB_DATA`` naming a handed-out folder made by the grader's own
  code (``autograde.prepare.ensure_student_worlds``), each file checked against the manifest when first read;

each timed three ways: ``my_world()`` alone (the target), ``+ first table`` (``repr(world)`` then
``world.orders``, what notebook 01's first cells show) and ``+ all tables`` (every observed table touched).
Prints the medians, and each median over the floor's.

Usage: ``python bench/first_world.py [--repeats 7]``
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = "import pandas, pyarrow.parquet"
LOAD = "from crmlab.labs.data import my_world\nw = my_world(verbose=False)\n"
STEPS = {"my_world()": LOAD,
         "+ first table": LOAD + "repr(w)\nw.orders\n",
         "+ all tables": LOAD + "repr(w)\n[getattr(w, name) for name in list(w.tables)]\n"}
COURSE_KEY = "bench-first-world-course-key"


def hand_out(root: Path, student_id: str = "s001") -> Path:
    """A one-student course at ``root``, its kept worlds and handout written by the grader's code; the handout."""
    from crmlab.autograde.layout import CourseLayout
    from crmlab.autograde.prepare import ensure_student_worlds
    from crmlab.autograde.roster import private_dir, write_private
    from crmlab.simulator.seeding import student_seed

    lay = CourseLayout(root)
    private_dir(root)
    write_private(lay.key_file, COURSE_KEY + "\n")
    write_private(lay.seeds_file, f"student_id,seed\n{student_id},{student_seed(COURSE_KEY, student_id)}\n")
    ensure_student_worlds(root, student_id, data_quality=True)
    return lay.handout(student_id)


def timed(code: str, env: dict, cwd: Path) -> float:
    """Wall seconds of ``python -c code`` in a fresh process (fails loudly if the code fails)."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def student_env(work: Path, **extra: str) -> dict:
    """The environment of a student's kernel: no ``CRMLAB_*`` names but ``extra``, a home of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRMLAB_")}
    return dict(env, HOME=str(work / "home"), **extra)


def measure(repeats: int, work: Path, folder: Path) -> dict[str, list[float]]:
    """Seconds of every scenario and of the floor, ``repeats`` rounds, the floor run before each scenario."""
    cwd = work / "cwd"
    cwd.mkdir(exist_ok=True)
    (work / "home").mkdir(exist_ok=True)
    runs: dict[str, list[float]] = {"floor": []}
    for r in range(repeats):
        for step, code in STEPS.items():
            for path in ("self-study", "handout"):
                runs["floor"].append(timed(FLOOR, student_env(work), cwd))
                if path == "self-study":
                    cache = work / f"cache-{r}-{len(runs)}"
                    env = student_env(work, CRMLAB_CACHE=str(cache))
                else:
                    env = student_env(work, CRMLAB_DATA=str(folder))
                runs.setdefault(f"{path}: {step}", []).append(timed(code, env, cwd))
                if path == "self-study":
                    shutil.rmtree(cache, ignore_errors=True)
    return runs


def report(runs: dict[str, list[float]]) -> list[str]:
    """One line per scenario: median seconds, spread and the ratio to the floor's median."""
    floor = statistics.median(runs["floor"])
    lines = [f"  {'floor: ' + FLOOR:<42} median {floor:5.2f} s  (n={len(runs['floor'])}, "
             f"{min(runs['floor']):.2f}-{max(runs['floor']):.2f})"]
    for name, secs in runs.items():
        if name != "floor":
            med = statistics.median(secs)
            lines.append(f"  {name:<42} median {med:5.2f} s  ({min(secs):.2f}-{max(secs):.2f})  "
                         f"ratio {med / floor:4.2f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Build a handout, time every scenario alternately with the floor, print the figures."""
    from crmlab.autograde.cli import OneLineParser
    from crmlab.simulator.cli import positive_int

    ap = OneLineParser(prog="bench/first_world.py", description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=positive_int, default=7, help="rounds (median reported)")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="crmlab-bench-first-world-"))
    try:
        folder = hand_out(work / "course")
        runs = measure(args.repeats, work, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"bench/first_world.py: fresh processes, {args.repeats} rounds, {os.cpu_count()} cores; "
          f"target my_world() < 2x floor (1.5x if possible)")
    print("\n".join(report(runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
