"""The grader's kept worlds and the handout made from them.

For each student the grader keeps both full worlds, truth included, at ``CourseLayout.world(id, dq)``
(``World.save`` records every table's SHA-256 in ``truth/params.json``), and hands out their observed
tables only, at ``CourseLayout.handout(id)``: ``clean/``, ``dq/`` and the manifest ``crmlab-data.json``
(student id, course, each file's SHA-256; never the seed) that ``labs.data.my_world`` checks. The
grader's copy of that manifest is the record of what was handed out: a kept world is graded against
only while its files match their recorded hashes and its observed tables match what was handed out.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from crmlab.autograde.errors import UsageError
from crmlab.autograde.layout import CourseLayout
from crmlab.labs.data import MANIFEST, VARIANTS, DataError, check_data, read_manifest, simulator_fingerprint
from crmlab.simulator.world import atomic_folder


class WorldMismatch(UsageError):
    """A kept world is missing or changed and the simulator regenerates another world than was handed out."""


def recorded(folder: Path) -> dict | None:
    """``truth/params.json`` of a saved full world, or ``None`` if absent or unreadable."""
    try:
        params = json.loads((folder / "truth" / "params.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return params if isinstance(params, dict) and isinstance(params.get("hashes"), dict) else None


def observed(params: dict, data_quality: bool) -> dict[str, str]:
    """The observed tables of a world's ``params`` as a manifest names them: ``"clean/orders.parquet"`` → SHA-256."""
    sub, fmt = VARIANTS[bool(data_quality)], params.get("format", "parquet")
    return {f"{sub}/{key}.{fmt}": digest for key, digest in params["hashes"].items() if "/" not in key}


def intact(folder: Path) -> dict | None:
    """The params of the full world at ``folder`` if every table file matches its recorded hash, else ``None``."""
    from crmlab.simulator.tablefile import file_sha256

    params = recorded(folder)
    if params is None:
        return None
    fmt = params.get("format", "parquet")
    found = {p.relative_to(folder).with_suffix("").as_posix() for p in folder.rglob(f"*.{fmt}")}
    if found != set(params["hashes"]):
        return None
    ok = all(file_sha256(folder / f"{key}.{fmt}") == digest for key, digest in params["hashes"].items())
    return params if ok else None


def handed_out(layout: CourseLayout, student_id: str) -> dict[str, str] | None:
    """What was handed out to ``student_id`` (the grader's copy of their manifest's files), or ``None``."""
    try:
        return dict(read_manifest(layout.handout(student_id))["files"])
    except DataError:
        return None


def handout_intact(layout: CourseLayout, student_id: str) -> bool:
    """Whether the grader's copy of the handout has its manifest and every file it lists, unchanged."""
    try:
        for dq in (False, True):
            check_data(layout.handout(student_id), data_quality=dq)
    except (DataError, OSError):
        return False
    return True


_PAIR: dict = {}  # the other world of the last simulated pair, until it is asked for


def pair_world(seed: int, data_quality: bool):
    """The grader's default world factory: a student's clean and data-quality worlds come from one simulation
    (``simulator.simulate_pair``, byte-identical to two), the second held until it is asked for."""
    key = (int(seed), bool(data_quality))
    if key not in _PAIR:
        from crmlab.simulator import simulate_pair

        clean, dirty = simulate_pair(seed=int(seed))
        _PAIR.clear()
        _PAIR.update({(int(seed), False): clean, (int(seed), True): dirty})
    return _PAIR.pop(key)


def keep_world(layout: CourseLayout, student_id: str, *, seed: int, data_quality: bool,
               factory: Callable | None = None):
    """Make sure the full world kept for ``student_id`` is there and is the one handed out.

    Returns the world if it had to be (re)generated (with truth), else ``None`` (intact on disk).

    Raises
    ------
    WorldMismatch
        The kept world is missing or changed and the simulator now regenerates different observed tables
        from those handed out (or recorded beside the kept world when the handout is gone).
    """
    path = layout.world(student_id, data_quality)
    sub = VARIANTS[bool(data_quality)]
    want = {k: v for k, v in (handed_out(layout, student_id) or {}).items() if k.split("/", 1)[0] == sub}
    record = recorded(path)
    if not want and record is not None:
        want = observed(record, data_quality)
    have = intact(path)
    if have is not None and (not want or observed(have, data_quality) == want):
        return None
    world = (factory or pair_world)(int(seed), bool(data_quality))
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_folder(path, force=True) as tmp:
        world.save(tmp, force=True)
        got = observed(recorded(tmp), data_quality)
        if want and got != want:
            raise WorldMismatch(
                f"{student_id}: the world kept at {path} is missing or changed, and this simulator "
                f"(fingerprint {simulator_fingerprint()}) regenerates other {sub} tables than were handed out; "
                f"restore {path.parent} from a backup or install the simulator the class started with")
    return world


def write_handout(layout: CourseLayout, student_id: str) -> Path:
    """Write ``handout/<id>/crmlab-data`` from the kept worlds (both must be intact); returns the folder.

    The observed table files are copied byte for byte (the bytes a truth-less save writes), the manifest
    lists each with its SHA-256, and the folder replaces any earlier one atomically.
    """
    from crmlab.autograde.build import COURSE_ID

    target = layout.handout(student_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_folder(target, force=True) as tmp:
        files = {}
        for dq, sub in VARIANTS.items():
            source = layout.world(student_id, dq)
            params = intact(source)
            if params is None:
                raise UsageError(f"{student_id}: no intact world at {source} to hand out")
            (tmp / sub).mkdir(mode=0o755)
            for rel, digest in observed(params, dq).items():
                shutil.copyfile(source / rel.split("/", 1)[1], tmp / rel)
                files[rel] = digest
        manifest = {"student_id": student_id, "course": COURSE_ID, "files": dict(sorted(files.items()))}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        tmp.chmod(0o755)
    return target
