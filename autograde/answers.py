"""The restricted channel from a grading kernel to the grader: named answers as JSON and Arrow files.

The kernel side (:func:`record`) writes ``<grade_id>.json`` into the folder named by env ``CRMLAB_ANSWERS``
(outside grading it does nothing). Only plain values pass: ``None``, ``bool``, ``int``, ``float``, ``str``,
lists and tuples of them, dicts with ``str`` keys, numpy arrays of numbers, booleans or strings, and
DataFrames (written as Arrow IPC files beside the JSON). Subclasses are refused, never trusted: nothing
the student defines is consulted for equality or conversion on the grader's side.

The grader side (:func:`read_answers`) runs after the kernel and every process it started are gone. It
reads only regular files (no links) of bounded size, and returns plain Python values and DataFrames.
A missing or unreadable record is simply absent: the verdict then says "no answer recorded".
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

MAX_JSON_BYTES = 20_000_000  # per task record
MAX_FRAME_BYTES = 50_000_000  # per recorded DataFrame
GRADE_ID_RE = re.compile(r"^[A-Za-z0-9_]{1,64}$")


class AnswerError(TypeError):
    """A value cannot be recorded (a subclass, an object, a non-finite key …); the message says why."""


def _plain(value, where: str, frames: dict):
    """``value`` as plain JSON data; DataFrames are set aside in ``frames`` and referenced by name."""
    import numpy as np
    import pandas as pd

    kind = type(value)
    if value is None or kind in (bool, str):
        return value
    if kind is int:
        return value
    if kind is float:
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if kind in (np.float64, np.float32, np.int64, np.int32, np.bool_):
        return _plain(value.item(), where, frames)
    if kind in (list, tuple):
        return [_plain(v, f"{where}[{i}]", frames) for i, v in enumerate(value)]
    if kind is dict:
        if not all(type(k) is str for k in value):
            raise AnswerError(f"{where}: dict keys must be str")
        return {k: _plain(v, f"{where}[{k!r}]", frames) for k, v in value.items()}
    if kind is np.ndarray:
        if value.dtype.kind not in "biufUO" or value.ndim > 2:
            raise AnswerError(f"{where}: arrays of numbers or strings only (got dtype {value.dtype})")
        return {"__array__": _plain(value.tolist(), where, frames)}
    if kind is pd.DataFrame:
        name = f"f{len(frames)}"
        frames[name] = value
        return {"__frame__": name}
    raise AnswerError(f"{where}: cannot record a {kind.__module__}.{kind.__qualname__}; "
                      f"record plain numbers, strings, lists, numpy arrays or DataFrames")


def record(grade_id: str, answers: dict) -> bool:
    """Write the named ``answers`` of task ``grade_id`` for the grader; returns whether anything was written.

    Outside grading (env ``CRMLAB_ANSWERS`` unset) nothing is written and ``False`` is returned.
    """
    from crmlab.autograde.layout import ENV_ANSWERS

    folder = os.environ.get(ENV_ANSWERS)
    if not folder:
        return False
    if not GRADE_ID_RE.match(grade_id):
        raise AnswerError(f"bad grade id {grade_id!r}")
    frames: dict = {}
    data = _plain(dict(answers), grade_id, frames)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        import pyarrow as pa
        import pyarrow.feather as feather

        try:
            table = pa.Table.from_pandas(frame, preserve_index=False)
        except (pa.ArrowException, TypeError, ValueError) as exc:
            raise AnswerError(f"{grade_id}: a DataFrame column cannot be recorded ({exc})") from None
        feather.write_feather(table, folder / f"{grade_id}.{name}.arrow", compression="uncompressed")
    tmp = folder / f".{grade_id}.json.tmp"
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, folder / f"{grade_id}.json")
    return True


def _read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (not a link) of at most ``limit`` bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        import stat

        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(limit + 1)[:limit]
    finally:
        os.close(fd)


def _revive(value, frames: dict):
    """Undo :func:`_plain`'s markers: arrays, non-finite floats and DataFrames."""
    import numpy as np

    if isinstance(value, list):
        return [_revive(v, frames) for v in value]
    if isinstance(value, dict):
        if set(value) == {"__array__"}:
            return np.asarray(_revive(value["__array__"], frames))
        if set(value) == {"__float__"}:
            return float(value["__float__"]) if value["__float__"] in ("nan", "inf", "-inf") else None
        if set(value) == {"__frame__"}:
            return frames.get(str(value["__frame__"]))
        return {k: _revive(v, frames) for k, v in value.items()}
    return value


def read_answers(folder: str | os.PathLike, grade_id: str) -> dict | None:
    """The answers recorded for ``grade_id`` in ``folder``, or ``None`` if absent or unreadable."""
    import io

    if not GRADE_ID_RE.match(grade_id):
        return None
    folder = Path(folder)
    raw = _read_regular(folder / f"{grade_id}.json", MAX_JSON_BYTES)
    if raw is None:
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    frames = {}
    for i in range(64):
        blob = _read_regular(folder / f"{grade_id}.f{i}.arrow", MAX_FRAME_BYTES)
        if blob is None:
            break
        try:
            import pyarrow.feather as feather

            frames[f"f{i}"] = feather.read_table(io.BytesIO(blob)).to_pandas()
        except Exception:  # noqa: BLE001 - a malformed file is an unreadable record, nothing more
            return None
    try:
        return _revive(data, frames)
    except RecursionError:
        return None
