"""The course's claims hold in the data: lifecycle stage trends, long tails, complaints, J-shaped scores."""

import pandas as pd
from worlds import dq_world_fixture, world_fixture  # noqa: F401  (session fixtures dq_world, world)

STAGES = ["exploration", "formation", "stability", "decline"]


def _stage_exposure(world) -> pd.Series:
    """Customer-weeks spent in each living stage (open spells end at the horizon)."""
    sp = world.truth.stage_spells
    end = pd.Timestamp(world.truth.params["config"]["end"])
    sp = sp[sp["stage"].isin(STAGES)]
    weeks = (sp["end_ts"].fillna(end) - sp["start_ts"]).dt.total_seconds() / (7 * 86400)
    return weeks.groupby(sp["stage"]).sum()


def _orders_by_stage(world) -> pd.DataFrame:
    """Non-cancelled repeat orders (the signup purchase is excluded) with their true stage."""
    o = world.orders.merge(world.truth.orders[["order_id", "stage", "gross_margin"]], on="order_id")
    first = o.groupby("customer_id")["order_ts"].transform("min") == o["order_ts"]
    return o[(o["status"] != "cancelled") & ~first]


def test_volume_and_profit_per_customer_week_follow_the_lifecycle(world):
    exposure = _stage_exposure(world)
    o = _orders_by_stage(world)
    rate = o.groupby("stage").size() / exposure
    profit = o.assign(m=o["gross_margin"] * o["fx_rate_to_cny"]).groupby("stage")["m"].sum() / exposure
    for series in (rate, profit):
        assert series["exploration"] < series["formation"] < series["stability"]
        assert series["decline"] < series["stability"]
    # profit per customer-week in stability is far above formation (陈明亮)
    assert profit["stability"] > 1.5 * profit["formation"]


def test_price_sensitivity_falls_as_the_relationship_matures(world):
    o = _orders_by_stage(world)
    b2c = o[o["customer_id"].isin(world.customers.loc[world.customers["customer_type"] == "B2C", "customer_id"])]
    share = (b2c["discount"] > 0).groupby(b2c["stage"]).mean()
    assert share["exploration"] > share["formation"] > share["stability"]


def test_most_customers_buy_once_and_value_is_long_tailed(world):
    b2c = world.customers.loc[world.customers["customer_type"] == "B2C", "customer_id"]
    o = world.orders[world.orders["customer_id"].isin(b2c)]
    per = o.groupby("customer_id").size()
    assert 0.50 <= (per == 1).mean() <= 0.85
    spend = (o["order_total"] * o["fx_rate_to_cny"]).groupby(o["customer_id"]).sum().sort_values(ascending=False)
    top_decile = spend.iloc[: len(spend) // 10].sum() / spend.sum()
    assert top_decile > 0.35
    assert spend.skew() > 2.0
    single = world.order_items.groupby("order_id").size()
    assert (single == 1).mean() > 0.75


def test_cross_border_shops_have_customs_size_and_voltage_complaints(world):
    t = world.tickets.merge(world.shops[["shop_id", "kind"]].rename(columns={"kind": "shop_kind"}), on="shop_id")
    by_kind = t.groupby("shop_kind")["category"].value_counts().unstack(fill_value=0)
    assert by_kind.loc["cross_border", "customs"] > 0
    assert by_kind.loc["cross_border", "plug_voltage"] > 0
    assert by_kind.loc["domestic"].get("customs", 0) == 0
    assert by_kind.loc["domestic"].get("plug_voltage", 0) == 0
    rate = (t["category"] == "wrong_size").groupby(t["shop_kind"]).mean()
    assert rate["cross_border"] > rate["domestic"]


def test_delays_and_unresolved_complaints_lower_satisfaction(world):
    o = world.orders.merge(world.truth.orders[["order_id", "satisfaction", "delay_days"]], on="order_id")
    o = o.sort_values(["customer_id", "order_ts"])
    o["next_sat"] = o.groupby("customer_id")["satisfaction"].shift(-1)
    pair = o.dropna(subset=["next_sat", "delay_days"])
    late = pair["delay_days"] > 0
    change = pair["next_sat"] - pair["satisfaction"]
    assert change[late].mean() < change[~late].mean()


def test_csat_is_j_shaped(world):
    csat = world.surveys.loc[world.surveys["type"] == "csat", "csat"].dropna().astype(int)
    share = csat.value_counts(normalize=True)
    assert share.idxmax() == 5 and share[5] > 0.45
    assert share[1] > share[2]  # the J: more 1★ than 2★


def test_stage_and_churn_truth_are_plausible(world):
    t = world.truth.customers
    churned = ~t["alive_at_end"]
    assert 0.3 < churned.mean() < 0.8
    assert set(t.loc[churned, "pattern"]) <= {"early_abort", "midway_failure", "early_exit"}
    assert (t.loc[t["alive_at_end"], "true_clv"] > 0).all()
    assert (t.loc[churned, "true_clv"] == 0).all()
    # customers in stability are worth more than those still exploring
    clv = t[t["alive_at_end"]].groupby("final_stage")["true_clv"].mean()
    assert clv["stability"] > clv["exploration"]
