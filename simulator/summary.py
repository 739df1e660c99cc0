"""A short plain-text summary of a world: what ``crmlab simulate`` and the demo print."""

from __future__ import annotations

import pandas as pd

from .schema import STAGE_ZH


def summarize(world, *, where: str | None = None) -> str:
    """Shops, customers, orders, revenue (CNY) by true lifecycle stage, churned share, tickets by category."""
    o = world.orders
    live = o[o["status"] != "cancelled"]
    revenue_cny = (live["order_total"] * live["fx_rate_to_cny"]).sum()
    kinds = world.shops["kind"].value_counts()
    lines = [
        f"shops      {len(world.shops):>10,}  ({kinds.get('domestic', 0)} domestic, {kinds.get('cross_border', 0)} cross-border)",
        f"customers  {len(world.customers):>10,}  ({(world.customers['customer_type'] == 'B2B').sum():,} B2B)",
        f"orders     {len(o):>10,}  revenue {revenue_cny:,.0f} CNY",
    ]
    per_customer = o.groupby("customer_id").size()
    lines.append(f"one-time buyers {(per_customer == 1).mean():.1%} of customers with an order")
    if world.truth is not None:
        t = world.truth
        stage = t.orders.set_index("order_id")["stage"].reindex(live["order_id"]).to_numpy()
        by = (live.assign(stage=stage, rev=live["order_total"] * live["fx_rate_to_cny"])
              .groupby("stage")["rev"].agg(["size", "sum"]))
        lines.append("revenue by true stage (hidden truth):")
        for st in ("exploration", "formation", "stability", "decline"):
            if st in by.index:
                lines.append(f"  {st:<12}{STAGE_ZH[st]:<4} {int(by.loc[st, 'size']):>9,} orders {by.loc[st, 'sum']:>14,.0f} CNY")
        churned = (~t.customers["alive_at_end"]).mean()
        lines.append(f"churned by the horizon (hidden truth): {churned:.1%}")
    tk = world.tickets["category"].value_counts()
    lines.append("tickets by category: " + ", ".join(f"{k} {v:,}" for k, v in tk.items()))
    lines.append(f"calls {len(world.calls):,}  surveys {len(world.surveys):,}  campaigns {len(world.campaigns)}  "
                 f"leads {len(world.leads):,}  opportunities {len(world.opportunities):,}")
    if where:
        lines.append(f"files: {where}")
    return "\n".join(lines)
