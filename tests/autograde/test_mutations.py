"""Hidden comparisons catch plausible mistakes (notebook rule 7): at least 80 % of the mutants of each lecture's
solution cells lose points with the grader's own rules (see tests/autograde/fixtures/mutants.py)."""

from __future__ import annotations

import contextlib
import io
import itertools
import linecache

import pytest
from crmlab.autograde.observe import local_observer
from mutants import check_call, mutate, run_with_limit, sample, sites

from tests.conftest import lecture_sources

pytestmark = pytest.mark.slow
LECTURES = [(src, name) for src, name in lecture_sources() if name != "01_fixture"]
MIN_CAUGHT = 0.80
MAX_MUTANTS = 80  # per lecture, a fixed sample across every site of every solution cell
SEED = 5
OBSERVER = local_observer()  # Observed answers (SQL constraints) are run, not assumed
_CELLS = itertools.count()


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _is_test(cell) -> bool:
    return cell.cell_type == "code" and _meta(cell).get("grade") and not _meta(cell).get("solution")


def _is_answer(cell) -> bool:
    return cell.cell_type == "code" and bool(_meta(cell).get("solution"))


@pytest.fixture(scope="module")
def world_pair():
    from crmlab.simulator import simulate_pair

    return simulate_pair(seed=SEED)


def _quiet_exec(source: str, ns: dict) -> bool:
    """Run ``source`` in ``ns`` with its output swallowed; ``False`` if it raised. The source is registered in
    ``linecache`` as IPython registers a cell's, so ``inspect.getsource`` finds a function it defines (a task that
    records a function's source for the grader to run)."""
    name = f"<cell-{next(_CELLS)}>"
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            run_with_limit(lambda: exec(compile(source, name, "exec"), ns))
        return True
    except Exception:  # noqa: BLE001 - a mutant may raise anything; that is a caught mutant
        return False


def _passes(ref, expected, cell, ns) -> bool:
    from crmlab.autograde.verdict import judge

    gid = _meta(cell)["grade_id"]
    call = check_call(cell.source)
    if call is None:
        return False
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            objects = {k: eval(v, ns) for k, v in call[1].items()}
            answers = run_with_limit(lambda: ref.TASKS[gid].answers(**objects))
    except Exception:  # noqa: BLE001 - a crash scores zero
        return False
    return judge(ref.TASKS[gid], gid, answers, expected[gid], observer=OBSERVER).passed


@pytest.mark.parametrize("src,name", [pytest.param(s, n, id=n) for s, n in LECTURES])
def test_mutants_lose_points(src, name, world_pair, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    from crmlab.autograde.build import convert_notebook
    from crmlab.autograde.prepare import load_reference

    world, dq = world_pair
    ref = load_reference(src / name / "reference.py")
    expected = ref.expected(world, dq_world=dq)
    views = {False: world.without_truth(), True: dq.without_truth()}
    monkeypatch.setattr("crmlab.labs.data.my_world",
                        lambda *, data_quality=False, seed=None, verbose=True: views[bool(data_quality)])
    cells = convert_notebook(src / name / f"{name}.md").cells
    ns: dict = {"__name__": "__notebook__"}
    before: dict[int, dict] = {}
    for i, cell in enumerate(cells):
        if cell.cell_type != "code" or _is_test(cell):
            continue
        if _is_answer(cell):
            before[i] = dict(ns)
        _quiet_exec(cell.source, ns)
    tests = [i for i, c in enumerate(cells) if _is_test(c)]
    baseline = {i: _passes(ref, expected, cells[i], ns) for i in tests}
    assert all(baseline.values()), f"the solution itself fails {[_meta(cells[i])['grade_id'] for i in tests]}"

    def graded_by(i: int) -> list[int]:
        """The test cells after answer cell ``i`` up to the next answer cell."""
        nxt = min([j for j in before if j > i] + [len(cells)])
        return [j for j in tests if i < j < nxt] or [j for j in tests if j > i][:1]

    candidates = [(i, s) for i in before for s in sites(cells[i].source)]
    chosen = sample(candidates, MAX_MUTANTS)
    survivors = []
    for i, site in chosen:
        try:
            source = mutate(cells[i].source, site.index)
        except (SyntaxError, ValueError):
            continue
        ns2 = dict(before[i])
        caught = not _quiet_exec(source, ns2)
        if not caught:
            judged = graded_by(i)
            for j in range(i + 1, max(judged) + 1):
                if cells[j].cell_type == "code" and not _is_test(cells[j]) and not _is_answer(cells[j]):
                    _quiet_exec(cells[j].source, ns2)
            caught = not all(_passes(ref, expected, cells[j], ns2) for j in judged)
        if not caught:
            survivors.append(f"cell {i} site {site.index}: {site.kind}")
    score = 1 - len(survivors) / len(chosen)
    print(f"{name}: {len(chosen) - len(survivors)}/{len(chosen)} mutants caught ({score:.0%})")
    assert score >= MIN_CAUGHT, f"{name}: only {score:.0%} of mutants lose points; survivors: {survivors}"
