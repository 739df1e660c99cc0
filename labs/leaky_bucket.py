"""The leaky-bucket lab of lecture 1: how acquisition A and retention set the size of a customer base.

The customer base follows :math:`N_{t+1} = r N_t + A` (customers per month) and settles at
:math:`N^* = A / (1 - r)`. Retention is set as an ANNUAL rate (the share of customers still there a year on),
the unit in which the literature quotes it, and shown with its monthly equivalent :math:`r = R^{1/12}`.
"+5 pp" is Reichheld & Sasser's (1990) annual figure: it raises :math:`R` to :math:`R + 0.05`, converted back
to a monthly rate. The annual slider stops at 0.90, so the raised rate stays below 1 (no cap is ever hit).
The lab draws the path of the base with the student's own ``customer_base`` (task 1 of the notebook, passed
in) and prints every number the judgement needs: both rates, N* before and after, ΔN* and the margin.

Pure functions (:func:`monthly_rate`, :func:`steady_state`, :func:`retention_lever`, :func:`base_paths`,
:func:`summary_html`) do the work; :func:`build_ui` only wires them to ipywidgets and runs headless.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

R_YEAR_MIN, R_YEAR_MAX = 0.05, 0.90  # annual retention slider; +5 pp stays below 1
BOOST_PP = 0.05  # Reichheld & Sasser (1990): +5 percentage points of ANNUAL retention, as a proportion


def monthly_rate(r_year: float) -> float:
    """Monthly retention equivalent to the annual rate ``r_year``: ``r_year ** (1/12)`` (proportions)."""
    if not 0 <= r_year <= 1:
        raise ValueError(f"need 0 <= r_year <= 1, got {r_year}")
    return float(r_year ** (1 / 12))


def steady_state(*, A: float, r: float) -> float:
    """Steady-state customer base :math:`N^* = A/(1-r)` (customers); ``inf`` when ``r >= 1``.

    Parameters
    ----------
    A : float
        New customers acquired per month (customers / month), >= 0.
    r : float
        Monthly retention rate, a proportion in [0, 1].
    """
    if A < 0 or not 0 <= r <= 1:
        raise ValueError(f"need A >= 0 and 0 <= r <= 1, got A={A}, r={r}")
    return math.inf if r >= 1 else A / (1.0 - r)


def retention_lever(*, A: float, r_year: float, margin: float, delta_pp: float = BOOST_PP) -> dict[str, float]:
    """What raising ANNUAL retention by ``delta_pp`` does to the steady-state base and to the annual margin.

    Parameters
    ----------
    A : float
        New customers per month.
    r_year : float
        Annual retention rate (proportion); ``r_year + delta_pp`` must stay below 1.
    margin : float
        Margin per customer per month (CNY / customer / month).
    delta_pp : float, default=0.05
        Increase of the annual retention rate (0.05 = five percentage points).

    Returns
    -------
    dict
        ``r_year``, ``r_year_new`` (annual), ``r``, ``r_new`` (monthly), ``n_star``, ``n_star_new`` and
        ``delta_n_star`` (customers), ``annual_margin`` and ``delta_annual_margin`` (CNY / year, = 12 × margin
        × base).
    """
    r_year_new = r_year + delta_pp
    if not r_year_new < 1:
        raise ValueError(f"annual retention {r_year} + {delta_pp} reaches 1: the base would grow without bound")
    r, r_new = monthly_rate(r_year), monthly_rate(r_year_new)
    n_star, n_new = steady_state(A=A, r=r), steady_state(A=A, r=r_new)
    return {"r_year": r_year, "r_year_new": r_year_new, "r": r, "r_new": r_new, "n_star": n_star,
            "n_star_new": n_new, "delta_n_star": n_new - n_star, "annual_margin": 12.0 * margin * n_star,
            "delta_annual_margin": 12.0 * margin * (n_new - n_star)}


def base_paths(customer_base: Callable, *, A: float, r: float, T: int, r_boosted: float | None = None) -> dict:
    """Paths of the base from an empty bucket, computed by the student's ``customer_base(N0, A, r, T)``.

    ``r`` and ``r_boosted`` are MONTHLY rates. Returns ``t`` (months 0..T), ``base`` (array of length T+1),
    ``boosted`` (the path with ``r_boosted``, or ``None``) and ``error`` (a message when the function is not
    written yet or fails, else ``None``; the arrays are then ``None``).
    """
    out: dict[str, object] = {"t": np.arange(T + 1), "base": None, "boosted": None, "error": None}
    try:
        out["base"] = np.asarray(customer_base(0.0, A, r, T), dtype=float)
        if r_boosted is not None:
            out["boosted"] = np.asarray(customer_base(0.0, A, r_boosted, T), dtype=float)
    except NotImplementedError:
        out.update(base=None, boosted=None, error="先完成任务 1 的 customer_base（finish task 1 first）")
    except Exception as exc:  # noqa: BLE001 - the student's code may fail in any way; the lab must keep running
        out.update(base=None, boosted=None, error=f"customer_base 出错 raised {type(exc).__name__}: {exc}")
    return out


def summary_html(lever: dict[str, float], *, A: float, margin: float, boost: bool) -> str:
    """The lab's read-out: the inputs in their units, both rates, N*, and with the lever on ΔN* and Δ margin."""
    text = (f"获取 A = {A:,.0f} 人/月；年保持率 R = {lever['r_year']:.2f} ⇔ 月保持率 r = R<sup>1/12</sup> = "
            f"{lever['r']:.4f}；毛利 {margin:,.0f} 元/人/月<br>"
            f"稳态客户数 N* = A/(1 − r) = {lever['n_star']:,.0f} 人；年毛利 ≈ ¥{lever['annual_margin']:,.0f}")
    if boost:
        text += (f"<br>年保持率 +5 pp：R = {lever['r_year_new']:.2f} ⇔ r = {lever['r_new']:.4f}；"
                 f"N* = {lever['n_star_new']:,.0f} 人，ΔN* = {lever['delta_n_star']:+,.0f} 人 "
                 f"({lever['delta_n_star'] / lever['n_star']:+.0%})，"
                 f"Δ 年毛利 = ¥{lever['delta_annual_margin']:+,.0f}")
    return text


def _plot_png(paths: dict, lever: dict[str, float], *, boost: bool) -> bytes:
    fig = Figure(figsize=(6.4, 3.4), dpi=80, layout="tight")
    ax = fig.add_subplot()
    if paths["base"] is not None:
        ax.plot(paths["t"], paths["base"], label="N_t")
        ax.axhline(lever["n_star"], ls="--", color="C0", label="N*")
        if boost and paths["boosted"] is not None:
            ax.plot(paths["t"], paths["boosted"], color="C1", label="N_t (annual +5 pp)")
            ax.axhline(lever["n_star_new"], ls="--", color="C1", label="N* (annual +5 pp)")
        ax.legend(loc="lower right")
    ax.set_xlabel("month t")
    ax.set_ylabel("customers")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


class LeakyBucketLab(widgets.VBox):
    """The lab's container; its controls and outputs are attributes so tests can drive and read them."""

    def __init__(self, customer_base: Callable, *, A: float, r_year: float, T: int, margin: float):
        self.customer_base = customer_base
        style = {"description_width": "initial"}
        self.A = widgets.FloatSlider(value=A, min=0, max=1000, step=10, description="A 新客/月", style=style)
        self.r_year = widgets.FloatSlider(value=r_year, min=R_YEAR_MIN, max=R_YEAR_MAX, step=0.05,
                                          description="年保持率 R", style=style)
        self.T = widgets.IntSlider(value=T, min=1, max=120, description="T 月", style=style)
        self.margin = widgets.FloatSlider(value=margin, min=0, max=200, step=5, description="毛利 元/人/月",
                                          style=style)
        self.boost = widgets.Checkbox(value=False, description="年保持率 +5 pp (Reichheld & Sasser)")
        self.summary = widgets.HTML()
        self.plot = widgets.Image(format="png")
        self.paths: dict = {}
        for control in (self.A, self.r_year, self.T, self.margin, self.boost):
            control.observe(self.refresh, names="value")
        super().__init__([widgets.HBox([self.A, self.r_year]), widgets.HBox([self.T, self.margin]),
                          self.boost, self.summary, self.plot])
        self.refresh()

    def refresh(self, change=None) -> None:
        """Recompute the paths and the read-out from the current control values."""
        boost = bool(self.boost.value)
        lever = retention_lever(A=self.A.value, r_year=self.r_year.value, margin=self.margin.value)
        self.paths = base_paths(self.customer_base, A=self.A.value, r=lever["r"], T=self.T.value,
                                r_boosted=lever["r_new"] if boost else None)
        html = summary_html(lever, A=self.A.value, margin=self.margin.value, boost=boost)
        if self.paths["error"]:
            html += f"<br><b>{self.paths['error']}</b>"
        self.summary.value = html
        self.plot.value = _plot_png(self.paths, lever, boost=boost)


def build_ui(*, customer_base: Callable, A: float = 100.0, r_year: float = 0.60, T: int = 60,
             margin: float = 20.0) -> LeakyBucketLab:
    """The leaky-bucket lab: sliders A, annual retention, T and margin, an "annual +5 pp" checkbox, plot, read-out.

    Parameters
    ----------
    customer_base : callable
        ``customer_base(N0, A, r, T)`` returning the base for months 0..T (the student's task 1).
    A, r_year, T, margin : float, float, int, float
        Starting values: acquisitions per month, ANNUAL retention (0.05–0.90), horizon in months, margin per
        customer per month (CNY).

    Returns
    -------
    LeakyBucketLab
        An ``ipywidgets.VBox``; pass it to ``display``.
    """
    return LeakyBucketLab(customer_base, A=A, r_year=r_year, T=T, margin=margin)
