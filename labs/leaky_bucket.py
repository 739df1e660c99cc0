"""The leaky-bucket lab of lecture 1: how acquisition A and retention r set the size of a customer base.

The customer base follows :math:`N_{t+1} = r N_t + A` (customers per month) and settles at
:math:`N^* = A / (1 - r)`. The lab draws the path of the base for the student's own
``customer_base`` function (task 1 of the notebook, passed in, so this module holds no answer) and shows
what "+5 percentage points of retention" does to the steady state and to the annual margin.

Pure functions (:func:`steady_state`, :func:`retention_lever`, :func:`base_paths`, :func:`summary_html`)
do the work; :func:`build_ui` only wires them to ipywidgets and runs headless (no waits).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

R_MAX = 0.999  # retention is capped below 1 so that the steady state stays finite
BOOST_PP = 0.05  # the "+5 pp retention" lever (Reichheld & Sasser 1990), as a proportion


def steady_state(*, A: float, r: float) -> float:
    """Steady-state customer base :math:`N^* = A/(1-r)` (customers); ``inf`` when ``r >= 1``.

    Parameters
    ----------
    A : float
        New customers acquired per month (customers / month), >= 0.
    r : float
        Monthly retention rate, a proportion in [0, 1].

    Returns
    -------
    float
        The base the bucket fills up to, in customers.
    """
    if A < 0 or not 0 <= r <= 1:
        raise ValueError(f"need A >= 0 and 0 <= r <= 1, got A={A}, r={r}")
    return math.inf if r >= 1 else A / (1.0 - r)


def retention_lever(*, A: float, r: float, margin: float, delta_r: float = BOOST_PP) -> dict[str, float]:
    """What raising retention by ``delta_r`` does to the steady-state base and to the annual margin.

    Parameters
    ----------
    A : float
        New customers per month.
    r : float
        Monthly retention rate (proportion).
    margin : float
        Margin per active customer per month (CNY / customer / month).
    delta_r : float, default=0.05
        Increase in retention (proportion; 0.05 = five percentage points); the raised rate is capped
        at ``R_MAX``.

    Returns
    -------
    dict
        ``r_new`` (proportion), ``n_star`` and ``n_star_new`` (customers), ``delta_n_star`` (customers),
        ``annual_margin`` and ``delta_annual_margin`` (CNY / year, = 12 × margin × base).
    """
    r_new = min(r + delta_r, R_MAX)
    n_star = steady_state(A=A, r=min(r, R_MAX))
    n_new = steady_state(A=A, r=r_new)
    return {"r_new": r_new, "n_star": n_star, "n_star_new": n_new, "delta_n_star": n_new - n_star,
            "annual_margin": 12.0 * margin * n_star, "delta_annual_margin": 12.0 * margin * (n_new - n_star)}


def base_paths(customer_base: Callable, *, A: float, r: float, T: int, boost: bool,
               delta_r: float = BOOST_PP) -> dict[str, object]:
    """Paths of the base from an empty bucket, computed by the student's ``customer_base(N0, A, r, T)``.

    Returns
    -------
    dict
        ``t`` (months 0..T), ``base`` (array of length T+1), ``boosted`` (array with retention
        ``r + delta_r``, or ``None`` when ``boost`` is False) and ``error`` (a message when the function
        is not written yet or fails, else ``None``; the arrays are then ``None``).
    """
    out: dict[str, object] = {"t": np.arange(T + 1), "base": None, "boosted": None, "error": None}
    try:
        out["base"] = np.asarray(customer_base(0.0, A, min(r, R_MAX), T), dtype=float)
        if boost:
            out["boosted"] = np.asarray(customer_base(0.0, A, min(r + delta_r, R_MAX), T), dtype=float)
    except NotImplementedError:
        out.update(base=None, boosted=None, error="先完成任务 1 的 customer_base（finish task 1 first）")
    except Exception as exc:  # noqa: BLE001 - the student's code may fail in any way; the lab must keep running
        out.update(base=None, boosted=None, error=f"customer_base 出错 raised {type(exc).__name__}: {exc}")
    return out


def summary_html(lever: dict[str, float], *, boost: bool) -> str:
    """The lab's read-out as an HTML snippet: N*, and with the lever on, ΔN* and Δ annual margin."""
    text = (f"稳态客户数 steady state N* = {lever['n_star']:,.0f} 人；"
            f"年毛利 annual margin ≈ ¥{lever['annual_margin']:,.0f}")
    if boost:
        text += (f"<br>保持率 +5 pp → r = {lever['r_new']:.3f}：ΔN* = {lever['delta_n_star']:+,.0f} 人，"
                 f"Δ annual margin = ¥{lever['delta_annual_margin']:+,.0f} / 年")
    return text


def _plot_png(paths: dict, lever: dict[str, float], *, boost: bool) -> bytes:
    fig = Figure(figsize=(6.4, 3.4), dpi=80)
    ax = fig.add_subplot()
    if paths["base"] is not None:
        ax.plot(paths["t"], paths["base"], label="N_t")
        ax.axhline(lever["n_star"], ls="--", color="C0", label="N*")
        if boost and paths["boosted"] is not None:
            ax.plot(paths["t"], paths["boosted"], color="C1", label="N_t (+5 pp)")
            ax.axhline(lever["n_star_new"], ls="--", color="C1", label="N* (+5 pp)")
        ax.legend(loc="lower right")
    ax.set_xlabel("month t")
    ax.set_ylabel("customers")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


class LeakyBucketLab(widgets.VBox):
    """The lab's container; its controls and outputs are attributes so tests can drive and read them."""

    def __init__(self, customer_base: Callable, *, A: float, r: float, T: int, margin: float):
        self.customer_base = customer_base
        self.A = widgets.FloatSlider(value=A, min=0, max=1000, step=10, description="A / 月")
        self.r = widgets.FloatSlider(value=r, min=0.0, max=0.99, step=0.01, description="r")
        self.T = widgets.IntSlider(value=T, min=1, max=120, description="T / 月")
        self.margin = widgets.FloatSlider(value=margin, min=0, max=200, step=5, description="毛利/人/月")
        self.boost = widgets.Checkbox(value=False, description="+5 pp retention")
        self.summary = widgets.HTML()
        self.plot = widgets.Image(format="png")
        self.paths: dict = {}
        for control in (self.A, self.r, self.T, self.margin, self.boost):
            control.observe(self.refresh, names="value")
        super().__init__([widgets.HBox([self.A, self.r]), widgets.HBox([self.T, self.margin]),
                          self.boost, self.summary, self.plot])
        self.refresh()

    def refresh(self, change=None) -> None:
        """Recompute the paths and the read-out from the current control values."""
        boost = bool(self.boost.value)
        lever = retention_lever(A=self.A.value, r=self.r.value, margin=self.margin.value)
        self.paths = base_paths(self.customer_base, A=self.A.value, r=self.r.value, T=self.T.value,
                                boost=boost)
        html = summary_html(lever, boost=boost)
        if self.paths["error"]:
            html += f"<br><b>{self.paths['error']}</b>"
        self.summary.value = html
        self.plot.value = _plot_png(self.paths, lever, boost=boost)


def build_ui(*, customer_base: Callable, A: float = 100.0, r: float = 0.95, T: int = 36,
             margin: float = 20.0) -> LeakyBucketLab:
    """The leaky-bucket lab: sliders A, r, T and margin, a "+5 pp retention" checkbox, plot and read-out.

    Parameters
    ----------
    customer_base : callable
        ``customer_base(N0, A, r, T)`` returning the base for months 0..T (the student's task 1).
    A, r, T, margin : float, float, int, float
        Starting values: acquisitions per month, monthly retention, horizon in months, margin per
        customer per month (CNY).

    Returns
    -------
    LeakyBucketLab
        An ``ipywidgets.VBox``; pass it to ``display``.
    """
    return LeakyBucketLab(customer_base, A=A, r=r, T=T, margin=margin)
