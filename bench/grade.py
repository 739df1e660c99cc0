"""Bench: the same 60 submissions graded by stock sequential ``nbgrader autograde`` and by ``crmlab grade``.

Both runs happen here, on this machine, one after the other: stock nbgrader (one process, the built
course's config replaced by nbgrader's defaults, every student on one seed, as a course without per-student
data would run), then ``crmlab grade`` with all cores. Every student's worlds and expected answers are
prepared before either run is timed (``autograde.prepare.prepare_class``, as an instructor can before the
deadline; reported apart), so the ratio compares grading only. Prints both wall times, the ratios (target
≥ 1.9× on 2 cores, where stock nbgrader has no parallel option) and crmlab's per-submission overhead outside
nbgrader's own autograde (sanitise, expected-answer look-up, verdicts, feedback). ``crmlab grade`` runs twice,
with its kernels sandboxed (``--sandbox auto``) and without (``none``): the difference is the sandbox's cost.

Usage: ``python bench/grade.py [--students 60] [--assignment NN_slug] [--course course/]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "autograde" / "fixtures"
STOCK_CONFIG = 'c = get_config()\nc.CourseDirectory.course_id = "crmlab"\nc.Execute.timeout = 30\n'


def _course_and_factory(course: Path | None):
    """The lecture folder to bench and its world factory (the fixture's stand-in if course/ is empty)."""
    from crmlab.autograde.build import find_assignments
    from crmlab.autograde.errors import UsageError

    if course is not None:
        return course, None
    try:
        find_assignments(REPO / "course")
        return REPO / "course", None
    except UsageError:
        sys.path.insert(0, str(FIXTURES))
        from fakeworld import fake_world

        return FIXTURES / "course", fake_world


def main() -> int:
    """Run both graders on the same class and print the comparison."""
    from crmlab.autograde.build import build_course
    from crmlab.autograde.demo import write_submissions
    from crmlab.autograde.grade import grade_assignment
    from crmlab.autograde.layout import CourseLayout
    from crmlab.autograde.prepare import prepare_class
    from crmlab.autograde.roster import init_class
    from crmlab.autograde.sandbox import resolve

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=60)
    ap.add_argument("--assignment", default=None)
    ap.add_argument("--course", type=Path, default=None)
    args = ap.parse_args()
    course, factory = _course_and_factory(args.course)
    work = Path(tempfile.mkdtemp(prefix="crmlab-bench-"))
    try:
        course_dir = work / "course"
        assignments = build_course(out=course_dir, course=course)
        name = args.assignment or assignments[0]
        plan = {f"b{i:03d}": ("solution" if i % 3 else "blank") for i in range(1, args.students + 1)}
        roster = work / "roster.csv"
        roster.write_text("student_id\n" + "".join(f"{s}\n" for s in plan))
        seeds = (init_class(course_dir=course_dir, roster=roster, factory=factory)
                 .set_index("student_id")["seed"].to_dict())
        subs = work / "submitted"
        write_submissions(course_dir=course_dir, assignment=name, plan=plan, out=subs)
        t = time.perf_counter()
        prepare_class(course_dir=course_dir, students=seeds, assignments=[name], factory=factory)
        t_worlds = time.perf_counter() - t

        stock = work / "stock"
        stock.mkdir()
        shutil.copytree(course_dir / "source", stock / "source")
        shutil.copy(course_dir / "gradebook.db", stock / "gradebook.db")
        shutil.copytree(subs, stock / "submitted")
        (stock / "nbgrader_config.py").write_text(STOCK_CONFIG)
        one = next(iter(plan))
        env = dict(os.environ, CRMLAB_DATA=str(CourseLayout(course_dir).handout(one)),
                   PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
        nbgrader = [sys.executable, "-m", "nbgrader"]
        t = time.perf_counter()
        subprocess.run([*nbgrader, "autograde", name, "--force"], cwd=stock, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t_stock = time.perf_counter() - t
        t = time.perf_counter()
        subprocess.run([*nbgrader, "generate_feedback", name, "--force"], cwd=stock, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t_stock_fb = time.perf_counter() - t

        kind, _ = resolve("auto")
        t = time.perf_counter()
        records = grade_assignment(course_dir=course_dir, assignment=name, submissions_path=subs,
                                   progress=False, world_factory=factory, sandbox=kind)
        t_crmlab = time.perf_counter() - t
        t = time.perf_counter()
        grade_assignment(course_dir=course_dir, assignment=name, submissions_path=subs, progress=False,
                         world_factory=factory, sandbox="none")
        t_bare = time.perf_counter() - t
    finally:
        shutil.rmtree(work, ignore_errors=True)
    n = len(plan)
    over = [r["timings"]["total"] - r["timings"]["autograde"] for r in records if "autograde" in r["timings"]]
    full = sum(r["score"] == r["max_score"] for r in records)
    print(f"bench/grade.py: {n} submissions of {name} ({full} full marks), {os.cpu_count()} cores")
    print(f"  worlds + expected answers before   {t_worlds:7.1f} s (not in the times below)")
    print(f"  stock nbgrader autograde (1 proc)  {t_stock:7.1f} s  ({t_stock / n:.2f} s/submission)")
    print(f"  stock autograde + feedback         {t_stock + t_stock_fb:7.1f} s")
    print(f"  crmlab grade, sandbox {kind:8s}     {t_crmlab:7.1f} s  ({t_crmlab / n:.2f} s/submission wall)")
    cost_ms = (t_crmlab - t_bare) / n * 1000
    print(f"  crmlab grade, sandbox none         {t_bare:7.1f} s  (sandbox cost {cost_ms:+.0f} ms "
          f"wall per submission, {cost_ms * min(n, os.cpu_count() or 1):+.0f} ms per worker)")
    print(f"  ratio stock autograde / crmlab     {t_stock / t_crmlab:7.2f}x")
    print(f"  ratio incl. feedback               {(t_stock + t_stock_fb) / t_crmlab:7.2f}x  (like for like; "
          f"target >= 1.9x on 2 cores)")
    print(f"  ratio incl. feedback, crmlab's per-student data preparation too "
          f"{(t_stock + t_stock_fb) / (t_crmlab + t_worlds):.2f}x")
    print(f"  crmlab overhead per submission     {statistics.median(over):7.2f} s median "
          f"(sanitise, expected answers, verdicts, feedback; per worker)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
