"""Comparison rules: how the grader compares a recorded answer with the one it computed.

Each rule's :meth:`Rule.judge` runs on the grader's side, on plain values read back from the answer channel,
and returns ``None`` (pass) or the kind of mismatch in a few words — wrong type, wrong shape, missing
column, wrong row count, far off or close — never a number from which the expected value could be solved.
Every rule carries the reason for its tolerance, so an instructor reads why it is what it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from crmlab.autograde.observe import Probe

FAR = "与你的数据重新算出的答案相差较远 far off the answer recomputed from your data"
NEAR = "接近但超出容差 close to the answer, but outside the tolerance"


def _numeric(value) -> np.ndarray | None:
    """``value`` as a float array, or ``None`` if it is not numbers (bools and strings are not)."""
    if isinstance(value, (bool, str, dict)) or value is None:
        return None
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return arr


def _closeness(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> str | None:
    """``None`` if every entry is within tolerance; else far off or close (10× the tolerance apart)."""
    ok = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
    if ok.all():
        return None
    near = np.isclose(a, b, rtol=10 * rtol, atol=10 * atol, equal_nan=True)
    return NEAR if near.all() else FAR


@dataclass(frozen=True)
class Rule:
    """Base: ``judge(actual, want) -> None | str``."""

    reason: str = ""

    def judge(self, actual, want) -> str | None:
        raise NotImplementedError


@dataclass(frozen=True)
class Close(Rule):
    """Numbers or numeric arrays equal within ``rtol`` (relative) and ``atol`` (absolute)."""

    rtol: float = 1e-9
    atol: float = 1e-9

    def judge(self, actual, want) -> str | None:
        a, b = _numeric(actual), np.asarray(want, dtype=float)
        if a is None:
            return "类型不对 wrong type: a number or an array of numbers is expected"
        if a.shape != b.shape:
            return "形状不对 wrong shape (length or dimensions do not fit your data)"
        return _closeness(a, b, self.rtol, self.atol)


@dataclass(frozen=True)
class Equal(Rule):
    """Exact equality of labels, strings, integers or lists of them (order matters)."""

    def judge(self, actual, want) -> str | None:
        if isinstance(want, (list, tuple, np.ndarray)):
            if not isinstance(actual, (list, tuple, np.ndarray)):
                return "类型不对 wrong type: a list is expected"
            a, b = list(np.asarray(actual, dtype=object).tolist()), list(np.asarray(want, dtype=object).tolist())
            if len(a) != len(b):
                return "长度不对 wrong length"
            return None if a == b else "与重新算出的答案不一致 differs from the answer recomputed from your data"
        if type(actual) is not type(want) and not (_numeric(actual) is not None and _numeric(want) is not None):
            return "类型不对 wrong type"
        return None if actual == want else "与重新算出的答案不一致 differs from the answer recomputed from your data"


@dataclass(frozen=True)
class SamePartition(Rule):
    """Two labellings group the same items together (the label values themselves do not matter)."""

    def judge(self, actual, want) -> str | None:
        import pandas as pd

        if not isinstance(actual, (list, np.ndarray)):
            return "类型不对 wrong type: one label per record is expected"
        a, b = np.asarray(actual, dtype=object), np.asarray(want, dtype=object)
        if a.shape != b.shape:
            return "长度不对 wrong length: one label per record is expected"
        same = np.array_equal(pd.factorize(pd.Series(a).astype(str))[0], pd.factorize(pd.Series(b).astype(str))[0])
        return None if same else "分组与规则给出的不一致 the grouping differs from the rule's"


@dataclass(frozen=True)
class Frame(Rule):
    """DataFrames equal on ``columns`` after sorting both by ``key`` (row order free); numbers within ``rtol``."""

    key: tuple = ()
    columns: tuple = ()
    rtol: float = 1e-6

    def judge(self, actual, want) -> str | None:
        import pandas as pd

        if not isinstance(actual, pd.DataFrame):
            return "类型不对 wrong type: a DataFrame is expected"
        keys, cols = list(self.key), list(self.columns or want.columns)
        missing = [c for c in dict.fromkeys(keys + cols) if c not in actual.columns]
        if missing:
            return f"缺少列 missing column(s) {missing}"
        if len(actual) != len(want):
            return "行数不对 wrong row count for your data"
        try:
            a = actual.sort_values(keys).reset_index(drop=True)
        except (TypeError, ValueError):
            return "键列无法排序 the key column(s) cannot be sorted"
        b = want.sort_values(keys).reset_index(drop=True)
        for col in cols:
            x, y = a[col], b[col]
            if pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y):
                xa = _numeric(x.to_numpy())
                if xa is None:
                    return f"列 {col} 不是数值 column {col} is not numeric"
                kind = _closeness(xa, y.to_numpy(dtype=float), self.rtol, 1e-9)
            else:
                same = np.array_equal(x.astype(str).to_numpy(), y.astype(str).to_numpy())
                kind = None if same else "与重新算出的答案不一致 differs from the answer recomputed from your data"
            if kind:
                return f"列 column {col}: {kind}"
        return None


@dataclass(frozen=True)
class AtLeast(Rule):
    """A number at least the grader's pass mark (computed per student by the reference)."""

    def judge(self, actual, want) -> str | None:
        a = _numeric(actual)
        if a is None or a.shape != ():
            return "类型不对 wrong type: a number is expected"
        return None if float(a) >= float(want) else "低于及格线 below the pass mark for your data"


@dataclass(frozen=True)
class Observed(Rule):
    """The grader runs the recorded artefact (SQL text, a function's source) through ``probe`` itself, in a
    sandbox on the student's data (:mod:`autograde.observe`), and compares the observed behaviour with the
    expected one. For tasks whose right answer is the same for everyone, so that a recorded claim proves
    nothing; the expected behaviour is declared in the reference's ``TRUTH``."""

    probe: Probe | None = None

    def artefact(self, recorded, want):
        """What the probe runs: the recorded artefact (a subclass may add inputs the grader holds)."""
        return recorded

    def judge(self, actual, want) -> str | None:
        if actual is None:
            return "无法观察到行为 the grader could not observe the behaviour of your artefact"
        return None if actual == want else "行为与要求不符 the observed behaviour is not the required one"
