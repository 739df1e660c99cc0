"""What hidden tests call at grading time: the expected answers for the student being graded.

The grader (``autograde.grade``) computes each student's expected answers on its own side, from the world
it regenerates from the student's id and the course key, and hands the kernel only a pickle of them
(``CRMLAB_EXPECTED``). Nothing in this module is secret; outside grading it only says so. Failure messages
never print the expected value, so feedback cannot leak it.
"""

from __future__ import annotations

import math
import os
import pickle
from functools import lru_cache

import numpy as np
import pandas as pd


class HiddenTestUnavailable(RuntimeError):
    """Raised when hidden tests run outside the instructor's grading."""


@lru_cache(maxsize=4)
def _load(path: str) -> dict:
    with open(path, "rb") as fh:
        return pickle.load(fh)


def expected(key: str):
    """The expected answer ``key`` for the student being graded (grading only)."""
    path = os.environ.get("CRMLAB_EXPECTED")
    if not path:
        raise HiddenTestUnavailable("hidden tests run only when the instructor grades this notebook")
    answers = _load(path)
    if key not in answers:
        raise HiddenTestUnavailable(f"no expected answer named {key!r} (reference out of date?)")
    return answers[key]


def _rel_err(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-12)


def assert_close(actual, want, *, what: str, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """Scalar (or array) ``actual`` ≈ ``want``; the message gives the relative error only."""
    try:
        a = np.asarray(actual, dtype=float)
        b = np.asarray(want, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(f"hidden test: {what} is not a number (got {type(actual).__name__})") from None
    if a.shape != b.shape:
        raise AssertionError(f"hidden test: {what} has shape {a.shape}, which does not fit your data")
    if not np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True):
        if a.ndim == 0 and math.isfinite(float(b)):
            err = _rel_err(float(a), float(b))
            raise AssertionError(f"hidden test: {what} does not match the value recomputed from your data "
                                 f"(off by {err:.1%})")
        bad = int((~np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)).sum())
        raise AssertionError(f"hidden test: {what} differs from the recomputed values in {bad} of {a.size} places")


def assert_equal(actual, want, *, what: str) -> None:
    """Exact equality (strings, ints, labels); the message never shows ``want``."""
    if isinstance(want, (list, tuple, np.ndarray, pd.Series)):
        a, b = list(actual) if hasattr(actual, "__iter__") and not isinstance(actual, str) else actual, list(want)
        if a != b:
            n = sum(x != y for x, y in zip(a, b)) if isinstance(a, list) and len(a) == len(b) else None
            detail = f"{n} of {len(b)} entries differ" if n is not None else "length or type differs"
            raise AssertionError(f"hidden test: {what} does not match ({detail})")
    elif actual != want:
        raise AssertionError(f"hidden test: {what} does not match the answer recomputed from your data")


def assert_frame_matches(actual, want: pd.DataFrame, *, what: str, key, rtol: float = 1e-6,
                         check_columns: list[str] | None = None) -> None:
    """DataFrame ``actual`` equals ``want`` on ``check_columns`` after sorting by ``key`` (order-free)."""
    if not isinstance(actual, pd.DataFrame):
        raise AssertionError(f"hidden test: {what} must be a DataFrame, got {type(actual).__name__}")
    keys = [key] if isinstance(key, str) else list(key)
    cols = list(check_columns or want.columns)
    missing = [c for c in keys + cols if c not in actual.columns]
    if missing:
        raise AssertionError(f"hidden test: {what} lacks column(s) {missing}")
    if len(actual) != len(want):
        raise AssertionError(f"hidden test: {what} has {len(actual)} rows; your data gives a different count")
    a = actual.sort_values(keys).reset_index(drop=True)
    b = want.sort_values(keys).reset_index(drop=True)
    for col in cols:
        x, y = a[col], b[col]
        if pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y):
            try:
                ok = np.isclose(x.astype(float), y.astype(float), rtol=rtol, atol=1e-9, equal_nan=True)
            except (TypeError, ValueError):
                raise AssertionError(f"hidden test: {what}.{col} is not numeric") from None
        else:
            ok = (x.astype(str).to_numpy() == y.astype(str).to_numpy())
        if not ok.all():
            raise AssertionError(f"hidden test: {what}.{col} differs from the recomputed values in "
                                 f"{int((~ok).sum())} of {len(ok)} rows")
