"""The World: observed tables, the hidden truth, and how both are written to and read from disk.

Observed tables go to ``DIR/<table>.parquet`` (or ``.csv``); truth tables to ``DIR/truth/`` with
``truth/params.json`` holding the parameters, seed, package versions and a SHA-256 of every table's bytes.
Writes go to a temporary sibling folder that is renamed into place at the end, so an interrupted or failed
save never leaves a half-written world behind.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from . import schema

FORMATS = ("parquet", "csv")


class WorldIOError(OSError):
    """A world could not be written or read; the message is one line meant for the user."""


@dataclass(frozen=True)
class Truth:
    """The hidden tables (``schema.TRUTH``) and the generation record (``params``)."""

    tables: dict[str, pd.DataFrame]
    params: dict = field(default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)


@dataclass(frozen=True)
class World:
    """A simulated world: ``world.orders`` etc. are DataFrames as in ``schema.OBSERVED``.

    ``world.truth`` holds the hidden tables; it is ``None`` in a world handed to a student.
    """

    tables: dict[str, pd.DataFrame]
    truth: Truth | None = None

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(f"World has no table {name!r}; tables: {', '.join(tables)}")

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.tables))

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v):,}" for k, v in self.tables.items())
        return f"World({sizes}; truth={'yes' if self.truth is not None else 'hidden'})"

    def without_truth(self) -> "World":
        """The same world with the truth removed (what a student gets)."""
        return World(tables=self.tables, truth=None)

    def save(self, path: str | os.PathLike, *, format: str = "parquet", force: bool = False) -> Path:
        """Write the world to folder ``path`` (created; must be empty or absent unless ``force``)."""
        return save_world(self, path, format=format, force=force)


def _table_bytes(df: pd.DataFrame, fmt: str) -> bytes:
    """Serialise one table deterministically (no pandas index, fixed writer options)."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    buf = io.BytesIO()
    if fmt == "parquet":
        pq.write_table(table, buf, compression="zstd", write_statistics=False, store_schema=True)
    else:
        pacsv.write_csv(table, buf)
    return buf.getvalue()


def _check_target(path: Path, force: bool) -> None:
    if path.exists() and not path.is_dir():
        raise WorldIOError(f"output path {path} exists and is not a folder")
    if path.is_dir() and any(path.iterdir()) and not force:
        raise WorldIOError(f"output folder {path} is not empty (use --force to replace it)")
    parent = path.parent if path.parent != Path("") else Path(".")
    if not parent.exists():
        raise WorldIOError(f"parent folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise WorldIOError(f"cannot write to {parent}")


def save_world(world: World, path: str | os.PathLike, *, format: str = "parquet", force: bool = False) -> Path:
    """Write ``world`` under ``path`` atomically; see the module docstring for the layout."""
    if format not in FORMATS:
        raise WorldIOError(f"unknown format {format!r}; choose parquet or csv")
    path = Path(path).absolute()
    _check_target(path, force)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        hashes = {}
        for name, df in world.tables.items():
            data = _table_bytes(df, format)
            (tmp / f"{name}.{format}").write_bytes(data)
            hashes[name] = hashlib.sha256(data).hexdigest()
        if world.truth is not None:
            (tmp / "truth").mkdir()
            for name, df in world.truth.tables.items():
                data = _table_bytes(df, format)
                (tmp / "truth" / f"{name}.{format}").write_bytes(data)
                hashes[f"truth/{name}"] = hashlib.sha256(data).hexdigest()
            params = dict(world.truth.params, format=format, hashes=hashes)
            (tmp / "truth" / "params.json").write_text(json.dumps(params, indent=2, sort_keys=True) + "\n")
        if path.exists():
            shutil.rmtree(path)
        os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path


def _coerce(df: pd.DataFrame, columns: dict[str, schema.Column]) -> pd.DataFrame:
    """Restore schema dtypes after reading (CSV loses them; Parquet keeps most)."""
    out = {}
    for col in df.columns:
        dtype = columns.get(col, (None,))[0]
        s = df[col]
        if dtype == "str":
            s = s.astype("str").where(s.notna(), "") if s.dtype != "str" else s.fillna("")
        elif dtype == "datetime64[s]":
            s = pd.to_datetime(s).astype("datetime64[s]")
        elif dtype is not None and str(s.dtype) != dtype:
            s = s.astype(dtype)
        out[col] = s
    return pd.DataFrame(out)


def _read(file: Path) -> pd.DataFrame:
    if file.suffix == ".parquet":
        return pq.read_table(file).to_pandas()
    return pacsv.read_csv(file).to_pandas()


def load(path: str | os.PathLike, *, truth: bool = True) -> World:
    """Read a world written by :meth:`World.save` (Parquet or CSV); ``truth=False`` skips the truth."""
    path = Path(path)
    if not path.is_dir():
        raise WorldIOError(f"no world at {path}")
    tables = {}
    for name, cols in schema.OBSERVED.items():
        files = [path / f"{name}.{fmt}" for fmt in FORMATS if (path / f"{name}.{fmt}").exists()]
        if files:
            tables[name] = _coerce(_read(files[0]), cols)
    if not tables:
        raise WorldIOError(f"no tables found in {path}")
    the_truth = None
    if truth and (path / "truth" / "params.json").exists():
        params = json.loads((path / "truth" / "params.json").read_text())
        ttables = {}
        for name, cols in schema.TRUTH.items():
            files = [path / "truth" / f"{name}.{fmt}" for fmt in FORMATS
                     if (path / "truth" / f"{name}.{fmt}").exists()]
            if files:
                ttables[name] = _coerce(_read(files[0]), cols)
        the_truth = Truth(tables=ttables, params=params)
    return World(tables=tables, truth=the_truth)
