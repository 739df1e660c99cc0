"""``crmlab course measure``: the figures a lecture quotes and its truth-graded tasks' recovery study, on many
seeds, written to the lecture's committed ``measured.json``.

A lecture's ``reference.py`` may declare ``FIGURES = {name: Figure(fn, doc)}`` with ``fn(world, world_dq) ->
float`` measured on a student's default world (truth included); the prose quotes them as ``{{fig:name:fmt}}``
(:mod:`autograde.prose`). Every task in its ``TRUTH`` is a recovery study: on each seed the instructor's
solution is judged, with the task's own rules, against the simulator's truth — the tolerance is justified when
the solution passes on at least :data:`PASS_RATE` of :data:`RECOVERY_SEEDS` seeds. The file keeps every seed's
value, so a test recomputes the first seeds and fails when the file is stale (:func:`stale`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

FIGURE_SEEDS = 40  # seeds the quoted figures are measured on ("measured on 40 seeds: …")
RECOVERY_SEEDS = 200  # seeds of the recovery study of each truth-graded task
PASS_RATE = 0.995  # the instructor's solution must pass on this share of them (a 95 % CI alone misses 1 in 20)
FILE = "measured.json"
DIGITS = 10  # values are stored rounded, so a rerun on another machine writes the same bytes


@dataclass(frozen=True)
class Figure:
    """A number the prose quotes: ``fn(world, world_dq) -> float`` on one student's world; ``doc`` says what."""

    fn: Callable
    doc: str


def _one_seed(job: tuple) -> dict:
    """``{reference path: {figures, recovery}}`` of each reference on world ``seed`` (simulated once for all)."""
    paths, seed, with_figures = job
    from crmlab.autograde.observe import local_observer
    from crmlab.autograde.prepare import load_reference
    from crmlab.autograde.verdict import judge
    from crmlab.simulator import simulate_pair

    world, dq = simulate_pair(seed=seed)
    observer = local_observer()  # Observed answers (a constraint refuses a row) are run, not assumed
    results = {}
    for path in paths:
        ref = load_reference(Path(path))
        out = {"seed": seed, "figures": {}, "recovery": {}}
        if with_figures:
            for name, figure in getattr(ref, "FIGURES", {}).items():
                out["figures"][name] = round(float(figure.fn(world, dq)), DIGITS)
        for gid, truth in getattr(ref, "TRUTH", {}).items():
            task = ref.TASKS[gid]
            answers = task.answers(**ref.SOLUTIONS[gid](world, dq))
            expected = dict(answers, **truth(world, dq))
            out["recovery"][gid] = judge(task, gid, answers, expected, observer=observer).passed
        results[path] = out
    return results


def run_seeds(references: list[Path], seeds: list[int], *, figure_seeds: int, jobs: int = 1) -> list[dict]:
    """Per seed (in order), ``{reference path: results}``; the first ``figure_seeds`` seeds measure figures."""
    work = [([str(r) for r in references], seed, i < figure_seeds) for i, seed in enumerate(seeds)]
    if jobs <= 1:
        return [_one_seed(job) for job in work]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_one_seed, work))


def _needs(ref, figure_seeds: int, recovery_seeds: int) -> int:
    """How many seeds a reference needs: its figures' and its recovery studies' (at least 2)."""
    return max(figure_seeds if getattr(ref, "FIGURES", {}) else 0,
               recovery_seeds if getattr(ref, "TRUTH", {}) else 0, 2)


def measure_all(folders: list[str | Path], *, figure_seeds: int = FIGURE_SEEDS,
                recovery_seeds: int = RECOVERY_SEEDS, jobs: int = 1) -> dict[Path, dict]:
    """Measure every lecture in ``folders`` on shared worlds (one simulation per seed for all of them) and write
    each ``folder/measured.json``; returns ``{folder: content}``."""
    from crmlab.autograde.prepare import load_reference

    folders = [Path(f) for f in folders]
    refs = {folder: load_reference(folder / "reference.py") for folder in folders}
    n = max(_needs(ref, figure_seeds, recovery_seeds) for ref in refs.values())
    rows = run_seeds([f / "reference.py" for f in folders], list(range(n)), figure_seeds=figure_seeds, jobs=jobs)
    written = {}
    for folder, ref in refs.items():
        mine = [row[str(folder / "reference.py")] for row in rows][:_needs(ref, figure_seeds, recovery_seeds)]
        content = {
            "about": "written by `crmlab course measure`; quoted by the prose as {{fig:name:fmt}}; do not edit",
            "figures": {name: {"doc": fig.doc, "seeds": [r["seed"] for r in mine if name in r["figures"]],
                               "values": [r["figures"][name] for r in mine if name in r["figures"]]}
                        for name, fig in getattr(ref, "FIGURES", {}).items()},
            "recovery": {gid: {"seeds": [r["seed"] for r in mine][:recovery_seeds],
                               "passed": [bool(r["recovery"][gid]) for r in mine][:recovery_seeds]}
                         for gid in getattr(ref, "TRUTH", {})},
        }
        text = json.dumps(content, ensure_ascii=False, indent=1) + "\n"
        (folder / FILE).write_text(text, encoding="utf-8")
        written[folder] = content
    return written


def measure(folder: str | Path, *, figure_seeds: int = FIGURE_SEEDS, recovery_seeds: int = RECOVERY_SEEDS,
            jobs: int = 1) -> dict:
    """Measure one lecture ``folder`` and write its ``measured.json``; returns its content."""
    return measure_all([folder], figure_seeds=figure_seeds, recovery_seeds=recovery_seeds, jobs=jobs)[Path(folder)]


def load(folder: str | Path) -> dict:
    """``measured.json`` of lecture ``folder`` (empty figures and recovery when absent)."""
    path = Path(folder) / FILE
    if not path.is_file():
        return {"figures": {}, "recovery": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def pass_rates(content: dict) -> dict[str, float]:
    """``{grade_id: share of seeds the instructor's solution passed}`` from a ``measured.json``."""
    return {gid: sum(r["passed"]) / len(r["passed"]) for gid, r in content["recovery"].items() if r["passed"]}


def stale(folder: str | Path, *, check_seeds: int = 2) -> list[str]:
    """What the first ``check_seeds`` seeds give today but ``measured.json`` does not say (empty: fresh)."""
    from crmlab.autograde.prepare import load_reference

    folder = Path(folder)
    content = load(folder)
    ref = load_reference(folder / "reference.py")
    problems = []
    declared = set(getattr(ref, "FIGURES", {})), set(getattr(ref, "TRUTH", {}))
    if declared != (set(content["figures"]), set(content["recovery"])):
        problems.append("the declared FIGURES / TRUTH tasks differ from those measured")
        return problems
    path = folder / "reference.py"
    for row in run_seeds([path], list(range(check_seeds)), figure_seeds=check_seeds):
        row = row[str(path)]
        i = row["seed"]
        for name, value in row["figures"].items():
            kept = content["figures"][name]
            if i >= len(kept["values"]) or kept["seeds"][i] != i or kept["values"][i] != value:
                problems.append(f"figure {name} on seed {i}: measured {value}, file says "
                                f"{kept['values'][i] if i < len(kept['values']) else 'nothing'}")
        for gid, ok in row["recovery"].items():
            kept = content["recovery"][gid]["passed"]
            if i >= len(kept) or kept[i] != ok:
                problems.append(f"recovery {gid} on seed {i}: passed={ok}, file says something else")
    return problems
