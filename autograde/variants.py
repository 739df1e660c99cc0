"""Simulated submissions for the demo, the tests and the bench: solutions, blanks, partial answers, and
one notebook of every broken kind the grader must survive.

Every function takes the built ``source`` and ``release`` notebooks (nbformat v4) and returns either a
notebook or raw bytes (for malformed JSON). The "solution" is the release with each answer cell replaced
by the instructor's code (solution markers dropped), i.e. what a perfect student hands in — without the
hidden tests, which only the source has.
"""

from __future__ import annotations

import copy
import re

import nbformat

SOLUTION_MARK = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")
STUCK_LOOP = ("import time\nwhile True:\n    try:\n        time.sleep(0.5)\n"
              "    except KeyboardInterrupt:\n        pass\n")
HUGE_BYTES = 20_000_000  # one printed line of this many bytes (stock nbgrader keeps it whole)
BROKEN_KINDS = ("deleted_cell", "reordered", "exception", "infinite_loop", "swallow_interrupt",
                "test_edited", "malformed_json", "huge_output", "missing", "misnamed", "kernel_changed",
                "tampered")


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def answer_ids(nb) -> list[str]:
    """grade_ids of the answer (solution) cells, in order."""
    return [_meta(c)["grade_id"] for c in nb.cells if _meta(c).get("solution") and c.cell_type == "code"]


def test_ids(nb) -> list[str]:
    """grade_ids of the autograded test cells, in order."""
    return [_meta(c)["grade_id"] for c in nb.cells if _meta(c).get("grade") and not _meta(c).get("solution")]


def _index(nb, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if _meta(c).get("grade_id") == grade_id)


def solution(source, release):
    """The release with every answer cell holding the instructor's solution: code, and a written answer's text
    (a markdown answer left as released would be scored 0 by nbgrader instead of awaiting manual grading)."""
    nb = copy.deepcopy(release)
    src = {_meta(c)["grade_id"]: c for c in source.cells if _meta(c).get("solution")}
    for cell in nb.cells:
        gid = _meta(cell).get("grade_id")
        if gid in src and cell.cell_type in ("code", "markdown"):
            cell.source = "\n".join(line for line in src[gid].source.splitlines() if not SOLUTION_MARK.match(line))
    return nb


def blank(source, release):
    """The release as handed out (every answer still raises NotImplementedError)."""
    return copy.deepcopy(release)


def partial(source, release, *, keep_every: int = 2):
    """The solution with every other answer cell left blank (answers 0, 2, … kept)."""
    nb = solution(source, release)
    rel = {_meta(c).get("grade_id"): c for c in release.cells}
    for k, gid in enumerate(answer_ids(nb)):
        if k % keep_every:
            nb.cells[_index(nb, gid)].source = rel[gid].source
    return nb


def _prefix_first_answer(source, release, code: str):
    nb = solution(source, release)
    cell = nb.cells[_index(nb, answer_ids(nb)[0])]
    cell.source = code + "\n" + cell.source
    return nb


def broken(kind: str, source, release):
    """One submission of the broken ``kind`` (see ``BROKEN_KINDS``).

    Returns
    -------
    NotebookNode, bytes or None
        A notebook; raw bytes for ``malformed_json``; ``None`` for ``missing`` (no file at all).
    """
    if kind == "deleted_cell":
        nb = solution(source, release)
        del nb.cells[_index(nb, test_ids(nb)[0])]
        return nb
    if kind == "reordered":
        nb = solution(source, release)
        i = _index(nb, answer_ids(nb)[0])
        cell = nb.cells.pop(i)
        nb.cells.append(cell)
        return nb
    if kind == "exception":
        return _prefix_first_answer(source, release, "raise ValueError('broken on purpose')")
    if kind == "infinite_loop":
        return _prefix_first_answer(source, release, "while True:\n    pass")
    if kind == "swallow_interrupt":
        return _prefix_first_answer(source, release, STUCK_LOOP)
    if kind == "test_edited":
        nb = blank(source, release)
        for gid in test_ids(nb):
            nb.cells[_index(nb, gid)].source = "pass"
        return nb
    if kind == "malformed_json":
        text = nbformat.writes(solution(source, release)).encode("utf-8")
        return text[: len(text) // 2]
    if kind == "huge_output":
        return _prefix_first_answer(source, release, f"print('x' * {HUGE_BYTES})")
    if kind == "missing":
        return None
    if kind in ("misnamed",):
        return solution(source, release)
    if kind == "kernel_changed":
        nb = solution(source, release)
        nb.metadata["kernelspec"] = {"display_name": "R", "language": "R", "name": "ir"}
        return nb
    if kind == "tampered":
        nb = blank(source, release)
        cell = nb.cells[_index(nb, answer_ids(nb)[0])]
        cell.source = ("import os, json\njson.dump({'total_revenue': 0.0}, open(os.path.join("
                       "os.environ.get('CRMLAB_ANSWERS', '.'), 'q1_test.json'), 'w'))\n" + cell.source)
        return nb
    raise ValueError(f"unknown broken kind {kind!r}; choose from {', '.join(BROKEN_KINDS)}")


def file_name(kind: str, assignment: str) -> str:
    """The file name a submission of ``kind`` is handed in under."""
    return f"{assignment}-Copy1.ipynb" if kind == "misnamed" else f"{assignment}.ipynb"
