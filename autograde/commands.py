"""The course subcommands of ``crmlab``: argument parsing only; the work is in the library modules.

``course build``, ``class init``, ``grade``, ``report`` and ``demo``; each user error raises
:class:`autograde.cli.UsageError` (one line, exit 2).
"""

from __future__ import annotations

from pathlib import Path

from crmlab.autograde.errors import UsageError
from crmlab.simulator.cli import positive_int


def _course_dir(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        raise UsageError(f"course dir {path} does not exist")
    return path


def run_build(args) -> int:
    """``crmlab course build``."""
    from crmlab.autograde.build import build_course

    built = build_course(out=args.out, course=args.course, edition=args.edition)
    print(f"built the {args.edition} edition, {len(built)} lecture(s), in {Path(args.out)}: {', '.join(built)}")
    if args.edition == "self-study":
        print(f"start it with: jupyter lab {Path(args.out)}")
    return 0


def run_measure(args) -> int:
    """``crmlab course measure``."""
    from crmlab.autograde.build import find_assignments
    from crmlab.autograde.measure import measure_all, pass_rates

    course = Path(args.course) if args.course else Path(__file__).resolve().parent.parent / "course"
    folders = [f for f in find_assignments(course) if f.name in args.lectures or not args.lectures]
    unknown = sorted(set(args.lectures) - {f.name for f in folders})
    if unknown:
        raise UsageError(f"no lecture {', '.join(unknown)} in {course}")
    folders = [f for f in folders if (f / "reference.py").is_file()]
    written = measure_all(folders, figure_seeds=args.figure_seeds, recovery_seeds=args.recovery_seeds, jobs=args.jobs)
    for folder, content in written.items():
        rates = ", ".join(f"{gid} {rate:.1%}" for gid, rate in pass_rates(content).items()) or "no truth tasks"
        print(f"{folder.name}: {len(content['figures'])} figure(s); recovery: {rates}")
    return 0


def run_init(args) -> int:
    """``crmlab class init``."""
    from crmlab.autograde.roster import init_class

    seeds = init_class(course_dir=_course_dir(args.course_dir), roster=args.roster)
    print(f"class of {len(seeds)} enrolled; data to hand out in {Path(args.course_dir) / 'handout'}/<id>/crmlab-data")
    return 0


def run_grade(args) -> int:
    """``crmlab grade``."""
    from crmlab.autograde.grade import grade_assignment

    records = grade_assignment(course_dir=_course_dir(args.course_dir), assignment=args.assignment,
                               submissions_path=args.submissions, workers=args.workers, timeout=args.timeout,
                               sandbox=args.sandbox, resume=args.resume)
    graded = sum(r["kind"] != "missing" for r in records)
    flagged = sum(r["flagged"] for r in records)
    print(f"{args.assignment}: {graded} graded, {len(records) - graded} missing, {flagged} with a status note; "
          f"see {Path(args.course_dir) / 'grades.csv'}")
    from crmlab.autograde.report import run_notes

    for note in run_notes(args.course_dir, [args.assignment]).values():
        print(f"note: {note}")
    return 0


def run_report(args) -> int:
    """``crmlab report``."""
    from crmlab.autograde.report import write_report

    path = write_report(course_dir=_course_dir(args.course_dir))
    print(f"report: {path}")
    return 0


def run_demo(args) -> int:
    """``crmlab demo``."""
    from crmlab.autograde.demo import run_demo as demo

    demo(out=args.out, workers=args.workers, n_students=args.students, execute=args.execute)
    return 0


def register(subparsers) -> None:
    """Add ``course``, ``class``, ``grade``, ``report`` and ``demo`` to the ``crmlab`` subcommands."""
    course = subparsers.add_parser("course", help="build the nbgrader course from course/")
    course_sub = course.add_subparsers(dest="course_command", required=True, metavar="ACTION")
    build = course_sub.add_parser("build", help="convert course/ into an nbgrader course directory")
    build.add_argument("--out", required=True, help="course directory to write (source/, release/, …)")
    build.add_argument("--course", default=None, help="folder of NN_slug/ lectures (default: the repo's course/)")
    build.add_argument("--edition", default="class", choices=("class", "self-study"),
                       help="class (nbgrader course, default) or self-study (local verdicts, solutions on request)")
    build.set_defaults(func=run_build)
    meas = course_sub.add_parser("measure", help="measure the figures the prose quotes and the recovery studies")
    meas.add_argument("lectures", nargs="*", help="lecture ids (default: all)")
    meas.add_argument("--course", default=None, help="folder of NN_slug/ lectures (default: the repo's course/)")
    meas.add_argument("--figure-seeds", type=positive_int, default=40, help="seeds for the figures (default 40)")
    meas.add_argument("--recovery-seeds", type=positive_int, default=200,
                      help="seeds for each truth-graded task's recovery study (default 200)")
    meas.add_argument("--jobs", type=positive_int, default=1, help="processes (default 1)")
    meas.set_defaults(func=run_measure)

    klass = subparsers.add_parser("class", help="manage the class roster")
    klass_sub = klass.add_subparsers(dest="class_command", required=True, metavar="ACTION")
    init = klass_sub.add_parser("init", help="enrol a roster and hand out each student's data")
    init.add_argument("--course-dir", required=True, help="built course directory")
    init.add_argument("--roster", required=True, help="CSV with student_id[,first_name,last_name,email]")
    init.set_defaults(func=run_init)

    grade = subparsers.add_parser("grade", help="autograde one assignment for the whole class")
    grade.add_argument("assignment", help="assignment id, e.g. 01_crm_foundations")
    grade.add_argument("--course-dir", required=True, help="built course directory with a class")
    grade.add_argument("--submissions", required=True, help="submitted/ tree, folder or .zip named by student")
    grade.add_argument("--workers", type=positive_int, default=None, help="processes (default: all cores)")
    grade.add_argument("--timeout", type=positive_int, default=30, help="per-cell time limit in s (default 30)")
    grade.add_argument("--sandbox", default="auto", choices=("auto", "bwrap", "unshare", "none"),
                       help="how grading kernels are isolated (default auto: bubblewrap, else unshare, else none)")
    grade.add_argument("--resume", action="store_true",
                       help="keep students an interrupted run already graded from the same files")
    grade.set_defaults(func=run_grade)

    report = subparsers.add_parser("report", help="write the class report (HTML) next to the CSVs")
    report.add_argument("--course-dir", required=True, help="graded course directory")
    report.set_defaults(func=run_report)

    demo = subparsers.add_parser("demo", help="run the whole pipeline on a demo class")
    demo.add_argument("--out", default="demo", help="demo folder, replaced on each run (default demo/)")
    demo.add_argument("--workers", type=positive_int, default=None, help="grading processes (default: all cores)")
    demo.add_argument("--students", type=positive_int, default=30, help="class size (default 30)")
    demo.add_argument("--execute", action="store_true",
                      help="run the solution and partial submissions on the students' data before grading")
    demo.set_defaults(func=run_demo)
