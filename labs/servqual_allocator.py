"""The SERVQUAL importance allocator of lecture 3: which service dimension to improve first.

SERVQUAL (Parasuraman, Zeithaml & Berry 1988) measures a gap P − E (perception minus expectation, 7-point
scale) on five dimensions; customers (or managers) spread 100 importance points over the dimensions and the
weighted gap is :math:`\\sum_d (\\text{points}_d / 100)\\,\\text{gap}_d`. The dimension with the most negative
weighted contribution is the first to improve. Sliders move the points; the lab shows the student's own gaps,
each dimension's contribution, the total, and the priority, and says when the points do not add up to 100
(they are then rescaled to 100, so the sliders never need to be balanced by hand).

Pure functions (:func:`normalise_points`, :func:`weighted_gaps`, :func:`summary_html`) do the work;
:func:`build_ui` only wires them to ipywidgets and runs headless (no waits).
"""

from __future__ import annotations

import html
import io

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

DIMENSIONS = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")
DIMENSIONS_ZH = {"tangibles": "有形性", "reliability": "可靠性", "responsiveness": "响应性", "assurance": "保证性",
                 "empathy": "移情性"}
# Zeithaml, Parasuraman & Berry (1990): mean importance points of US service customers (that survey's result).
DEFAULT_POINTS = {"tangibles": 11, "reliability": 32, "responsiveness": 22, "assurance": 19, "empathy": 16}
TOTAL = 100
TABLE_COLUMNS = ["dimension", "gap", "points", "weighted_gap"]


def normalise_points(points) -> np.ndarray:
    """Importance points rescaled to sum to 100 (one per dimension, in :data:`DIMENSIONS` order).

    Parameters
    ----------
    points : mapping dimension -> points, or sequence of five numbers
        Non-negative, finite, not all zero.

    Returns
    -------
    ndarray of shape (5,)
        ``100 × points / sum(points)``.
    """
    values = [points[d] for d in DIMENSIONS] if isinstance(points, dict) else list(points)
    p = np.asarray(values, dtype=float)
    if p.shape != (len(DIMENSIONS),) or np.any(p < 0) or not np.all(np.isfinite(p)) or p.sum() <= 0:
        raise ValueError(f"need five finite points >= 0, not all zero; got {values}")
    return TOTAL * p / p.sum()


def weighted_gaps(gaps, points) -> pd.DataFrame:
    """Each dimension's gap, points (rescaled to 100) and contribution ``points / 100 × gap``.

    Parameters
    ----------
    gaps : mapping or Series dimension -> gap (P − E, 7-point scale units)
    points : mapping or sequence
        Importance points (see :func:`normalise_points`).

    Returns
    -------
    DataFrame
        Columns ``dimension, gap, points, weighted_gap``, one row per dimension in :data:`DIMENSIONS` order;
        the total weighted gap is the sum of ``weighted_gap``.
    """
    g = np.array([float(gaps[d]) for d in DIMENSIONS])
    p = normalise_points(points)
    return pd.DataFrame({"dimension": list(DIMENSIONS), "gap": g, "points": p, "weighted_gap": p / TOTAL * g})


def priority(table: pd.DataFrame) -> str:
    """The dimension with the most negative weighted gap (ties: the first in :data:`DIMENSIONS` order)."""
    return str(table["dimension"].iloc[int(np.argmin(table["weighted_gap"].to_numpy()))])


def summary_html(table: pd.DataFrame, *, raw_total: float) -> str:
    """The read-out: total weighted gap, the priority, the points in use, and a note if they were rescaled."""
    first = priority(table)
    note = ("" if np.isclose(raw_total, TOTAL) else
            f"<br><i>滑块点数之和为 {raw_total:g}，已按比例换算为 100（the points are rescaled to sum to 100）。</i>")
    rows = "".join(f"<tr><td>{DIMENSIONS_ZH[r.dimension]} {html.escape(r.dimension)}</td><td>{r.gap:+.3f}</td>"
                   f"<td>{r.points:.1f}</td><td>{r.weighted_gap:+.3f}</td></tr>" for r in table.itertuples(index=False))
    return (f"加权差距 weighted gap = <b>{table['weighted_gap'].sum():+.3f}</b>（7 分量表的分 points on the 7-point "
            f"scale）；优先改进 improve first: <b>{DIMENSIONS_ZH[first]} {first}</b>{note}"
            f"<table><tr><th>维度 dimension</th><th>gap P−E</th><th>points</th><th>weighted</th></tr>{rows}</table>")


def _plot_png(table: pd.DataFrame) -> bytes:
    fig = Figure(figsize=(6.0, 3.2), dpi=80, layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(table))
    ax.barh(y + 0.2, table["gap"], height=0.4, color="C0", label="gap P − E")
    ax.barh(y - 0.2, table["weighted_gap"], height=0.4, color="C3", label="points/100 × gap")
    ax.set_yticks(y, table["dimension"])
    ax.axvline(0, color="black", lw=0.8)
    ax.invert_yaxis()
    ax.set_xlabel("7-point scale units")
    ax.legend(loc="lower left", fontsize="small")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


class ServqualAllocatorLab(widgets.VBox):
    """The lab's container; sliders and outputs are attributes so tests can drive and read them."""

    def __init__(self, gaps, points):
        self.gaps = {d: float(gaps[d]) for d in DIMENSIONS}
        self.sliders = {d: widgets.IntSlider(value=int(points[d]), min=0, max=TOTAL, step=1,
                                             description=DIMENSIONS_ZH[d]) for d in DIMENSIONS}
        self.summary = widgets.HTML()
        self.plot = widgets.Image(format="png")
        self.table = pd.DataFrame(columns=TABLE_COLUMNS)
        for slider in self.sliders.values():
            slider.observe(self.refresh, names="value")
        super().__init__([widgets.VBox(list(self.sliders.values())), self.summary, self.plot])
        self.refresh()

    def refresh(self, change=None) -> None:
        """Recompute the table, read-out and chart from the current slider values."""
        raw = {d: s.value for d, s in self.sliders.items()}
        try:
            self.table = weighted_gaps(self.gaps, raw)
        except ValueError:
            self.summary.value = "<b>至少给一个维度大于 0 的点数（give at least one dimension some points）</b>"
            return
        self.summary.value = summary_html(self.table, raw_total=float(sum(raw.values())))
        self.plot.value = _plot_png(self.table)


def build_ui(*, gaps, points=None) -> ServqualAllocatorLab:
    """The SERVQUAL allocator: five point sliders over the student's own dimension gaps.

    Parameters
    ----------
    gaps : mapping or Series dimension -> gap (P − E)
        The student's gaps, e.g. ``servqual.set_index("dimension")["gap"]``; every dimension of
        :data:`DIMENSIONS` is needed.
    points : mapping dimension -> int, optional
        Starting importance points (default :data:`DEFAULT_POINTS`, away from the sliders' ends).

    Returns
    -------
    ServqualAllocatorLab
        An ``ipywidgets.VBox``; pass it to ``display``.
    """
    missing = [d for d in DIMENSIONS if d not in gaps]
    if missing:
        raise ValueError(f"gaps needs every SERVQUAL dimension; missing {missing}")
    return ServqualAllocatorLab(gaps, DEFAULT_POINTS if points is None else points)
