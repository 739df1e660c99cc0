"""Joining the blocks into one world: id offsets, string ids, global steps, schema order and dtypes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from . import schema

# block-local id column -> the table whose row count offsets it
LOCAL_IDS = {"order_id": "orders", "ticket_id": "tickets", "call_id": "calls", "survey_id": "surveys",
             "lead_id": "leads", "opportunity_id": "opportunities"}
PRIMARY = {"orders": "order_id", "tickets": "ticket_id", "calls": "call_id", "surveys": "survey_id",
           "leads": "lead_id", "opportunities": "opportunity_id"}


def block_rows(res: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Rows a block adds to each table that owns a block-local id (``PRIMARY``)."""
    return {table: len(res[f"observed:{table}"]) for table in PRIMARY}


def shift_local_ids(df: pd.DataFrame, offsets: dict[str, int]) -> None:
    """Shift ``df``'s block-local id columns (in place) by the rows earlier blocks gave their tables.

    ``offsets`` maps each ``PRIMARY`` table to the rows of all earlier blocks; −1 (missing) stays −1.
    """
    for col, owner in LOCAL_IDS.items():
        if col in df.columns:
            v = df[col].to_numpy()
            df[col] = np.where(v >= 0, v + offsets[owner], -1).astype(np.int64)


def concat_blocks(results: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Concatenate per-block frames in block order, shifting block-local ids to global ones.

    Consumes ``results`` (its frames are released table by table to bound peak memory).
    """
    offsets = [dict.fromkeys(PRIMARY, 0)]
    for res in results:
        rows = block_rows(res)
        offsets.append({t: offsets[-1][t] + rows[t] for t in PRIMARY})
    out = {}
    for key in list(results[0]):
        parts = []
        for b, res in enumerate(results):
            df = res.pop(key)
            shift_local_ids(df, offsets[b])
            parts.append(df)
        out[key] = pd.concat(parts, ignore_index=True)
        del parts
    return out


def format_id_array(values: np.ndarray, prefix: str, digits: int) -> pa.LargeStringArray:
    """Integers → ``prefix`` + zero-padded (value+1); −1 → "". Built straight into Arrow string buffers."""
    v = np.asarray(values, dtype=np.int64)
    present = v >= 0
    q = v[present] + 1
    width = len(prefix) + digits
    buf = np.empty((width, len(q)), dtype=np.uint8)  # column-major: one contiguous row per position
    buf[: len(prefix)] = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)[:, None]
    for k in range(width - 1, len(prefix) - 1, -1):
        q, r = np.divmod(q, 10)
        buf[k] = 48 + r
    offsets = np.zeros(len(v) + 1, dtype=np.int64)
    np.cumsum(np.where(present, width, 0), out=offsets[1:])
    return pa.LargeStringArray.from_buffers(len(v), pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(buf.T)))


def str_take(labels, codes: np.ndarray) -> pd.arrays.ArrowStringArray:
    """``labels[codes]`` as a pandas ``str`` array, built by an Arrow take: no per-row type inference."""
    table = pa.array([str(x) for x in labels], type=pa.large_string())
    return pd.array(table.take(pa.array(np.asarray(codes, dtype=np.int64))), dtype="str")


def format_ids(values: np.ndarray, prefix: str, digits: int) -> pd.arrays.ArrowStringArray:
    """:func:`format_id_array` as a pandas ``str`` array."""
    return pd.array(format_id_array(values, prefix, digits), dtype="str")


def to_arrow_strings(df: pd.DataFrame) -> pd.DataFrame:
    """Object columns → pandas ``str`` (Arrow) in place of Python objects: cheap to pickle and concatenate."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].astype("str")
    return out


def render_ids(df: pd.DataFrame, *, inplace: bool = False) -> pd.DataFrame:
    """Replace every integer id column of ``df`` by its string form (``schema.ID_FORMATS``)."""
    out = df if inplace else df.copy()
    for col, (prefix, digits) in schema.ID_FORMATS.items():
        if col in out.columns and pd.api.types.is_integer_dtype(out[col]):
            out[col] = format_ids(out[col].to_numpy(), prefix, digits)
    return out


def conform(df: pd.DataFrame, columns: dict[str, schema.Column]) -> pd.DataFrame:
    """Select the schema's columns in its order and cast to its dtypes (columns already right are not copied)."""
    out = {}
    for col, (dtype, _) in columns.items():
        s = df[col]
        if dtype == "str":
            s = s if s.dtype == "str" else s.astype("str")
            s = s.fillna("") if s.hasnans else s
        elif dtype == "datetime64[s]":
            s = s if s.dtype == "datetime64[s]" else pd.to_datetime(s).astype("datetime64[s]")
        elif s.dtype != dtype:
            s = s.astype(dtype)
        out[col] = s
    return pd.DataFrame(out).reset_index(drop=True)
