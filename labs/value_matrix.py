"""The value-matrix threshold explorer of lecture 6: how fragile is a customer's quadrant near the cut?

Marcus's (1998) customer value matrix splits customers by purchase frequency F (number of valid orders) and
average purchase value M (CNY per order, duty excluded) into best / frequent / spender / uncertain, each with
its retention strategy. The course splits at the means (>= mean is high); the lab lets the student split at
the medians or at any cut instead, and shows how many customers change quadrant, how the customers and the
revenue are shared, and the strategy card of the quadrant picked — every fact the judgement needs.

Pure functions (:func:`cuts`, :func:`classify`, :func:`summary`, :func:`moved`, :func:`card_html`) do the work;
:func:`build_ui` only wires them to ipywidgets and runs headless (no waits).
"""

from __future__ import annotations

import html
import io

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

QUADRANTS = ("best", "frequent", "spender", "uncertain")
ZH = {"best": "最好的客户", "frequent": "经常性客户", "spender": "乐于消费型客户", "uncertain": "不确定型客户"}
STRATEGY = {
    "best": "保持与奖励 retain and reward：VIP 待遇、专属客服、优先体验新品；防止被竞争者挖走。",
    "frequent": "提高每次购买额 raise spend per order：向上销售、交叉销售、满额优惠、组合推荐。",
    "spender": "提高购买频率 raise frequency：复购提醒、积分与会员日、订阅或补货服务。",
    "uncertain": "甄别可转化者 find the convertible ones：低成本的自动化服务；无利可图者不再投入。",
}
SUMMARY_COLUMNS = ["quadrant", "n", "customer_share", "revenue", "revenue_share"]
METHODS = ("mean", "median", "custom")


def cuts(frequency, avg_value, method: str = "mean", *, custom=(None, None)) -> tuple[float, float]:
    """The two cuts ``(F cut, M cut)``: the means or the medians over customers, or ``custom`` ones.

    Parameters
    ----------
    frequency, avg_value : array-like
        Valid orders per customer and average CNY per order, one entry per customer.
    method : {"mean", "median", "custom"}
        How to cut; ``custom`` takes the pair ``custom`` (both given, > 0).
    """
    f, m = np.asarray(frequency, dtype=float), np.asarray(avg_value, dtype=float)
    if method == "mean":
        return float(f.mean()), float(m.mean())
    if method == "median":
        return float(np.median(f)), float(np.median(m))
    if method == "custom" and None not in custom and min(custom) > 0:
        return float(custom[0]), float(custom[1])
    raise ValueError(f"method must be one of {METHODS} (custom needs two positive cuts), got {method!r}")


def classify(frequency, avg_value, f_cut: float, m_cut: float) -> np.ndarray:
    """Quadrant of each customer: high means >= the cut (the course's tie rule)."""
    hi_f = np.asarray(frequency, dtype=float) >= f_cut
    hi_m = np.asarray(avg_value, dtype=float) >= m_cut
    return np.where(hi_f, np.where(hi_m, "best", "frequent"), np.where(hi_m, "spender", "uncertain"))


def summary(frequency, avg_value, quadrant) -> pd.DataFrame:
    """[quadrant, n, customer_share, revenue, revenue_share], one row per quadrant in :data:`QUADRANTS` order;
    revenue (CNY) = frequency × avg_value summed over the quadrant's customers."""
    q = np.asarray(quadrant, dtype=object)
    revenue = np.asarray(frequency, dtype=float) * np.asarray(avg_value, dtype=float)
    n = np.array([(q == k).sum() for k in QUADRANTS])
    rev = np.array([revenue[q == k].sum() for k in QUADRANTS])
    return pd.DataFrame({"quadrant": QUADRANTS, "n": n, "customer_share": n / max(n.sum(), 1), "revenue": rev,
                         "revenue_share": rev / rev.sum() if rev.sum() > 0 else 0.0})


def moved(base, other) -> int:
    """How many customers sit in a different quadrant under ``other`` than under ``base``."""
    return int((np.asarray(base, dtype=object) != np.asarray(other, dtype=object)).sum())


def card_html(table: pd.DataFrame, f_cut: float, m_cut: float, n_moved: int, pick: str) -> str:
    """The read-out: the cuts in use, the shares of each quadrant, the moves, and the picked strategy card."""
    rows = "".join(f"<tr><td>{ZH[r.quadrant]} {r.quadrant}</td><td>{r.n:,}</td><td>{r.customer_share:.1%}</td>"
                   f"<td>{r.revenue:,.0f}</td><td>{r.revenue_share:.1%}</td></tr>"
                   for r in table.itertuples(index=False))
    return (f"切点 cuts: F ≥ <b>{f_cut:.2f}</b> 单 orders 为高，M ≥ <b>{m_cut:,.2f}</b> 元 CNY / order 为高"
            f"（与按平均值切分相比，<b>{n_moved:,}</b> 位客户换了象限 changed quadrant）"
            "<table><tr><th>quadrant</th><th>客户数 n</th><th>客户占比</th><th>收入 CNY</th><th>收入占比</th></tr>"
            f"{rows}</table><p><b>{ZH[pick]} {pick}</b>：{html.escape(STRATEGY[pick])}</p>")


def _plot_png(frequency, avg_value, quadrant, f_cut: float, m_cut: float) -> bytes:
    fig = Figure(figsize=(5.6, 4.2), dpi=80, layout="tight")
    ax = fig.add_subplot()
    rng = np.random.default_rng(0)  # jitter only: frequencies are whole numbers and would overlap
    f = np.asarray(frequency, dtype=float) * np.exp(rng.uniform(-0.08, 0.08, size=len(frequency)))
    for i, k in enumerate(QUADRANTS):  # plot() with point markers draws thousands of customers fast
        sel = np.asarray(quadrant, dtype=object) == k
        ax.plot(f[sel], np.asarray(avg_value, dtype=float)[sel], ".", ms=2, alpha=0.5, color=f"C{i}", label=k)
    ax.axvline(f_cut, color="k", lw=1)
    ax.axhline(m_cut, color="k", lw=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("F: valid orders per customer (log)")
    ax.set_ylabel("M: CNY per order (log)")
    ax.legend(loc="lower right", fontsize=8, markerscale=4)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


class ValueMatrixLab(widgets.VBox):
    """The lab's container; its controls and outputs are attributes so tests can drive and read them."""

    def __init__(self, frequency, avg_value):
        self.frequency = np.asarray(frequency, dtype=float)
        self.avg_value = np.asarray(avg_value, dtype=float)
        f0, m0 = cuts(self.frequency, self.avg_value, "mean")
        self.base = classify(self.frequency, self.avg_value, f0, m0)
        self.method = widgets.Dropdown(options=list(METHODS), value="mean", description="切分 split")
        f_hi = float(np.quantile(self.frequency, 0.99)) + 1
        m_lo, m_hi = float(np.quantile(self.avg_value, 0.01)), float(np.quantile(self.avg_value, 0.99))
        self.f_cut = widgets.FloatSlider(value=round(f0, 2), min=1.0, max=max(f_hi, f0 + 1), step=0.5,
                                         description="F cut")
        self.m_cut = widgets.FloatSlider(value=round(m0, 2), min=max(m_lo, 1.0), max=max(m_hi, m0 * 2),
                                         step=10.0, description="M cut (元)")
        self.pick = widgets.Dropdown(options=list(QUADRANTS), value="best", description="策略 card")
        self.read = widgets.HTML()
        self.plot = widgets.Image(format="png")
        self.table = summary(self.frequency, self.avg_value, self.base)
        for control in (self.method, self.f_cut, self.m_cut, self.pick):
            control.observe(self.refresh, names="value")
        super().__init__([widgets.HBox([self.method, self.pick]), widgets.HBox([self.f_cut, self.m_cut]),
                          self.read, self.plot])
        self.refresh()

    def refresh(self, change=None) -> None:
        """Recompute the cuts, quadrants, summary, read-out and plot from the controls."""
        custom = self.method.value == "custom"
        self.f_cut.disabled = self.m_cut.disabled = not custom
        f_cut, m_cut = cuts(self.frequency, self.avg_value, self.method.value,
                            custom=(self.f_cut.value, self.m_cut.value))
        quadrant = classify(self.frequency, self.avg_value, f_cut, m_cut)
        self.table = summary(self.frequency, self.avg_value, quadrant)
        self.read.value = card_html(self.table, f_cut, m_cut, moved(self.base, quadrant), self.pick.value)
        self.plot.value = _plot_png(self.frequency, self.avg_value, quadrant, f_cut, m_cut)


def build_ui(vm: pd.DataFrame) -> ValueMatrixLab:
    """The value-matrix threshold explorer on a student's matrix ``vm`` (columns ``frequency``, ``avg_value``)."""
    if not {"frequency", "avg_value"} <= set(vm.columns) or len(vm) == 0:
        raise ValueError("vm needs rows and the columns frequency and avg_value")
    return ValueMatrixLab(vm["frequency"].to_numpy(dtype=float), vm["avg_value"].to_numpy(dtype=float))
