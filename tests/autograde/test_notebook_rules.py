"""The notebook rules (``shared/reference/notebook-rules.md``) that a machine can check, for every lecture.

One source for every number and reference (figures from ``measured.json``, fresh; MyST labels, no section
numbers typed by hand); the syllabus's objectives quoted verbatim; the shape (≥ 6 graded tasks, ≥ 2 graded
against the truth with a recovery study passing on ≥ 99.5 % of 200 seeds, a 1–3 hint ladder per task, at most
one written answer with its rubric, a lab, a 小结 and a self-check with answers, an instructor's page).
"""

from __future__ import annotations

import json
import re

import pytest
from crmlab.autograde import measure, prose
from crmlab.autograde.build import convert_notebook
from crmlab.autograde.prepare import load_reference

from tests.conftest import REPO, lecture_sources

LECTURES = [pytest.param(src, name, id=name) for src, name in lecture_sources() if name != "01_fixture"]
SYLLABUS = json.loads((REPO / "course" / "syllabus.json").read_text(encoding="utf-8"))
MIN_TASKS, MIN_TRUTH = 6, 2


def _md(src, name) -> str:
    return (src / name / f"{name}.md").read_text(encoding="utf-8")


def _nb(src, name):
    return convert_notebook(src / name / f"{name}.md")


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


@pytest.mark.parametrize("src,name", LECTURES)
def test_references_are_labels_and_figures_are_measured(src, name):
    text = _md(src, name)
    assert not prose.hand_typed_refs(text), f"use (label)= and {{ref}}`label`, not {prose.hand_typed_refs(text)}"
    nb = _nb(src, name)  # raises if a {ref} or {{fig}} does not resolve
    built = "\n".join(cell.source for cell in nb.cells)
    assert "{{fig:" not in built and "{ref}" not in built and not prose.LABEL_RE.search(built)


@pytest.mark.parametrize("src,name", LECTURES)
def test_objectives_quote_the_syllabus(src, name):
    text = _md(src, name)
    number = name[:2]
    for objective in SYLLABUS[number]:
        assert objective.rstrip("。") in text, f"objective not quoted verbatim: {objective}"
    assert SYLLABUS["key"][number].rstrip("。") in text, "quote the syllabus's key and difficult points"


@pytest.mark.parametrize("src,name", LECTURES)
def test_shape(src, name):
    ref = load_reference(src / name / "reference.py")
    nb = _nb(src, name)
    assert len(ref.TASKS) >= MIN_TASKS
    assert len(getattr(ref, "TRUTH", {})) >= MIN_TRUTH, "at least two tasks graded against the truth"
    for gid, task in ref.TASKS.items():
        assert 1 <= len(task.hints) <= 3, f"{gid}: a hint ladder of 1–3 hints"
    written = [c for c in nb.cells if c.cell_type == "markdown" and _meta(c).get("grade") and _meta(c).get("solution")]
    assert len(written) <= 1, "at most one written answer graded by hand"
    instructor = src / name / "instructor.md"
    assert instructor.is_file(), "an instructor's page: course/NN_slug/instructor.md"
    page = instructor.read_text(encoding="utf-8")
    for heading in ("预计用时", "常见错误"):
        assert heading in page, f"instructor.md needs a section {heading}"
    for cell in written:
        assert _meta(cell)["grade_id"] in page and "评分细则" in page, "the written answer's rubric (评分细则)"
    headings = [ln for c in nb.cells if c.cell_type == "markdown" for ln in c.source.splitlines() if ln.startswith("#")]
    assert any("小结" in h for h in headings) and any("自测" in h for h in headings)
    selfcheck = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "答案" in selfcheck.split("自测", 1)[-1], "the self-check gives its answers"
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert any(re.search(r"from crmlab\.labs\.(?!data\b)\w+ import", s) for s in code), "at least one lab shown"
    assert "hint(" in selfcheck or any("import hint" in s or ", hint" in s for s in code), "tell students hint()"
    assert "下一格" not in "\n".join(c.source for c in nb.cells), "write 下面的代码单元"


@pytest.mark.parametrize("src,name", LECTURES)
def test_recovery_study_passes(src, name):
    content = measure.load(src / name)
    ref = load_reference(src / name / "reference.py")
    assert set(content["recovery"]) == set(getattr(ref, "TRUTH", {})), "run: crmlab course measure " + name
    for gid, study in content["recovery"].items():
        assert len(study["passed"]) >= measure.RECOVERY_SEEDS, f"{gid}: study on {measure.RECOVERY_SEEDS} seeds"
        rate = sum(study["passed"]) / len(study["passed"])
        assert rate >= measure.PASS_RATE, f"{gid}: the solution passes on {rate:.1%} of seeds against the truth"


@pytest.mark.slow
@pytest.mark.parametrize("src,name", LECTURES)
def test_measured_file_is_fresh(src, name):
    problems = measure.stale(src / name)
    assert not problems, f"measured.json is stale ({problems[:3]}): run crmlab course measure {name}"
