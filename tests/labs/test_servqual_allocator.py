"""The SERVQUAL allocator lab: its pure functions on the lecture's worked example, and the widget driven by sliders."""

import numpy as np
import pandas as pd
import pytest
from crmlab.labs.servqual_allocator import (
    DEFAULT_POINTS,
    DIMENSIONS,
    build_ui,
    normalise_points,
    priority,
    summary_html,
    weighted_gaps,
)

# crm-models.md L03: gaps (-0.4, -1.2, -0.8, -0.4, -0.4) with points (10, 30, 25, 20, 15) -> -0.74.
GAPS = dict(zip(DIMENSIONS, (-0.4, -1.2, -0.8, -0.4, -0.4), strict=True))
POINTS = dict(zip(DIMENSIONS, (10, 30, 25, 20, 15), strict=True))


def test_worked_example_weighted_gap_and_priority():
    table = weighted_gaps(GAPS, POINTS)
    assert list(table.columns) == ["dimension", "gap", "points", "weighted_gap"]
    assert list(table["dimension"]) == list(DIMENSIONS)
    assert table["weighted_gap"].sum() == pytest.approx(-0.74)
    assert table["weighted_gap"].tolist() == pytest.approx([-0.04, -0.36, -0.2, -0.08, -0.06])
    assert priority(table) == "reliability"


def test_points_are_rescaled_to_100_and_validated():
    assert normalise_points([1, 1, 1, 1, 1]).tolist() == pytest.approx([20.0] * 5)
    assert normalise_points({d: 2 * p for d, p in POINTS.items()}).tolist() == pytest.approx([10, 30, 25, 20, 15])
    for bad in ([0, 0, 0, 0, 0], [1, 2, 3], [-1, 1, 1, 1, 1], [np.nan, 1, 1, 1, 1]):
        with pytest.raises(ValueError):
            normalise_points(bad)


def test_priority_follows_the_points_not_only_the_gap():
    """Reliability has the largest gap, but with almost all points on empathy, empathy comes first."""
    points = dict(zip(DIMENSIONS, (0, 5, 5, 0, 90), strict=True))
    assert priority(weighted_gaps(GAPS, points)) == "empathy"


def test_ties_go_to_the_first_dimension():
    table = weighted_gaps(dict.fromkeys(DIMENSIONS, -1.0), [20] * 5)
    assert priority(table) == "tangibles"


def test_summary_says_when_points_are_rescaled():
    table = weighted_gaps(GAPS, POINTS)
    assert "rescaled" not in summary_html(table, raw_total=100.0)
    text = summary_html(table, raw_total=80.0)
    assert "rescaled" in text and "80" in text and "-0.740" in text and "reliability" in text


def test_widget_starts_away_from_caps_and_reacts_to_sliders():
    gaps = pd.Series(GAPS)
    lab = build_ui(gaps=gaps)
    assert {d: s.value for d, s in lab.sliders.items()} == DEFAULT_POINTS
    assert all(0 < s.value < s.max for s in lab.sliders.values())
    assert sum(DEFAULT_POINTS.values()) == 100
    assert lab.plot.value[:4] == b"\x89PNG"
    before = lab.table["weighted_gap"].sum()
    lab.sliders["reliability"].value = 0  # 68 points left, rescaled to 100
    assert "rescaled" in lab.summary.value
    assert lab.table["points"].sum() == pytest.approx(100.0)
    assert lab.table["weighted_gap"].sum() != pytest.approx(before)
    for s in lab.sliders.values():
        s.value = 0
    assert "at least one" in lab.summary.value


def test_build_ui_needs_every_dimension():
    with pytest.raises(ValueError, match="missing"):
        build_ui(gaps={"tangibles": -0.1})
