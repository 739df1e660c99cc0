"""One call gives a student their own world: :func:`my_world`.

Who the student is, in this order: (1) ``CRMLAB_SEED`` set by the grader or by the JupyterHub spawner
(with ``CRMLAB_STUDENT``, the id, if known); (2) a ``crmlab-seed.json`` handed out by the instructor, found
in the notebook's folder, one of its parents, or ``~/.crmlab/``; (3) otherwise a self-learner on the public
self-study seed. The world is generated once with :func:`simulator.simulate` and cached as Parquet under
``CRMLAB_CACHE`` or ``~/.cache/crmlab/worlds/``, in a folder keyed by seed, data-quality flag and a
fingerprint of the simulator's source and pinned packages, so a stale cache is never read. A student's
cache never holds the truth tables. Under grading the grader pre-generates every world into
``CRMLAB_CACHE`` and sets ``CRMLAB_FINGERPRINT`` (the fingerprint of that run): the kernel then only reads
that cache and never simulates.

A JupyterHub spawner sets the seed without giving the course key to anyone (the key stays on the hub)::

    # jupyterhub_config.py
    from simulator import student_seed
    COURSE_KEY = open("/srv/crmlab/course_key").read().strip()
    c.Spawner.environment = {
        "CRMLAB_SEED": lambda spawner: str(student_seed(COURSE_KEY, spawner.user.name)),
        "CRMLAB_STUDENT": lambda spawner: spawner.user.name,
    }
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Callable

SELF_STUDY_SEED = 20_240_901
SEED_FILE = "crmlab-seed.json"
ENV_SEED, ENV_STUDENT, ENV_CACHE = "CRMLAB_SEED", "CRMLAB_STUDENT", "CRMLAB_CACHE"
ENV_FINGERPRINT = "CRMLAB_FINGERPRINT"  # set by the grader: the fingerprint its pre-generated worlds carry
FINGERPRINT_PACKAGES = ("numpy", "pandas", "pyarrow", "faker")
SEED_MAX = 2**63 - 1


class SeedError(ValueError):
    """A seed (from the environment, a seed file or an argument) is unusable; one-line message."""


@dataclass(frozen=True)
class Identity:
    """Whose world to load: the seed, the student id if known, and where the seed came from."""

    seed: int
    student_id: str | None
    source: str


def _parse_seed(value, *, where: str) -> int:
    """An integer seed in [0, 2**63 − 1] or a :class:`SeedError` naming ``where`` it came from."""
    try:
        seed = int(str(value).strip())
    except ValueError:
        raise SeedError(f"{where}: seed must be an integer, got {value!r}") from None
    if not 0 <= seed <= SEED_MAX:
        raise SeedError(f"{where}: seed must be in [0, 2**63), got {seed}")
    return seed


def find_seed_file(start: str | os.PathLike | None = None) -> Path | None:
    """The nearest ``crmlab-seed.json``: in ``start`` (default: cwd), its parents, then ``~/.crmlab/``."""
    here = Path(start or Path.cwd()).absolute()
    for folder in (here, *here.parents, Path.home() / ".crmlab"):
        candidate = folder / SEED_FILE
        if candidate.is_file():
            return candidate
    return None


def read_seed_file(path: str | os.PathLike) -> Identity:
    """Read one student's seed file ``{"student_id": ..., "seed": ..., "course": ...}``."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SeedError(f"cannot read seed file {path}: {exc}") from None
    if not isinstance(data, dict) or "seed" not in data:
        raise SeedError(f"seed file {path} has no 'seed' entry")
    student = data.get("student_id")
    return Identity(seed=_parse_seed(data["seed"], where=str(path)),
                    student_id=str(student) if student else None, source=f"seed file {path}")


def resolve_identity(*, seed: int | None = None, start: str | os.PathLike | None = None,
                     environ: dict | None = None) -> Identity:
    """Find whose world to load (see the module docstring for the order); ``seed`` overrides all."""
    env = os.environ if environ is None else environ
    if seed is not None:
        return Identity(seed=_parse_seed(seed, where="my_world(seed=...)"), student_id=None, source="argument")
    if env.get(ENV_SEED, "").strip():
        return Identity(seed=_parse_seed(env[ENV_SEED], where=ENV_SEED),
                        student_id=env.get(ENV_STUDENT) or None, source=ENV_SEED)
    found = find_seed_file(start)
    if found is not None:
        return read_seed_file(found)
    return Identity(seed=SELF_STUDY_SEED, student_id=None, source="self-study")


def current_fingerprint() -> str:
    """The fingerprint naming cache folders: the grader's (env ``CRMLAB_FINGERPRINT``) or computed."""
    return os.environ.get(ENV_FINGERPRINT) or simulator_fingerprint()


def fix_fingerprint() -> str:
    """Recompute the simulator's fingerprint and export it as env ``CRMLAB_FINGERPRINT``.

    The grader calls this once per run, before it generates worlds and starts kernels, so every world it
    writes and every kernel's look-up use one name even if the simulator's files change meanwhile.
    """
    simulator_fingerprint.cache_clear()
    os.environ[ENV_FINGERPRINT] = value = simulator_fingerprint()
    return value


@lru_cache(maxsize=1)
def simulator_fingerprint() -> str:
    """12 hex digits of SHA-256 over the simulator's files and the pinned package versions.

    Found without importing the simulator, so computing it is cheap. Any change to the simulator's code,
    its data files or the packages its output depends on gives a new cache folder.
    """
    spec = importlib.util.find_spec("simulator")
    if spec is None or not spec.submodule_search_locations:
        raise SeedError("the simulator package is not installed")
    root = Path(list(spec.submodule_search_locations)[0])
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
    """The cache folder: ``root``, else env ``CRMLAB_CACHE``, else ``~/.cache/crmlab/worlds``."""
    if root is not None:
        return Path(root)
    if os.environ.get(ENV_CACHE):
        return Path(os.environ[ENV_CACHE])
    return Path.home() / ".cache" / "crmlab" / "worlds"


def world_dir(*, seed: int, data_quality: bool = False, root: str | os.PathLike | None = None) -> Path:
    """The cache folder of one world: ``<root>/<seed>-<clean|dq>-<simulator fingerprint>``."""
    flag = "dq" if data_quality else "clean"
    return cache_root(root) / f"{int(seed)}-{flag}-{current_fingerprint()}"


def make_world(seed: int, data_quality: bool):
    """The default world of a student: ``simulator.simulate`` with the course defaults."""
    import simulator

    return simulator.simulate(seed=int(seed), data_quality=bool(data_quality))


def ensure_world(*, seed: int, data_quality: bool = False, root: str | os.PathLike | None = None,
                 truth: bool = False, factory: Callable | None = None):
    """Load world ``seed`` from the cache, generating and saving it first if absent.

    Parameters
    ----------
    seed : int
        World seed.
    data_quality : bool, default=False
        The data-quality variant (duplicates, guest orders, typos).
    root : path, optional
        Cache root; see :func:`cache_root`.
    truth : bool, default=False
        Keep (and cache) the hidden truth. Only the grader asks for it; a student's cache never has it.
    factory : callable ``(seed, data_quality) -> World``, optional
        Generator used on a cache miss; :func:`make_world` by default.

    Returns
    -------
    World
        With ``truth`` if asked for, else ``world.truth is None``.
    """
    from simulator.world import WorldIOError, load

    path = world_dir(seed=seed, data_quality=data_quality, root=root)
    if path.is_dir() and (not truth or (path / "truth" / "params.json").is_file()):
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


def describe(identity: Identity) -> str:
    """The one line :func:`my_world` prints: whose data, which seed, where it came from."""
    if identity.source == "self-study":
        return (f"自学模式 self-study: 公共种子 public seed {identity.seed}。"
                f"想用自己的数据 to pick your own: my_world(seed=1234) 或设置环境变量 CRMLAB_SEED=1234")
    who = f"学生 student {identity.student_id}" if identity.student_id else "你 you"
    return f"已加载 {who} 的数据 loaded data (seed {identity.seed}, 来源 from {identity.source})"


def my_world(*, data_quality: bool = False, seed: int | None = None, verbose: bool = True):
    """The current student's world, truth removed; generated once, then read from the cache.

    Parameters
    ----------
    data_quality : bool, default=False
        The variant with duplicate customers, guest orders and typos (L01's "why CRM" task).
    seed : int, optional
        Pick a seed yourself (self-study); overrides the environment and seed files.
    verbose : bool, default=True
        Print one line saying whose data (which seed) was loaded.

    Returns
    -------
    World
        Observed tables as attributes (``world.orders`` …, columns as in ``simulator.schema``);
        ``world.truth`` is ``None``.

    Raises
    ------
    SeedError
        Unusable seed; or, in a grading kernel (env ``CRMLAB_FINGERPRINT`` set by the grader), a world the
        grader did not pre-generate — a grading kernel never simulates.
    """
    identity = resolve_identity(seed=seed)
    if verbose:
        print(describe(identity))
    graded = bool(os.environ.get(ENV_FINGERPRINT))
    return ensure_world(seed=identity.seed, data_quality=data_quality, truth=False,
                        factory=_not_pregenerated if graded else None)


def _not_pregenerated(seed: int, data_quality: bool):
    """The factory of a grading kernel: its worlds are pre-generated by the grader, never simulated here."""
    where = world_dir(seed=seed, data_quality=data_quality)
    raise SeedError(f"no pre-generated world at {where}: under grading ({ENV_FINGERPRINT} set) "
                    f"the kernel only reads the grader's cache")
