"""Graded tasks, each declared once (learntools' problem classes, otter's ``@test_case``).

A :class:`Task` holds what a student may see: its grade id, points and title; ``produce``, which turns the
student's objects (functions and values from their notebook, and their ``world``) into named answers —
calling their functions on inputs derived from their own data; the comparison :class:`Rule` for each
answer, with its tolerance and the reason for it; the formative check with the common :class:`Mistake`\\ s
and the hint each deserves. The notebook's test cell is one call, ``qN.check(world=world, f=f, …)``: it
records the answers for the grader (:mod:`autograde.answers`) and runs the formative check for the student.

The instructor-only half lives in ``course/NN_slug/reference.py`` (never in a release, never importable by
a kernel): ``SOLUTIONS[grade_id](world, world_dq)`` → the objects of a correct solution, optional
``TRUTH[grade_id](world, world_dq)`` → answers graded against the hidden truth instead, and
``MISTAKES[(grade_id, name)](world, world_dq)`` → the objects a student making that mistake would have.
The grader computes expected answers from them (:mod:`autograde.verdict`) and decides every verdict after
the kernel is gone; tests for every task are generated from the two halves.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

PASS_NOTE = ("（形式检查通过 / formative checks passed — 提交后评分端会用你自己的数据核对答案 "
             "the grader will still check it on your own data）")


class CheckError(AssertionError):
    """A formative check failed; the message explains what is wrong and where to look."""


def passed(task: str) -> None:
    """Print the standard pass line for ``task``."""
    print(f"✓ {task} {PASS_NOTE}")


def fail(message: str) -> None:
    """Raise a :class:`CheckError` with ``message``."""
    raise CheckError(message)


def number(x, *, name: str) -> float:
    """``x`` as a finite float, or a :class:`CheckError` saying what ``name`` should be."""
    try:
        value = float(x)
    except (TypeError, ValueError):
        fail(f"{name} 应该是一个数 a number（got {type(x).__name__}）")
    if not math.isfinite(value):
        fail(f"{name} 不是有限数 not finite: {value}")
    return value


def require_columns(df, columns, *, name: str) -> None:
    """``df`` must be a DataFrame with every column in ``columns``."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        fail(f"{name} 应该是 pandas DataFrame（got {type(df).__name__}）")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        fail(f"{name} 缺少列 missing column(s) {missing}；现有列 you have {list(df.columns)}")


def plain_columns(df, columns):
    """The named columns the student's table has, as plain numbers or strings, for the answer channel (an
    all-missing column, e.g. SQL's all-NULL, as floats); ``None`` if it is not a DataFrame (missing columns are
    left for the grader's rule to report)."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        return None
    out = {}
    for c in columns:
        if c in df.columns:
            col = df[c]
            numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
            out[c] = (pd.to_numeric(col, errors="coerce").to_numpy(dtype=float) if numeric or col.isna().all()
                      else col.astype(str).to_numpy(dtype=object))
    return pd.DataFrame(out)


@dataclass(frozen=True)
class Mistake:
    """A common mistake and the hint it deserves; the formative check raises with ``hint`` when it sees it."""

    name: str
    hint: str

    def fail(self, prefix: str = "") -> None:
        """Raise this mistake's hint (after ``prefix``, e.g. the expected fixture value)."""
        fail(f"{prefix}{self.hint}")


@dataclass(frozen=True)
class Task:
    """One graded task; see the module docstring. ``produce(**objects) -> {answer name: value}``."""

    grade_id: str
    points: int
    title: str
    rules: dict
    produce: Callable[..., dict]
    formative: Callable[..., None] | None = None
    mistakes: tuple[Mistake, ...] = field(default=())
    hints: tuple[str, ...] = field(default=())

    def answers(self, **objects) -> dict:
        """The named answers of ``objects`` (the student's or a reference's), exactly the rules' names."""
        __tracebackhide__ = True  # IPython shows the student's frames, not the framework's
        answers = self.produce(**objects)
        if set(answers) != set(self.rules):
            raise ValueError(f"{self.grade_id}: produce gave {sorted(answers)}, rules name {sorted(self.rules)}")
        return answers

    def check(self, **objects) -> None:
        """The test cell's one call: record the answers for the grader, then run the formative check."""
        __tracebackhide__ = True  # IPython shows the student's frames, not the framework's
        from crmlab.autograde import selfstudy
        from crmlab.autograde.answers import record

        answers = self.answers(**objects)
        record(self.grade_id, answers)
        if self.formative is not None:
            self.formative(**objects)
        else:
            passed(self.title)
        selfstudy.report(self, answers, objects)

    def mistake(self, name: str) -> Mistake:
        """The declared mistake called ``name``."""
        for m in self.mistakes:
            if m.name == name:
                return m
        raise KeyError(f"{self.grade_id} declares no mistake {name!r}")


def tasks_of(*tasks: Task) -> dict[str, Task]:
    """``{grade_id: task}`` of a notebook, refusing a grade id declared twice."""
    out: dict[str, Task] = {}
    for task in tasks:
        if task.grade_id in out:
            raise ValueError(f"grade id {task.grade_id} declared twice")
        out[task.grade_id] = task
    return out


def hints_for(tasks: dict[str, Task]) -> Callable[[str], None]:
    """A notebook's ``hint("q3")``: each call prints the task's next hint (1–3 of them, the last repeats)."""
    shown: dict[str, int] = {}

    def hint(task: str) -> None:
        """Print the next hint of ``task`` ("q3" or "q3_test")."""
        gid = task if task in tasks else f"{task}_test"
        if gid not in tasks:
            raise KeyError(f"没有任务 no task {task!r}；有 {', '.join(g.split('_')[0] for g in tasks)}")
        ladder = tasks[gid].hints
        if not ladder:
            print(f"{task}：这个任务没有提示 no hints for this task")
            return
        step = min(shown.get(gid, 0), len(ladder) - 1)
        shown[gid] = step + 1
        print(f"提示 hint {step + 1}/{len(ladder)}（{tasks[gid].title}）：{ladder[step]}")

    return hint


def choice(grade_id: str, points: int, title: str, *, options: dict[str, str], reason: str,
           hints: tuple[str, ...] = (), many: bool = False, name: str = "answer") -> Task:
    """A multiple-choice (or, with ``many``, multiple-select) concept question, declared like any task.

    The student's test cell calls ``qN.check(answer="B")`` (``many``: a string or list of letters such as
    ``"AC"``); the formative check only says whether the answer is well formed; the key is the reference's
    ``SOLUTIONS[grade_id]`` and is judged on the grader's side like every answer. ``options`` maps each
    letter to its text, shown in the notebook by :func:`show_options`.
    """
    from .rules import Equal

    letters = tuple(options)

    def normalise(answer) -> str:
        if isinstance(answer, (list, tuple, set)):
            answer = "".join(str(a) for a in answer)
        if not isinstance(answer, str):
            fail(f"{title}：答案应是选项字母 an option letter such as 'B'（got {type(answer).__name__}）")
        picked = sorted({ch for ch in answer.upper() if not ch.isspace() and ch not in ",，;"})
        unknown = [ch for ch in picked if ch not in letters]
        if unknown or not picked:
            fail(f"{title}：只能从 {', '.join(letters)} 中选 choose among these letters（got {answer!r}）")
        if not many and len(picked) != 1:
            fail(f"{title}：这是单选题 single choice，只选一个字母")
        return "".join(picked)

    def produce(answer) -> dict:
        return {name: normalise(answer)}

    def formative(answer) -> None:
        normalise(answer)
        passed(title)

    return Task(grade_id, points, title, {name: Equal(reason=reason)}, produce, formative, hints=hints)


def matching(grade_id: str, points: int, title: str, *, items: tuple[str, ...], options: dict[str, str],
             reason: str, hints: tuple[str, ...] = (), name: str = "answer") -> Task:
    """A matching question: each of ``items`` gets one option letter; ``qN.check(answer={item: "B", …})``.

    Recorded as the list of letters in ``items`` order, judged whole on the grader's side (``Equal``).
    """
    from .rules import Equal

    letters = tuple(options)

    def normalise(answer) -> list[str]:
        if not isinstance(answer, dict):
            fail(f"{title}：答案应是字典 a dict {{item: letter}}（got {type(answer).__name__}）")
        missing = [item for item in items if item not in answer]
        if missing:
            fail(f"{title}：还没有配对 not yet matched: {', '.join(missing)}")
        out = [str(answer[item]).strip().upper() for item in items]
        bad = [f"{item}={letter}" for item, letter in zip(items, out, strict=True) if letter not in letters]
        if bad:
            fail(f"{title}：只能用字母 {', '.join(letters)}（got {', '.join(bad)}）")
        return out

    def produce(answer) -> dict:
        return {name: normalise(answer)}

    def formative(answer) -> None:
        normalise(answer)
        passed(title)

    return Task(grade_id, points, title, {name: Equal(reason=reason)}, produce, formative, hints=hints)


from . import friendly  # noqa: E402 - after CheckError, which it names

friendly.install()
