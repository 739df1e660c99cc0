"""The positioning-map lab of lecture 2: which offer is closest to the customers' ideal point.

The ideal-point model (Hauser & Koppelman 1979; Urban & Hauser, *Design and Marketing of New Products*)
scores option :math:`j` by its weighted distance to the ideal point :math:`I`,
:math:`d_j = \\sqrt{\\sum_k w_k (x_{jk} - I_k)^2}`, on perceived attributes rated 1–7; the smallest
:math:`d` is preferred. Sliders move the ideal point and the attribute weights; the lab redraws the map
and the ranking, so the student sees how a shift in what customers value reorders the competitors.

Pure functions (:func:`normalise_weights`, :func:`ideal_point_distances`, :func:`ranking_html`) do the
work; :func:`build_ui` only wires them to ipywidgets and runs headless (no waits).
"""

from __future__ import annotations

import html
import io

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

SCALE = (1.0, 7.0)  # perceived-attribute rating scale (7-point semantic differential)
# Illustrative perceptions on the lecture's three attributes (1–7): brands A and B are the worked example
# of crm-models.md L02 (I = (3, 6, 6), w = (0.5, 0.3, 0.2) → d_A = 0.894, d_B = 1.140); the rest are
# invented competitors so that the ranking has something to reorder. Synthetic, no real firms.
DEFAULT_OPTIONS = pd.DataFrame(
    {"price_level": [4.0, 2.0, 5.5, 3.0, 6.5],
     "quality": [5.0, 6.0, 6.5, 4.0, 6.0],
     "service": [6.0, 4.0, 5.0, 3.5, 6.5]},
    index=pd.Index(["Brand A", "Brand B", "Rival C", "Rival D", "Rival E"], name="option"))
DEFAULT_IDEAL = (3.0, 6.0, 6.0)  # the worked example's ideal point on (price_level, quality, service)
DEFAULT_WEIGHTS = (0.5, 0.3, 0.2)  # the worked example's importance weights
RANKING_COLUMNS = ["option", "distance", "rank"]


def normalise_weights(weights) -> np.ndarray:
    """Importance weights rescaled to sum to 1 (unitless), so slider positions need not add up.

    Parameters
    ----------
    weights : sequence of float
        Non-negative importances, one per attribute, not all zero.

    Returns
    -------
    ndarray of shape (n_attributes,)
        ``weights / sum(weights)``.
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or np.any(w < 0) or not np.all(np.isfinite(w)) or w.sum() <= 0:
        raise ValueError(f"weights must be finite, >= 0 and not all zero, got {list(w)}")
    return w / w.sum()


def ideal_point_distances(options: pd.DataFrame, *, ideal, weights) -> pd.DataFrame:
    """Weighted Euclidean distance of every option to the ideal point, and its rank.

    Parameters
    ----------
    options : DataFrame of shape (n_options, n_attributes)
        Perceived attribute ratings (1–7), one row per option; the index holds the option names.
    ideal : sequence of float, length n_attributes
        The ideal point :math:`I` on the same scale.
    weights : sequence of float, length n_attributes
        Importance weights; used as given (normalise them first with :func:`normalise_weights` if the
        model calls for weights summing to 1, as the lecture's does).

    Returns
    -------
    DataFrame of shape (n_options, 3)
        Columns ``option`` (str), ``distance`` (float, rating-scale units) and ``rank`` (int, 1 = closest),
        sorted by distance, ties broken by option name ascending (the tied options get consecutive ranks).
    """
    x = options.to_numpy(dtype=float)
    ideal = np.asarray(ideal, dtype=float)
    w = np.asarray(weights, dtype=float)
    if ideal.shape != (x.shape[1],) or w.shape != (x.shape[1],):
        raise ValueError(f"ideal and weights need {x.shape[1]} values, one per attribute column")
    distance = np.sqrt(((x - ideal) ** 2 * w).sum(axis=1))
    table = pd.DataFrame({"option": options.index.astype(str), "distance": distance})
    table = table.sort_values(["distance", "option"], kind="mergesort").reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1)
    return table[RANKING_COLUMNS]


def ranking_html(table: pd.DataFrame, *, weights) -> str:
    """The lab's read-out: the closest option, the weights in use and the ranked distances, as HTML."""
    rows = "".join(f"<tr><td>{r.rank}</td><td>{html.escape(r.option)}</td><td>{r.distance:.3f}</td></tr>"
                   for r in table.itertuples(index=False))
    shown = ", ".join(f"{v:.2f}" for v in weights)
    return (f"最接近理想点 closest to the ideal: <b>{html.escape(str(table['option'].iloc[0]))}</b>"
            f"（d = {table['distance'].iloc[0]:.3f}）<br>权重 weights (sum = 1): ({shown})"
            f"<table><tr><th>rank</th><th>option</th><th>d</th></tr>{rows}</table>")


def _plot_png(options: pd.DataFrame, ideal: np.ndarray, *, x_attr: str, y_attr: str) -> bytes:
    fig = Figure(figsize=(5.0, 4.2), dpi=80, layout="tight")  # axis labels never clipped
    ax = fig.add_subplot()
    columns = list(options.columns)
    ax.scatter(options[x_attr], options[y_attr], color="C0")
    for name, x, y in zip(options.index, options[x_attr], options[y_attr], strict=True):
        ax.annotate(str(name), (x, y), textcoords="offset points", xytext=(4, 4))
    ax.scatter([ideal[columns.index(x_attr)]], [ideal[columns.index(y_attr)]], marker="*", s=220,
               color="C3", label="ideal point")
    ax.set_xlim(SCALE[0] - 0.3, SCALE[1] + 0.3)  # a point on the scale's end stays inside the frame
    ax.set_ylim(SCALE[0] - 0.3, SCALE[1] + 0.3)
    ax.set_xlabel(f"{x_attr} (1–7)")
    ax.set_ylabel(f"{y_attr} (1–7)")
    ax.legend(loc="lower left")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


class PositioningMapLab(widgets.VBox):
    """The lab's container; its controls and outputs are attributes so tests can drive and read them."""

    def __init__(self, options: pd.DataFrame, *, ideal, weights):
        self.options = options
        names = [str(c) for c in options.columns]
        self.ideal = [widgets.FloatSlider(value=float(v), min=SCALE[0], max=SCALE[1], step=0.1,
                                          description=f"I {n}") for n, v in zip(names, ideal, strict=True)]
        self.weights = [widgets.FloatSlider(value=float(v), min=0.0, max=1.0, step=0.05,
                                            description=f"w {n}") for n, v in zip(names, weights, strict=True)]
        self.x_attr = widgets.Dropdown(options=names, value=names[0], description="x")
        self.y_attr = widgets.Dropdown(options=names, value=names[1 % len(names)], description="y")
        self.summary = widgets.HTML()
        self.plot = widgets.Image(format="png")
        self.table = pd.DataFrame(columns=RANKING_COLUMNS)
        for control in (*self.ideal, *self.weights, self.x_attr, self.y_attr):
            control.observe(self.refresh, names="value")
        super().__init__([widgets.HBox([widgets.VBox(self.ideal), widgets.VBox(self.weights)]),
                          widgets.HBox([self.x_attr, self.y_attr]), self.summary, self.plot])
        self.refresh()

    def refresh(self, change=None) -> None:
        """Recompute distances, ranking and map from the current slider values."""
        ideal = np.array([s.value for s in self.ideal], dtype=float)
        try:
            w = normalise_weights([s.value for s in self.weights])
        except ValueError:
            self.summary.value = "<b>至少一个权重要大于 0（at least one weight must be above 0）</b>"
            return
        self.table = ideal_point_distances(self.options, ideal=ideal, weights=w)
        self.summary.value = ranking_html(self.table, weights=w)
        self.plot.value = _plot_png(self.options, ideal, x_attr=self.x_attr.value, y_attr=self.y_attr.value)


def build_ui(*, options: pd.DataFrame | None = None, ideal=DEFAULT_IDEAL,
             weights=DEFAULT_WEIGHTS) -> PositioningMapLab:
    """The positioning-map lab: sliders for the ideal point and the weights, a map and a ranking.

    Parameters
    ----------
    options : DataFrame, optional
        Perceived ratings (1–7), one row per option (index = option name), one column per attribute
        (at least two); defaults to :data:`DEFAULT_OPTIONS` (the lecture's worked example plus three
        invented rivals).
    ideal, weights : sequence of float
        Starting ideal point (1–7) and importance weights (>= 0), one per attribute column; the weights
        are rescaled to sum to 1.

    Returns
    -------
    PositioningMapLab
        An ``ipywidgets.VBox``; pass it to ``display``.
    """
    options = DEFAULT_OPTIONS if options is None else options
    if options.shape[1] < 2 or len(ideal) != options.shape[1] or len(weights) != options.shape[1]:
        raise ValueError("need at least two attribute columns and one ideal value and weight per column")
    return PositioningMapLab(options, ideal=ideal, weights=weights)
