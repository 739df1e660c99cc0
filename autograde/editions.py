"""The self-study edition: the class edition's notebooks, made for a learner who has no instructor.

``crmlab course build --edition self-study --out DIR`` builds the class edition in a temporary folder with
nbgrader (so the student notebooks are exactly the class's release) and then writes, per lecture,
``DIR/NN_slug/`` with:

* ``NN_slug.ipynb``: the release notebook, its setup cell switched to :mod:`autograde.selfstudy` (local
  verdicts on the learner's public seed, ``solution("q3")``);
* ``reference.py``: the instructor's half of the tasks — public in an open-source course anyway;
* ``solutions.json``: ``{grade_id: [solution code, …]}``, the source notebook's solution cells of each task
  (the answer cells between the previous test cell and the task's own), markers removed.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

SETUP_IMPORT = "from crmlab.labs.data import my_world"
SELF_STUDY_IMPORT = ("from crmlab.autograde.selfstudy import enable, my_world, solution\n"
                     "enable()  # 自学版 self-study: local verdicts on your public seed")
MARKER_RE = re.compile(r"^[ \t]*### (?:BEGIN|END) SOLUTION[ \t]*(?:\n|$)", re.M)


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def solutions_by_task(nb) -> dict[str, list[str]]:
    """``{test cell's grade_id: [solution code of the answer cells before it]}`` of a source notebook."""
    out: dict[str, list[str]] = {}
    pending: list[str] = []
    for cell in nb.cells:
        meta = _nbgrader(cell)
        if cell.cell_type == "code" and meta.get("solution"):
            pending.append(MARKER_RE.sub("", cell.source).rstrip())
        elif cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            out[meta["grade_id"]] = pending
            pending = []
    return out


def switch_setup(nb) -> bool:
    """Point the setup cell's ``my_world`` import at the self-study grader; ``False`` if there is none."""
    for cell in nb.cells:
        if cell.cell_type == "code" and SETUP_IMPORT in cell.source:
            cell.source = cell.source.replace(SETUP_IMPORT, SELF_STUDY_IMPORT, 1)
            return True
    return False


def build_self_study(*, out: Path, course: Path) -> list[str]:
    """Write the self-study edition of ``course`` to ``out`` (see the module docstring); the lecture ids."""
    import nbformat
    from crmlab.autograde.build import build_course, find_assignments

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="crmlab-selfstudy-") as tmp:
        built = build_course(out=Path(tmp) / "class", course=course)
        for folder in find_assignments(course):
            name = folder.name
            release = Path(tmp) / "class" / "release" / name
            source = nbformat.read(Path(tmp) / "class" / "source" / name / f"{name}.ipynb", as_version=4)
            dest = out / name
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(release, dest)
            nb = nbformat.read(dest / f"{name}.ipynb", as_version=4)
            if switch_setup(nb):
                nbformat.write(nb, dest / f"{name}.ipynb")
            if (folder / "reference.py").is_file():
                shutil.copyfile(folder / "reference.py", dest / "reference.py")
            (dest / "solutions.json").write_text(
                json.dumps(solutions_by_task(source), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return built
