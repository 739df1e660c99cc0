"""The positioning-map lab: its pure functions, and the widget driven by setting slider values."""

import math

import numpy as np
import pandas as pd
import pytest
from crmlab.labs.positioning_map import (
    DEFAULT_OPTIONS,
    build_ui,
    ideal_point_distances,
    normalise_weights,
    ranking_html,
)

WORKED = pd.DataFrame({"price_level": [4.0, 2.0], "quality": [5.0, 6.0], "service": [6.0, 4.0]},
                      index=["Brand A", "Brand B"])


def test_worked_example_distances():
    table = ideal_point_distances(WORKED, ideal=(3, 6, 6), weights=(0.5, 0.3, 0.2))
    assert list(table.columns) == ["option", "distance", "rank"]
    assert list(table["option"]) == ["Brand A", "Brand B"]
    assert table["distance"].tolist() == pytest.approx([math.sqrt(0.8), math.sqrt(1.3)])
    assert table["distance"].round(3).tolist() == [0.894, 1.140]
    assert table["rank"].tolist() == [1, 2]


def test_default_options_ranking_and_ties_by_name():
    table = ideal_point_distances(DEFAULT_OPTIONS, ideal=(3, 6, 6), weights=(0.5, 0.3, 0.2))
    assert list(table["option"]) == ["Brand A", "Brand B", "Rival D", "Rival C", "Rival E"]
    assert table.loc[2, "distance"] == pytest.approx(math.sqrt(2.45))
    quality_only = ideal_point_distances(DEFAULT_OPTIONS.iloc[::-1], ideal=(3, 6, 6), weights=(0, 1, 0))
    assert list(quality_only["option"][:2]) == ["Brand B", "Rival E"]  # both d = 0: name order
    assert quality_only["rank"].tolist() == [1, 2, 3, 4, 5]


def test_distances_are_weighted_not_plain_euclidean():
    plain = ideal_point_distances(WORKED, ideal=(3, 6, 6), weights=(1, 1, 1))
    assert plain.set_index("option").loc["Brand A", "distance"] == pytest.approx(math.sqrt(2))
    assert plain.set_index("option").loc["Brand B", "distance"] == pytest.approx(math.sqrt(5))


def test_wrong_lengths_are_refused():
    with pytest.raises(ValueError):
        ideal_point_distances(WORKED, ideal=(3, 6), weights=(0.5, 0.3, 0.2))


@pytest.mark.parametrize("weights, want", [((1, 1, 2), [0.25, 0.25, 0.5]), ((0.5, 0.3, 0.2), [0.5, 0.3, 0.2]),
                                           ((0, 3, 0), [0, 1, 0])])
def test_normalise_weights(weights, want):
    assert normalise_weights(weights) == pytest.approx(np.array(want))


@pytest.mark.parametrize("weights", [(0, 0, 0), (-1, 1, 1), (np.nan, 1, 1)])
def test_normalise_weights_refuses_bad_input(weights):
    with pytest.raises(ValueError):
        normalise_weights(weights)


def test_ranking_html_names_the_closest():
    table = ideal_point_distances(WORKED, ideal=(3, 6, 6), weights=(0.5, 0.3, 0.2))
    text = ranking_html(table, weights=(0.5, 0.3, 0.2))
    assert "<b>Brand A</b>" in text and "0.894" in text and "1.140" in text


def test_widget_reacts_to_sliders():
    ui = build_ui()
    assert "<b>Brand A</b>" in ui.summary.value and "0.894" in ui.summary.value
    first_png = ui.plot.value
    assert first_png[:4] == b"\x89PNG"

    for slider, value in zip(ui.weights, (0.0, 0.0, 1.0), strict=True):  # only service matters
        slider.value = value
    assert list(ui.table["option"]) == ["Brand A", "Rival E", "Rival C", "Brand B", "Rival D"]
    assert "(0.00, 0.00, 1.00)" in ui.summary.value

    ui.ideal[2].value = 4.0  # the ideal service level drops to Brand B's
    assert ui.table["option"].iloc[0] == "Brand B"
    assert "<b>Brand B</b>" in ui.summary.value

    ui.x_attr.value = "quality"
    ui.y_attr.value = "service"
    assert ui.plot.value != first_png


def test_widget_with_all_weights_zero_explains_and_keeps_running():
    ui = build_ui()
    for slider in ui.weights:
        slider.value = 0.0
    assert "权重" in ui.summary.value and "above 0" in ui.summary.value
    ui.weights[1].value = 1.0
    assert ui.table["option"].iloc[0] == "Brand B"  # quality only: B and E tie at 0, name order


def test_widget_accepts_other_options():
    options = pd.DataFrame({"x": [1.0, 7.0], "y": [1.0, 7.0]}, index=["low", "high"])
    ui = build_ui(options=options, ideal=(6.5, 6.5), weights=(1, 1))
    assert ui.table["option"].tolist() == ["high", "low"]
    with pytest.raises(ValueError):
        build_ui(options=options, ideal=(1, 2, 3), weights=(1, 1))
