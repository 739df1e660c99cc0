"""The value-matrix lab: its pure functions on the lecture's worked example, and the widget driven by its controls."""

import numpy as np
import pandas as pd
import pytest
from crmlab.labs.value_matrix import QUADRANTS, build_ui, card_html, classify, cuts, moved, summary

# crm-models.md L06: 8 customers, means 6.5 orders and 162.5 CNY -> A, E best; B, H frequent; C spender.
F = np.array([12, 10, 2, 3, 8, 1, 2, 14])
M = np.array([300, 80, 400, 60, 250, 50, 90, 70], dtype=float)
WANT = ["best", "frequent", "spender", "uncertain", "best", "uncertain", "uncertain", "frequent"]


def test_worked_example_at_the_means():
    f_cut, m_cut = cuts(F, M, "mean")
    assert (f_cut, m_cut) == (6.5, 162.5)
    assert classify(F, M, f_cut, m_cut).tolist() == WANT


def test_ties_at_the_cut_are_high():
    assert classify([2, 1], [100.0, 100.0], 2, 100.0).tolist() == ["best", "spender"]


def test_median_and_custom_cuts():
    assert cuts(F, M, "median") == (5.5, 85.0)
    assert cuts(F, M, "custom", custom=(3, 100)) == (3.0, 100.0)
    for bad in (("custom", (None, 1)), ("custom", (0, 100)), ("mode", (1, 1))):
        with pytest.raises(ValueError):
            cuts(F, M, bad[0], custom=bad[1])


def test_summary_shares_and_moves():
    table = summary(F, M, WANT)
    assert list(table["quadrant"]) == list(QUADRANTS) and table["n"].tolist() == [2, 2, 1, 3]
    revenue = F * M
    assert table.loc[0, "revenue"] == pytest.approx(revenue[[0, 4]].sum())
    assert table["revenue_share"].sum() == pytest.approx(1.0) and table["customer_share"].sum() == pytest.approx(1.0)
    assert moved(WANT, classify(F, M, *cuts(F, M, "median"))) == 1  # medians 5.5 and 85: G (2, 90) becomes a spender
    text = card_html(table, 6.5, 162.5, 0, "spender")
    assert "6.50" in text and "162.50" in text and "提高购买频率" in text


def test_widget_reacts_to_controls():
    vm = pd.DataFrame({"frequency": F, "avg_value": M})
    ui = build_ui(vm)
    assert ui.table["n"].tolist() == [2, 2, 1, 3] and ui.f_cut.disabled
    assert ui.plot.value[:4] == b"\x89PNG" and "保持与奖励" in ui.read.value
    ui.method.value = "custom"
    ui.f_cut.value, ui.m_cut.value = 1.0, 60.0
    assert ui.table["n"].tolist() == [7, 1, 0, 0]  # everyone is high F; only F (50 CNY) is below 60 CNY
    ui.pick.value = "uncertain"
    assert "甄别" in ui.read.value
    with pytest.raises(ValueError):
        build_ui(pd.DataFrame({"frequency": []}))
