"""Leads and opportunities of one block: schema, keys, MAN flags with real value, stages, time, determinism."""

import types

import numpy as np
import pandas as pd
import pytest
from crmlab.simulator import sales, schema
from crmlab.simulator.data import sales_words as words

END = pd.Timestamp("2026-01-01")
START = pd.Timestamp("2024-01-01")
MAN = ["man_money", "man_authority", "man_need"]


def _render_people(*, n, locale, pools, rng):
    """Stand-in for ``simulator.identities.render_people``."""
    first = np.array(["Wei", "Na", "Anna", "John"], dtype=object)[rng.integers(4, size=n)]
    last = np.array(["Zhang", "Li", "Smith"], dtype=object)[rng.integers(3, size=n)]
    return pd.DataFrame({"name": first + " " + last, "first_name": first, "last_name": last,
                         "gender": np.full(n, "U", dtype=object)})


def _render_companies(*, n, locale, pools, rng):
    """Stand-in for ``simulator.identities.render_companies``."""
    return np.array([f"{locale} Trading {k}" for k in rng.integers(500, size=n)], dtype=object)


@pytest.fixture(autouse=True)
def stand_in_identities(monkeypatch):
    monkeypatch.setattr(sales, "identities", types.SimpleNamespace(render_people=_render_people,
                                                                   render_companies=_render_companies))


def make_block(n: int = 20000, seed: int = 0):
    """A block's customers, shops and campaigns with int64 keys, as ``make_sales`` receives them."""
    rng = np.random.default_rng(seed)
    shops = pd.DataFrame({
        "shop_id": np.arange(4, dtype=np.int64), "kind": ["domestic", "domestic", "cross_border", "cross_border"],
        "currency": ["CNY", "CNY", "USD", "JPY"], "fx_rate_to_cny": [1.0, 1.0, 7.2, 0.048],
        "launch_date": pd.to_datetime(["2022-01-01", "2024-03-01", "2023-05-01", "2024-06-01"]).astype("datetime64[s]"),
    })
    shop = rng.integers(4, size=n)
    offset = (rng.random(n) * (END - START).days).astype("timedelta64[D]")
    signup = np.maximum(START.to_datetime64().astype("datetime64[D]") + offset,
                        shops["launch_date"].to_numpy().astype("datetime64[D]")[shop]).astype("datetime64[s]")
    b2b = rng.random(n) < 0.12
    locale = np.where(shop < 2, "zh_CN", np.where(rng.random(n) < 0.6, "en_US", "ja_JP"))
    customers = pd.DataFrame({
        "customer_id": np.arange(50_000, 50_000 + n, dtype=np.int64), "shop_id": shop.astype(np.int64),
        "customer_type": np.where(b2b, "B2B", "B2C"),
        "company": np.where(b2b, np.char.add("Company ", np.arange(n).astype(str)), ""),
        "name": np.char.add("Person ", np.arange(n).astype(str)), "locale": locale, "signup_date": signup,
    })
    starts = pd.to_datetime(["2024-03-04", "2024-09-02", "2025-06-02", "2024-11-04", "2024-05-06",
                             "2025-03-03", "2025-11-03", "2025-02-03"]).astype("datetime64[s]")
    campaigns = pd.DataFrame({"campaign_id": np.arange(8, dtype=np.int64),
                              "shop_id": np.array([0, 0, 0, 1, 2, 2, 2, 3], dtype=np.int64),
                              "start_date": starts, "end_date": starts + pd.Timedelta(weeks=3)})
    return customers, shops, campaigns


@pytest.fixture(scope="module")
def block():
    customers, shops, campaigns = make_block()
    mp = pytest.MonkeyPatch()
    mp.setattr(sales, "identities", types.SimpleNamespace(render_people=_render_people,
                                                          render_companies=_render_companies))
    leads, opps = sales.make_sales(customers=customers, shops=shops, campaigns=campaigns, end=END, pools=None,
                                   rng=np.random.default_rng(3))
    mp.undo()
    return customers, shops, campaigns, leads, opps


def _n_man(leads):
    return leads[MAN].sum(axis=1).to_numpy()


@pytest.mark.parametrize("table", ["leads", "opportunities"])
def test_columns_and_dtypes_follow_the_schema(block, table):
    frame = block[3] if table == "leads" else block[4]
    assert list(frame.columns) == list(schema.OBSERVED[table])
    for col, (dtype, _) in schema.OBSERVED[table].items():
        want = "int64" if col in schema.ID_FORMATS else dtype
        assert str(frame[col].dtype) == want, f"{table}.{col}: {frame[col].dtype}"


def test_ids_are_block_local_and_ordered_by_creation(block):
    *_, leads, opps = block
    for frame, pk in ((leads, "lead_id"), (opps, "opportunity_id")):
        assert (frame[pk].to_numpy() == np.arange(len(frame))).all()
        assert frame["created_ts"].is_monotonic_increasing


def test_every_b2b_customer_has_exactly_one_converted_lead(block):
    customers, _, _, leads, _ = block
    b2b = customers[customers["customer_type"] == "B2B"].set_index("customer_id")
    conv = leads[leads["converted"]]
    assert (leads["converted"] == (leads["status"] == "Converted")).all()
    assert conv["customer_id"].is_unique and set(conv["customer_id"]) == set(b2b.index)
    assert (leads.loc[~leads["converted"], "customer_id"] == -1).all()
    assert leads.loc[~leads["converted"], "converted_ts"].isna().all()
    c = b2b.loc[conv["customer_id"]]
    assert (conv["converted_ts"].to_numpy() == c["signup_date"].to_numpy()).all()
    assert (conv["shop_id"].to_numpy() == c["shop_id"].to_numpy()).all()
    assert (conv["company"].to_numpy() == c["company"].to_numpy()).all()
    lag = (conv["converted_ts"].to_numpy() - conv["created_ts"].to_numpy()) / np.timedelta64(1, "D")
    assert lag.min() >= 7 - 1e-9 and lag.max() <= 84 + 1e-9
    per_customer = (~leads["converted"]).sum() / len(b2b)
    assert 3.0 <= per_customer <= 6.0
    assert set(leads["status"]) == set(schema.LEAD_STATUSES)


def test_campaign_leads_point_at_an_active_campaign_of_the_same_shop(block):
    _, _, campaigns, leads, _ = block
    camp = leads[leads["source"] == "campaign"]
    assert len(camp) > 50 and (camp["campaign_id"] >= 0).all()
    assert (leads.loc[leads["source"] != "campaign", "campaign_id"] == -1).all()
    c = campaigns.set_index("campaign_id").loc[camp["campaign_id"]]
    assert (c["shop_id"].to_numpy() == camp["shop_id"].to_numpy()).all()
    assert (c["start_date"].to_numpy() <= camp["created_ts"].to_numpy()).all()
    assert (camp["created_ts"].to_numpy() < c["end_date"].to_numpy()).all()
    assert set(leads["source"]) <= set(words.LEAD_SOURCES)


def test_man_flags_follow_budget_title_and_need(block):
    _, shops, _, leads, _ = block
    threshold = pd.Series(sales.money_threshold(shops), index=shops["shop_id"]).loc[leads["shop_id"]].to_numpy()
    assert (leads["man_money"].to_numpy() == (leads["budget"].to_numpy() >= threshold)).all()
    assert (leads.loc[~leads["man_money"], "budget"] == 0).any()
    titles = {t for v in words.DECISION_TITLES.values() for t in v}
    needs = {t for v in words.CONCRETE_NEEDS.values() for t in v}
    assert (leads["man_authority"] == leads["job_title"].isin(titles)).all()
    assert (leads["man_need"] == leads["stated_need"].isin(needs)).all()
    zh = leads["job_title"].isin([t for v in (words.DECISION_TITLES, words.OTHER_TITLES) for t in v["zh"]])
    assert zh.any() and (~zh).any()


def test_money_threshold_is_about_fifty_thousand_yuan():
    shops = pd.DataFrame({"fx_rate_to_cny": [1.0, 7.2, 0.048, 9.1]})
    t = sales.money_threshold(shops)
    assert t[0] == 50_000 and np.allclose(t * shops["fx_rate_to_cny"], 50_000, rtol=0.05)


def test_conversion_rises_with_the_man_conditions_met(block):
    *_, leads, _ = block
    rate = leads.groupby(_n_man(leads))["converted"].mean()
    assert list(rate.index) == [0, 1, 2, 3]
    assert rate.is_monotonic_increasing
    assert rate[3] > 5 * rate[0]


def test_better_sources_convert_more(block):
    *_, leads, _ = block
    rate = leads.groupby("source")["converted"].mean()
    assert rate["referral"] > rate["trade_show"] > rate["web_form"] > rate["cold_call"]


def test_recent_unconverted_leads_are_more_often_still_open(block):
    *_, leads, _ = block
    u = leads[~leads["converted"]]
    open_ = u["status"].isin(["New", "Assigned", "In Process"])
    recent = u["created_ts"] >= END - pd.Timedelta(weeks=8)
    assert open_[recent].mean() > 0.4 > 0.1 > open_[~recent].mean()


def test_opportunity_keys_resolve_inside_the_block(block):
    customers, _, _, leads, opps = block
    b2b = set(customers.loc[customers["customer_type"] == "B2B", "customer_id"])
    with_account = opps["customer_id"] >= 0
    assert set(opps.loc[with_account, "customer_id"]) <= b2b
    per_account = opps[with_account].groupby("customer_id").size()
    assert set(per_account.index) == b2b and per_account.between(1, 3).all()
    linked = opps[opps["lead_id"] >= 0]
    lead = leads.set_index("lead_id").loc[linked["lead_id"]]
    assert (lead["shop_id"].to_numpy() == linked["shop_id"].to_numpy()).all()
    assert (lead["created_ts"].to_numpy() <= linked["created_ts"].to_numpy()).all()
    prospects = linked[linked["customer_id"] < 0]
    assert len(prospects) > 0
    assert (leads.set_index("lead_id").loc[prospects["lead_id"], "status"] == "In Process").all()
    converted = linked[linked["customer_id"] >= 0]
    assert (lead.loc[converted["lead_id"], "customer_id"].to_numpy() == converted["customer_id"].to_numpy()).all()


def test_stages_probabilities_and_close_dates(block):
    *_, opps = block
    end = np.datetime64(END, "s")
    assert set(opps["sales_stage"]) == set(schema.SALES_STAGES)
    assert (opps["probability"] == opps["sales_stage"].map(schema.SALES_STAGES)).all()
    closed = opps["sales_stage"].str.startswith("Closed").to_numpy()
    assert (opps["close_date"].to_numpy()[closed] < end).all()
    assert (opps["close_date"] >= opps["created_ts"]).all()
    assert (opps["close_date"].to_numpy()[~closed] >= end).any()
    assert (opps["created_ts"].to_numpy() < end).all()
    assert opps["close_date"].notna().all()


def test_won_more_often_when_the_account_lead_met_all_man_conditions(block):
    *_, leads, opps = block
    conv = leads[leads["converted"]].set_index("customer_id")
    later = opps[(opps["lead_id"] < 0) & opps["sales_stage"].str.startswith("Closed")]
    n_man = conv.loc[later["customer_id"], MAN].sum(axis=1).to_numpy()
    won = (later["sales_stage"] == "Closed Won").to_numpy()
    assert won[n_man == 3].mean() > won[n_man <= 1].mean() + 0.2


def test_amounts_are_large_positive_and_in_shop_currency(block):
    _, shops, _, _, opps = block
    assert (opps["amount"] > 0).all()
    fx = shops.set_index("shop_id")["fx_rate_to_cny"].loc[opps["shop_id"]].to_numpy()
    cny = opps["amount"].to_numpy() * fx
    assert 20_000 < np.median(cny) < 200_000


def test_all_lead_times_are_before_the_horizon(block):
    *_, leads, _ = block
    end = np.datetime64(END, "s")
    assert (leads["created_ts"].to_numpy() < end).all()
    conv = leads["converted_ts"].dropna().to_numpy()
    assert (conv < end).all()


def test_same_generator_state_same_output_and_no_b2b_no_sales():
    customers, shops, campaigns = make_block(n=3000, seed=1)
    args = dict(customers=customers, shops=shops, campaigns=campaigns, end=END, pools=None)
    a = sales.make_sales(**args, rng=np.random.default_rng(5))
    b = sales.make_sales(**args, rng=np.random.default_rng(5))
    c = sales.make_sales(**args, rng=np.random.default_rng(6))
    for x, y in zip(a, b, strict=True):
        pd.testing.assert_frame_equal(x, y)
    assert not a[0]["created_ts"].equals(c[0]["created_ts"])
    b2c = customers.assign(customer_type="B2C", company="")
    leads, opps = sales.make_sales(**{**args, "customers": b2c}, rng=np.random.default_rng(5))
    assert len(leads) == len(opps) == 0
    assert list(leads.columns) == list(schema.OBSERVED["leads"]) and str(leads["lead_id"].dtype) == "int64"
