"""The leaky-bucket lab: its pure functions, and the widget driven by setting control values."""

import math

import numpy as np
import pytest
from crmlab.labs.leaky_bucket import (
    R_YEAR_MAX,
    base_paths,
    build_ui,
    monthly_rate,
    retention_lever,
    steady_state,
    summary_html,
)


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


def test_monthly_rate_compounds_to_the_annual_one():
    assert monthly_rate(0.6) ** 12 == pytest.approx(0.6)
    assert monthly_rate(0.95 ** 12) == pytest.approx(0.95)
    with pytest.raises(ValueError):
        monthly_rate(1.2)


def test_retention_lever_is_annual():
    """+5 pp on the ANNUAL rate: 0.60 -> 0.65, i.e. monthly 0.9583 -> 0.9647; N* 2,399 -> 2,836 at A = 100."""
    lever = retention_lever(A=100, r_year=0.60, margin=20)
    assert lever["r"] == pytest.approx(0.6 ** (1 / 12)) and lever["r_new"] == pytest.approx(0.65 ** (1 / 12))
    assert lever["r_year_new"] == pytest.approx(0.65)
    assert lever["n_star"] == pytest.approx(100 / (1 - 0.6 ** (1 / 12)))
    assert lever["delta_n_star"] == pytest.approx(100 / (1 - 0.65 ** (1 / 12)) - 100 / (1 - 0.6 ** (1 / 12)))
    assert 400 < lever["delta_n_star"] < 500  # the old monthly reading gave +98,000 at r = 0.95
    assert lever["delta_annual_margin"] == pytest.approx(12 * 20 * lever["delta_n_star"])


def test_retention_lever_never_reaches_the_cap():
    """The slider's top (0.90) + 5 pp stays below 1, so N* is finite; beyond it the lever refuses."""
    lever = retention_lever(A=100, r_year=R_YEAR_MAX, margin=1)
    assert lever["r_new"] < 1 and math.isfinite(lever["n_star_new"])
    with pytest.raises(ValueError):
        retention_lever(A=100, r_year=0.96, margin=1)


def test_base_paths_uses_the_given_function():
    paths = base_paths(recursion, A=100, r=0.95, T=12, r_boosted=0.96)
    assert paths["error"] is None
    assert len(paths["base"]) == 13
    assert paths["base"][12] == pytest.approx(919.28, abs=0.01)
    assert paths["boosted"][12] > paths["base"][12]
    assert base_paths(recursion, A=100, r=0.95, T=12)["boosted"] is None


def test_base_paths_reports_unfinished_and_broken_functions():
    assert "任务 1" in base_paths(not_done, A=1, r=0.5, T=3)["error"]
    broken = base_paths(lambda *a: 1 / 0, A=1, r=0.5, T=3, r_boosted=0.6)
    assert "ZeroDivisionError" in broken["error"] and broken["base"] is None


def test_summary_shows_every_fact_and_delta_only_with_boost():
    lever = retention_lever(A=100, r_year=0.6, margin=20)
    off = summary_html(lever, A=100, margin=20, boost=False)
    assert "ΔN*" not in off
    for fact in ("100 人/月", "R = 0.60", "0.9583", "20 元/人/月", "2,399"):
        assert fact in off
    on = summary_html(lever, A=100, margin=20, boost=True)
    assert "R = 0.65" in on and "0.9647" in on and "ΔN* = +436" in on


def test_widget_reacts_to_controls():
    ui = build_ui(customer_base=recursion, A=100, r_year=0.60, T=12)
    assert "2,399" in ui.summary.value
    assert ui.paths["base"][-1] == pytest.approx(recursion(0, 100, 0.6 ** (1 / 12), 12)[-1])
    first_png = ui.plot.value
    assert first_png[:4] == b"\x89PNG"

    ui.r_year.value = 0.30
    assert "0.9045" in ui.summary.value  # 0.3 ** (1/12)
    ui.boost.value = True
    assert "R = 0.35" in ui.summary.value
    assert ui.paths["boosted"] is not None and ui.paths["boosted"][-1] > ui.paths["base"][-1]
    ui.T.value = 24
    assert len(ui.paths["base"]) == 25
    ui.margin.value = 10
    lever = retention_lever(A=100, r_year=0.30, margin=10)
    assert f"¥{lever['delta_annual_margin']:+,.0f}" in ui.summary.value
    assert ui.plot.value != first_png


def test_widget_starts_away_from_caps():
    ui = build_ui(customer_base=recursion)
    assert ui.r_year.min < ui.r_year.value < ui.r_year.max
    assert ui.r_year.max + 0.05 < 1


def test_widget_runs_before_task_one_is_done():
    ui = build_ui(customer_base=not_done)
    assert "任务 1" in ui.summary.value
    ui.A.value = 200
    assert "4,799" in ui.summary.value  # N* still shown: 200 / (1 - 0.6 ** (1/12))
