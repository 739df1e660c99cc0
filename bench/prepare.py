"""Bench: preparing a class before grading — enrol and hand out data, then every student's expected answers.

A fresh course holding only the assignment measured is built (so a lecture still being written elsewhere
in ``course/`` cannot stop the bench); ``crmlab class init`` enrols ``--students`` students (each gets both
worlds, clean and data-quality, kept with the truth on the grader's side and handed out as observed tables),
then ``prepare_class`` computes every student's expected answers for one assignment (what ``crmlab grade`` would
otherwise do per student before grading). Prints both wall times, per student and per world, with the number
of cores. Issue 12's target: a class of 200 in under 3 minutes on 2 cores.

Usage: ``python bench/prepare.py [--students 200] [--assignment 01_crm_foundations] [--workers N]``
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Time enrolment and expected answers for a class; print the figures."""
    from crmlab.autograde.cli import OneLineParser
    from crmlab.simulator.cli import positive_int

    ap = OneLineParser(prog="bench/prepare.py", description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=positive_int, default=200)
    ap.add_argument("--assignment", default="01_crm_foundations")
    ap.add_argument("--workers", type=positive_int, default=None, help="processes (default: all cores)")
    args = ap.parse_args(argv)

    from crmlab.autograde.build import build_course
    from crmlab.autograde.prepare import prepare_class
    from crmlab.autograde.roster import init_class

    source = Path(__file__).resolve().parents[1] / "course"
    if not (source / args.assignment).is_dir():
        ap.error(f"unknown assignment {args.assignment!r}; course/ holds: "
                 f"{', '.join(sorted(p.name for p in source.iterdir() if p.is_dir()))}")
    work = Path(tempfile.mkdtemp(prefix="crmlab-bench-prepare-"))
    try:
        shutil.copytree(source / args.assignment, work / "src" / args.assignment,
                        ignore=shutil.ignore_patterns("__pycache__"))
        course_dir = work / "course"
        build_course(out=course_dir, course=work / "src")
        roster = work / "roster.csv"
        roster.write_text("student_id\n" + "".join(f"p{i:04d}\n" for i in range(args.students)))
        t0 = time.perf_counter()
        init_class(course_dir=course_dir, roster=roster, workers=args.workers)
        t_init = time.perf_counter() - t0
        t0 = time.perf_counter()
        prepare_class(course_dir=course_dir, assignments=[args.assignment], workers=args.workers)
        t_expected = time.perf_counter() - t0
    finally:
        shutil.rmtree(work, ignore_errors=True)
    n, total = args.students, t_init + t_expected
    print(f"bench/prepare.py: a class of {n}, {args.assignment}, {args.workers or os.cpu_count()} worker(s), "
          f"{os.cpu_count()} cores")
    print(f"  class init (2 worlds each, kept + handed out)  {t_init:7.1f} s  ({t_init / n:.2f} s/student, "
          f"{t_init / (2 * n):.2f} s/world)")
    print(f"  expected answers                              {t_expected:7.1f} s  ({t_expected / n:.2f} s/student)")
    print(f"  total                                         {total:7.1f} s  (target < 180 s for 200 on 2 cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
