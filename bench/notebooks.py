"""Notebook benchmark: each lecture's solution run top to bottom as a student would, per-cell timings.

For every lecture in ``course/`` the instructor solution (``source/`` of a fresh build with the hidden
tests removed: a student's completed notebook) is executed in a fresh kernel twice: as a class student
does, on the handed-out data folder of a one-student class (env ``CRMLAB_DATA``; ``my_world()`` checks
and reads it, never simulates), and as a self-learner's first session does, on the public self-study seed
with an empty cache (the first ``my_world()`` call simulates the world). Prints per notebook the wall
time, kernel start included, and the slowest cells. Targets of issue 4: a notebook under 60 s, every
cell under 2 s.

Usage: ``python bench/notebooks.py [--course course/]``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def cell_seconds(cell) -> float:
    """Seconds between a cell's execute_input and its execute_reply (nbclient's record_timing)."""
    meta = cell.get("metadata", {}).get("execution", {})
    t0, t1 = meta.get("iopub.execute_input"), meta.get("shell.execute_reply")
    if not (t0 and t1):
        return 0.0
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
    return (parse(t1) - parse(t0)).total_seconds()


def run_notebook(path: Path, env: dict) -> tuple[float, list[tuple[float, str]]]:
    """Execute ``path`` in a fresh kernel whose ``CRMLAB_*`` data names are only those in ``env``.

    Returns (wall seconds, [(seconds, cell label)], slowest first).
    """
    import nbformat
    from crmlab.autograde.layout import ENV_CACHE, ENV_DATA, ENV_SEED
    from nbclient import NotebookClient
    from nbgrader.preprocessors import ClearHiddenTests

    nb = nbformat.read(path, as_version=4)
    nb, _ = ClearHiddenTests().preprocess(nb, {})  # a student's completed notebook: solutions, no hidden tests
    old = dict(os.environ)
    for name in (ENV_DATA, ENV_SEED, ENV_CACHE):
        os.environ.pop(name, None)
    os.environ.update(env)
    try:
        t0 = time.perf_counter()
        NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        wall = time.perf_counter() - t0
    finally:
        os.environ.clear()
        os.environ.update(old)
    cells = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            label = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"cell {i}"
            cells.append((cell_seconds(cell), label))
    return wall, sorted(cells, reverse=True)


def main() -> int:
    """Build the course, enrol a one-student class, run every solution on its handout and self-study."""
    from crmlab.autograde.build import build_course
    from crmlab.autograde.layout import ENV_CACHE, ENV_DATA, CourseLayout
    from crmlab.autograde.roster import init_class

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--course", type=Path, default=REPO / "course")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="crmlab-nbbench-") as tmp:
        course_dir = Path(tmp) / "course"
        names = build_course(out=course_dir, course=args.course)
        roster = Path(tmp) / "roster.csv"
        roster.write_text("student_id\nbench\n", encoding="utf-8")
        init_class(course_dir=course_dir, roster=roster)
        data = str(CourseLayout(course_dir).handout("bench"))
        print(f"bench/notebooks.py: {len(names)} notebooks, {os.cpu_count()} cores")
        worst = 0.0
        for name in names:
            path = course_dir / "source" / name / f"{name}.ipynb"
            runs = {"class handout": {ENV_DATA: data},
                    "self-study, cold cache": {ENV_CACHE: str(Path(tmp) / f"cache-{name}")}}
            for label, env in runs.items():
                wall, cells = run_notebook(path, env)
                slow = ", ".join(f"{lab} {sec:.2f} s" for sec, lab in cells[:3])
                over = sum(sec > 2.0 for sec, _ in cells)
                worst = max(worst, cells[0][0] if cells else 0.0) if label == "class handout" else worst
                print(f"  {name} ({label}): {wall:5.1f} s top to bottom incl. kernel start, "
                      f"{len(cells)} code cells, {over} over 2 s; slowest: {slow}")
        print(f"  slowest cell on a class handout: {worst:.2f} s (target < 2 s); notebook target < 60 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
