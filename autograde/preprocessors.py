"""Custom nbgrader preprocessors that close stock nbgrader's gaps (see grading-anchors.md §1).

* :class:`GuardedExecute` — runs the kernel in a sandbox (:mod:`autograde.sandbox`) on a scratch copy of
  the submission and the student's handed-out data; after the kernel and every process it started are gone,
  it reads the recorded answers and puts the grader's verdict (:mod:`autograde.verdict`) into each test
  cell: the kernel's own errors there become plain text, and only the verdict decides the score. A cell
  that ignores the timeout interrupt (a loop swallowing
  ``KeyboardInterrupt``) stops the kernel; the remaining cells get a "not run" error (score 0). Wall time
  stays bounded by one timeout plus the IOPub wait, instead of timeout + 4 s per remaining cell or a
  failed student. The instructor's locked data cells (``my_world(...)``) get their own, longer limit:
  they only import the simulator and read the pre-generated world, but that alone can exceed a short
  per-cell limit on a loaded machine.
* :class:`ByteLimitOutput` — caps each cell's output by bytes (stock nbgrader counts lines only, so one
  50 MB line would land whole in the feedback).
* :class:`ShortTestTracebacks` — a failing test cell shows only its final error line, so no hidden-test
  source leaks through a traceback into the feedback.
* :class:`StatusBanner` — puts the student's grading status line at the top of the feedback.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute, LimitOutput, NbGraderPreprocessor
from traitlets import Integer, Unicode

VERDICT_ENAME = "GraderVerdict"
NOT_RUN_ENAME = "CellNotRun"
STUCK_ENAME = "CellTimeoutError"
TRUNCATED_NOTE = "... output truncated at {kb} kB ..."
MAX_EVALUE = 500  # characters of an error message kept in a test cell's one-line traceback


def _error(ename: str, evalue: str) -> NotebookNode:
    """An error output whose traceback is the single line ``ename: evalue``."""
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def is_data_cell(cell) -> bool:
    """A locked, ungraded instructor cell that loads the student's data (calls ``my_world(``).

    Only cells nbgrader knows (a ``grade_id`` from the source; ``OverwriteCells`` drops unknown ids and
    restores a locked cell's source) count, so a student cannot give their own code the longer limit.
    """
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return (cell.get("cell_type") == "code" and bool(meta.get("locked")) and "grade_id" in meta
            and not meta.get("grade") and not meta.get("solution") and "my_world(" in cell.get("source", ""))


def is_test_cell(cell) -> bool:
    """A locked, autograded test cell (nbgrader ``grade: true``, ``solution: false``)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


@dataclass(frozen=True)
class GradingContext:
    """What the grader hands its Execute for one student: tasks, expected answers, data folder, sandbox."""

    tasks: dict
    expected: dict
    data: Path | None
    sandbox: object


CONTEXTS: dict = {}  # (student, assignment) -> GradingContext, set by the grading worker around autograde


class GuardedExecute(Execute):
    """nbgrader's Execute in a sandbox, with verdicts decided outside the kernel and a stuck-kernel guard.

    After a timeout nbclient interrupts the kernel; if the cell still produces no reply within the IOPub
    wait, the kernel is killed and every later code cell gets a ``CellNotRun`` error output, so the test
    cells after it score 0 and the student's other results stand.
    """

    data_timeout = Integer(120, help="seconds allowed to a locked data-loading cell (my_world); "
                                     "at least the per-cell timeout").tag(config=True)

    def _get_timeout(self, cell):
        """The per-cell limit; a data cell gets ``max(timeout, data_timeout)``."""
        timeout = super()._get_timeout(cell)
        if timeout and cell is not None and is_data_cell(cell):
            return max(timeout, self.data_timeout)
        return timeout

    def preprocess(self, nb, resources=None, km=None):
        """Execute ``nb`` in its sandbox on a scratch copy, then replace test cells' results by verdicts."""
        from crmlab.autograde import sandbox

        self._stopped_reason = ""
        info = resources.get("nbgrader", {})
        context = CONTEXTS.get((info.get("student"), info.get("assignment")))
        if context is None:
            raise RuntimeError("no grading context: grade with 'crmlab grade', which decides verdicts outside "
                               "the kernel")
        scratch = sandbox.make_scratch()
        try:
            _copy_submission(Path(resources.get("metadata", {}).get("path") or "."), scratch / "work")
            resources.setdefault("metadata", {})["path"] = str(scratch / "work")
            self.kernel_manager_class = sandbox.kernel_manager_class(context.sandbox, scratch=scratch,
                                                                     data=context.data)
            nb, resources = super().preprocess(nb, resources, km)
            sandbox.wait_gone(scratch)
            from crmlab.autograde.verdict import judge_all

            test_cells = [c for c in nb.cells if is_test_cell(c) and "grade_id" in c.metadata.get("nbgrader", {})]
            from crmlab.autograde.observe import observe

            verdicts = judge_all(context.tasks, [c.metadata.nbgrader.grade_id for c in test_cells],
                                 scratch / "answers", context.expected,
                                 observer=lambda probe, art: observe(probe, art, box=context.sandbox,
                                                                     data=context.data))
            for cell in test_cells:
                _apply_verdict(cell, verdicts[cell.metadata.nbgrader.grade_id])
            return nb, resources
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def preprocess_cell(self, cell, resources, index):
        """Run one cell, or mark it not run once the kernel has been stopped."""
        if cell.cell_type != "code":
            return cell, resources
        if self._stopped_reason:
            cell.outputs = [_error(NOT_RUN_ENAME, self._stopped_reason)]
            return cell, resources
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        try:
            return super().preprocess_cell(cell, resources, index)
        except (CellTimeoutError, DeadKernelError):
            limit = self._get_timeout(cell)
            self._stopped_reason = (f"not run: an earlier cell ran past the {limit} s limit and "
                                    f"ignored the interrupt, so the kernel was stopped")
            self._kill_kernel()
            cell.outputs = [*cell.get("outputs", []), _error(
                STUCK_ENAME, f"cell ran past the {limit} s limit and ignored the interrupt; kernel stopped")]
            return cell, resources

    def _kill_kernel(self) -> None:
        """Kill the kernel process now (best effort; the cleanup that follows tolerates a dead kernel)."""
        from jupyter_core.utils import run_sync

        if self.km is None:
            return
        try:
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception as exc:  # noqa: BLE001 - the kernel may already be gone
            self.log.warning("could not kill the stuck kernel: %s", exc)


def _copy_submission(src: Path, dest: Path, *, limit: int = 50_000_000) -> None:
    """Copy the submission's regular files (not notebooks, not links) into the scratch work folder."""
    if not src.is_dir():
        return
    budget = limit
    for item in sorted(src.rglob("*")):
        if item.is_symlink() or not item.is_file() or item.suffix == ".ipynb":
            continue
        size = item.stat().st_size
        if size > budget:
            continue
        budget -= size
        target = dest / item.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(item, target)


def _apply_verdict(cell, verdict) -> None:
    """The test cell's outputs: the kernel's text (its errors as plain text), then the grader's verdict."""
    kept = []
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "error" and output.get("ename") in (NOT_RUN_ENAME, STUCK_ENAME):
            cell.outputs = [output]  # the guard stopped the kernel here: this cell scores 0, as it says
            return
        if kind == "error":
            evalue = (str(output.get("evalue", "")).splitlines() or [""])[0][:MAX_EVALUE]
            kept.append(NotebookNode(output_type="stream", name="stderr",
                                     text=f"测试单元 test cell: {output.get('ename', 'Error')}: {evalue}\n"))
        elif kind in ("stream", "display_data"):
            kept.append(output)
    if verdict.passed:
        kept.append(NotebookNode(output_type="stream", name="stdout", text=f"评分 grader: ✓ {verdict.message}\n"))
    else:
        kept.append(_error(VERDICT_ENAME, verdict.message))
    cell.outputs = kept


def _output_bytes(output) -> int:
    """Approximate size of one output in bytes (its text or mime-bundle payloads)."""
    kind = output.get("output_type")
    if kind == "stream":
        return len(str(output.get("text", "")).encode("utf-8", "replace"))
    if kind == "error":
        return len(json.dumps(output.get("traceback", []))) + len(str(output.get("evalue", "")))
    return len(json.dumps(output.get("data", {})))


class ByteLimitOutput(LimitOutput):
    """nbgrader's LimitOutput (lines, traceback length) plus a cap on each cell's output bytes.

    Outputs are kept in order until ``max_bytes`` is reached; a stream output that crosses the limit is cut
    there and followed by a truncation note; later rich outputs are dropped. Error outputs are always kept
    (their message capped), because the grade of a test cell depends on them.
    """

    max_bytes = Integer(100_000, help="maximum bytes of output per cell (-1: no limit)").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        """Apply the line limits, then the byte limit."""
        cell, resources = super().preprocess_cell(cell, resources, index)
        if self.max_bytes < 0 or cell.cell_type != "code":
            return cell, resources
        budget, kept, cut = self.max_bytes, [], False
        for output in cell.outputs:
            if output.get("output_type") == "error":
                output["evalue"] = str(output.get("evalue", ""))[:self.max_bytes]
                output["traceback"] = [line[:self.max_bytes] for line in output.get("traceback", [])[-100:]]
                kept.append(output)
                continue
            size = _output_bytes(output)
            if not cut and size <= budget:
                kept.append(output)
                budget -= size
                continue
            if not cut and output.get("output_type") == "stream" and budget > 0:
                text = str(output.get("text", "")).encode("utf-8", "replace")[:budget].decode("utf-8", "ignore")
                output["text"] = text
                kept.append(output)
            cut = True
        if cut:
            kept.append(NotebookNode(output_type="stream", name="stderr",
                                     text="\n" + TRUNCATED_NOTE.format(kb=self.max_bytes // 1000) + "\n"))
        cell.outputs = kept
        return cell, resources


class ShortTestTracebacks(NbGraderPreprocessor):
    """Reduce every error in a test cell to its final line ``ename: evalue`` (no hidden source)."""

    def preprocess_cell(self, cell, resources, index):
        """Shorten the tracebacks of one test cell."""
        if is_test_cell(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    evalue = str(output.get("evalue", "")).splitlines()
                    first = evalue[0][:MAX_EVALUE] if evalue else ""
                    output["evalue"] = first
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {first}"]
        return cell, resources


class StatusBanner(NbGraderPreprocessor):
    """Insert the student's grading status (from ``<status_dir>/<assignment>/<student>.json``) on top."""

    status_dir = Unicode("", help="folder of per-student status files written by crmlab grade").tag(config=True)

    def preprocess(self, nb, resources):
        """Prepend a markdown cell with the status line, if a status file exists."""
        info = resources.get("nbgrader", {})
        if not self.status_dir or "student" not in info:
            return nb, resources
        path = Path(self.status_dir) / info.get("assignment", "") / f"{info['student']}.json"
        if not path.is_file():
            return nb, resources
        status = json.loads(path.read_text(encoding="utf-8"))
        text = (f"**评分状态 Grading status** — {status.get('banner', '')}\n\n"
                f"得分 Score: {status.get('score', 0):g} / {status.get('max_score', 0):g}")
        cell = NotebookNode(cell_type="markdown", metadata={}, source=text, id="crmlab-status")
        nb.cells.insert(0, cell)
        return nb, resources
