"""Formative checks shown to students: seed-independent, and they say what is wrong and how to look.

One module per lecture topic. A check raises :class:`CheckError` with a teaching message, or prints a
pass line that reminds the student that hidden tests will still compare the answer with their own data.
"""

from __future__ import annotations


class CheckError(AssertionError):
    """A formative check failed; the message explains what is wrong and where to look."""


PASS_NOTE = "（形式检查通过 / formative checks passed — 提交后隐藏测试仍会用你自己的数据核对答案 hidden tests will still check it on your own data）"


def passed(task: str) -> None:
    """Print the standard pass line for ``task``."""
    print(f"✓ {task} {PASS_NOTE}")


def fail(message: str) -> None:
    """Raise a :class:`CheckError` with ``message``."""
    raise CheckError(message)


def number(x, *, name: str) -> float:
    """``x`` as a finite float, or a :class:`CheckError` saying what ``name`` should be."""
    import math

    try:
        value = float(x)
    except (TypeError, ValueError):
        fail(f"{name} 应该是一个数 a number（got {type(x).__name__}）")
    if not math.isfinite(value):
        fail(f"{name} 不是有限数 not finite: {value}")
    return value


def require_columns(df, columns, *, name: str) -> None:
    """``df`` must be a DataFrame with every column in ``columns``."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        fail(f"{name} 应该是 pandas DataFrame（got {type(df).__name__}）")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        fail(f"{name} 缺少列 missing column(s) {missing}；现有列 you have {list(df.columns)}")
