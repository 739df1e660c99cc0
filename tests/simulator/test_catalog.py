"""Shops (domestic vs cross-border rules, operational parameters) and their Zipf catalogues."""

import math

import numpy as np
import pandas as pd
import pytest
from crmlab.simulator import catalog, identities, schema
from crmlab.simulator.config import CROSS_BORDER_LOCALES
from crmlab.simulator.geography import LOCALE_INFO

START, END = pd.Timestamp("2023-01-01"), pd.Timestamp("2025-01-01")
INTERNAL_SHOP = ["buyer_locales", "buyer_weights", "fx_rate_to_cny", "promise_days", "late_prob", "customs_prob",
                 "defect_prob", "b2b_share", "shipping_fee", "duty_rate"]


@pytest.fixture(scope="module")
def pools():
    return identities.build_pools(CROSS_BORDER_LOCALES)


def _shops(pools, n, seed=0, locales=CROSS_BORDER_LOCALES):
    return catalog.make_shops(n_shops=n, start=START, end=END, locales=locales, pools=pools,
                              rng=np.random.default_rng(seed))


@pytest.fixture(scope="module")
def many(pools):
    """40 shops and their catalogues."""
    shops = _shops(pools, 40, seed=4)
    return shops, catalog.make_products(shops, rng=np.random.default_rng(5))


@pytest.mark.parametrize("n, n_domestic", [(1, 1), (2, 1), (6, 4), (10, 7)])
def test_shop_kind_rules(pools, n, n_domestic):
    shops = _shops(pools, n)
    assert shops["shop_id"].dtype == np.int64 and shops["shop_id"].tolist() == list(range(n))
    kind = shops["kind"].to_numpy()
    assert (kind[:n_domestic] == "domestic").all() and (kind[n_domestic:] == "cross_border").all()
    assert n_domestic == math.ceil(2 * n / 3) or n == 2
    assert (shops["country"] == "CN").all()


def test_shop_columns(many):
    shops, _ = many
    assert set(schema.OBSERVED["shops"]) | set(INTERNAL_SHOP) <= set(shops.columns)
    assert (shops["launch_date"] < START).all()
    rolled = shops["crm_rollout_date"].dropna()
    assert ((rolled > START) & (rolled < END)).all()
    assert 0.25 <= len(rolled) / len(shops) <= 0.75
    assert shops["name"].isin(identities.build_pools(())["zh_CN"].company).all()
    assert set(shops["category_focus"]) <= set(catalog.CATEGORY_INFO)


def test_domestic_shops(many):
    shops, _ = many
    dom = shops[shops["kind"] == "domestic"]
    assert (dom["currency"] == "CNY").all() and (dom["fx_rate_to_cny"] == 1.0).all()
    assert dom["platform"].isin(catalog.DOMESTIC_PLATFORMS).all()
    assert (dom["buyer_locales"] == ("zh_CN",)).all() and (dom["buyer_weights"] == (1.0,)).all()
    assert dom["promise_days"].between(2, 4).all() and dom["late_prob"].between(0.04, 0.10).all()
    assert (dom["customs_prob"] == 0).all() and (dom["duty_rate"] == 0).all()
    assert dom["shipping_fee"].between(0, 10).all()


def test_cross_border_shops(many):
    shops, _ = many
    cb = shops[shops["kind"] == "cross_border"]
    assert len(cb) >= 10
    assert cb["platform"].isin(catalog.CROSS_PLATFORMS).all()
    for row in cb.itertuples():
        locs, w = row.buyer_locales, np.array(row.buyer_weights)
        assert 2 <= len(locs) <= 4 and len(set(locs)) == len(locs) and set(locs) <= set(CROSS_BORDER_LOCALES)
        assert w.sum() == pytest.approx(1.0) and (w > 0).all()
        main = LOCALE_INFO[locs[int(np.argmax(w))]]
        assert row.currency == main["currency"] and row.fx_rate_to_cny == main["fx_rate_to_cny"]
    assert cb["promise_days"].between(8, 15).all() and cb["late_prob"].between(0.10, 0.20).all()
    assert cb["customs_prob"].between(0.05, 0.15).all() and cb["duty_rate"].between(0.05, 0.20).all()
    assert (cb["shipping_fee"] * cb["fx_rate_to_cny"]).between(30, 110).all()      # CNY 35–105
    assert shops["defect_prob"].between(0.01, 0.03).all() and shops["b2b_share"].between(0.02, 0.08).all()
    assert cb["currency"].nunique() >= 3


def test_one_buyer_locale_gives_single_market_shops(pools):
    shops = _shops(pools, 4, locales=("ja_JP",))
    cb = shops[shops["kind"] == "cross_border"]
    assert (cb["buyer_locales"] == ("ja_JP",)).all() and (cb["currency"] == "JPY").all()


def test_determinism(pools):
    a, b, c = _shops(pools, 6, seed=1), _shops(pools, 6, seed=1), _shops(pools, 6, seed=2)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    pa_, pb, _ = (catalog.make_products(s, rng=np.random.default_rng(9)) for s in (a, b, c))
    pd.testing.assert_frame_equal(pa_, pb)
    pd.testing.assert_frame_equal(catalog.make_products(a, rng=np.random.default_rng(9)), pa_)
    assert not pa_["list_price"].equals(catalog.make_products(a, rng=np.random.default_rng(10))["list_price"])


def test_product_columns_and_keys(many):
    shops, products = many
    assert set(schema.OBSERVED["products"]) | {"popularity", "base_price_cny"} <= set(products.columns)
    assert products["product_id"].dtype == np.int64 and products["shop_id"].dtype == np.int64
    assert products["product_id"].tolist() == list(range(len(shops) * 120))
    assert products["shop_id"].tolist() == list(np.repeat(shops["shop_id"].to_numpy(), 120))
    assert products["sku"].is_unique and products["sku"].str.fullmatch(r"SKU-\d{2}-\d{4}").all()
    assert set(products["category"]) == set(catalog.CATEGORY_INFO)


def test_popularity_is_a_long_tail_within_each_shop(many):
    _, products = many
    pop = products.groupby("shop_id")["popularity"]
    assert np.allclose(pop.sum().to_numpy(), 1.0)
    top_decile = pop.apply(lambda s: s.nlargest(len(s) // 10).sum())
    assert (top_decile > 0.45).all()                          # Zipf(1.1): the top 10 % sell about half
    assert (pop.max() / pop.min() > 100).all()


def test_prices_costs_and_weights(many):
    shops, products = many
    p = products.merge(shops[["shop_id", "kind", "currency", "category_focus", "fx_rate_to_cny"]], on="shop_id")
    assert (p["list_price"] > 0).all()
    assert ((p["unit_cost"] > 0) & (p["unit_cost"] < p["list_price"])).all()
    ratio = p["unit_cost"] / p["list_price"]
    assert ratio.between(0.39, 0.76).all() and 0.5 < ratio.mean() < 0.65
    yen = p["currency"] == "JPY"
    assert (p.loc[yen, "list_price"] % 1 == 0).all()
    cents = (p.loc[~yen, "list_price"] * 100).round() % 100
    assert (cents == 99).all()
    assert (p["list_price"] - p["base_price_cny"] / p["fx_rate_to_cny"]).abs().max() <= 1.0
    median = p.groupby("category")["base_price_cny"].median()
    assert median["electronics"] > median["apparel"] > median["food"]
    assert p["base_price_cny"].between(9.9, 5000).all()
    kg = p.groupby("category")["weight_kg"].mean()
    assert kg["home"] > kg["electronics"] > kg["beauty"] and (p["weight_kg"] > 0).all()
    focus_share = (p["category"] == p["category_focus"]).groupby(p["shop_id"]).mean()
    assert focus_share.mean() > 0.5


def test_titles_follow_the_shop_language(many):
    shops, products = many
    kind = products["shop_id"].map(shops.set_index("shop_id")["kind"])
    dom, cb = products.loc[kind == "domestic", "title"], products.loc[kind == "cross_border", "title"]
    assert dom.str.contains(r"[\u4e00-\u9fff]").all() and not dom.str.contains(" ").any()
    assert cb.str.fullmatch(r"[A-Z][A-Za-z]+ [A-Za-z -]+").all()
    assert products["title"].nunique() > 100
