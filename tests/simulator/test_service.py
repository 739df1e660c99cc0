"""Tickets of one block: schema, complaints kept one-to-one, time order, channels, SLA times, determinism."""

import numpy as np
import pandas as pd
import pytest
from crmlab.simulator import schema, service
from crmlab.simulator.callcentre import SHIFTS, queue_of

START, END = pd.Timestamp("2024-01-01"), pd.Timestamp("2026-01-01")
LOCALES = np.array(["zh_CN"] * 6 + ["en_US", "en_GB", "de_DE", "fr_FR", "ja_JP", "en_AU"], dtype=object)
COMPLAINT_CATS = [c for c in schema.TICKET_CATEGORIES if c != "enquiry"]


def make_agents() -> pd.DataFrame:
    """Two agents per shift in each language queue, with int64 ids."""
    queues = ["domestic_zh", "cross_border_en", "cross_border_de", "cross_border_fr", "cross_border_ja"]
    rows = [(q, s) for q in queues for s in SHIFTS for _ in range(2)]
    return pd.DataFrame({"agent_id": np.arange(len(rows), dtype=np.int64),
                         "name": [f"agent {i}" for i in range(len(rows))],
                         "queue": [q for q, _ in rows], "language": [q[-2:] for q, _ in rows],
                         "tenure_months": np.full(len(rows), 12, dtype=np.int64), "shift": [s for _, s in rows]})


def make_block(n_customers: int = 1500, seed: int = 0) -> dict:
    """Customers, orders and complaints with int64 keys, as ``render_tickets`` receives them."""
    rng = np.random.default_rng(seed)
    span = (END - START).total_seconds()
    locale = LOCALES[rng.integers(len(LOCALES), size=n_customers)]
    signup = np.datetime64(START, "s") + (rng.random(n_customers) * 0.9 * span).astype("timedelta64[s]")
    customers = pd.DataFrame({"customer_id": np.arange(n_customers, dtype=np.int64) + 50_000,
                              "shop_id": np.where(locale == "zh_CN", 0, 1).astype(np.int64), "locale": locale,
                              "phone": [f"13{k:09d}" for k in range(n_customers)], "customer_type": "B2C",
                              "signup_date": signup})
    k = rng.integers(1, 8, n_customers)
    who = np.repeat(np.arange(n_customers), k)
    left = (np.datetime64(END, "s") - signup[who]).astype(np.int64)
    order_ts = signup[who] + (rng.random(len(who)) * left).astype("timedelta64[s]")
    orders = pd.DataFrame({"order_id": np.arange(len(who), dtype=np.int64),
                           "customer_id": customers["customer_id"].to_numpy()[who],
                           "shop_id": customers["shop_id"].to_numpy()[who], "order_ts": order_ts,
                           "status": "delivered", "delivered_ts": order_ts + np.timedelta64(3, "D"),
                           "promised_delivery_date": order_ts + np.timedelta64(4, "D"), "category_main": "apparel"})
    pick = np.sort(rng.choice(len(orders), size=len(orders) // 4, replace=False))
    o = orders.iloc[pick]
    opened = o["order_ts"].to_numpy() + (rng.random(len(o)) * 10 * 86_400).astype("timedelta64[s]")
    complaints = pd.DataFrame({"customer_id": o["customer_id"].to_numpy(),
                               "order_id": np.where(rng.random(len(o)) < 0.05, -1, o["order_id"].to_numpy()),
                               "shop_id": o["shop_id"].to_numpy(), "opened_ts": opened.astype("datetime64[s]"),
                               "category": np.asarray(COMPLAINT_CATS, dtype=object)[
                                   rng.integers(len(COMPLAINT_CATS), size=len(o))],
                               "resolved": rng.random(len(o)) < 0.8})
    complaints = complaints[complaints["opened_ts"] < np.datetime64(END, "s")].reset_index(drop=True)
    return {"complaints": complaints, "orders": orders, "customers": customers, "agents": make_agents(), "end": END}


@pytest.fixture(scope="module")
def block():
    return make_block()


@pytest.fixture(scope="module")
def tickets(block):
    return service.render_tickets(**block, rng=np.random.default_rng(1))


def test_columns_and_dtypes_follow_the_schema(tickets):
    assert list(tickets.columns) == list(schema.OBSERVED["tickets"])
    for col, (dtype, _) in schema.OBSERVED["tickets"].items():
        if col.endswith("_id"):
            assert tickets[col].dtype == np.int64, col
        elif dtype.startswith("datetime") or dtype in ("bool", "Int64"):
            assert str(tickets[col].dtype) == dtype, col
        else:
            assert tickets[col].map(type).eq(str).all(), col


def test_ids_are_block_local_and_ordered_by_customer_then_opening(tickets):
    assert (tickets["ticket_id"].to_numpy() == np.arange(len(tickets))).all()
    ordered = tickets.sort_values(["customer_id", "opened_ts"], kind="stable")
    assert (ordered.index == tickets.index).all()


def test_complaints_are_kept_one_to_one(block, tickets):
    comp = tickets[tickets["kind"] == "complaint"].reset_index(drop=True)
    want = block["complaints"].sort_values(["customer_id", "opened_ts"], kind="stable").reset_index(drop=True)
    assert len(comp) == len(want)
    for col in ("customer_id", "order_id", "shop_id", "opened_ts", "category"):
        assert (comp[col].to_numpy() == want[col].to_numpy()).all(), col
    assert (comp["resolved_ts"].notna().to_numpy() == want["resolved"].to_numpy()).all()


def test_timestamps_are_ordered_and_before_the_horizon(tickets):
    opened, first, res = tickets["opened_ts"], tickets["first_response_ts"], tickets["resolved_ts"]
    assert first.notna().all()
    assert (opened <= first).all()
    assert (first <= res)[res.notna()].all()
    for col in (opened, first, res.dropna()):
        assert (col < END).all()


def test_status_resolution_and_reopening_follow_resolution(tickets):
    closed = tickets["resolved_ts"].notna()
    assert (tickets["status"] == np.where(closed, "closed", "open")).all()
    assert (tickets.loc[~closed, "resolution"] == "none").all()
    assert (tickets.loc[closed, "resolution"] != "none").all()
    assert not tickets.loc[~closed, "reopened"].any()
    assert 0.03 < tickets.loc[closed, "reopened"].mean() < 0.12
    damaged = tickets[(tickets["category"] == "damaged") & closed]
    assert damaged["resolution"].isin(["replace", "refund"]).all()
    delay = tickets[(tickets["category"] == "delivery_delay") & closed]
    assert delay["resolution"].isin(["coupon", "explain"]).all()


def test_enquiries_are_about_the_customers_orders_and_more_frequent_cross_border(block, tickets):
    enq = tickets[tickets["kind"] == "enquiry"]
    assert (enq["category"] == "enquiry").all()
    orders = block["orders"].set_index("order_id")
    assert (orders.loc[enq["order_id"], "customer_id"].to_numpy() == enq["customer_id"].to_numpy()).all()
    assert 0.04 < len(enq) / len(orders) < 0.12
    gap_h = (enq["opened_ts"].to_numpy() - orders.loc[enq["order_id"], "order_ts"].to_numpy()) / np.timedelta64(1, "h")
    assert (gap_h <= 48).all() and (gap_h >= -72).all()
    cross_c = block["customers"].set_index("customer_id")["locale"] != "zh_CN"
    cross_o = cross_c.reindex(orders["customer_id"]).to_numpy()
    cross_e = cross_c.reindex(enq["customer_id"]).to_numpy()
    assert cross_e.sum() / cross_o.sum() > 1.5 * (~cross_e).sum() / (~cross_o).sum()


def test_channels_hours_and_first_response_delays(tickets, block):
    hour = tickets["opened_ts"].dt.hour
    assert not ((tickets["channel"] == "phone") & ((hour < 8) | (hour >= 22))).any()
    cross = block["customers"].set_index("customer_id")["locale"].reindex(tickets["customer_id"]).to_numpy() != "zh_CN"
    assert tickets.loc[cross, "channel"].isin(["email", "chat"]).mean() > 0.75
    assert (tickets.loc[~cross, "channel"] == "phone").mean() > (tickets.loc[cross, "channel"] == "phone").mean()
    frt_min = (tickets["first_response_ts"] - tickets["opened_ts"]).dt.total_seconds() / 60
    med = frt_min.groupby(tickets["channel"]).median()
    assert med["phone"] < 3 < med["chat"] < 15 < med["social"] < med["email"]
    assert 120 < med["email"] < 480


def test_priorities_and_resolution_times(tickets):
    pri = pd.crosstab(tickets["category"], tickets["priority"], normalize="index")
    assert pri.loc["enquiry", "P3"] > 0.7
    assert (pri.loc["damaged", "P1"] + pri.loc["damaged", "P2"]) > 0.8
    hours = (tickets["resolved_ts"] - tickets["first_response_ts"]).dt.total_seconds() / 3600
    slow = hours[hours > 0]  # not solved in the first contact
    by_cat = slow.groupby(tickets["category"]).median()
    assert by_cat["customs"] > 2 * by_cat.drop("customs").median()
    by_pri = slow.groupby(tickets["priority"]).median()
    assert by_pri["P1"] < by_pri["P2"] < by_pri["P3"]


def test_first_contact_resolution_is_visible_and_channel_dependent(tickets):
    fcr = (tickets["resolved_ts"] == tickets["first_response_ts"]) & ~tickets["reopened"]
    rate = fcr.groupby(tickets["channel"]).mean()
    assert 0.2 < fcr.mean() < 0.7
    assert rate["phone"] > rate["email"]


def test_satisfaction_is_j_shaped_and_tracks_recovery(tickets):
    sat = tickets["satisfaction"]
    assert sat.dropna().between(1, 5).all()
    assert 0.3 < sat.isna().mean() < 0.8
    closed = tickets["resolved_ts"].notna()
    share = sat.value_counts(normalize=True)
    assert share.idxmax() == 5 and share[5] > 0.4 and share[1] > share[2] and share[1] > share[3]
    assert sat[closed].mean() > sat[~closed].mean() + 1.5
    hours = (tickets["resolved_ts"] - tickets["opened_ts"]).dt.total_seconds() / 3600
    fast = closed & (hours < 2)
    slow = closed & (hours > 48)
    assert sat[fast].mean() > sat[slow].mean()


def test_owners_serve_the_customers_language(block, tickets):
    agents = block["agents"].set_index("agent_id")
    locale = block["customers"].set_index("customer_id")["locale"].reindex(tickets["customer_id"]).to_numpy()
    assert (agents.loc[tickets["agent_id"], "queue"].to_numpy() == queue_of(locale)).all()


def test_resolved_complaints_near_the_horizon_close_before_it(block):
    late = block["complaints"].iloc[:50].assign(opened_ts=np.datetime64(END - pd.Timedelta(hours=1), "s"),
                                                  resolved=True)
    t = service.render_tickets(**{**block, "complaints": late}, rng=np.random.default_rng(3))
    comp = t[t["kind"] == "complaint"]
    assert comp["resolved_ts"].notna().all() and (comp["resolved_ts"] < END).all()


def test_same_seed_same_tickets_other_seed_other_tickets(block, tickets):
    again = service.render_tickets(**block, rng=np.random.default_rng(1))
    pd.testing.assert_frame_equal(tickets, again)
    other = service.render_tickets(**block, rng=np.random.default_rng(2))
    assert not other["channel"].equals(tickets["channel"]) or len(other) != len(tickets)


def test_a_block_without_complaints_or_orders_gives_an_empty_table(block):
    empty = {**block, "complaints": block["complaints"].iloc[:0], "orders": block["orders"].iloc[:0]}
    t = service.render_tickets(**empty, rng=np.random.default_rng(0))
    assert len(t) == 0 and list(t.columns) == list(schema.OBSERVED["tickets"])
    assert t["ticket_id"].dtype == np.int64 and str(t["satisfaction"].dtype) == "Int64"
