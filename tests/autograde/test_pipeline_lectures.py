"""For every lecture in course/ (and the fixture lecture): blank → 0, solution → full marks on three
student seeds, and nothing secret in release/ or feedback/."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.slow


def _block_lines(text: str, begin: str, end: str) -> list[str]:
    """Non-trivial lines between ``### BEGIN X`` and ``### END X`` markers."""
    lines, inside = [], False
    for line in text.splitlines():
        if line.strip() == begin:
            inside = True
        elif line.strip() == end:
            inside = False
        elif inside and len(line.strip()) > 15 and not line.strip().startswith("#"):
            lines.append(line.strip())
    return lines


def _outside_blocks(text: str) -> list[str]:
    """Lines of the source outside every hidden-test and solution block (what students may see)."""
    out, depth = [], 0
    for line in text.splitlines():
        if line.strip().startswith("### BEGIN "):
            depth += 1
        elif line.strip().startswith("### END "):
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(line.strip())
    return out


def _reference_lines(path) -> list[str]:
    if not path.is_file():
        return []
    text = re.sub(r'""".*?"""', "", path.read_text(encoding="utf-8"), flags=re.S)
    return [ln.strip() for ln in text.splitlines()
            if len(ln.strip()) > 25 and not ln.strip().startswith(("#", "import", "from", "def ", "return {"))]


def test_solution_full_marks_on_three_seeds(graded_lecture):
    recs = graded_lecture["records"]
    seeds = set()
    for sid in ("sol1", "sol2", "sol3"):
        r = recs[sid]
        auto = [c for c in r["cells"] if c["status"] != "needs manual grading"]
        assert r["max_score"] > 0 and auto
        assert r["auto_score"] == r["auto_max"] == sum(c["max_score"] for c in auto), \
            (sid, [c for c in auto if c["status"] != "ok"])
        assert all(c["status"] == "ok" for c in auto)
        assert len(r["cells"]) - len(auto) <= 1, "at most one written answer, awaiting manual grading"
        assert r["manual_pending"] == sum(c["max_score"] for c in r["cells"] if c not in auto)
        seeds.add(sid)
    assert len(seeds) == 3


def test_solution_students_have_different_seeds(graded_lecture):
    from crmlab.autograde.roster import read_seeds

    seeds = read_seeds(graded_lecture["course_dir"]).set_index("student_id")["seed"]
    assert len({seeds["sol1"], seeds["sol2"], seeds["sol3"]}) == 3


def test_release_scores_zero_on_every_cell(graded_lecture):
    r = graded_lecture["records"]["blank1"]
    assert r["cells"], "no graded cells"
    assert all(c["score"] == 0 for c in r["cells"]), r["cells"]


def test_nothing_secret_in_release_or_feedback(graded_lecture):
    course_dir, name = graded_lecture["course_dir"], graded_lecture["assignment"]
    md = (graded_lecture["source"] / f"{name}.md").read_text(encoding="utf-8")
    hidden = _block_lines(md, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
    solution = _block_lines(md, "### BEGIN SOLUTION", "### END SOLUTION")
    # a line also written outside the secret blocks (an import, a shared helper call) is public anyway
    shown = "\n".join(_outside_blocks(md))
    hidden = [ln for ln in hidden if ln not in shown and not ln.startswith(("import ", "from "))]
    solution = [ln for ln in solution if ln not in shown]
    reference = [ln for ln in _reference_lines(graded_lecture["source"] / "reference.py") if ln not in shown]
    key = (course_dir / ".crmlab" / "course_key").read_text().strip()
    assert key
    everywhere = [p for p in (course_dir / "release").rglob("*") if p.is_file()]
    everywhere += [p for p in (course_dir / "feedback").rglob("*") if p.is_file()]
    assert any("feedback" in p.parts for p in everywhere)
    assert not any(p.name == "reference.py" for p in everywhere)
    for path in everywhere:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert key not in text, path
        for line in hidden + reference:
            assert line not in text, (path, line)
    own_answers = {"sol1", "sol2", "sol3"}
    for path in everywhere:
        if own_answers & set(path.parts):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for line in solution:
            assert line not in text, (path, line)


def test_feedback_starts_with_status(graded_lecture):
    course_dir, name = graded_lecture["course_dir"], graded_lecture["assignment"]
    html = (course_dir / "feedback" / "blank1" / name / f"{name}.html").read_text(encoding="utf-8")
    assert "Grading status" in html
    assert html.index("Grading status") < html.index("NotImplementedError")
