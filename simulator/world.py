"""The World: observed tables, the hidden truth, and how both are written to and read from disk.

Observed tables go to ``DIR/<table>.parquet`` (or ``.csv``); truth tables to ``DIR/truth/`` with
``truth/params.json`` holding the parameters, seed, package versions and a SHA-256 of every table's bytes.
Writes go to a temporary sibling folder that is renamed into place at the end, so an interrupted or failed
save never leaves a half-written world behind. Every table goes through :class:`simulator.tablefile.TableFile`
(fixed Parquet row groups and options), the writer ``simulator.simulate_to`` streams blocks into, so a world
saved here and the same world streamed to disk are byte-identical.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from . import schema
from .tablefile import TableFile

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

    def without_truth(self) -> World:
        """The same world with the truth removed (what a student gets)."""
        return World(tables=self.tables, truth=None)

    def save(self, path: str | os.PathLike, *, format: str = "parquet", force: bool = False) -> Path:
        """Write the world to folder ``path`` (created; must be empty or absent unless ``force``)."""
        return save_world(self, path, format=format, force=force)


def _check_target(path: Path, force: bool) -> None:
    if path.exists() and not path.is_dir():
        raise WorldIOError(f"output path {path} exists and is not a folder")
    if path.is_dir() and any(path.iterdir()) and not force:
        raise WorldIOError(f"output folder {path} is not empty (use --force to replace it)")
    parent = path.parent if path.parent != Path("") else Path(".")
    if not parent.exists():
        raise WorldIOError(f"parent folder {parent} does not exist")
    if not parent.is_dir():
        raise WorldIOError(f"parent {parent} is not a folder")
    if not os.access(parent, os.W_OK):
        raise WorldIOError(f"cannot write to {parent}")


@contextmanager
def atomic_folder(path: str | os.PathLike, *, force: bool = False) -> Iterator[Path]:
    """Yield an empty temporary sibling of ``path``; on success it replaces ``path``, on any error it goes.

    ``path`` must be absent or an empty folder unless ``force`` (:class:`WorldIOError` otherwise). A
    file-system failure (read-only or full disk, permissions ``os.access`` cannot see) becomes a
    :class:`WorldIOError` naming it, after the temporary folder is removed.
    """
    path = Path(path).absolute()
    _check_target(path, force)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    except OSError as exc:
        raise WorldIOError(f"cannot write to {path.parent}: {exc.strerror or exc}") from exc
    try:
        yield tmp
        if path.exists():
            shutil.rmtree(path)
        os.replace(tmp, path)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError) and not isinstance(exc, WorldIOError):
            raise WorldIOError(f"could not write {path}: {exc.strerror or exc}") from exc
        raise


def table_file(folder: Path, key: str, fmt: str) -> Path:
    """File of table ``key`` ("orders" or "truth/orders") under a world folder."""
    return folder / f"{key}.{fmt}"


def write_params(folder: Path, params: dict, *, fmt: str, hashes: dict[str, str]) -> None:
    """``truth/params.json``: the generation record plus the format and every table's SHA-256."""
    text = json.dumps(dict(params, format=fmt, hashes=hashes), indent=2, sort_keys=True) + "\n"
    (folder / "truth" / "params.json").write_text(text)


def check_format(fmt: str) -> None:
    """Raise :class:`WorldIOError` unless ``fmt`` is one of ``FORMATS``."""
    if fmt not in FORMATS:
        raise WorldIOError(f"unknown format {fmt!r}; choose parquet or csv")


def save_world(world: World, path: str | os.PathLike, *, format: str = "parquet", force: bool = False) -> Path:
    """Write ``world`` under ``path`` atomically; see the module docstring for the layout."""
    check_format(format)
    tables = dict(world.tables)
    if world.truth is not None:
        tables.update({f"truth/{k}": v for k, v in world.truth.tables.items()})
    with atomic_folder(path, force=force) as tmp:
        if world.truth is not None:
            (tmp / "truth").mkdir()
        hashes = {}
        for key, df in tables.items():
            out = TableFile(table_file(tmp, key, format), format)
            try:
                out.append(df)
                hashes[key] = out.close()
            finally:
                out.abort()
        if world.truth is not None:
            write_params(tmp, world.truth.params, fmt=format, hashes=hashes)
    return Path(path).absolute()


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
