"""``crmlab simulate``: argument parsing only; the work is ``simulator.stream`` (``simulate`` + ``World.save``
with ``--data-quality``)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from .config import CROSS_BORDER_LOCALES, MODES


def positive_int(text: str) -> int:
    """argparse type: an integer ≥ 1 (shared by every ``crmlab`` subcommand)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer seed, got {text!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"seed must be in [0, 2**63), got {value}")
    return value


def _locales(text: str) -> tuple[str, ...]:
    locs = tuple(x.strip() for x in text.split(",") if x.strip())
    bad = [x for x in locs if x not in CROSS_BORDER_LOCALES]
    if bad or not locs:
        raise argparse.ArgumentTypeError(f"unknown locale {bad[0] if bad else text!r}; "
                                         f"choose from {','.join(CROSS_BORDER_LOCALES)}")
    return locs


def register(sub) -> None:
    """Add ``simulate`` to the ``crmlab`` subcommands."""
    p = sub.add_parser("simulate", help="simulate a world and write its tables (and truth/)")
    p.add_argument("--customers", type=positive_int, default=10_000, help="customer accounts (default 10000)")
    p.add_argument("--shops", type=positive_int, default=6, help="shops (default 6)")
    p.add_argument("--months", type=positive_int, default=24, help="horizon length in months (default 24)")
    p.add_argument("--start", default="2024-01-01", help="first day, YYYY-MM-DD (default 2024-01-01)")
    p.add_argument("--end", default=None, help="horizon end YYYY-MM-DD (overrides --months)")
    p.add_argument("--seed", type=_seed, default=0, help="world seed (default 0)")
    p.add_argument("--student", help="student id: derive the seed from it and --course-key")
    p.add_argument("--course-key", help="course key for --student (or env CRMLAB_COURSE_KEY)")
    p.add_argument("--mode", choices=MODES, default="lifecycle", help="generative process")
    p.add_argument("--locales", type=_locales, default=CROSS_BORDER_LOCALES,
                   help="cross-border buyer locales, comma-separated")
    p.add_argument("--data-quality", action="store_true", help="add duplicates, guest orders and typos")
    p.add_argument("--format", choices=("parquet", "csv"), default="parquet", help="file format")
    p.add_argument("--workers", type=positive_int, default=1, help="processes (output identical for any value)")
    p.add_argument("--out", required=True, help="output folder (must be empty or absent unless --force)")
    p.add_argument("--force", action="store_true", help="replace a non-empty output folder")
    p.set_defaults(func=run)


def run(args) -> int:
    """Validate, stream the world to disk atomically (in memory with --data-quality), print the summary."""
    import pandas as pd

    from . import simulate, student_seed, summarize
    from .config import ConfigError as UsageError  # crmlab prints it on one line and exits 2
    from .engine import make_config
    from .stream import write_world
    from .world import _check_target

    try:
        start = pd.Timestamp(args.start)
        end = pd.Timestamp(args.end) if args.end else start + pd.DateOffset(months=args.months)
    except (ValueError, TypeError):
        raise UsageError(f"cannot read the dates {args.start!r} / {args.end!r}; use YYYY-MM-DD") from None
    seed = args.seed
    if args.student is not None:
        from crmlab.autograde.layout import ENV_COURSE_KEY

        key = args.course_key or os.environ.get(ENV_COURSE_KEY)
        if not key:
            raise UsageError("--student needs --course-key (or env CRMLAB_COURSE_KEY)")
        if not args.student.strip():
            raise UsageError("--student must not be empty")
        seed = student_seed(key, args.student)
    out = Path(args.out)
    _check_target(out.absolute(), args.force)  # fail before the work, not after
    kwargs = dict(n_customers=args.customers, n_shops=args.shops, start=start, end=end, mode=args.mode,
                  locales=args.locales, data_quality=args.data_quality, seed=seed)
    progress = args.customers >= 50_000
    if args.data_quality:  # works on the whole world: in memory
        world = simulate(**kwargs, workers=args.workers, progress=progress)
        path, stats = world.save(out, format=args.format, force=args.force), world
    else:
        path, stats = write_world(out, make_config(**kwargs), format=args.format, force=args.force,
                                  workers=args.workers, progress=progress)
    print(summarize(stats, where=str(path)))
    return 0
