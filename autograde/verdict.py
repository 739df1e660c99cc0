"""The grader's side of a task: expected answers from the instructor's half, verdicts from recorded answers.

Runs in the grader's process only, after the grading kernel and every process it started are gone. The
kernel's answers are read back as plain values (:func:`autograde.answers.read_answers`) and judged by the
task's rules against answers computed from the world the grader handed out; the kernel's own outputs do not
count. A verdict's message names the kind of mismatch, never an expected value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crmlab.autograde.tasks import Task

NO_ANSWER = "未记录答案 no answer recorded (the test cell did not run to its end)"
NOT_DECLARED = "评分端没有这个任务的声明 no task is declared for this cell (instructor: see reference.py)"


@dataclass(frozen=True)
class Verdict:
    """One graded cell's result: passed or not, and one line saying why."""

    grade_id: str
    passed: bool
    message: str


def expected_answers(tasks: dict[str, Task], solutions: dict[str, Callable], truth: dict[str, Callable],
                     world, world_dq=None) -> dict[str, dict]:
    """``{grade_id: {answer: value}}``: each task's answers of the reference solution, truth answers over them.

    ``solutions[grade_id](world, world_dq)`` gives a correct solution's objects; ``truth[grade_id]`` (optional)
    gives answers graded against the hidden truth, which replace the solution's for those names.
    """
    missing = sorted(set(tasks) - set(solutions))
    if missing:
        raise ValueError(f"no reference solution for {missing}")
    out = {}
    for gid, task in tasks.items():
        answers = task.answers(**solutions[gid](world, world_dq))
        if gid in truth:
            answers.update(truth[gid](world, world_dq))
        out[gid] = answers
    return out


def judge(task: Task | None, grade_id: str, recorded: dict | None, expected: dict | None, *,
          observer: Callable | None = None) -> Verdict:
    """The verdict on one task from its recorded and expected answers.

    ``observer(probe, artefact)`` runs an :class:`~autograde.tasks.rules.Observed` answer's artefact in a
    sandbox and returns the behaviour seen (``None`` if it could not be observed; no observer: not observed).
    """
    from crmlab.autograde.tasks.rules import Observed

    if task is None or expected is None:
        return Verdict(grade_id, False, NOT_DECLARED)
    if recorded is None:
        return Verdict(grade_id, False, NO_ANSWER)
    for name, rule in task.rules.items():
        if name not in recorded:
            return Verdict(grade_id, False, f"{name}: {NO_ANSWER}")
        actual = recorded[name]
        if isinstance(rule, Observed):
            try:
                artefact = rule.artefact(actual, expected[name])
            except Exception:  # noqa: BLE001 - a record the rule cannot read is not observed, not a grader crash
                artefact = None
            actual = observer(rule.probe, artefact) if observer is not None and artefact is not None else None
        try:
            kind = rule.judge(actual, expected[name])
        except Exception:  # noqa: BLE001 - a record the rule cannot read is a wrong answer, not a grader crash
            kind = "无法读取的答案 an answer the grader cannot read"
        if kind:
            return Verdict(grade_id, False, f"{name}: {kind}")
    return Verdict(grade_id, True, "通过 passed: 与用你的数据重新算出的答案一致 matches the answer recomputed "
                                   "from your data")


def judge_all(tasks: dict[str, Task], grade_ids: list[str], answers_dir, expected: dict, *,
              observer: Callable | None = None) -> dict[str, Verdict]:
    """Verdicts for every graded cell id in ``grade_ids`` from the records in ``answers_dir``."""
    from crmlab.autograde.answers import read_answers

    return {gid: judge(tasks.get(gid), gid, read_answers(answers_dir, gid) if answers_dir else None,
                       expected.get(gid), observer=observer) for gid in grade_ids}
