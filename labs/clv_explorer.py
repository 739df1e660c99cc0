"""Lecture 04's lab: a CLV explorer (constant vs heterogeneous retention) and a lifecycle viewer.

Pure functions underneath (tested in ``tests/labs/test_clv_explorer.py``), ipywidgets views on top:

* :func:`build_clv_explorer`: margin per period m, first-period retention r, discount d and horizon T; the
  retention is either constant (r every period) or shifted-beta-geometric (sBG, Fader & Hardie 2007) with the
  same first-period retention r and a heterogeneity h = α + β (small h: customers differ a lot). It shows both
  CLVs, the survival curves and the cumulative discounted margin, so the comparison needs no other fact.
* :func:`build_lifecycle_viewer`: one customer's monthly revenue (CNY), the 3-month rolling sum R, the peak and
  the cut 0.8 × peak, shaded by the stages that the student's own ``lifecycle_stages`` infers. The true stage
  spells are drawn only when they are passed in (the self-study edition, whose seed is public); a class
  student's world has no truth, and the viewer works without it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import betaln

STAGE_COLOURS = {"exploration": "#9ecae1", "formation": "#fdd0a2", "stability": "#a1d99b", "decline": "#fcbba1",
                 "terminated": "#d9d9d9"}
STAGE_ZH = {"exploration": "考察期", "formation": "形成期", "stability": "稳定期", "decline": "退化期",
            "terminated": "终止"}  # for printed text; plot labels stay in English (no CJK font is assumed)
VALID = ("delivered", "shipped")
LAST_MONTH = pd.Period("2025-12", freq="M")


# ---- CLV explorer: pure functions ----------------------------------------------------------------------------------
def survival_constant(r: float, horizon: int) -> np.ndarray:
    """S(t) = r^t for t = 0..horizon (share of a cohort still a customer after t periods)."""
    return float(r) ** np.arange(horizon + 1)


def sbg_parameters(r: float, heterogeneity: float) -> tuple[float, float]:
    """(α, β) of the sBG with first-period retention r = β / (α + β) and α + β = ``heterogeneity``."""
    if not (0 < r < 1 and heterogeneity > 0):
        raise ValueError("need 0 < r < 1 and heterogeneity > 0")
    return (1 - r) * heterogeneity, r * heterogeneity


def survival_sbg(alpha: float, beta: float, horizon: int) -> np.ndarray:
    """sBG survival S(t) = B(α, β + t) / B(α, β) for t = 0..horizon."""
    t = np.arange(horizon + 1)
    return np.exp(betaln(alpha, beta + t) - betaln(alpha, beta))


def retention_sbg(alpha: float, beta: float, horizon: int) -> np.ndarray:
    """sBG retention r_t = (β + t − 1) / (α + β + t − 1) for t = 1..horizon (it rises with tenure)."""
    t = np.arange(1, horizon + 1)
    return (beta + t - 1) / (alpha + beta + t - 1)


def cumulative_clv(margin: float, survival: np.ndarray, discount: float) -> np.ndarray:
    """Cumulative discounted margin after 1..T periods: Σ_{t≤k} m·S(t)/(1+d)^t (margins at period ends)."""
    t = np.arange(1, len(survival))
    return np.cumsum(margin * survival[1:] / (1 + discount) ** t)


def compare(margin: float, r: float, discount: float, horizon: int, heterogeneity: float) -> dict:
    """Both models for one setting: survival curves, cumulative CLVs and the sBG parameters."""
    alpha, beta = sbg_parameters(r, heterogeneity)
    s_const, s_sbg = survival_constant(r, horizon), survival_sbg(alpha, beta, horizon)
    return {"alpha": alpha, "beta": beta, "survival_constant": s_const, "survival_sbg": s_sbg,
            "clv_constant": cumulative_clv(margin, s_const, discount),
            "clv_sbg": cumulative_clv(margin, s_sbg, discount),
            "retention_sbg": retention_sbg(alpha, beta, horizon)}


# ---- lifecycle viewer: pure functions ------------------------------------------------------------------------------
def monthly_revenue(world, customer_id: str) -> pd.Series:
    """Monthly revenue (CNY, goods net of discount) of one customer's valid orders, first month to 2025-12."""
    o = world.orders
    mine = o.loc[(o["customer_id"] == customer_id).to_numpy() & o["status"].isin(VALID).to_numpy()]
    if mine.empty:
        return pd.Series(dtype=float, name="revenue")
    value = (mine["items_subtotal"] - mine["discount"]) * mine["fx_rate_to_cny"]
    by_month = value.groupby(mine["order_ts"].dt.to_period("M")).sum()
    months = pd.period_range(by_month.index.min(), LAST_MONTH, freq="M")
    return by_month.reindex(months, fill_value=0.0).rename("revenue")


def runs(labels) -> list[tuple[int, int, str]]:
    """Maximal runs of equal labels as (first index, last index + 1, label)."""
    out: list[tuple[int, int, str]] = []
    for i, lab in enumerate(labels):
        if out and out[-1][2] == lab:
            out[-1] = (out[-1][0], i + 1, lab)
        else:
            out.append((i, i + 1, lab))
    return out


def spell_months(spells: pd.DataFrame, months: pd.PeriodIndex) -> list[str]:
    """The true stage at the end of each month from a customer's stage spells (self-study only)."""
    out = []
    for m in months:
        end = m.end_time
        row = spells.loc[(spells["start_ts"] <= end).to_numpy()]
        out.append(str(row["stage"].iloc[-1]) if len(row) else "exploration")
    return out


def viewer_customers(world, k: int = 60) -> list[str]:
    """A dropdown's worth of customers: the k with most valid orders, then k single-order ones (ids sorted)."""
    o = world.orders
    n = o.loc[o["status"].isin(VALID).to_numpy()].groupby("customer_id").size()
    many = n.sort_values(ascending=False, kind="stable").index[:k]
    single = [c for c in n[n == 1].index if c not in set(many)][: k // 3]
    return [str(c) for c in list(many) + single]


# ---- views ---------------------------------------------------------------------------------------------------------
def _plot_clv(out, margin, r, discount, horizon, heterogeneity) -> None:
    import matplotlib.pyplot as plt
    from IPython.display import display

    res = compare(margin, r, discount, horizon, heterogeneity)
    with out:
        out.clear_output(wait=True)
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.2), layout="constrained")
        t = np.arange(horizon + 1)
        a1.plot(t, res["survival_constant"], label=f"constant r = {r:.2f}")
        a1.plot(t, res["survival_sbg"], label=f"sBG α = {res['alpha']:.2f}, β = {res['beta']:.2f}")
        a1.set(xlabel="period t", ylabel="still a customer S(t)", ylim=(0, 1.02))
        a1.legend(fontsize=8)
        a2.plot(t[1:], res["clv_constant"], label="constant r")
        a2.plot(t[1:], res["clv_sbg"], label="sBG")
        a2.set(xlabel="period t", ylabel="cumulative discounted margin (CNY)")
        a2.legend(fontsize=8)
        display(fig)
        plt.close(fig)
        print(f"m = {margin:.0f} 元/期，首期保留率 r = {r:.2f}，d = {discount:.0%}/期，T = {horizon} 期，"
              f"异质性 α+β = {heterogeneity:.1f}")
        print(f"CLV 常数保留率 = {res['clv_constant'][-1]:,.2f} 元；CLV sBG = {res['clv_sbg'][-1]:,.2f} 元；"
              f"sBG 第 2、5、{horizon} 期的保留率 = {res['retention_sbg'][min(1, horizon - 1)]:.3f}、"
              f"{res['retention_sbg'][min(4, horizon - 1)]:.3f}、{res['retention_sbg'][-1]:.3f}")


def build_clv_explorer(margin: float = 200.0, r: float = 0.70, discount: float = 0.10, horizon: int = 20,
                       heterogeneity: float = 2.0):
    """The CLV explorer: sliders for m, r, d, T and h, both models drawn side by side."""
    import ipywidgets as w

    sliders = {
        "margin": w.FloatSlider(value=margin, min=10, max=1000, step=10, description="m 元/期"),
        "r": w.FloatSlider(value=r, min=0.30, max=0.95, step=0.01, description="首期保留率 r"),
        "discount": w.FloatSlider(value=discount, min=0.0, max=0.30, step=0.01, description="折现率 d"),
        "horizon": w.IntSlider(value=horizon, min=1, max=40, description="期数 T"),
        "heterogeneity": w.FloatSlider(value=heterogeneity, min=0.2, max=50, step=0.2, description="α+β"),
    }
    out = w.Output()

    def redraw(_=None):
        _plot_clv(out, **{k: s.value for k, s in sliders.items()})

    for s in sliders.values():
        s.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([sliders["margin"], sliders["r"], sliders["discount"]]),
                   w.HBox([sliders["horizon"], sliders["heterogeneity"]]), out])


def _plot_customer(out, world, customer_id, stage_fn, spells) -> None:
    import matplotlib.pyplot as plt
    from IPython.display import display

    values = monthly_revenue(world, customer_id)
    with out:
        out.clear_output(wait=True)
        if values.empty:
            print(f"{customer_id} 没有有效订单 no valid orders")
            return
        x = values.to_numpy(dtype=float)
        rolling = np.convolve(x, np.ones(3))[: len(x)]
        labels = [str(s) for s in stage_fn(list(x))]
        fig, ax = plt.subplots(figsize=(9, 3.2), layout="constrained")
        for lo, hi, lab in runs(labels):
            ax.axvspan(lo - 0.5, hi - 0.5, color=STAGE_COLOURS.get(lab, "#eeeeee"), alpha=0.6, lw=0)
            ax.text((lo + hi - 1) / 2, 0.98, lab, transform=ax.get_xaxis_transform(),
                    ha="center", va="top", fontsize=7)
        ax.bar(np.arange(len(x)), x, color="#555555", label="monthly revenue")
        ax.plot(np.arange(len(x)), rolling, color="#d62728", label="3-month rolling sum R")
        peak = int(np.argmax(rolling))
        ax.axhline(0.8 * rolling[peak], color="#d62728", ls=":",
                   label=f"cut = 0.8 x peak = {0.8 * rolling[peak]:,.0f} CNY")
        if spells is not None:
            truth = spell_months(spells.loc[spells["customer_id"] == customer_id], values.index)
            for lo, hi, lab in runs(truth):
                ax.axvspan(lo - 0.5, hi - 0.5, ymin=0, ymax=0.05, color=STAGE_COLOURS.get(lab, "#eeeeee"), lw=0)
        step = max(1, len(x) // 12)
        ax.set_xticks(np.arange(0, len(x), step), [str(p) for p in values.index[::step]], rotation=45, fontsize=7)
        note = "; bottom strip: true stages (self-study)" if spells is not None else ""
        ax.set(ylabel="CNY", xlim=(-0.5, len(x) - 0.5), ylim=(0, 1.2 * max(rolling.max(), 1.0)))
        ax.set_title(f"{customer_id}: shading = stages by your lifecycle_stages{note}", fontsize=9)
        ax.legend(fontsize=7, loc="center right")
        display(fig)
        plt.close(fig)
        print(f"峰值月 {values.index[peak]}，R = {rolling[peak]:,.0f} 元，cut = {0.8 * rolling[peak]:,.0f} 元；"
              f"2025-12 的阶段：{STAGE_ZH.get(labels[-1], labels[-1])}")


def build_lifecycle_viewer(world, stage_fn, spells: pd.DataFrame | None = None, customers=None):
    """The lifecycle viewer: a dropdown of customers, their monthly revenue shaded by ``stage_fn``'s stages."""
    import ipywidgets as w

    options = list(customers) if customers is not None else viewer_customers(world)
    pick = w.Dropdown(options=options, value=options[0], description="客户")
    out = w.Output()
    pick.observe(lambda change: _plot_customer(out, world, change["new"], stage_fn, spells), names="value")
    _plot_customer(out, world, options[0], stage_fn, spells)
    return w.VBox([pick, out])


def true_spells():
    """The true stage spells in the self-study edition (public seed); ``None`` in the class edition."""
    from crmlab.autograde import selfstudy

    if not selfstudy.active():
        return None
    return selfstudy._worlds()[0].truth.stage_spells
