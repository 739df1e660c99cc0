"""The self-study edition's local grader: verdicts on the learner's own (public) seed, solutions on request.

A self-learner has no instructor and no hidden data: the seed is public and the reference code ships with the
edition (``crmlab course build --edition self-study``). The edition's setup cell calls :func:`enable` with the
notebook's folder, which holds ``reference.py`` (the instructor's half of the tasks) and ``solutions.json`` (the
worked solution cells of each task). From then on every ``qN.check(...)`` also judges the answers the way the
grader would — against answers recomputed from the learner's world and, for truth-graded tasks, against the
simulator's truth (模拟器保存的真实值) — and prints the verdict at once. In the class edition nothing here is
enabled and :func:`report` does nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

_STATE: dict = {}  # the enabled notebook: folder, reference module, solutions; the learner's seed and worlds


def enable(folder: str | Path = ".") -> None:
    """Switch on local verdicts for the notebook in ``folder`` (its ``reference.py`` and ``solutions.json``)."""
    from crmlab.autograde.prepare import load_reference

    folder = Path(folder).resolve()
    _STATE.clear()
    _STATE["reference"] = load_reference(folder / "reference.py")
    path = folder / "solutions.json"
    _STATE["solutions"] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    print("自学版 self-study edition：每个测试单元会立刻用你自己的数据给出评分端的结论；"
          "需要时可用 hint(\"q1\") 看提示、solution(\"q1\") 看参考解答。")


def active() -> bool:
    """Whether local verdicts are on (only in the self-study edition)."""
    return "reference" in _STATE


def my_world(*, data_quality: bool = False, seed: int | None = None, verbose: bool = True):
    """:func:`crmlab.labs.data.my_world`, remembering the seed so the local grader uses the same world."""
    from crmlab.labs.data import my_world as load, resolve_source

    source = resolve_source(seed=seed)
    if source.seed is not None:
        _STATE["seed"] = source.seed
    return load(data_quality=data_quality, seed=seed, verbose=verbose)


def _worlds():
    """The learner's full worlds (truth included), simulated once from the public seed."""
    if "worlds" not in _STATE:
        from crmlab.labs.data import SELF_STUDY_SEED, resolve_source
        from crmlab.simulator import simulate_pair

        seed = _STATE.get("seed", resolve_source().seed or SELF_STUDY_SEED)
        _STATE["worlds"] = simulate_pair(seed=seed)
    return _STATE["worlds"]


def report(task, answers: dict, objects: dict) -> None:
    """Print the grader's verdict on ``answers`` of ``task`` (self-study only; a no-op in the class edition)."""
    if not active():
        return
    from crmlab.autograde.verdict import judge

    ref = _STATE["reference"]
    world, dq = _worlds()
    gid = task.grade_id
    expected = task.answers(**ref.SOLUTIONS[gid](world, dq))
    if gid in getattr(ref, "TRUTH", {}):
        expected.update(ref.TRUTH[gid](world, dq))
    verdict = judge(task, gid, answers, expected, observer=_observer())
    mark = "✓ 评分端会给满分 full marks" if verdict.passed else "✗ 评分端会给 0 分 zero"
    print(f"{mark}（{task.points} 分）：{verdict.message}")


def _observer():
    """Observed answers are run here too, unsandboxed: the learner is only attacking their own machine."""
    from crmlab.autograde.observe import observe
    from crmlab.autograde.sandbox import Sandbox

    return lambda probe, artefact: observe(probe, artefact, box=Sandbox(kind="none"), data=None)


def solution(task: str) -> None:
    """Print the worked solution of ``task`` ("q3" or "q3_test"), the instructor's cells as written."""
    if not active():
        print("参考解答只在自学版里提供 solutions are part of the self-study edition only")
        return
    solutions = _STATE["solutions"]
    gid = task if task in solutions else f"{task}_test"
    if gid not in solutions:
        raise KeyError(f"没有任务 no task {task!r}")
    print(f"# 参考解答 worked solution — {gid}\n")
    print("\n\n".join(solutions[gid]))
