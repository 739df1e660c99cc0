"""The self-study edition: built from the same sources, local verdicts on the learner's seed, solutions on request."""

from __future__ import annotations

import json

import pytest

from tests.conftest import REPO, single_lecture_course

pytestmark = pytest.mark.slow
# the first lecture, and one whose grading runs probes (the fitted router observed in a subprocess)
LECTURES = ("01_crm_foundations", "10_analytical_crm")


@pytest.fixture(scope="module", params=LECTURES)
def edition(request, tmp_path_factory):
    from crmlab.autograde.build import build_course

    course = single_lecture_course(REPO / "course", request.param, tmp_path_factory.mktemp("src"))
    out = tmp_path_factory.mktemp("selfstudy") / "course"
    build_course(out=out, course=course, edition="self-study")
    return out / request.param


def test_edition_holds_notebook_reference_and_solutions(edition):
    import nbformat
    from crmlab.autograde.prepare import load_reference

    assert {p.name for p in edition.iterdir()} >= {f"{edition.name}.ipynb", "reference.py", "solutions.json"}
    nb = nbformat.read(edition / f"{edition.name}.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "from crmlab.autograde.selfstudy import enable, my_world, solution" in code
    assert "### BEGIN SOLUTION" not in code and "NotImplementedError" in code
    solutions = json.loads((edition / "solutions.json").read_text(encoding="utf-8"))
    assert set(solutions) == set(load_reference(edition / "reference.py").TASKS)
    assert all("### " not in "".join(s) and "NotImplementedError" not in "".join(s) for s in solutions.values())


def test_learner_sees_verdicts_at_once(edition, tmp_path, monkeypatch):
    """Answer cells filled with the worked solutions: every test cell says full marks; a blank one raises."""
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("CRMLAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("CRMLAB_DATA", raising=False)
    solutions = json.loads((edition / "solutions.json").read_text(encoding="utf-8"))
    nb = nbformat.read(edition / f"{edition.name}.ipynb", as_version=4)
    pending = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            pending.append(cell)
        elif cell.cell_type == "code" and meta.get("grade"):
            for answer, code in zip(pending, solutions[meta["grade_id"]], strict=True):
                answer.source = code
            pending = []
    nb.cells.append(nbformat.v4.new_code_cell('solution("q1")\nhint("q1")' if "hint" in
                                              json.dumps(nb.cells[0].source) else 'solution("q1")'))
    NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(edition)}}).execute()
    tests = [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
             and not c.metadata["nbgrader"].get("solution")]
    texts = ["".join(o.get("text", "") for o in c.outputs) for c in tests]
    assert texts and all("✓ 评分端会给满分" in t for t in texts), texts
    assert "worked solution — q1_test" in "".join(o.get("text", "") for o in nb.cells[-1].outputs)
