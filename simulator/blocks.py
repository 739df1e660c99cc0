"""One customer block, end to end: latent state → lifecycle → orders → service → voice → campaigns → B2B.

A block owns customers ``[lo, hi)``; every stream it draws from is keyed by (world seed, component, block),
so a block's output is the same whichever process generates it and whatever else runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import btyd, callcentre, campaigns as camp, identities, latent, lifecycle, sales, service, voice
from .assemble import str_take
from .config import SimConfig
from .orders import render_orders
from .seeding import stream
from .valuation import btyd_clv, lifecycle_clv

# complaint opening delay after its anchor (hours): (anchor, low, high)
OPEN_AFTER = {"delivery_delay": ("promised", 24, 72), "customs": ("order", 120, 240),
              "damaged": ("delivered", 2, 48), "wrong_size": ("delivered", 4, 72),
              "plug_voltage": ("delivered", 4, 96), "product_quality": ("delivered", 24, 240),
              "refund": ("order", 1, 72), "payment": ("order", 0.1, 6)}


@dataclass(frozen=True)
class Context:
    """World-level objects every block needs (picklable, sent once to each worker)."""

    config: SimConfig
    shops: pd.DataFrame
    products: pd.DataFrame
    agents: pd.DataFrame
    campaigns: pd.DataFrame
    pools: object
    shop_weight: np.ndarray
    shops_cols: dict
    cat_cdf: np.ndarray


def _complaints(orders: pd.DataFrame, events: pd.DataFrame, end: pd.Timestamp, rng) -> pd.DataFrame:
    """Complaint events (per docs/contracts.md) from the loop's per-order complaint decisions."""
    has = (events["complaint"] != "").to_numpy()
    o = orders[has]
    cat = events["complaint"].to_numpy()[has]
    anchor = np.select([np.isin(cat, [k for k, v in OPEN_AFTER.items() if v[0] == "promised"]),
                        np.isin(cat, [k for k, v in OPEN_AFTER.items() if v[0] == "delivered"])],
                       [o["promised_delivery_date"].to_numpy(),
                        o["delivered_ts"].fillna(o["promised_delivery_date"]).to_numpy()],
                       o["order_ts"].to_numpy()).astype("datetime64[s]")
    lo = np.array([OPEN_AFTER[c][1] for c in cat]) if len(cat) else np.empty(0)
    hi = np.array([OPEN_AFTER[c][2] for c in cat]) if len(cat) else np.empty(0)
    opened = anchor + np.round(rng.uniform(lo, hi) * 3600).astype("timedelta64[s]")
    out = pd.DataFrame({"customer_id": o["customer_id"].to_numpy(), "order_id": o["order_id"].to_numpy(),
                        "shop_id": o["shop_id"].to_numpy(), "opened_ts": opened, "category": cat,
                        "resolved": events["resolved"].to_numpy()[has]})
    return out[out["opened_ts"] < np.datetime64(end, "s")].reset_index(drop=True)


def _member_tier(orders: pd.DataFrame, ids: np.ndarray, end: pd.Timestamp) -> np.ndarray:
    """Observed tier from orders in the last 52 weeks (lags the hidden stage)."""
    recent = orders[(orders["order_ts"] >= np.datetime64(end - pd.Timedelta(weeks=52), "s"))
                    & (orders["status"] != "cancelled")]
    k = recent.groupby("customer_id").size().reindex(ids, fill_value=0).to_numpy()
    return str_take(("none", "silver", "gold", "platinum"), np.select([k >= 8, k >= 4, k >= 2], [3, 2, 1], 0))


def _spells(hist: lifecycle.BlockHistory, end: pd.Timestamp) -> pd.DataFrame:
    """Stage spells with end times and the reason each spell ended."""
    sp = hist.spells.sort_values(["customer_id", "start_ts"], kind="stable").reset_index(drop=True)
    same_next = sp["customer_id"].shift(-1).eq(sp["customer_id"]).to_numpy()
    nxt_start = sp["start_ts"].shift(-1).to_numpy()
    nxt_reason = sp["reason"].shift(-1).to_numpy()
    term = sp["stage"].to_numpy() == lifecycle.TERMINATED
    end_ts = np.where(same_next, nxt_start, np.datetime64("NaT"))
    reason = np.where(same_next, nxt_reason, np.where(term, "", "horizon"))
    return pd.DataFrame({"customer_id": sp["customer_id"].to_numpy(),
                         "stage": str_take(lifecycle.STAGE_NAMES, sp["stage"].to_numpy()),
                         "start_ts": sp["start_ts"].to_numpy().astype("datetime64[s]"),
                         "end_ts": end_ts.astype("datetime64[s]"), "exit_reason": reason})


def simulate_block(ctx: Context, block: int, lo: int, hi: int) -> dict[str, pd.DataFrame]:
    """Generate customers ``[lo, hi)``; returns frames keyed ``observed:<table>`` / ``truth:<table>``."""
    cfg = ctx.config
    seed, end = cfg.seed, cfg.end
    ids = np.arange(lo, hi, dtype=np.int64)
    pop = latent.draw_population(ids=ids, shops=ctx.shops, shop_weight=ctx.shop_weight, start=cfg.start,
                                 end=end, mode=cfg.mode, rng=stream(seed, "latent", block))
    b_events, deaths = btyd.draw_btyd(pop=pop, end=end, rng=stream(seed, "btyd", block))
    hist = lifecycle.run(pop=pop, btyd_events=b_events, deaths=deaths, shops_cols=ctx.shops_cols,
                         cat_cdf=ctx.cat_cdf, campaigns=ctx.campaigns, start=cfg.start, end=end,
                         n_weeks=cfg.n_weeks, rng=stream(seed, "lifecycle", block))
    orders, items, t_orders = render_orders(events=hist.events, pop=pop, shops=ctx.shops, products=ctx.products,
                                            campaigns=ctx.campaigns, end=end, rng=stream(seed, "orders", block))
    ident = identities.render_customers(customer_id=ids, locale=pop["locale"].to_numpy(),
                                        is_b2b=(pop["customer_type"] == "B2B").to_numpy(), pools=ctx.pools,
                                        rng=stream(seed, "identity", block))
    customers = pd.concat([pop[["customer_id", "shop_id"]], ident,
                           pop[["locale", "signup_date", "acquisition_channel", "customer_type",
                                "marketing_opt_in"]]], axis=1)
    customers["member_tier"] = _member_tier(orders, ids, end)
    complaints = _complaints(orders, hist.events, end, stream(seed, "complaints", block))
    tickets = service.render_tickets(complaints=complaints, orders=orders, customers=customers,
                                     agents=ctx.agents, end=end, rng=stream(seed, "tickets", block))
    calls = callcentre.render_calls(tickets=tickets, customers=customers, end=end, rng=stream(seed, "calls", block),
                                    churn_ts=hist.final["churn_ts"].to_numpy())
    o_voice = orders.assign(satisfaction=t_orders["satisfaction"].to_numpy(),
                            delay_days=t_orders["delay_days"].to_numpy())
    sat = hist.sat_monthly.assign(stage=str_take(lifecycle.STAGE_NAMES,
                                                 hist.sat_monthly["stage"].to_numpy().astype(int)))
    surveys, kano = voice.render_surveys(orders=o_voice, sat_monthly=sat, customers=customers, end=end,
                                         rng=stream(seed, "surveys", block))
    leads, opps = sales.make_sales(customers=customers, shops=ctx.shops, campaigns=ctx.campaigns, end=end,
                                   pools=ctx.pools, rng=stream(seed, "sales", block))
    contacts = _contacts(hist.contacts, orders, ctx.campaigns, rng=stream(seed, "contacts", block))
    truth_c = _truth_customers(pop, hist, orders, t_orders, end)
    frames = {
        "observed:customers": customers, "observed:orders": orders, "observed:order_items": items,
        "observed:tickets": tickets, "observed:calls": calls, "observed:surveys": surveys,
        "observed:kano_answers": kano, "observed:campaign_contacts": contacts, "observed:leads": leads,
        "observed:opportunities": opps, "truth:customers": truth_c, "truth:stage_spells": _spells(hist, end),
        "truth:satisfaction": sat, "truth:orders": t_orders,
    }
    return frames


def _contacts(contacts: pd.DataFrame, orders: pd.DataFrame, campaigns: pd.DataFrame, rng) -> pd.DataFrame:
    """Campaign contacts with observed response (orders in the window) and the potential outcomes."""
    c = contacts.merge(campaigns[["campaign_id", "start_date", "end_date", "channel"]], on="campaign_id", how="left")
    o = orders[["customer_id", "order_ts", "order_total"]].assign(
        paid=np.where(orders["status"] == "cancelled", 0.0, orders["order_total"]))
    m = c.reset_index().merge(o, on="customer_id", how="inner")
    m = m[(m["order_ts"] >= m["start_date"]) & (m["order_ts"] < m["end_date"])]
    rev = m.groupby("index")["paid"].sum().reindex(c.index, fill_value=0.0)
    converted = np.isin(c.index, m["index"].unique())
    treated = c["treated"].to_numpy()
    p_open, p_click = camp.response_probs(c["channel"].to_numpy(), converted)  # per channel (campaigns.py)
    opened = treated & (rng.random(len(c)) < p_open)
    clicked = opened & (rng.random(len(c)) < p_click)
    return pd.DataFrame({
        "campaign_id": c["campaign_id"].to_numpy(), "customer_id": c["customer_id"].to_numpy(),
        "group": np.where(treated, "treatment", "control"),
        "sent_ts": np.where(treated, c["sent_ts"].to_numpy(), np.datetime64("NaT")).astype("datetime64[s]"),
        "opened": opened, "clicked": clicked, "converted": converted, "revenue": np.round(rev.to_numpy(), 2),
        "p0": c["p0"].to_numpy(), "p1": c["p1"].to_numpy(), "y0": c["y0"].to_numpy(), "y1": c["y1"].to_numpy(),
    })


def _truth_customers(pop, hist, orders, t_orders, end) -> pd.DataFrame:
    """Per-customer truth (``schema.TRUTH["customers"]`` minus person_id, added at assembly)."""
    f = hist.final
    stage_end = f["stage_end"].to_numpy()
    alive = (stage_end >= 0) & (stage_end < lifecycle.TERMINATED)
    exit_stage = f["exit_stage"].to_numpy()
    pattern = np.select([exit_stage == 0, exit_stage == 1, exit_stage >= 2, alive & (stage_end >= 2)],
                        ["early_abort", "midway_failure", "early_exit", "long_lasting"], "open")
    is_btyd = (pop["mechanism"] == "btyd").to_numpy()
    lam, basket = pop["lambda_week"].to_numpy(), pop["basket_mean"].to_numpy()
    clv = np.zeros(len(pop))
    life = alive & ~is_btyd
    clv[life] = lifecycle_clv(stage=stage_end[life], lam=lam[life], basket=basket[life],
                              price_sens=pop["price_sensitivity"].to_numpy()[life],
                              sat=pop["sat_baseline"].to_numpy()[life])
    bt = alive & is_btyd
    clv[bt] = btyd_clv(lam=lam[bt], p=pop["p_dropout"].to_numpy()[bt], spend=basket[bt])
    n_orders = orders.groupby("customer_id").size().reindex(pop["customer_id"], fill_value=0).to_numpy()
    return pd.DataFrame({
        "customer_id": pop["customer_id"].to_numpy(), "mechanism": pop["mechanism"].to_numpy(),
        "persona": pop["persona"].to_numpy(), "lambda_week": lam, "basket_mean": basket,
        "price_sensitivity": pop["price_sensitivity"].to_numpy(), "sat_baseline": pop["sat_baseline"].to_numpy(),
        "p_dropout": pop["p_dropout"].to_numpy(), "churn_ts": f["churn_ts"].to_numpy(), "alive_at_end": alive,
        "final_stage": str_take(lifecycle.STAGE_NAMES, np.clip(stage_end, 0, 4)),
        "pattern": pattern, "n_orders": n_orders.astype(np.int64), "true_clv": np.round(clv, 2),
    })
