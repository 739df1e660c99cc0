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
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from . import schema
from .tablefile import TableFile

FORMATS = ("parquet", "csv")


class WorldIOError(OSError):
    """A world could not be written or read; the message is one line meant for the user."""


class LazyTables(Mapping):
    """Tables by name, each made by ``load(name)`` when first looked up, then kept.

    ``names`` fixes the tables and their order; iterating, ``len`` and ``in`` never load a table, looking
    one up (``tables["orders"]``, ``dict(tables)``, ``.items()``) does. ``rows(name)``, if given, tells a
    table's row count without loading it when that is cheap (a Parquet footer), else ``None``.
    """

    def __init__(self, names: Iterable[str], load: Callable[[str], pd.DataFrame],
                 rows: Callable[[str], int | None] | None = None):
        self._names = tuple(names)
        self._load, self._rows = load, rows
        self._done: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._done:
            if name not in self._names:
                raise KeyError(name)
            self._done[name] = self._load(name)
        return self._done[name]

    def __contains__(self, name) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __reduce__(self):
        """Pickled (to a worker, say) as a plain dict of every table: the loader does not travel."""
        return dict, (dict(self),)

    def loaded(self) -> list[str]:
        """Names of the tables already made, in table order."""
        return [n for n in self._names if n in self._done]

    def rows(self, name: str) -> int | None:
        """Row count of a loaded table, or the cheap count ``rows`` gives, or ``None``."""
        if name in self._done:
            return len(self._done[name])
        return self._rows(name) if self._rows is not None else None


def row_counts(tables: Mapping[str, pd.DataFrame]) -> dict[str, int | None]:
    """Row count of each table, ``None`` for a lazy table not made yet whose count is not cheap to tell."""
    if isinstance(tables, LazyTables):
        return {name: tables.rows(name) for name in tables}
    return {name: len(df) for name, df in tables.items()}


@dataclass(frozen=True)
class Truth:
    """The hidden tables (``schema.TRUTH``) and the generation record (``params``)."""

    tables: Mapping[str, pd.DataFrame]
    params: dict = field(default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)


@dataclass(frozen=True)
class World:
    """A simulated world: ``world.orders`` etc. are DataFrames as in ``schema.OBSERVED``.

    ``world.truth`` holds the hidden tables; it is ``None`` in a world handed to a student. ``tables`` is
    a dict, or a :class:`LazyTables` whose tables are generated or read when first used.
    """

    tables: Mapping[str, pd.DataFrame]
    truth: Truth | None = None

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(f"World has no table {name!r}; tables: {', '.join(tables)}")

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.tables))

    def __repr__(self) -> str:
        """Every table with its row count; a lazy table not made yet shows its name only (printing a
        world never generates or reads one)."""
        counts = row_counts(self.tables)
        sizes = ", ".join(name if n is None else f"{name}={n:,}" for name, n in counts.items())
        note = "; a table shown without rows is made when first used" if None in counts.values() else ""
        return f"World({sizes}{note}; truth={'yes' if self.truth is not None else 'hidden'})"

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


def read_table(file: Path, columns: dict[str, schema.Column], data: bytes | None = None) -> pd.DataFrame:
    """Table file ``file`` (Parquet or CSV, by its suffix) with the schema's dtypes; parsed from ``data``,
    the file's bytes, if the caller has already read them (to check a hash, say)."""
    source = pa.BufferReader(data) if data is not None else file
    table = pq.read_table(source) if file.suffix == ".parquet" else pacsv.read_csv(source)
    return _coerce(table.to_pandas(), columns)


def parquet_rows(file: Path) -> int | None:
    """Rows of a Parquet file from its footer (no data read); ``None`` for CSV or a missing or unreadable file."""
    if file.suffix != ".parquet":
        return None
    try:
        return pq.read_metadata(file).num_rows
    except (OSError, pa.ArrowException):
        return None


def table_files(folder: Path, spec: dict[str, dict]) -> dict[str, Path]:
    """The file of each table of ``spec`` found in ``folder`` (Parquet before CSV), in ``spec``'s order."""
    found = {}
    for name in spec:
        files = [folder / f"{name}.{fmt}" for fmt in FORMATS if (folder / f"{name}.{fmt}").exists()]
        if files:
            found[name] = files[0]
    return found


def lazy_files(files: dict[str, Path], spec: dict[str, dict],
               read: Callable[[str, Path], pd.DataFrame] | None = None) -> LazyTables:
    """Tables read from ``files`` when first used; ``read(name, file)`` replaces :func:`read_table`."""
    read = read or (lambda name, file: read_table(file, spec[name]))
    return LazyTables(files, lambda name: read(name, files[name]), rows=lambda name: parquet_rows(files[name]))


def load(path: str | os.PathLike, *, truth: bool = True, lazy: bool = False) -> World:
    """Read a world written by :meth:`World.save` (Parquet or CSV); ``truth=False`` skips the truth.

    With ``lazy`` each table is read when first used (a damaged file then fails at that point).
    """
    path = Path(path)
    if not path.is_dir():
        raise WorldIOError(f"no world at {path}")
    tables = lazy_files(table_files(path, schema.OBSERVED), schema.OBSERVED)
    if not tables:
        raise WorldIOError(f"no tables found in {path}")
    the_truth = None
    if truth and (path / "truth" / "params.json").exists():
        params = json.loads((path / "truth" / "params.json").read_text())
        hidden = lazy_files(table_files(path / "truth", schema.TRUTH), schema.TRUTH)
        the_truth = Truth(tables=hidden if lazy else dict(hidden), params=params)
    return World(tables=tables if lazy else dict(tables), truth=the_truth)
