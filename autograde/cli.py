"""``crmlab``: the one console script. A thin layer: each subcommand parses arguments and calls a library.

Every user error (bad arguments, a bad roster, an unwritable folder) prints one line and exits with 2;
no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import sys

from crmlab.autograde.errors import UsageError


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (no usage block) and exit 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The full ``crmlab`` parser with every subcommand registered."""
    from crmlab.simulator import cli as sim_cli

    parser = OneLineParser(prog="crmlab", description="CRM Lab: simulate worlds, build and grade the course.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sim_cli.register(sub)
    try:
        from crmlab.autograde import commands
    except ImportError:  # the course pipeline is optional for a bare simulator install
        commands = None
    if commands is not None:
        commands.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``crmlab`` console script; returns the exit status."""
    from crmlab.simulator.config import ConfigError
    from crmlab.simulator.world import WorldIOError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (UsageError, ConfigError, WorldIOError) as exc:
        print(f"crmlab: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("crmlab: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # run as ``python -m crmlab.autograde.cli``: use the importable module's classes
    from crmlab.autograde.cli import main as _main

    sys.exit(_main())
