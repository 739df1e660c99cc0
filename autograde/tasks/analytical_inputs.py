"""Notebook 10 (analytical CRM): its constants and the inputs the graded calls derive from a student's world.

The churn model is scored on a snapshot of the student's observed tables as they stood at a cutoff: nothing
recorded at or after it (orders placed, tickets opened, surveys sent later are dropped; a ticket resolved or a
survey answered later looks unresolved or unanswered), so no feature can see the future. The same snapshot is
built in the student's kernel and by the grader; the grader's labels come from the truth.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CHURN_CUTOFF = pd.Timestamp("2025-07-01")   # task 4: features before it, truth labels in the 180 days after
HORIZON = pd.Timestamp("2026-01-01")        # end of the observed data: the retention campaign of task 7 starts
WINDOW = pd.Timedelta(days=180)             # churn window and the proxy label's window (days)
CLV_YEAR = pd.Timedelta(days=365)           # task 7: the margin of the last 365 days
CLV_MULT = 2.0                              # task 7: CLV estimate = 2 × last year's gross margin (CNY)
ACCEPT, INCENTIVE, CONTACT = 0.3, 50.0, 10.0  # tasks 6-7: acceptance a, incentive δ (CNY), contact cost c (CNY)
MAX_CONTACTS = 1000                         # task 7: the call centre can make this many retention calls
MIN_SUPPORT = 0.005                         # task 3: minimum support of a category rule (share of baskets)
FEATURES = ["recency_days", "frequency", "monetary_cny", "tenure_days", "complaints", "unresolved", "low_score"]


def snapshot(world, cutoff) -> dict:
    """``orders``, ``tickets``, ``surveys`` as a CRM database showed them just before ``cutoff``."""
    cutoff = pd.Timestamp(cutoff)
    o = world.orders
    orders = o.loc[(o["order_ts"] < cutoff).to_numpy()].copy()
    t = world.tickets
    tickets = t.loc[(t["opened_ts"] < cutoff).to_numpy()].copy()
    for col in ("first_response_ts", "resolved_ts"):
        tickets[col] = tickets[col].where(tickets[col] < cutoff)
    s = world.surveys
    surveys = s.loc[(s["sent_ts"] < cutoff).to_numpy()].copy()
    late = ~(surveys["responded_ts"] < cutoff).to_numpy()
    surveys["responded_ts"] = surveys["responded_ts"].where(~late)
    for col in ("csat", "nps"):
        surveys[col] = surveys[col].mask(late)
    return {"orders": orders, "tickets": tickets, "surveys": surveys}


def baskets_of(orders, order_items) -> list[frozenset]:
    """Each non-cancelled order's set of product categories (order_id order)."""
    keep = set(orders.loc[(orders["status"] != "cancelled").to_numpy(), "order_id"])
    items = order_items.loc[order_items["order_id"].isin(keep).to_numpy(), ["order_id", "category"]]
    items = items.sort_values("order_id", kind="stable")
    ids, cats = items["order_id"].to_numpy(dtype=object), items["category"].to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    return [frozenset(part) for part in np.split(cats, starts[1:])] if len(ids) else []


def one_shop(world):
    """Orders and order lines of the first domestic shop (a second input for task 3)."""
    shop = sorted(world.shops.loc[world.shops["kind"] == "domestic", "shop_id"])[0]
    orders = world.orders[world.orders["shop_id"] == shop]
    return orders, world.order_items[world.order_items["order_id"].isin(orders["order_id"])]


def proxy_labels(world) -> pd.DataFrame:
    """Every customer who bought before the churn cutoff (by id): ``recency_days`` (whole days since the last
    purchase before it) and ``proxy`` = 1 if no purchase in the 180 days after it (observed, not the truth)."""
    bought = world.orders.loc[(world.orders["status"] != "cancelled").to_numpy()]
    before = bought[bought["order_ts"] < CHURN_CUTOFF]
    last = before.groupby("customer_id")["order_ts"].max().sort_index()
    after = bought[(bought["order_ts"] >= CHURN_CUTOFF) & (bought["order_ts"] < CHURN_CUTOFF + WINDOW)]
    return pd.DataFrame({"recency_days": (CHURN_CUTOFF - last).dt.days.to_numpy(dtype=float),
                         "proxy": (~last.index.isin(after["customer_id"])).astype(int)}, index=last.index)


def decile_inputs(world) -> tuple[np.ndarray, np.ndarray]:
    """Task 5: ``(y, score)`` = the proxy label and recency of :func:`proxy_labels` (recency as a churn score)."""
    table = proxy_labels(world)
    return table["proxy"].to_numpy(), table["recency_days"].to_numpy()


def synthetic_scores(world, n: int = 400) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(y, p, clv)`` drawn from the size of the student's data: churn flags, scores with ties (3 decimals)
    and CLVs in CNY (tasks 5 and 6)."""
    rng = np.random.default_rng(len(world.orders))
    p = np.round(rng.beta(2.0, 4.0, n), 2)
    y = (rng.random(n) < p).astype(int)
    clv = np.round(rng.lognormal(np.log(250.0), 0.8, n), 2)
    return y, p, clv


ROUTING_SPLIT = CHURN_CUTOFF                # task 8: train on tickets opened before it, test on the rest


def routing_split(world) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Task 8: ``(train_text, train_category, test_text, test_category)``; a ticket's text is its first message's
    subject and body joined by a space; train = opened before 2025-07-01 (ticket_id order)."""
    m = world.ticket_messages.merge(world.tickets[["ticket_id", "category", "opened_ts"]], on="ticket_id")
    m = m.sort_values("ticket_id", kind="stable").set_index("ticket_id")
    text = m["subject"] + " " + m["body"]
    train = (m["opened_ts"] < ROUTING_SPLIT).to_numpy()
    return text[train], m["category"][train], text[~train], m["category"][~train]


def routing_predictions(labels) -> np.ndarray:
    """Task 8: a fixed set of predictions for the report: every third label replaced by the next ticket's."""
    y = np.asarray(labels, dtype=object)
    pred = y.copy()
    pred[::3] = np.roll(y, -1)[::3]
    return pred
