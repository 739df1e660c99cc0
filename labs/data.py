"""One call gives a student their data: :func:`my_world`.

Where the data comes from, first match wins:

1. ``my_world(seed=...)``: self-study, the public simulator on that seed;
2. env ``CRMLAB_DATA``: the data folder an instructor handed out (a JupyterHub spawner mounts it; a
   grading kernel gets only this);
3. a folder ``crmlab-data`` in the working folder, one of its parents, or ``~/.crmlab/``;
4. env ``CRMLAB_SEED``: self-study, a public seed the learner picked;
5. the public self-study seed.

A handed-out folder (``crmlab class init`` writes it) holds the student's observed tables only:
``clean/`` and ``dq/`` (the data-quality variant) as :meth:`simulator.World.save` writes them without
the truth, and ``crmlab-data.json`` with the student id, the course and every file's SHA-256 — never a
seed, so nothing in it lets the public simulator regenerate the world and its truth. It is loaded as it
is: :func:`my_world` checks at once that every file the manifest lists is there and no other, and reads
each table when it is first used, after checking that file's SHA-256 against the manifest (a changed file
is refused then, with the same :class:`DataError`); a class student's kernel never simulates.

Self-study worlds are generated and cached as Parquet under ``CRMLAB_CACHE`` or
``~/.cache/crmlab/worlds/``, in a folder keyed by seed, variant and a fingerprint of the simulator's
source and pinned packages, so a stale cache is never read. Each table is generated when first used
(``simulator.simulate_lazy``: the same bytes as the whole world's) and cached as it is made, so a first
``my_world()`` costs little more than importing pandas, and printing the world generates nothing. The
self-study edition's seed is public: a learner there may read the truth with ``simulator.simulate``; their
cache never holds it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

SELF_STUDY_SEED = 20_240_901
MANIFEST = "crmlab-data.json"  # the manifest inside a handed-out data folder
VARIANTS = {False: "clean", True: "dq"}  # data_quality flag -> sub-folder of a data folder
FINGERPRINT_PACKAGES = ("numpy", "pandas", "pyarrow", "faker")
SEED_MAX = 2**63 - 1
FRESH = "ask your instructor for a fresh copy of the folder"
LAZY_MARK = ".lazy"  # in a cache folder filled table by table (not a whole-world save)


class SeedError(ValueError):
    """:func:`my_world` cannot give data: an unusable seed or data folder; the message is one line."""


class DataError(SeedError):
    """A handed-out data folder is unreadable, incomplete or changed since it was handed out."""


def _names():
    """``autograde.layout``, the one declaration of the ``CRMLAB_*`` names and ``crmlab-data``.

    Imported when first needed, so importing ``labs`` never imports the grader's package.
    """
    from crmlab.autograde import layout

    return layout


@dataclass(frozen=True)
class Source:
    """Where :func:`my_world` takes its data from: a handed-out ``folder`` or a self-study ``seed``."""

    origin: str  # "argument", the env name it came from, "found" or "self-study"
    folder: Path | None = None
    seed: int | None = None


def _parse_seed(value, *, where: str) -> int:
    """An integer seed in [0, 2**63 − 1] or a :class:`SeedError` naming ``where`` it came from."""
    try:
        seed = int(str(value).strip())
    except ValueError:
        raise SeedError(f"{where}: seed must be an integer, got {value!r}") from None
    if not 0 <= seed <= SEED_MAX:
        raise SeedError(f"{where}: seed must be in [0, 2**63), got {seed}")
    return seed


def find_data_folder(start: str | os.PathLike | None = None) -> Path | None:
    """The nearest folder ``crmlab-data``: in ``start`` (default: cwd), its parents, then ``~/.crmlab/``."""
    name = _names().DATA_FOLDER
    here = Path(start or Path.cwd()).absolute()
    for folder in (here, *here.parents, Path.home() / ".crmlab"):
        if (folder / name).is_dir():
            return folder / name
    return None


def _env_folder(value: str) -> Path:
    """The data folder env ``CRMLAB_DATA`` names: the folder itself, or one holding ``crmlab-data/``."""
    path = Path(value).expanduser().absolute()
    inner = path / _names().DATA_FOLDER
    if not (path / MANIFEST).is_file() and (inner / MANIFEST).is_file():
        return inner
    if not path.is_dir():
        raise DataError(f"{_names().ENV_DATA}={value}: no such folder (ask your instructor where your data is)")
    return path


def resolve_source(*, seed: int | None = None, start: str | os.PathLike | None = None,
                   environ: dict | None = None) -> Source:
    """Where the data comes from (the order is in the module docstring); ``seed`` overrides all."""
    names = _names()
    env = os.environ if environ is None else environ
    if seed is not None:
        return Source(origin="argument", seed=_parse_seed(seed, where="my_world(seed=...)"))
    if env.get(names.ENV_DATA, "").strip():
        return Source(origin=names.ENV_DATA, folder=_env_folder(env[names.ENV_DATA].strip()))
    found = find_data_folder(start)
    if found is not None:
        return Source(origin="found", folder=found)
    if env.get(names.ENV_SEED, "").strip():
        return Source(origin=names.ENV_SEED, seed=_parse_seed(env[names.ENV_SEED], where=names.ENV_SEED))
    return Source(origin="self-study", seed=SELF_STUDY_SEED)


def read_manifest(folder: str | os.PathLike) -> dict:
    """The manifest of a data folder: ``student_id``, ``course``, ``files`` (``"clean/x.parquet"`` → SHA-256)."""
    path = Path(folder) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}; "
                        f"ask your instructor for a fresh copy of the folder") from None
    if not (isinstance(data, dict) and isinstance(data.get("files"), dict) and data.get("student_id")):
        raise DataError(f"{path} is not a crmlab data manifest (no student_id or files)")
    return data


def listed_files(folder: str | os.PathLike, *, data_quality: bool = False,
                 manifest: dict | None = None) -> dict[str, str]:
    """The files the manifest lists for one variant (``"clean/orders.parquet"`` → SHA-256), after checking
    that each is there and that no other table file is; hashes are not checked here (see :func:`check_data`).

    Raises :class:`DataError` (one line) naming the first file that is missing or extra.
    """
    folder = Path(folder)
    manifest = read_manifest(folder) if manifest is None else manifest
    sub = VARIANTS[bool(data_quality)]
    listed = {k: v for k, v in manifest["files"].items() if k.split("/", 1)[0] == sub}
    if not listed:
        raise DataError(f"data folder {folder} holds no {sub}/ tables; {FRESH}")
    for rel in sorted(listed):
        if not (folder / rel).is_file():
            raise DataError(f"data folder {folder}: {rel} is missing; {FRESH}")
    extra = sorted(f"{sub}/{p.name}" for p in (folder / sub).iterdir()
                   if p.is_file() and p.suffix in (".parquet", ".csv") and f"{sub}/{p.name}" not in listed)
    if extra:
        raise DataError(f"data folder {folder}: {extra[0]} was not handed out; {FRESH}")
    return listed


def changed(folder: Path, rel: str) -> DataError:
    """The error for a file of a data folder whose bytes are not those handed out."""
    return DataError(f"data folder {folder}: {rel} was changed since it was handed out; {FRESH}")


def check_data(folder: str | os.PathLike, *, data_quality: bool = False, manifest: dict | None = None) -> dict:
    """Check one variant of a data folder against its manifest, every file's SHA-256 included; returns it.

    Every file the manifest lists for the variant must be there with its SHA-256, and no other table file
    may be. Raises :class:`DataError` (one line) naming the first file that is missing, changed or extra.
    """
    from crmlab.simulator.tablefile import file_sha256

    manifest = read_manifest(folder) if manifest is None else manifest
    for rel, digest in sorted(listed_files(folder, data_quality=data_quality, manifest=manifest).items()):
        if file_sha256(Path(folder) / rel) != digest:
            raise changed(Path(folder), rel)
    return manifest


def load_data(folder: str | os.PathLike, *, data_quality: bool = False):
    """The observed world in a handed-out data folder; ``(World, manifest)``.

    The files are checked for presence now (:func:`listed_files`); each table is read when first used,
    from bytes whose SHA-256 must be the manifest's, else :class:`DataError`.
    """
    from crmlab.simulator import schema
    from crmlab.simulator.world import World, WorldIOError, lazy_files, read_table

    folder = Path(folder)
    manifest = read_manifest(folder)
    listed = listed_files(folder, data_quality=data_quality, manifest=manifest)
    by_name = {Path(rel).stem: rel for rel in listed}
    files = {name: folder / by_name[name] for name in schema.OBSERVED if name in by_name}
    if not files:
        raise DataError(f"cannot read data folder {folder}: no tables found in {VARIANTS[bool(data_quality)]}/")

    def read(name: str, file: Path):
        rel = by_name[name]
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise DataError(f"cannot read data folder {folder}: {rel}: {exc.strerror or exc}") from None
        if hashlib.sha256(data).hexdigest() != listed[rel]:
            raise changed(folder, rel)
        try:
            return read_table(file, schema.OBSERVED[name], data)
        except (WorldIOError, OSError, ValueError) as exc:
            raise DataError(f"cannot read data folder {folder}: {rel}: {exc}") from None

    return World(tables=lazy_files(files, schema.OBSERVED, read=read), truth=None), manifest


@lru_cache(maxsize=1)
def simulator_fingerprint() -> str:
    """12 hex digits of SHA-256 over the simulator's files and the pinned package versions.

    Found without importing the simulator, so computing it is cheap. Any change to the simulator's code,
    its data files or the packages its output depends on gives a new cache folder.
    """
    spec = importlib.util.find_spec("crmlab.simulator")
    if spec is None or not spec.submodule_search_locations:
        raise SeedError("the simulator package is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    digest = hashlib.sha256()
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".csv", ".json"))
    for file in files:
        digest.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    for name in FINGERPRINT_PACKAGES:
        try:
            digest.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=none\0".encode())
    return digest.hexdigest()[:12]


def cache_root(root: str | os.PathLike | None = None) -> Path:
    """The self-study cache: ``root``, else env ``CRMLAB_CACHE``, else ``~/.cache/crmlab/worlds``."""
    if root is not None:
        return Path(root)
    env = os.environ.get(_names().ENV_CACHE)
    return Path(env) if env else Path.home() / ".cache" / "crmlab" / "worlds"


def world_dir(*, seed: int, data_quality: bool = False, root: str | os.PathLike | None = None) -> Path:
    """The cache folder of one self-study world: ``<root>/<seed>-<clean|dq>-<simulator fingerprint>``."""
    return cache_root(root) / f"{int(seed)}-{VARIANTS[bool(data_quality)]}-{simulator_fingerprint()}"


def make_world(seed: int, data_quality: bool):
    """The default world of a seed: ``simulator.simulate`` with the course defaults."""
    from crmlab import simulator
    return simulator.simulate(seed=int(seed), data_quality=bool(data_quality))


def cached_world(*, seed: int, data_quality: bool = False, root: str | os.PathLike | None = None):
    """Self-study world ``seed`` without truth, each table read from the cache or, if absent, generated
    (``simulator.simulate_lazy`` with the course defaults) and cached, when first used.

    Nothing is read or generated by this call (about a millisecond); a cached table that cannot be read is
    generated again. A table is written to a temporary file renamed into place, so kernels sharing a
    cache never see half a file.
    """
    from crmlab.simulator import schema
    from crmlab.simulator.world import LazyTables, World, parquet_rows, read_table

    path = world_dir(seed=seed, data_quality=data_quality, root=root)
    made = []  # the lazy world, once a table had to be generated

    def table(name: str):
        file = path / f"{name}.parquet"
        if file.is_file():
            try:
                return read_table(file, schema.OBSERVED[name])
            except (OSError, ValueError):
                pass
        if not made:
            from crmlab.simulator import simulate_lazy

            made.append(simulate_lazy(seed=int(seed), data_quality=bool(data_quality), truth=False))
        df = made[0].tables[name]
        _cache_table(path, name, df)
        return df

    rows = lambda name: parquet_rows(path / f"{name}.parquet")  # noqa: E731 - None while not cached
    return World(tables=LazyTables(schema.OBSERVED, table, rows=rows), truth=None)


def _cache_table(path: Path, name: str, df) -> None:
    """Write ``path/<name>.parquet`` (bytes as ``World.save`` writes them) via a renamed temporary file; a
    cache that cannot be written is skipped (the table is still returned)."""
    from crmlab.simulator.tablefile import TableFile

    tmp, out = path / f".{name}.{os.getpid()}.tmp", None
    try:
        path.mkdir(parents=True, exist_ok=True)
        (path / LAZY_MARK).touch()
        out = TableFile(tmp, "parquet")
        out.append(df)
        out.close()
        os.replace(tmp, path / f"{name}.parquet")
    except OSError:
        out and out.abort()
        tmp.unlink(missing_ok=True)


def ensure_world(*, seed: int, data_quality: bool = False, root: str | os.PathLike | None = None,
                 truth: bool = False, factory: Callable | None = None):
    """Load self-study world ``seed`` from the cache, generating and saving it first if absent.

    Parameters
    ----------
    seed : int
        World seed.
    data_quality : bool, default=False
        The data-quality variant (duplicates, guest orders, typos).
    root : path, optional
        Cache root; see :func:`cache_root`.
    truth : bool, default=False
        Keep (and cache) the hidden truth: instructor reference code asks for it, :func:`my_world` never.
    factory : callable ``(seed, data_quality) -> World``, optional
        Generator used on a cache miss; :func:`make_world` by default.

    Returns
    -------
    World
        With ``truth`` if asked for, else ``world.truth is None``. Without truth or ``factory``, the
        world of :func:`cached_world` (each table made when first used).
    """
    from crmlab.simulator.world import WorldIOError, load

    if factory is None and not truth:
        return cached_world(seed=seed, data_quality=data_quality, root=root)
    path = world_dir(seed=seed, data_quality=data_quality, root=root)
    whole = path.is_dir() and not (path / LAZY_MARK).exists()  # not a folder filled table by table
    if whole and (not truth or (path / "truth" / "params.json").is_file()):
        try:
            return load(path, truth=truth)
        except (WorldIOError, OSError, ValueError):
            pass
    world = (factory or make_world)(int(seed), bool(data_quality))
    kept = world if truth else world.without_truth()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        kept.save(path, force=True)
    except OSError:
        if not path.is_dir():
            raise
    return kept


def describe(source: Source, *, student_id: str | None = None) -> str:
    """The one line :func:`my_world` prints: whose data and where from (a class student's: never a seed)."""
    if source.folder is not None:
        who = f"学生 student {student_id}" if student_id else "你 you"
        return f"已加载 {who} 的数据 loaded data from {source.folder}"
    if source.origin == "self-study":
        return (f"自学模式 self-study: 公共种子 public seed {source.seed}。"
                f"想用自己的数据 to pick your own: my_world(seed=1234) 或设置环境变量 "
                f"{_names().ENV_SEED}=1234")
    return f"自学模式 self-study: 种子 seed {source.seed} (来源 from {source.origin})"


def my_world(*, data_quality: bool = False, seed: int | None = None, verbose: bool = True):
    """The current student's world, truth removed.

    Parameters
    ----------
    data_quality : bool, default=False
        The variant with duplicate customers, guest orders and typos (L01's "why CRM" task).
    seed : int, optional
        Self-study: pick a seed yourself; overrides a data folder and the environment.
    verbose : bool, default=True
        Print one line saying whose data was loaded and from where.

    Returns
    -------
    World
        Observed tables as attributes (``world.orders`` …, columns as in ``simulator.schema``);
        ``world.truth`` is ``None``.

    Raises
    ------
    SeedError
        An unusable seed; :class:`DataError` (a subclass) for a handed-out folder that is unreadable,
        lacks the variant asked for, or whose files changed since they were handed out.
    """
    source = resolve_source(seed=seed)
    if source.folder is not None:
        world, manifest = load_data(source.folder, data_quality=data_quality)
        if verbose:
            print(describe(source, student_id=str(manifest["student_id"])))
        return world
    if verbose:
        print(describe(source))
    return ensure_world(seed=source.seed, data_quality=data_quality, truth=False)
