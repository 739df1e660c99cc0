"""A short plain-text summary of a world: what ``crmlab simulate`` and the demo print.

The figures are first gathered into :class:`Stats`, which adds up block by block: the streaming writer
(``simulator.stream``) collects one per customer block in the workers and merges them, and a world held in
memory is summarised as one block. Sums of money are exact (:func:`exact_parts`), so the text does not
depend on how the rows were split.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .schema import STAGE_ZH

STAGES = ("exploration", "formation", "stability", "decline")


def exact_parts(values) -> list[float]:
    """Floats whose exact sum is the exact sum of ``values`` (``math.fsum`` of them is the rounded total).

    Each part is the rounded remainder of the one before, so a few parts suffice; merging the parts of
    several blocks with this function again keeps the total exact.
    """
    xs = [float(v) for v in values] if not isinstance(values, np.ndarray) else values.tolist()
    parts: list[float] = []
    while True:
        rest = math.fsum(xs + [-p for p in parts])
        if rest == 0.0:
            return parts
        parts.append(rest)
        if not math.isfinite(rest):
            return [rest]


@dataclass
class Stats:
    """Counts and exact money sums (CNY) behind :func:`summarize`; ``merge`` adds another block's."""

    shops: int = 0
    domestic: int = 0
    cross_border: int = 0
    customers: int = 0
    b2b: int = 0
    orders: int = 0
    revenue: list[float] = field(default_factory=list)
    buyers: int = 0
    one_time: int = 0
    has_truth: bool = False
    stage_orders: dict[str, int] = field(default_factory=dict)
    stage_revenue: dict[str, list[float]] = field(default_factory=dict)
    truth_customers: int = 0
    churned: int = 0
    tickets: dict[str, int] = field(default_factory=dict)  # by category, in order of first appearance
    counts: dict[str, int] = field(default_factory=dict)  # calls, surveys, campaigns, leads, opportunities

    def merge(self, other: Stats) -> Stats:
        """Add ``other`` (the next block's figures) to these, in place; returns self."""
        for name in ("shops", "domestic", "cross_border", "customers", "b2b", "orders", "buyers", "one_time",
                     "truth_customers", "churned"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.revenue = exact_parts(self.revenue + other.revenue)
        self.has_truth = self.has_truth or other.has_truth
        for st, n in other.stage_orders.items():
            self.stage_orders[st] = self.stage_orders.get(st, 0) + n
            self.stage_revenue[st] = exact_parts(self.stage_revenue.get(st, []) + other.stage_revenue[st])
        for d, o in ((self.tickets, other.tickets), (self.counts, other.counts)):
            for k, n in o.items():
                d[k] = d.get(k, 0) + n
        return self


def collect(tables: dict[str, pd.DataFrame], truth: dict[str, pd.DataFrame] | None = None) -> Stats:
    """The :class:`Stats` of the tables present in ``tables`` (observed) and ``truth`` (ids int or str)."""
    s = Stats()
    if "shops" in tables:
        kinds = tables["shops"]["kind"]
        s.shops = len(kinds)
        s.domestic, s.cross_border = int((kinds == "domestic").sum()), int((kinds == "cross_border").sum())
    if "customers" in tables:
        c = tables["customers"]
        s.customers, s.b2b = len(c), int((c["customer_type"] == "B2B").sum())
    if "orders" in tables:
        o = tables["orders"]
        live = o[(o["status"] != "cancelled").to_numpy()]
        rev = live["order_total"].to_numpy(dtype=float) * live["fx_rate_to_cny"].to_numpy(dtype=float)
        s.orders, s.revenue = len(o), exact_parts(rev)
        per_customer = o.groupby("customer_id").size().to_numpy()
        s.buyers, s.one_time = len(per_customer), int((per_customer == 1).sum())
        if truth is not None and "orders" in truth:
            stage = truth["orders"].set_index("order_id")["stage"].reindex(live["order_id"]).to_numpy()
            for st in STAGES:
                sel = stage == st
                if sel.any():
                    s.stage_orders[st], s.stage_revenue[st] = int(sel.sum()), exact_parts(rev[sel])
    if truth is not None and "customers" in truth:
        alive = truth["customers"]["alive_at_end"].to_numpy(dtype=bool)
        s.has_truth, s.truth_customers, s.churned = True, len(alive), int((~alive).sum())
    if "tickets" in tables:
        codes, cats = pd.factorize(tables["tickets"]["category"])
        s.tickets = dict(zip(map(str, cats), np.bincount(codes[codes >= 0], minlength=len(cats)).tolist(), strict=True))
    s.counts = {k: len(tables[k]) for k in ("calls", "surveys", "campaigns", "leads", "opportunities")
                if k in tables}
    return s


def summarize(world, *, where: str | None = None) -> str:
    """Shops, customers, orders, revenue (CNY) by true lifecycle stage, churned share, tickets by category.

    ``world`` is a :class:`~simulator.world.World` or the :class:`Stats` of one (as the streaming writer
    gathers them); ``where`` is a folder named on the last line.
    """
    if isinstance(world, Stats):
        s = world
    else:
        s = collect(world.tables, world.truth.tables if world.truth is not None else None)
    lines = [
        f"shops      {s.shops:>10,}  ({s.domestic} domestic, {s.cross_border} cross-border)",
        f"customers  {s.customers:>10,}  ({s.b2b:,} B2B)",
        f"orders     {s.orders:>10,}  revenue {math.fsum(s.revenue):,.0f} CNY",
        f"one-time buyers {s.one_time / s.buyers if s.buyers else float('nan'):.1%} of customers with an order",
    ]
    if s.has_truth:
        lines.append("revenue by true stage (hidden truth):")
        for st in STAGES:
            if st in s.stage_orders:
                lines.append(f"  {st:<12}{STAGE_ZH[st]:<4} {s.stage_orders[st]:>9,} orders "
                             f"{math.fsum(s.stage_revenue[st]):>14,.0f} CNY")
        churned = s.churned / s.truth_customers if s.truth_customers else float("nan")
        lines.append(f"churned by the horizon (hidden truth): {churned:.1%}")
    tk = pd.Series(s.tickets, dtype="int64").sort_values(ascending=False, kind="stable")
    lines.append("tickets by category: " + ", ".join(f"{k} {v:,}" for k, v in tk.items()))
    n = s.counts
    lines.append(f"calls {n.get('calls', 0):,}  surveys {n.get('surveys', 0):,}  campaigns {n.get('campaigns', 0)}  "
                 f"leads {n.get('leads', 0):,}  opportunities {n.get('opportunities', 0):,}")
    if where:
        lines.append(f"files: {where}")
    return "\n".join(lines)
