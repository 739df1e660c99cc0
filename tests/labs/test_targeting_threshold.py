"""The targeting-threshold lab: its pure functions on the lecture's worked examples, and the widget driven by its
controls."""

import numpy as np
import pytest
from crmlab.labs.targeting_threshold import best_within, build_ui, confusion, profit_curve, summary_html

# crm-models.md L10: TP = 60, FP = 40, FN = 30, TN = 870 -> precision 0.60, recall 0.667, base 0.09, lift 6.67.
Y = np.r_[np.ones(60), np.zeros(40), np.ones(30), np.zeros(870)].astype(int)
P = np.r_[np.full(100, 0.8), np.full(900, 0.1)]
# Task 6 of the notebook: ten customers of value 200 CNY, a = 0.3, delta = 20, c = 10 -> 54 p - 10 each.
P10 = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.5, 0.3, 0.2, 0.15, 0.1])


def test_confusion_worked_example():
    got = confusion(Y, P, 0.5)
    assert (got["tp"], got["fp"], got["fn"], got["tn"], got["contacted"]) == (60, 40, 30, 870, 100)
    assert got["precision"] == pytest.approx(0.6) and got["recall"] == pytest.approx(2 / 3)
    assert got["base_rate"] == pytest.approx(0.09) and got["lift"] == pytest.approx(6.6667, abs=1e-4)
    nobody = confusion(Y, P, 0.9)
    assert nobody["contacted"] == 0 and np.isnan(nobody["precision"]) and np.isnan(nobody["lift"])


def test_profit_curve_takes_ties_together_and_respects_the_budget():
    curve = profit_curve(P10, 200.0, a=0.3, delta=20.0, c=10.0)
    assert curve["tau"].tolist() == [0.9, 0.8, 0.7, 0.6, 0.5, 0.3, 0.2, 0.15, 0.1]
    assert curve.loc[curve["tau"] == 0.5, "contacted"].item() == 6
    assert best_within(curve) == pytest.approx((0.2, 163.0, 8))
    assert best_within(curve, 5) == pytest.approx((0.6, 122.0, 4))
    assert best_within(profit_curve(P10, 20.0)) == (float("inf"), 0.0, 0)  # V = delta: no call pays


def test_individual_values():
    curve = profit_curve([0.5, 0.4], [1000.0, 50.0], a=0.3, delta=50.0, c=10.0)
    assert curve["profit"].tolist() == pytest.approx([132.5, 122.5])


def test_summary_states_the_economics():
    text = summary_html(confusion(Y, P, 0.5), tau=0.5, profit=123.0, best=(0.5, 200.0, 100), value=400.0,
                        max_contacts=500)
    assert "δ = 50" in text and "V = 400" in text and "TP 60" in text and "60.0%" in text and "最多 500" in text


def test_widget_reacts_to_controls():
    ui = build_ui(y=Y, p=P)
    assert ui.plot.value[:4] == b"\x89PNG" and "TP 60" in ui.read.value
    ui.tau.value = 0.05
    assert "TP 90" in ui.read.value
    ui.value.value = 60.0  # V barely above delta: 0.8 * 0.3 * 10 - 10 < 0, no call pays
    assert np.isinf(ui.best[0]) and "call nobody" in ui.read.value
    ui.value.value = 1000.0
    ui.budget.value = 100
    assert ui.best[2] == 100
    with pytest.raises(ValueError):
        build_ui(y=[1], p=[])
