"""Operations against published norms (issue 12, item 5): returns by category, response rates by channel,
and campaign truth that agrees with the data (effects and coupon discounts)."""

import numpy as np
import pandas as pd
import pytest
from crmlab import simulator
from crmlab.simulator import campaigns as camp
from crmlab.simulator.orders import RETURN_P_CATEGORY


@pytest.fixture(scope="module", params=[0, 1], ids=["seed0", "seed1"])
def default_world(request):
    """The default world (10k customers, 6 shops, lifecycle mode) on two seeds."""
    return simulator.simulate(seed=request.param)


def _returned_by_category(world) -> pd.Series:
    main = world.order_items[world.order_items["line_no"] == 1].set_index("order_id")["category"]
    o = world.orders[world.orders["status"].isin(["delivered", "returned"])]
    return (o["status"] == "returned").groupby(o["order_id"].map(main)).mean()


def test_returns_share_is_the_online_norm(default_world):
    s = default_world.orders["status"]
    share = (s == "returned").sum() / s.isin(["delivered", "returned"]).sum()
    assert 0.17 <= share <= 0.21, share  # NRF/Appriss: 17–21 % of online sales


def test_returns_rise_with_the_category_norm(default_world):
    r = _returned_by_category(default_world)
    assert r.idxmax() == "apparel" and r.idxmin() == "food", r
    assert r["apparel"] > r["sports"] > r["electronics"] > r["food"], r
    assert r["apparel"] > r["home"] > r["beauty"] > r["food"], r
    assert r["apparel"] > 2 * r["electronics"], r
    assert max(RETURN_P_CATEGORY, key=RETURN_P_CATEGORY.get) == "apparel"


def _treated_rates(world) -> pd.DataFrame:
    c = world.campaign_contacts.merge(world.campaigns[["campaign_id", "channel"]], on="campaign_id")
    c = c[c["group"] == "treatment"]
    return c.groupby("channel").agg(open=("opened", "mean"), click=("clicked", "mean"), n=("opened", "size"))


def test_email_rates_match_the_ecommerce_benchmark(default_world):
    r = _treated_rates(default_world)
    assert r.loc["email", "n"] > 1000
    assert 0.12 <= r.loc["email", "open"] <= 0.20, r  # Mailchimp e-commerce ≈ 16 %
    assert 0.01 <= r.loc["email", "click"] <= 0.03, r  # ≈ 2 %


def test_channels_differ_as_their_media_do(default_world):
    r = _treated_rates(default_world)
    assert r.loc["sms", "open"] > 0.7                      # SMS is read
    assert 0.01 <= r.loc["sms", "click"] <= 0.08            # … but clicked a few per cent
    assert r.loc["push", "open"] < r.loc["email", "open"]   # push notifications are rarely tapped
    assert 0.2 <= r.loc["outbound_call", "open"] <= 0.4     # calls answered
    assert (r["click"] < r["open"]).all()


def test_response_probs_reject_an_unknown_channel():
    with pytest.raises(ValueError, match="fax"):
        camp.response_probs(np.array(["email", "fax"], dtype=object), np.array([False, True]))


@pytest.fixture(scope="module", params=["lifecycle", "btyd", "mixed"])
def mode_world(request):
    return simulator.simulate(n_customers=6000, seed=5, mode=request.param)


def test_campaign_truth_agrees_with_the_data(mode_world):
    eff = mode_world.truth.campaign_effects
    mode = mode_world.truth.params["config"]["mode"]
    assert np.allclose(eff["effective_lift"], eff["rate_lift"] * eff["movable_share"])
    assert ((eff["movable_share"] >= 0) & (eff["movable_share"] <= 1)).all()
    if mode == "btyd":  # campaigns cannot move BG/NBD customers: every truth column says "no effect"
        assert (eff["movable_share"] == 0).all() and (eff["effective_lift"] == 0).all()
        assert (eff["true_ate_conversion"] == 0).all() and (eff["sample_ate_conversion"] == 0).all()
        # and so does the data: treated and control convert alike
        c = mode_world.campaign_contacts
        t = c.loc[c["group"] == "treatment", "converted"].astype(float)
        k = c.loc[c["group"] == "control", "converted"].astype(float)
        se = np.sqrt(t.var() / len(t) + k.var() / len(k))
        assert abs(t.mean() - k.mean()) < 3 * se, (t.mean(), k.mean(), se)
    else:
        live = eff[eff["n_contacted"] > 0]
        assert (live["movable_share"] > 0).mean() > 0.8  # a small win-back may reach only churned customers
        assert ((live["true_ate_conversion"] > 0) == (live["effective_lift"] > 0)).all()
        stuck = live[live["movable_share"] == 0]  # nobody it could move: no effect in truth or in the data
        assert (stuck["true_ate_conversion"] == 0).all() and (stuck["sample_ate_conversion"] == 0).all()
        if mode == "mixed":  # about half of the contacted follow BG/NBD and cannot be moved
            assert (live["movable_share"] < 0.9).mean() > 0.5, live["movable_share"].describe()


def test_redeemed_coupons_are_the_discounts_campaigns_pay_for(mode_world):
    w = mode_world
    o = w.orders[w.orders["campaign_id"] != ""].merge(
        w.campaigns[["campaign_id", "offer_value"]], on="campaign_id", how="left")
    assert len(o) > 0
    assert (o["discount"] >= o["offer_value"] - 1e-9).all()
    assert (o["items_subtotal"] >= 2 * o["offer_value"] - 1e-9).all()
    if w.truth.params["config"]["mode"] == "btyd":  # no price-sensitivity promotions: the coupon is all
        assert np.allclose(o["discount"], o["offer_value"])
    treated = w.campaign_contacts[w.campaign_contacts["group"] == "treatment"].groupby("campaign_id").size()
    coupons = o.groupby("campaign_id")["offer_value"].sum()
    c = w.campaigns.set_index("campaign_id")
    want = (treated.reindex(c.index, fill_value=0) * c["cost_per_contact"]
            + coupons.reindex(c.index, fill_value=0.0))
    assert np.allclose(c["actual_cost"], want, atol=0.011)
