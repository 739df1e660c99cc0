"""The leaky-bucket lab: its pure functions, and the widget driven by setting control values."""

import math

import numpy as np
import pytest
from crmlab.labs.leaky_bucket import base_paths, build_ui, retention_lever, steady_state, summary_html


def recursion(N0, A, r, T):
    """A test-side customer_base: N_{t+1} = r N_t + A."""
    out = np.empty(T + 1)
    out[0] = N0
    for t in range(T):
        out[t + 1] = r * out[t] + A
    return out


def not_done(N0, A, r, T):
    raise NotImplementedError()


@pytest.mark.parametrize("A, r, want", [(100, 0.95, 2000.0), (50, 0.5, 100.0), (0, 0.3, 0.0)])
def test_steady_state(A, r, want):
    assert steady_state(A=A, r=r) == pytest.approx(want)


def test_steady_state_edges():
    assert math.isinf(steady_state(A=10, r=1.0))
    with pytest.raises(ValueError):
        steady_state(A=10, r=1.2)
    with pytest.raises(ValueError):
        steady_state(A=-1, r=0.5)


def test_retention_lever_worked_example():
    lever = retention_lever(A=100, r=0.90, margin=20)
    assert lever["n_star"] == pytest.approx(1000)
    assert lever["n_star_new"] == pytest.approx(2000)
    assert lever["delta_n_star"] == pytest.approx(1000)
    assert lever["annual_margin"] == pytest.approx(12 * 20 * 1000)
    assert lever["delta_annual_margin"] == pytest.approx(12 * 20 * 1000)


def test_retention_lever_caps_retention():
    lever = retention_lever(A=100, r=0.98, margin=1)
    assert lever["r_new"] == pytest.approx(0.999)
    assert math.isfinite(lever["n_star_new"])


def test_base_paths_uses_the_given_function():
    paths = base_paths(recursion, A=100, r=0.95, T=12, boost=True)
    assert paths["error"] is None
    assert len(paths["base"]) == 13
    assert paths["base"][12] == pytest.approx(919.28, abs=0.01)
    assert paths["boosted"][12] > paths["base"][12]


def test_base_paths_reports_unfinished_and_broken_functions():
    assert "任务 1" in base_paths(not_done, A=1, r=0.5, T=3, boost=False)["error"]
    broken = base_paths(lambda *a: 1 / 0, A=1, r=0.5, T=3, boost=True)
    assert "ZeroDivisionError" in broken["error"] and broken["base"] is None


def test_summary_mentions_delta_only_with_boost():
    lever = retention_lever(A=100, r=0.9, margin=20)
    assert "ΔN*" not in summary_html(lever, boost=False)
    assert "+1,000" in summary_html(lever, boost=True)


def test_widget_reacts_to_controls():
    ui = build_ui(customer_base=recursion, A=100, r=0.95, T=12)
    assert "2,000" in ui.summary.value
    assert ui.paths["base"][-1] == pytest.approx(919.28, abs=0.01)
    first_png = ui.plot.value
    assert first_png[:4] == b"\x89PNG"

    ui.r.value = 0.90
    assert "1,000" in ui.summary.value
    ui.boost.value = True
    assert "ΔN* = +1,000" in ui.summary.value
    assert ui.paths["boosted"] is not None and ui.paths["boosted"][-1] > ui.paths["base"][-1]
    ui.T.value = 24
    assert len(ui.paths["base"]) == 25
    ui.margin.value = 10
    assert "+120,000" in ui.summary.value  # 12 months × ¥10 × 1,000 extra customers
    assert ui.plot.value != first_png


def test_widget_runs_before_task_one_is_done():
    ui = build_ui(customer_base=not_done)
    assert "任务 1" in ui.summary.value
    ui.A.value = 200
    assert "4,000" in ui.summary.value  # N* still shown: 200 / (1 - 0.95)
