"""Customer service tickets: the complaints the behaviour loop decided on, plus enquiries, rendered with
channel, priority, response and resolution times, resolution type, owner and post-resolution satisfaction.

Whether a complaint happened and whether it was resolved is causal (it fed back into satisfaction) and
comes from the loop; everything here is how the service desk handled it. Parameters are invented for
teaching: email is slow to first response, phone immediate; customs cases are slow to resolve.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CHANNELS = ("email", "chat", "phone", "social")
CHANNEL_P = {"domestic": (0.15, 0.50, 0.25, 0.10), "cross_border": (0.55, 0.35, 0.05, 0.05)}
# first response, median minutes by channel (lognormal, sigma 1.0)
FIRST_RESPONSE_MIN = {"email": 240.0, "chat": 4.0, "phone": 1.0, "social": 90.0}
# priority mix (P1, P2, P3) by category
PRIORITY_P = {"damaged": (0.5, 0.4, 0.1), "customs": (0.3, 0.5, 0.2), "refund": (0.4, 0.4, 0.2),
              "payment": (0.6, 0.3, 0.1), "delivery_delay": (0.2, 0.5, 0.3), "wrong_size": (0.1, 0.5, 0.4),
              "plug_voltage": (0.1, 0.5, 0.4), "product_quality": (0.2, 0.5, 0.3), "enquiry": (0.02, 0.18, 0.8)}
RESOLVE_H = {"P1": 6.0, "P2": 20.0, "P3": 40.0}       # median hours to resolve by priority
SLOW_CATEGORY = {"customs": 4.0, "refund": 1.5}        # multipliers on resolution time
RESOLUTIONS = {"damaged": ("replace", "refund"), "customs": ("explain", "refund", "coupon"),
               "refund": ("refund",), "payment": ("explain", "refund"), "delivery_delay": ("coupon", "explain"),
               "wrong_size": ("replace", "refund"), "plug_voltage": ("replace", "refund", "explain"),
               "product_quality": ("replace", "refund", "coupon"), "enquiry": ("explain",)}
ENQUIRY_P = {"domestic": 0.05, "cross_border": 0.10}  # enquiries per order


def _queue_of(locale: np.ndarray) -> np.ndarray:
    """ACD / ticket queue serving each locale's language."""
    lang = pd.Series(locale).str[:2].to_numpy(dtype=object)
    return np.where(lang == "zh", "domestic_zh", "cross_border_" + lang)


def _assign_agents(queue: np.ndarray, agents: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """A random agent of each ticket's queue (falls back to any agent if a queue has none)."""
    out = np.full(len(queue), -1, dtype=np.int64)
    ids = agents["agent_id"].to_numpy()
    for q in np.unique(queue):
        sel = queue == q
        pool = ids[agents["queue"].to_numpy() == q]
        pool = pool if len(pool) else ids
        out[sel] = pool[rng.integers(0, len(pool), int(sel.sum()))]
    return out


def render_tickets(*, complaints: pd.DataFrame, orders: pd.DataFrame, customers: pd.DataFrame,
                   agents: pd.DataFrame, end: pd.Timestamp, rng: np.random.Generator) -> pd.DataFrame:
    """One ticket per complaint plus enquiries (~5 % of domestic, ~10 % of cross-border orders).

    Returns every column of ``schema.OBSERVED["tickets"]`` with int64 ids (``ticket_id`` block-local,
    ordered by customer and opening time; ``order_id`` −1 when the ticket is not about an order).
    """
    end64 = np.datetime64(end, "s")
    cust = customers.set_index("customer_id")
    cross_o = orders["currency"].to_numpy() != "CNY"
    enq = rng.random(len(orders)) < np.where(cross_o, ENQUIRY_P["cross_border"], ENQUIRY_P["domestic"])
    eo = orders[enq]
    shift = np.round(rng.uniform(-72, 48, len(eo)) * 3600).astype("timedelta64[s]")
    enquiries = pd.DataFrame({"customer_id": eo["customer_id"].to_numpy(), "order_id": eo["order_id"].to_numpy(),
                              "shop_id": eo["shop_id"].to_numpy(),
                              "opened_ts": eo["order_ts"].to_numpy().astype("datetime64[s]") + shift,
                              "category": "enquiry", "resolved": True})
    signup = cust["signup_date"].reindex(enquiries["customer_id"]).to_numpy().astype("datetime64[s]")
    enquiries["opened_ts"] = np.maximum(enquiries["opened_ts"].to_numpy(), signup)
    enquiries = enquiries[enquiries["opened_ts"] < end64]
    t = pd.concat([complaints.assign(kind="complaint"), enquiries.assign(kind="enquiry")], ignore_index=True)
    t = t.sort_values(["customer_id", "opened_ts"], kind="stable").reset_index(drop=True)
    n = len(t)
    locale = cust["locale"].reindex(t["customer_id"]).to_numpy()
    cross = locale != "zh_CN"
    cat = t["category"].to_numpy()
    u = rng.random(n)
    chan_cdf = np.where(cross[:, None], np.cumsum(CHANNEL_P["cross_border"]), np.cumsum(CHANNEL_P["domestic"]))
    channel = np.asarray(CHANNELS, dtype=object)[np.minimum((chan_cdf < u[:, None]).sum(1), 3)]
    names = list(PRIORITY_P)
    code = pd.Categorical(cat, categories=names).codes
    pri_cdf = np.cumsum(np.array([PRIORITY_P[c] for c in names]), axis=1)[code]
    priority = np.asarray(("P1", "P2", "P3"), dtype=object)[np.minimum((pri_cdf < rng.random(n)[:, None]).sum(1), 2)]
    opened = t["opened_ts"].to_numpy().astype("datetime64[s]")
    fr_med = pd.Series(channel, dtype=object).map(FIRST_RESPONSE_MIN).to_numpy(dtype=float)
    first = opened + np.round(fr_med * np.exp(rng.normal(0, 1.0, n)) * 60).astype("timedelta64[s]")
    first = np.minimum(first, end64 - np.timedelta64(1, "s"))
    resolved = t["resolved"].to_numpy().astype(bool)
    res_med = (pd.Series(priority, dtype=object).map(RESOLVE_H).to_numpy(dtype=float)
               * pd.Series(cat, dtype=object).map(SLOW_CATEGORY).fillna(1.0).to_numpy(dtype=float))
    hours = res_med * np.exp(rng.normal(0, 0.9, n))
    res_ts = first + np.round(hours * 3600).astype("timedelta64[s]")
    resolved = resolved & (res_ts < end64)
    res_ts = np.where(resolved, res_ts, np.datetime64("NaT"))
    res_type = np.full(n, "none", dtype=object)
    pick = rng.integers(0, 6, n)
    for c, options in RESOLUTIONS.items():
        sel = resolved & (cat == c)
        res_type[sel] = np.asarray(options, dtype=object)[pick[sel] % len(options)]
    reopened = resolved & (rng.random(n) < 0.07)
    # satisfaction after resolution: J-shaped when resolved fast, low when not resolved
    speed = np.where(resolved, np.log1p(hours), 6.0)
    latent = np.where(resolved, 1.2 - 0.25 * speed, -1.2) - 0.8 * reopened + rng.normal(0, 0.8, n)
    score = 1 + np.searchsorted(np.array([-1.0, -0.4, 0.0, 0.5]), latent)
    answered = rng.random(n) < np.where(resolved, 0.45, 0.25)
    satisfaction = pd.array(np.where(answered, score, 0), dtype="Int64")
    satisfaction[~answered] = pd.NA
    return pd.DataFrame({
        "ticket_id": np.arange(n, dtype=np.int64), "customer_id": t["customer_id"].to_numpy(),
        "shop_id": t["shop_id"].to_numpy(), "order_id": t["order_id"].to_numpy().astype(np.int64),
        "kind": t["kind"].to_numpy(), "category": cat, "channel": channel, "priority": priority,
        "opened_ts": opened, "first_response_ts": first, "resolved_ts": res_ts.astype("datetime64[s]"),
        "status": np.where(resolved, "closed", "open"), "resolution": res_type, "reopened": reopened,
        "agent_id": _assign_agents(_queue_of(locale), agents, rng), "satisfaction": satisfaction,
    })
