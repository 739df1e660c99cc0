"""One customer block, end to end: latent state → lifecycle → orders → service → voice → campaigns → B2B.

A block owns customers ``[lo, hi)``; every stream it draws from is keyed by (world seed, component, block),
so a block's output is the same whichever process generates it and whatever else runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from . import (
    btyd,
    callcentre,
    campaigns as camp,
    identities,
    latent,
    lifecycle,
    sales,
    service,
    ticket_events,
    ticket_text,
    voice,
)
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


class BlockParts:
    """The steps of one customer block (customers ``[lo, hi)``), each run once, when first needed.

    Every step draws from its own stream keyed by (world seed, component, block) and reads only the steps
    it depends on, so a table asked for alone (``simulator.lazy``) has the same rows as in the whole block:
    orders need the latent population and the lifecycle; customers need the orders (their tier); tickets,
    calls, surveys, sales and contacts need customers or orders, never one another's draws.
    """

    def __init__(self, ctx: Context, block: int, lo: int, hi: int):
        self.ctx, self.block = ctx, block
        self.ids = np.arange(lo, hi, dtype=np.int64)

    def _rng(self, name: str):
        return stream(self.ctx.config.seed, name, self.block)

    @cached_property
    def pop(self) -> pd.DataFrame:
        """The latent population: persona, rates, basket, locale … one row per customer."""
        cfg = self.ctx.config
        return latent.draw_population(ids=self.ids, shops=self.ctx.shops, shop_weight=self.ctx.shop_weight,
                                      start=cfg.start, end=cfg.end, mode=cfg.mode, rng=self._rng("latent"))

    @cached_property
    def hist(self) -> lifecycle.BlockHistory:
        """The weekly lifecycle (with the BTYD customers' events and deaths)."""
        cfg, ctx = self.ctx.config, self.ctx
        b_events, deaths = btyd.draw_btyd(pop=self.pop, end=cfg.end, rng=self._rng("btyd"))
        return lifecycle.run(pop=self.pop, btyd_events=b_events, deaths=deaths, shops_cols=ctx.shops_cols,
                             cat_cdf=ctx.cat_cdf, campaigns=ctx.campaigns, start=cfg.start, end=cfg.end,
                             n_weeks=cfg.n_weeks, rng=self._rng("lifecycle"))

    @cached_property
    def rendered(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """``(orders, order_items, truth orders)``."""
        return render_orders(events=self.hist.events, pop=self.pop, shops=self.ctx.shops,
                             products=self.ctx.products, campaigns=self.ctx.campaigns, end=self.ctx.config.end,
                             rng=self._rng("orders"))

    @property
    def orders(self) -> pd.DataFrame:
        return self.rendered[0]

    @cached_property
    def customers(self) -> pd.DataFrame:
        """Observed customer records: identities, signup, channel, type, opt-in and the observed tier."""
        pop = self.pop
        ident = identities.render_customers(customer_id=self.ids, locale=pop["locale"].to_numpy(),
                                            is_b2b=(pop["customer_type"] == "B2B").to_numpy(), pools=self.ctx.pools,
                                            rng=self._rng("identity"))
        customers = pd.concat([pop[["customer_id", "shop_id"]], ident,
                               pop[["locale", "signup_date", "acquisition_channel", "customer_type",
                                    "marketing_opt_in"]]], axis=1)
        customers["member_tier"] = _member_tier(self.orders, self.ids, self.ctx.config.end)
        return customers

    @cached_property
    def tickets(self) -> pd.DataFrame:
        end = self.ctx.config.end
        complaints = _complaints(self.orders, self.hist.events, end, self._rng("complaints"))
        return service.render_tickets(complaints=complaints, orders=self.orders, customers=self.customers,
                                      agents=self.ctx.agents, end=end, rng=self._rng("tickets"))

    @cached_property
    def ticket_events(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """``(ticket_events, truth ticket_events)``: each ticket's status history and its violations."""
        mult = ticket_events.agent_multipliers(agents=self.ctx.agents, shops=self.ctx.shops,
                                               rng=stream(self.ctx.config.seed, "ticket_agents"))
        return ticket_events.make_ticket_events(tickets=self.tickets, multiplier=mult, end=self.ctx.config.end,
                                                rng=self._rng("ticket_events"))

    @cached_property
    def ticket_messages(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """``(ticket_messages, truth ticket_messages)``: each ticket's first message."""
        return ticket_text.make_ticket_messages(tickets=self.tickets, customers=self.customers,
                                                order_items=self.rendered[1], rng=self._rng("ticket_messages"))

    @cached_property
    def calls(self) -> pd.DataFrame:
        """Calls before the world-wide queue (no waits, no agents yet)."""
        return callcentre.render_calls(tickets=self.tickets, customers=self.customers, end=self.ctx.config.end,
                                       rng=self._rng("calls"), churn_ts=self.hist.final["churn_ts"].to_numpy())

    @cached_property
    def sat(self) -> pd.DataFrame:
        """Monthly true satisfaction with stage names."""
        sat = self.hist.sat_monthly
        return sat.assign(stage=str_take(lifecycle.STAGE_NAMES, sat["stage"].to_numpy().astype(int)))

    @cached_property
    def voice(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """``(surveys, kano_answers)``."""
        t_orders = self.rendered[2]
        o_voice = self.orders.assign(satisfaction=t_orders["satisfaction"].to_numpy(),
                                     delay_days=t_orders["delay_days"].to_numpy())
        return voice.render_surveys(orders=o_voice, sat_monthly=self.sat, customers=self.customers,
                                    end=self.ctx.config.end, rng=self._rng("surveys"))

    @cached_property
    def sales(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """``(leads, opportunities)``."""
        return sales.make_sales(customers=self.customers, shops=self.ctx.shops, campaigns=self.ctx.campaigns,
                                end=self.ctx.config.end, pools=self.ctx.pools, rng=self._rng("sales"))

    @cached_property
    def contacts(self) -> pd.DataFrame:
        return _contacts(self.hist.contacts, self.orders, self.ctx.campaigns, rng=self._rng("contacts"))

    def frame(self, key: str) -> pd.DataFrame:
        """The block's frame ``key`` (one of ``FRAMES``: ``"observed:orders"``, ``"truth:customers"`` …)."""
        return FRAMES[key](self)


FRAMES = {  # a block's frames, in the order simulate_block returns them
    "observed:customers": lambda b: b.customers, "observed:orders": lambda b: b.orders,
    "observed:order_items": lambda b: b.rendered[1], "observed:tickets": lambda b: b.tickets,
    "observed:calls": lambda b: b.calls, "observed:surveys": lambda b: b.voice[0],
    "observed:kano_answers": lambda b: b.voice[1], "observed:campaign_contacts": lambda b: b.contacts,
    "observed:leads": lambda b: b.sales[0], "observed:opportunities": lambda b: b.sales[1],
    "truth:customers": lambda b: _truth_customers(b.pop, b.hist, b.orders, b.rendered[2], b.ctx.config.end),
    "truth:stage_spells": lambda b: _spells(b.hist, b.ctx.config.end),
    "truth:satisfaction": lambda b: b.sat, "truth:orders": lambda b: b.rendered[2],
    "observed:ticket_events": lambda b: b.ticket_events[0], "truth:ticket_events": lambda b: b.ticket_events[1],
    "observed:ticket_messages": lambda b: b.ticket_messages[0],
    "truth:ticket_messages": lambda b: b.ticket_messages[1],
}


def simulate_block(ctx: Context, block: int, lo: int, hi: int) -> dict[str, pd.DataFrame]:
    """Generate customers ``[lo, hi)``; returns frames keyed ``observed:<table>`` / ``truth:<table>``."""
    parts = BlockParts(ctx, block, lo, hi)
    return {key: parts.frame(key) for key in FRAMES}


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
