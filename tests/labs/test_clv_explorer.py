"""Lecture 04's lab: the CLV explorer's pure functions on hand-computed numbers, the lifecycle viewer's helpers
on a small world, and both views built headless (no front-end attached)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from crmlab.labs import clv_explorer as lab


def test_constant_retention_matches_the_lecture_example():
    s = lab.survival_constant(0.8, 5)
    assert np.allclose(s, [1, 0.8, 0.64, 0.512, 0.4096, 0.32768])
    assert lab.cumulative_clv(100, s, 0.10)[-1] == pytest.approx(212.41, abs=0.01)


def test_sbg_reproduces_fader_hardie_retention():
    # Fader & Hardie (2007) "regular" segment: alpha 0.704, beta 1.182 -> r_1..r_5 = 0.627 0.756 0.819 0.856 0.880
    r = lab.retention_sbg(0.704, 1.182, 5)
    assert np.allclose(r, [0.627, 0.756, 0.819, 0.856, 0.880], atol=1e-3)
    s = lab.survival_sbg(0.704, 1.182, 5)
    assert s[0] == pytest.approx(1.0) and np.allclose(s[1:] / s[:-1], r)


def test_sbg_with_the_same_first_retention_is_worth_more():
    alpha, beta = lab.sbg_parameters(0.7, 2.0)
    assert beta / (alpha + beta) == pytest.approx(0.7)
    res = lab.compare(200, 0.7, 0.10, 20, 2.0)
    assert res["survival_sbg"][1] == pytest.approx(res["survival_constant"][1])
    assert res["clv_sbg"][-1] > res["clv_constant"][-1]
    assert np.all(np.diff(res["retention_sbg"]) > 0)
    very_alike = lab.compare(200, 0.7, 0.10, 20, 1e6)
    assert very_alike["clv_sbg"][-1] == pytest.approx(very_alike["clv_constant"][-1], rel=1e-3)
    with pytest.raises(ValueError):
        lab.sbg_parameters(1.0, 2.0)


def test_runs_and_spell_months():
    assert lab.runs(["a", "a", "b", "a"]) == [(0, 2, "a"), (2, 3, "b"), (3, 4, "a")]
    spells = pd.DataFrame({"customer_id": ["C1"] * 3, "stage": ["exploration", "formation", "stability"],
                           "start_ts": pd.to_datetime(["2025-01-03", "2025-01-20", "2025-03-10"])})
    months = pd.period_range("2025-01", "2025-04", freq="M")
    assert lab.spell_months(spells, months) == ["formation", "formation", "stability", "stability"]


class _World:
    def __init__(self):
        self.orders = pd.DataFrame({
            "customer_id": ["C1", "C1", "C1", "C2"],
            "status": ["delivered", "cancelled", "shipped", "delivered"],
            "order_ts": pd.to_datetime(["2025-09-03", "2025-09-20", "2025-11-01", "2025-12-05"]),
            "items_subtotal": [100.0, 50.0, 30.0, 10.0], "discount": [10.0, 0.0, 0.0, 0.0],
            "fx_rate_to_cny": [1.0, 1.0, 2.0, 1.0]})


def test_monthly_revenue_fills_months_to_december_without_cancelled_orders():
    rev = lab.monthly_revenue(_World(), "C1")
    assert list(rev.index.astype(str)) == ["2025-09", "2025-10", "2025-11", "2025-12"]
    assert rev.tolist() == [90.0, 0.0, 60.0, 0.0]
    assert lab.monthly_revenue(_World(), "C9").empty
    assert lab.viewer_customers(_World(), k=1) == ["C1"]
    assert lab.viewer_customers(_World(), k=3) == ["C1", "C2"]


def test_views_build_headless():
    import matplotlib

    matplotlib.use("Agg")
    box = lab.build_clv_explorer()
    assert len(box.children) == 3
    viewer = lab.build_lifecycle_viewer(_World(), lambda v: ["exploration"] * len(v),
                                        spells=pd.DataFrame({"customer_id": ["C1"], "stage": ["exploration"],
                                                             "start_ts": pd.to_datetime(["2025-09-03"])}))
    viewer.children[0].value = "C2"
    assert lab.true_spells() is None
