"""Collecting and sanitising submissions before nbgrader sees them.

A submission folder (nbgrader's ``submitted/<student>/<assignment>/``, a folder or ``.zip`` of
``<student_id>.ipynb`` or ``<student_id>/<anything>.ipynb``) is mapped to candidate notebooks per student.
Each student's notebook is then checked against the source and release notebooks and rewritten, outputs
cleared, into the grader's intake folder; everything unusual becomes a one-line note for the student's
status: a misnamed notebook, malformed JSON (graded as the blank release), deleted, reordered or edited
cells, a changed kernel, or answer cells that reach for the grader's answer channel or modules.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from crmlab.autograde.errors import UsageError

IGNORED_PARTS = {"__MACOSX", ".ipynb_checkpoints"}
TAMPER_RE = re.compile(r"CRMLAB_ANSWERS|autograde\.(answers|verdict|sandbox|prepare)\b")


@dataclass
class Intake:
    """The sanitised submission of one student, and what was noticed on the way."""

    student_id: str
    kind: str = "ok"  # ok | missing | malformed
    notes: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # errors raised by answer cells: told, not flagged
    flagged: bool = False


def _extract_zip(path: Path, dest: Path) -> Path:
    """Unpack ``path`` into ``dest`` (members escaping the folder are skipped)."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    try:
        with zipfile.ZipFile(path) as zf:
            for member in zf.infolist():
                target = (dest / member.filename).resolve()
                if member.is_dir() or not str(target).startswith(str(dest.resolve())):
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(member) as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UsageError(f"cannot read zip {path}: {exc}") from None
    return dest


def collect(path: str | Path, *, assignment: str, staging: Path) -> dict[str, list[Path]]:
    """Candidate notebooks per student id found under ``path`` (a folder or a ``.zip``).

    Returns
    -------
    dict
        ``student_id -> sorted list of .ipynb paths``; a student folder without any notebook maps to ``[]``.
    """
    path = Path(path)
    if not path.exists():
        raise UsageError(f"submissions {path} not found")
    if path.is_file():
        if path.suffix.lower() != ".zip":
            raise UsageError(f"submissions {path} must be a folder or a .zip file")
        path = _extract_zip(path, staging / "unzipped")
    found: dict[str, list[Path]] = {}
    for item in sorted(path.iterdir()):
        if item.name in IGNORED_PARTS or item.name.startswith("."):
            continue
        if item.is_dir():
            found.setdefault(item.name, [])
    for nb in sorted(path.rglob("*.ipynb")):
        parts = nb.relative_to(path).parts
        if IGNORED_PARTS & set(parts) or any(p.startswith(".") for p in parts):
            continue
        if len(parts) >= 3 and parts[1] != assignment:
            continue
        sid = nb.stem if len(parts) == 1 else parts[0]
        found.setdefault(sid, []).append(nb)
    return found


def graded_cells(nb) -> list[tuple[str, float]]:
    """``(grade_id, points)`` of every graded cell of a (source) notebook, in order."""
    out = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade"):
            out.append((meta["grade_id"], float(meta.get("points", 0))))
    return out


def _ids(nb) -> list[str]:
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if isinstance(c.get("metadata", {}).get("nbgrader"), dict) and "grade_id" in c.metadata["nbgrader"]]


def _choose(candidates: list[Path], expected_name: str, intake: Intake) -> Path | None:
    exact = [p for p in candidates if p.name == expected_name]
    if exact:
        return exact[0]
    if len(candidates) == 1:
        intake.notes.append(f"notebook named {candidates[0].name}, not {expected_name}: graded anyway")
        return candidates[0]
    intake.kind = "missing"
    intake.notes.append("missing notebook" if not candidates else
                        f"missing notebook: {len(candidates)} notebooks, none named {expected_name}")
    return None


def _read(path: Path, intake: Intake):
    try:
        return nbformat.reads(path.read_text(encoding="utf-8", errors="replace"), as_version=4)
    except Exception:  # noqa: BLE001 - json, nbformat and reader errors alike
        intake.kind = "malformed"
        intake.notes.append("malformed notebook (truncated or invalid JSON): graded as the blank release")
        return None


def _compare(nb, source, release, intake: Intake) -> None:
    """Notes on deleted, reordered, edited and tampering cells of ``nb`` against source and release."""
    sub_ids = _ids(nb)
    src_cells = {c.metadata["nbgrader"]["grade_id"]: c for c in source.cells
                 if "grade_id" in c.get("metadata", {}).get("nbgrader", {})}
    rel_cells = {c.metadata["nbgrader"]["grade_id"]: c for c in release.cells
                 if "grade_id" in c.get("metadata", {}).get("nbgrader", {})}
    intake.deleted = [gid for gid, _ in graded_cells(source) if gid not in sub_ids]
    if intake.deleted:
        intake.notes.append(f"graded cell deleted: {', '.join(intake.deleted)} (scored 0)")
    lost = [gid for gid, c in src_cells.items()
            if gid not in sub_ids and gid not in intake.deleted and c.metadata["nbgrader"].get("solution")]
    if lost:
        intake.notes.append(f"answer cell deleted: {', '.join(lost)}")
    order = [gid for gid in sub_ids if gid in src_cells]
    if order != [gid for gid in src_cells if gid in order]:
        intake.notes.append("cells reordered: they ran in the submitted order")
    by_id = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
             if isinstance(c.get("metadata", {}).get("nbgrader"), dict) and "grade_id" in c.metadata["nbgrader"]}
    for gid, cell in by_id.items():
        ref = rel_cells.get(gid)
        if ref is None or not ref.metadata["nbgrader"].get("locked"):
            continue
        meta = cell.metadata["nbgrader"]
        changed = (cell.source.strip() != ref.source.strip() or not meta.get("locked")
                   or float(meta.get("points", 0) or 0) != float(ref.metadata["nbgrader"].get("points", 0) or 0))
        if changed:
            intake.edited.append(gid)
    if intake.edited:
        intake.notes.append(f"locked cell edited: {', '.join(intake.edited)} (restored from the original)")
    answers = "\n".join(c.source for c in nb.cells if c.cell_type == "code"
                        and not c.get("metadata", {}).get("nbgrader", {}).get("locked"))
    if TAMPER_RE.search(answers):
        intake.flagged = True
        intake.notes.append("flagged for review: answer cells reach for the grader's answer channel or modules")


def sanitise(student_id: str, candidates: list[Path], *, expected_name: str, source, release,
             out_dir: Path) -> Intake:
    """Check one student's submission and write the notebook to grade to ``out_dir/expected_name``.

    Parameters
    ----------
    student_id : str
        The student.
    candidates : list of Path
        Their submitted notebooks (from :func:`collect`).
    expected_name : str
        ``NN_slug.ipynb``.
    source, release : NotebookNode
        The assignment's source (with solutions and hidden tests) and release notebooks.
    out_dir : Path
        The student's folder in the grader's intake (replaced).

    Returns
    -------
    Intake
        ``kind`` is ``missing`` (nothing written), ``malformed`` (the blank release written) or ``ok``.
    """
    intake = Intake(student_id)
    chosen = _choose(candidates, expected_name, intake)
    shutil.rmtree(out_dir, ignore_errors=True)
    if chosen is None:
        return intake
    out_dir.mkdir(parents=True)
    stamp = chosen.parent / "timestamp.txt"
    if stamp.is_file():
        shutil.copyfile(stamp, out_dir / "timestamp.txt")
    nb = _read(chosen, intake)
    if nb is None:
        nb = nbformat.from_dict(json.loads(nbformat.writes(release)))
    else:
        kernel = nb.metadata.get("kernelspec", {}).get("name")
        want = source.metadata.get("kernelspec", {}).get("name", "python3")
        if kernel != want:
            intake.notes.append(f"kernel {kernel!r} changed back to {want!r}")
        nb.metadata["kernelspec"] = dict(source.metadata.get("kernelspec", {}))
        _compare(nb, source, release, intake)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, out_dir / expected_name)
    return intake
