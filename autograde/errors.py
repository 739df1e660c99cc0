"""Errors of the course pipeline, below every module that raises or catches them (no import cycle)."""

from __future__ import annotations


class UsageError(Exception):
    """A user error; ``crmlab`` prints the message on one line and exits with status 2."""
