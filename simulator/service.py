"""Customer service tickets: the complaints the behaviour loop decided on, plus enquiries.

Whether a complaint happened and whether it was resolved is causal (it fed back into satisfaction) and
comes from the loop; this module renders how the service desk handled it: channel, priority, first
response, resolution time and type, reopening, owner and post-resolution satisfaction. The tables below
are invented for teaching, in the ranges e-commerce help desks report: phone is answered in about a
minute and e-mail in hours, urgent (P1) cases are worked first, customs cases are slow, and roughly half
of the phone and chat cases are solved in the first contact (FCR; ``resolved_ts == first_response_ts``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .callcentre import OPEN_HOURS, pick_on_shift, queue_of

CHANNELS = ("email", "chat", "phone", "social")
# channel mix (email, chat, phone, social) by the customer's market; cross-border buyers write
CHANNEL_P = {"domestic": (0.15, 0.50, 0.25, 0.10), "cross_border": (0.55, 0.33, 0.07, 0.05)}
PRIORITIES = ("P1", "P2", "P3")
PRIORITY_P = {"damaged": (0.5, 0.4, 0.1), "customs": (0.3, 0.5, 0.2), "refund": (0.4, 0.4, 0.2),
              "payment": (0.6, 0.3, 0.1), "delivery_delay": (0.2, 0.5, 0.3), "wrong_size": (0.1, 0.5, 0.4),
              "plug_voltage": (0.1, 0.5, 0.4), "product_quality": (0.2, 0.5, 0.3), "enquiry": (0.02, 0.18, 0.8)}
FIRST_RESPONSE_MIN = {"email": 240.0, "chat": 4.0, "phone": 1.0, "social": 90.0}  # median minutes
FIRST_RESPONSE_SIGMA = 1.0                                                      # lognormal sigma
FIRST_RESPONSE_PRIORITY = {"P1": 0.5, "P2": 1.0, "P3": 1.5}                     # multiplier on the median
RESOLVE_H = {"P1": 6.0, "P2": 20.0, "P3": 40.0}  # median hours from first response to resolution
RESOLVE_SIGMA = 0.9
SLOW_CATEGORY = {"customs": 4.0, "refund": 1.5}  # multipliers on the resolution time
FCR_P = {"email": 0.40, "chat": 0.65, "phone": 0.70, "social": 0.45}  # P(solved in the first contact)
FCR_CATEGORY = {"customs": 0.3, "refund": 0.5, "enquiry": 1.3}         # multipliers on FCR_P
RESOLUTIONS = {"damaged": ("replace", "refund"), "customs": ("explain", "refund", "coupon"),
               "refund": ("refund",), "payment": ("explain", "refund"), "delivery_delay": ("coupon", "explain"),
               "wrong_size": ("replace", "refund"), "plug_voltage": ("replace", "refund", "explain"),
               "product_quality": ("replace", "refund", "coupon"), "enquiry": ("explain",)}
ENQUIRY_P = {"domestic": 0.05, "cross_border": 0.10}  # enquiries per order
ENQUIRY_WINDOW_H = (-72.0, 48.0)                      # enquiry opened this long around the order (hours)
REOPEN_P = 0.07
SURVEY_RESPONSE_P = {"resolved": 0.45, "open": 0.25}
SAT_CUTS = np.array([-0.9, -0.55, -0.3, 0.3])  # latent cut-points of scores 1|2, 2|3, 3|4, 4|5


def _draw(cdf: np.ndarray, labels: tuple[str, ...], rng: np.random.Generator) -> np.ndarray:
    """One label per row of a (n, k) cumulative-probability matrix."""
    k = (cdf < rng.random(len(cdf))[:, None] * cdf[:, -1:]).sum(axis=1)
    return np.asarray(labels, dtype=object)[np.minimum(k, len(labels) - 1)]


def _enquiries(orders: pd.DataFrame, cross_of: pd.Series, signup_of: pd.Series, end64: np.datetime64,
               rng: np.random.Generator) -> pd.DataFrame:
    """Enquiries about orders, opened a few days before to two days after checkout (after signup)."""
    cross = cross_of.reindex(orders["customer_id"]).to_numpy(dtype=bool)
    ask = rng.random(len(orders)) < np.where(cross, ENQUIRY_P["cross_border"], ENQUIRY_P["domestic"])
    eo = orders[ask]
    shift = np.round(rng.uniform(*ENQUIRY_WINDOW_H, len(eo)) * 3600).astype("timedelta64[s]")
    opened = eo["order_ts"].to_numpy().astype("datetime64[s]") + shift
    signup = signup_of.reindex(eo["customer_id"]).to_numpy().astype("datetime64[s]")
    opened = np.maximum(opened, signup)
    out = pd.DataFrame({"customer_id": eo["customer_id"].to_numpy(), "order_id": eo["order_id"].to_numpy(),
                        "shop_id": eo["shop_id"].to_numpy(), "opened_ts": opened, "category": "enquiry",
                        "resolved": True})
    return out[opened < end64]


def _channels(cross: np.ndarray, opened: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Contact channel; nobody phones while the lines are closed."""
    p = np.where(cross[:, None], CHANNEL_P["cross_border"], CHANNEL_P["domestic"]).astype(float)
    hour = (opened - opened.astype("datetime64[D]")).astype(np.int64) // 3600
    p[:, CHANNELS.index("phone")] *= (hour >= OPEN_HOURS[0]) & (hour < OPEN_HOURS[1])
    return _draw(np.cumsum(p, axis=1), CHANNELS, rng)


def _satisfaction(resolved: np.ndarray, hours: np.ndarray, fcr: np.ndarray, reopened: np.ndarray,
                  rng: np.random.Generator) -> pd.array:
    """Post-resolution score 1–5: J-shaped when resolved fast, low when unresolved; NA when not answered."""
    n = len(resolved)
    latent = np.where(resolved, 0.9 - 0.22 * np.log1p(hours) + 0.3 * fcr, -1.1) - 0.8 * reopened
    score = 1 + np.searchsorted(SAT_CUTS, latent + rng.normal(0.0, 0.7, n))
    answered = rng.random(n) < np.where(resolved, SURVEY_RESPONSE_P["resolved"], SURVEY_RESPONSE_P["open"])
    out = pd.array(score, dtype="Int64")
    out[~answered] = pd.NA
    return out


def render_tickets(*, complaints: pd.DataFrame, orders: pd.DataFrame, customers: pd.DataFrame,
                   agents: pd.DataFrame, end: pd.Timestamp, rng: np.random.Generator) -> pd.DataFrame:
    """Tickets of one customer block: one per complaint, plus enquiries about orders.

    Parameters
    ----------
    complaints : DataFrame
        The loop's complaints: int64 ``customer_id``, ``order_id`` (−1: none), ``shop_id``,
        ``opened_ts`` (datetime64[s]), ``category``, ``resolved`` (bool).
    orders : DataFrame
        The block's orders (int64 ``order_id``, ``customer_id``, ``shop_id``; ``order_ts``).
    customers : DataFrame
        The block's customers (int64 ``customer_id``; ``locale``, ``signup_date``).
    agents : DataFrame
        From :func:`simulator.callcentre.make_agents`; owners are drawn from the customer's queue.
    end : Timestamp
        Horizon (exclusive); every timestamp is before it.
    rng : Generator
        Source of every random draw.

    Returns
    -------
    DataFrame
        Shape (n_complaints + n_enquiries, 16), the columns of ``schema.OBSERVED["tickets"]``: int64
        ``ticket_id`` 0..n−1 (block-local, ordered by customer then ``opened_ts``), ``customer_id``,
        ``shop_id``, ``order_id`` (−1: none), ``agent_id``; ``opened_ts`` ≤ ``first_response_ts`` ≤
        ``resolved_ts`` (NaT: open); a complaint is resolved exactly when the loop said so; Int64
        ``satisfaction`` (NA: no answer). First-contact resolution shows as ``resolved_ts ==
        first_response_ts``.
    """
    end64 = np.datetime64(end, "s")
    cust = customers.set_index("customer_id")
    cross_of = cust["locale"].astype(str) != "zh_CN"
    enquiries = _enquiries(orders, cross_of, cust["signup_date"], end64, rng)
    comp = complaints.assign(kind="complaint", resolved=complaints["resolved"].astype(bool))
    t = pd.concat([comp, enquiries.assign(kind="enquiry")], ignore_index=True)
    t = t.sort_values(["customer_id", "opened_ts"], kind="stable").reset_index(drop=True)
    n = len(t)
    locale = cust["locale"].reindex(t["customer_id"]).to_numpy(dtype=object)
    cat = t["category"].to_numpy(dtype=object)
    opened = t["opened_ts"].to_numpy().astype("datetime64[s]")
    channel = _channels(locale != "zh_CN", opened, rng)
    pri_p = np.array([PRIORITY_P[c] for c in PRIORITY_P])[pd.Categorical(cat, categories=list(PRIORITY_P)).codes]
    priority = _draw(np.cumsum(pri_p, axis=1), PRIORITIES, rng)

    fr_min = (pd.Series(channel).map(FIRST_RESPONSE_MIN).to_numpy(dtype=float)
              * pd.Series(priority).map(FIRST_RESPONSE_PRIORITY).to_numpy(dtype=float)
              * np.exp(rng.normal(0.0, FIRST_RESPONSE_SIGMA, n)))
    first = np.minimum(opened + np.round(fr_min * 60).astype("timedelta64[s]"), end64 - np.timedelta64(1, "s"))
    hours = (pd.Series(priority).map(RESOLVE_H).to_numpy(dtype=float)
             * pd.Series(cat).map(SLOW_CATEGORY).fillna(1.0).to_numpy(dtype=float)
             * np.exp(rng.normal(0.0, RESOLVE_SIGMA, n)))
    p_fcr = (pd.Series(channel).map(FCR_P).to_numpy(dtype=float)
             * pd.Series(cat).map(FCR_CATEGORY).fillna(1.0).to_numpy(dtype=float))
    fcr = rng.random(n) < p_fcr
    hours = np.where(fcr, 0.0, hours)
    res_ts = first + np.round(hours * 3600).astype("timedelta64[s]")
    is_complaint = t["kind"].to_numpy() == "complaint"
    late = res_ts >= end64  # a complaint the loop resolved is resolved before the horizon
    squeezed = first + ((end64 - first).astype(np.int64) * rng.random(n)).astype("timedelta64[s]")
    res_ts = np.where(late & is_complaint, squeezed, res_ts)
    resolved = np.where(is_complaint, t["resolved"].to_numpy(dtype=bool), res_ts < end64)
    res_ts = np.where(resolved, res_ts, np.datetime64("NaT", "s"))
    hours = np.where(resolved, (res_ts - first).astype(np.int64) / 3600.0, np.nan)
    fcr = fcr & resolved & (res_ts == first)

    res_type = np.full(n, "none", dtype=object)
    pick = rng.integers(0, 6, n)
    for c, options in RESOLUTIONS.items():
        sel = resolved & (cat == c)
        res_type[sel] = np.asarray(options, dtype=object)[pick[sel] % len(options)]
    reopened = resolved & (rng.random(n) < REOPEN_P)
    hour = (first - first.astype("datetime64[D]")).astype(np.int64) // 3600
    agent = pick_on_shift(queue=queue_of(locale), hour=hour, agents=agents, u=rng.random(n), any_shift=True)
    return pd.DataFrame({
        "ticket_id": np.arange(n, dtype=np.int64), "customer_id": t["customer_id"].to_numpy(dtype=np.int64),
        "shop_id": t["shop_id"].to_numpy(dtype=np.int64), "order_id": t["order_id"].to_numpy(dtype=np.int64),
        "kind": t["kind"].to_numpy(dtype=object), "category": cat, "channel": channel, "priority": priority,
        "opened_ts": opened, "first_response_ts": first, "resolved_ts": res_ts.astype("datetime64[s]"),
        "status": np.where(resolved, "closed", "open").astype(object), "resolution": res_type,
        "reopened": reopened, "agent_id": agent,
        "satisfaction": _satisfaction(resolved, np.nan_to_num(hours), fcr, reopened, rng),
    })
