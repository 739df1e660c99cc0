"""The targeting-threshold lab of lecture 10: whom should a retention campaign call?

A churn model gives each customer a probability p. Calling every customer with p ≥ τ costs c (CNY per call);
a customer who would have left accepts the offer with probability a, costs the incentive δ (CNY) and keeps
the value V (CNY, the CLV of a customer kept). The expected profit of threshold τ is
Σ_{p_i ≥ τ} [p_i · a · (V − δ) − c] (Neslin et al. 2006). The lab shows, for the τ on the slider, the confusion
matrix against the labels it is given (the lecture gives the observed proxy: no purchase in the next 180 days),
precision, recall and lift, and the expected-profit curve over every τ with its optimum marked — within a
budget of at most N calls when the budget slider is below the number of customers.

Pure functions (:func:`confusion`, :func:`profit_curve`, :func:`best_within`, :func:`summary_html`) do the work;
:func:`build_ui` only wires them to ipywidgets and runs headless (no waits).
"""

from __future__ import annotations

import io

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

ACCEPT, INCENTIVE, CONTACT = 0.3, 50.0, 10.0  # the lecture's a, δ (CNY) and c (CNY per call)


def confusion(y, p, tau: float) -> dict:
    """Confusion counts and rates of calling every customer with ``p >= tau`` against the 0/1 labels ``y``.

    Returns ``tp, fp, fn, tn, contacted`` (customers), ``precision = tp / contacted``, ``recall = tp / (tp + fn)``,
    ``base_rate`` (share of label 1) and ``lift = precision / base_rate`` (NaN where a denominator is 0).
    """
    y = np.asarray(y, dtype=bool)
    hit = np.asarray(p, dtype=float) >= tau
    tp, fp = int((hit & y).sum()), int((hit & ~y).sum())
    fn, tn = int((~hit & y).sum()), int((~hit & ~y).sum())
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    base = float(y.mean()) if len(y) else float("nan")
    lift = precision / base if base and not np.isnan(precision) else float("nan")
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "contacted": tp + fp, "precision": precision,
            "recall": recall, "base_rate": base, "lift": lift}


def profit_curve(p, value, *, a: float = ACCEPT, delta: float = INCENTIVE, c: float = CONTACT) -> pd.DataFrame:
    """Expected profit (CNY) of every threshold: one row per distinct p, highest first, with ``tau``,
    ``contacted`` (customers with p ≥ tau) and ``profit`` = Σ_{p_i ≥ tau} [p_i·a·(value_i − delta) − c].
    ``value`` is one CLV for everyone or one per customer (CNY)."""
    p = np.asarray(p, dtype=float)
    v = np.broadcast_to(np.asarray(value, dtype=float), p.shape)
    order = np.argsort(-p, kind="stable")
    ps = p[order]
    gain = np.cumsum(ps * a * (v[order] - delta) - c)
    last = np.r_[ps[1:] != ps[:-1], True] if len(ps) else np.array([], bool)
    return pd.DataFrame({"tau": ps[last], "contacted": np.arange(1, len(p) + 1)[last], "profit": gain[last]})


def best_within(curve: pd.DataFrame, max_contacts: int | None = None) -> tuple[float, float, int]:
    """``(tau, profit, contacted)`` of the most profitable threshold calling at most ``max_contacts`` customers
    (ties: the higher threshold); ``(inf, 0.0, 0)`` when no threshold makes money."""
    ok = curve if max_contacts is None else curve[curve["contacted"] <= max_contacts]
    best = (float("inf"), 0.0, 0)
    for row in ok.itertuples(index=False):
        if row.profit > best[1] + 1e-9:
            best = (float(row.tau), float(row.profit), int(row.contacted))
    return best


def summary_html(conf: dict, *, tau: float, profit: float, best: tuple, value: float, max_contacts: int) -> str:
    """The read-out: the economics in CNY, the confusion matrix, precision / recall / lift and the two profits."""
    def pct(x):
        return "—" if np.isnan(x) else f"{x:.1%}"

    opt = "不联系任何人 call nobody" if np.isinf(best[0]) else f"τ* = {best[0]:.3f}（联系 {best[2]:,} 人）"
    return (f"a = {ACCEPT:.0%}，δ = {INCENTIVE:.0f} 元，c = {CONTACT:.0f} 元/次，V = {value:,.0f} 元；"
            f"预算 budget：最多 {max_contacts:,} 次电话<br>"
            f"<table><tr><th></th><th>标签 1 churn</th><th>标签 0 stay</th></tr>"
            f"<tr><th>联系 p ≥ τ</th><td>TP {conf['tp']:,}</td><td>FP {conf['fp']:,}</td></tr>"
            f"<tr><th>不联系</th><td>FN {conf['fn']:,}</td><td>TN {conf['tn']:,}</td></tr></table>"
            f"τ = {tau:.3f}：联系 {conf['contacted']:,} 人，precision {pct(conf['precision'])}，recall "
            f"{pct(conf['recall'])}，lift {conf['lift']:.2f}（基准流失率 {pct(conf['base_rate'])}）<br>"
            f"期望利润 expected profit ¥{profit:,.0f}；预算内的最优 {opt}，¥{best[1]:,.0f}")


def _plot_png(curve: pd.DataFrame, tau: float, best: tuple, max_contacts: int) -> bytes:
    fig = Figure(figsize=(6.4, 3.2), dpi=80, layout="tight")
    ax = fig.add_subplot()
    ax.plot(curve["tau"], curve["profit"], color="C0", label="expected profit")
    over = curve["contacted"] > max_contacts
    if over.any():
        ax.plot(curve.loc[over, "tau"], curve.loc[over, "profit"], color="0.7", label="over budget")
    if np.isfinite(best[0]):
        ax.plot([best[0]], [best[1]], "o", color="C3", label="optimum")
    ax.axvline(tau, color="k", lw=1, ls="--", label="your tau")
    ax.axhline(0, color="0.5", lw=0.8)
    ax.set_xlabel("threshold tau (call p >= tau)")
    ax.set_ylabel("expected profit (CNY)")
    ax.legend(loc="best", fontsize=8)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


class TargetingLab(widgets.VBox):
    """The lab's container; its controls and outputs are attributes so tests can drive and read them."""

    def __init__(self, y, p):
        self.y, self.p = np.asarray(y, dtype=int), np.asarray(p, dtype=float)
        n = len(self.p)
        self.tau = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.01, description="阈值 τ")
        self.budget = widgets.IntSlider(value=max(1, n // 2), min=1, max=n, step=max(1, n // 100),
                                        description="预算 calls")
        self.value = widgets.FloatSlider(value=400.0, min=60.0, max=2000.0, step=20.0, description="V (元)")
        self.read = widgets.HTML()
        self.plot = widgets.Image(format="png")
        self.best = (float("inf"), 0.0, 0)
        for control in (self.tau, self.budget, self.value):
            control.observe(self.refresh, names="value")
        super().__init__([widgets.HBox([self.tau, self.budget, self.value]), self.read, self.plot])
        self.refresh()

    def refresh(self, change=None) -> None:
        """Recompute the confusion matrix, the profit curve and its optimum within the budget."""
        curve = profit_curve(self.p, self.value.value)
        self.best = best_within(curve, self.budget.value)
        hit = self.p >= self.tau.value
        profit = float((self.p[hit] * ACCEPT * (self.value.value - INCENTIVE) - CONTACT).sum())
        self.read.value = summary_html(confusion(self.y, self.p, self.tau.value), tau=self.tau.value, profit=profit,
                                       best=self.best, value=self.value.value, max_contacts=self.budget.value)
        self.plot.value = _plot_png(curve, self.tau.value, self.best, self.budget.value)


def build_ui(*, y, p) -> TargetingLab:
    """The lab on a student's churn probabilities ``p`` and 0/1 labels ``y`` (same customers, same order)."""
    if len(y) != len(p) or len(p) == 0:
        raise ValueError("y and p need the same, non-zero length")
    return TargetingLab(y, p)
