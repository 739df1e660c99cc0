"""Unit tests of the behaviour mechanisms: exact BG/NBD draws, true CLV, campaign eligibility, seeding."""

import numpy as np
import pandas as pd
import pytest
from crmlab.simulator import btyd, campaigns, seeding, valuation


def _btyd_pop(n, lam, p, start="2024-01-01"):
    return pd.DataFrame({"customer_id": np.arange(n), "mechanism": "btyd", "lambda_week": lam,
                         "p_dropout": p, "signup_date": pd.Timestamp(start)})


def test_btyd_counts_match_the_model_in_expectation():
    n, lam, p, weeks = 40_000, 0.3, 0.2, 52
    pop = _btyd_pop(n, lam, p)
    events, deaths = btyd.draw_btyd(pop=pop, end=pd.Timestamp("2024-01-01") + pd.Timedelta(weeks=weeks),
                                    rng=np.random.default_rng(0))
    repeats = events.groupby("customer_id").size() - 1
    # E[min(N, J)] with N ~ Poisson(λT), J ~ Geometric(p): Monte Carlo with an independent generator
    rng = np.random.default_rng(1)
    want = np.minimum(rng.poisson(lam * weeks, 400_000), rng.geometric(p, 400_000)).mean()
    assert abs(repeats.mean() - want) < 0.05
    last = events.groupby("customer_id")["order_ts"].max()
    assert (deaths.set_index("customer_id")["churn_ts"] == last.reindex(deaths["customer_id"]).to_numpy()).all()
    assert (events.groupby("customer_id")["order_ts"].apply(lambda s: s.is_monotonic_increasing)).all()


def test_btyd_clv_matches_monte_carlo():
    lam, p, spend = 0.25, 0.1, 100.0
    rng = np.random.default_rng(3)
    d = valuation.WEEKLY_DISCOUNT
    total = np.zeros(20_000)
    t = np.zeros(20_000)
    alive = np.ones(20_000, bool)
    for _ in range(400):
        t = t + rng.exponential(1 / lam, 20_000)
        total += np.where(alive, spend * valuation.GROSS_MARGIN * (1 + d) ** -t, 0)
        alive &= rng.random(20_000) > p
    closed = valuation.btyd_clv(lam=np.array([lam]), p=np.array([p]), spend=np.array([spend]))[0]
    assert abs(total.mean() / closed - 1) < 0.02


def test_lifecycle_clv_rises_with_relationship_stage():
    n = 4
    v = valuation.lifecycle_clv(stage=np.arange(4), lam=np.full(n, 0.1), basket=np.full(n, 200.0),
                                price_sens=np.full(n, 0.5), sat=np.full(n, 0.5))
    assert v[2] > v[1] > v[0] > 0 and v[3] < v[2]
    happier = valuation.lifecycle_clv(stage=np.array([2]), lam=np.array([0.1]), basket=np.array([200.0]),
                                      price_sens=np.array([0.5]), sat=np.array([1.5]))
    assert happier[0] > v[2]


@pytest.mark.parametrize("rule, expect", [
    ("win_back", [False, False, True, False]),
    ("cross_sell", [True, True, True, False]),
    ("holiday_coupon", [True, True, True, False]),
    ("new_product", [False, True, True, False]),
    ("loyalty_points", [False, True, False, False]),
])
def test_campaign_eligibility_uses_observable_state(rule, expect):
    got = campaigns.eligible(rule, joined=np.array([True, True, True, True]),
                             weeks_since_signup=np.array([5, 40, 30, 40]), n_orders=np.array([1, 3, 2, 5]),
                             weeks_since_order=np.array([2, 10, 20, 1]),
                             opt_in=np.array([True, True, True, False]))
    assert got.tolist() == expect


def test_streams_are_independent_by_name_and_block():
    a = seeding.stream(5, "orders", 0).random(3)
    assert np.array_equal(a, seeding.stream(5, "orders", 0).random(3))
    assert not np.array_equal(a, seeding.stream(5, "orders", 1).random(3))
    assert not np.array_equal(a, seeding.stream(5, "tickets", 0).random(3))
    assert not np.array_equal(a, seeding.stream(6, "orders", 0).random(3))
