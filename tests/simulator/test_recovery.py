"""Standard methods recover the hidden truth: BG/NBD and Gamma-Gamma in btyd mode, the signs of a
logistic churn hazard and campaign effects in lifecycle mode (tolerances from simulator-design.md §5.8)."""

import numpy as np
import pandas as pd
import pytest
from crmlab import simulator
from crmlab.simulator.latent import BTYD, BTYD_VALUE_CNY
from scipy.optimize import minimize
from scipy.special import betaln, gammaln

WEEK = 7 * 86400.0


def bgnbd_negll(params, x, t_x, T):
    """Negative BG/NBD log-likelihood (Fader, Hardie & Lee 2005), parameters on the log scale."""
    r, alpha, a, b = np.exp(params)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-12)) - (r + x) * np.log(alpha + t_x), -np.inf)
    return -(a1 + a2 + np.logaddexp(a3, a4)).sum()


def gg_negll(params, x, m):
    """Negative Gamma-Gamma log-likelihood of mean spend m over x transactions."""
    p, q, g = np.exp(params)
    ll = (gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(g) + (p * x - 1) * np.log(m)
          + p * x * np.log(x) - (p * x + q) * np.log(x * m + g))
    return -ll.sum()


@pytest.fixture(scope="module")
def btyd_world():
    return simulator.simulate(n_customers=20_000, n_shops=1, mode="btyd", seed=21, workers=2)


@pytest.fixture(scope="module")
def bgnbd_fit(btyd_world):
    """BG/NBD (r, alpha, a, b) fitted to the orders of the truth's btyd customers, weeks."""
    w = btyd_world
    end = pd.Timestamp(w.truth.params["config"]["end"])
    btyd_ids = w.truth.customers.loc[w.truth.customers["mechanism"] == "btyd", "customer_id"]
    o = w.orders[w.orders["customer_id"].isin(btyd_ids)].sort_values(["customer_id", "order_ts"])
    g = o.groupby("customer_id")["order_ts"]
    first, last, n = g.min(), g.max(), g.size()
    x = (n - 1).to_numpy(float)
    t_x = ((last - first).dt.total_seconds() / WEEK).to_numpy()
    T = ((end - first).dt.total_seconds() / WEEK).to_numpy()
    fit = minimize(bgnbd_negll, np.log([0.5, 5.0, 1.0, 2.0]), args=(x, t_x, T), method="Nelder-Mead",
                   options={"maxiter": 4000, "xatol": 1e-6, "fatol": 1e-6})
    return dict(zip(("r", "alpha", "a", "b"), np.exp(fit.x), strict=True))


@pytest.mark.slow
def test_bgnbd_recovers_r_and_alpha_within_5_percent(bgnbd_fit):
    assert abs(bgnbd_fit["r"] / BTYD["r"] - 1) < 0.05, bgnbd_fit
    assert abs(bgnbd_fit["alpha"] / BTYD["alpha"] - 1) < 0.05, bgnbd_fit
    assert abs(bgnbd_fit["a"] / BTYD["a"] - 1) < 0.25 and abs(bgnbd_fit["b"] / BTYD["b"] - 1) < 0.25, bgnbd_fit


@pytest.mark.slow
def test_fitted_bgnbd_is_near_the_population_stated_in_params(btyd_world, bgnbd_fit):
    """What an instructor shows: the fit beside ``truth.params["population"]["btyd"]`` (no code read)."""
    stated = btyd_world.truth.params["population"]["btyd"]
    assert set(stated) >= {"r", "alpha", "a", "b", "p", "q", "gamma"}
    for k, tol in (("r", 0.05), ("alpha", 0.05), ("a", 0.25), ("b", 0.25)):
        assert abs(bgnbd_fit[k] / stated[k] - 1) < tol, (k, bgnbd_fit[k], stated[k])


@pytest.mark.slow
def test_gamma_gamma_recovers_mean_spend_within_5_percent(btyd_world):
    o = btyd_world.orders
    g = o.groupby("customer_id")["items_subtotal"]
    x, m = g.size().to_numpy(float), g.mean().to_numpy()
    fit = minimize(gg_negll, np.log([5.0, 3.0, 10.0]), args=(x, m), method="Nelder-Mead",
                   options={"maxiter": 4000})
    p, q, gam = np.exp(fit.x)
    implied = p * gam / (q - 1)
    true = BTYD["p"] * BTYD["gamma"] / (BTYD["q"] - 1) * BTYD_VALUE_CNY
    assert abs(implied / true - 1) < 0.05, (implied, true)
    assert abs(np.corrcoef(x, m)[0, 1]) < 0.05  # spend independent of frequency


def _logit(X, y, iters=30):
    """Logistic regression by Newton-Raphson; returns coefficients and standard errors."""
    beta = np.zeros(X.shape[1])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-X @ beta))
        W = p * (1 - p)
        H = X.T @ (X * W[:, None])
        beta = beta + np.linalg.solve(H, X.T @ (y - p))
    return beta, np.sqrt(np.diag(np.linalg.inv(H)))


def hazard_fit(w) -> tuple[np.ndarray, np.ndarray]:
    """Weekly exit hazard of customers at risk, logistic on observed drivers of the last 4 weeks:
    coefficients and standard errors of (intercept, late delivery, unresolved complaint, any order)."""
    start = pd.Timestamp(w.truth.params["config"]["start"])
    end = pd.Timestamp(w.truth.params["config"]["end"])
    n_weeks = int((end - start).days // 7)
    week = lambda ts: ((ts - start).dt.total_seconds() // WEEK)  # noqa: E731
    c = w.customers[["customer_id", "signup_date"]].merge(w.truth.customers[["customer_id", "churn_ts"]])
    ids = {k: i for i, k in enumerate(c["customer_id"])}
    n = len(c)
    join = week(c["signup_date"]).to_numpy().astype(int)
    churn = week(c["churn_ts"]).fillna(10**6).to_numpy().astype(int)
    delivered = w.orders.dropna(subset=["delivered_ts"])
    late = delivered[delivered["delivered_ts"] > delivered["promised_delivery_date"] + pd.Timedelta(days=1)]
    unresolved = w.tickets[(w.tickets["kind"] == "complaint") & w.tickets["resolved_ts"].isna()]
    def grid(cust, wk):
        m = np.zeros((n, n_weeks + 1))
        np.add.at(m, (cust.map(ids).to_numpy(), np.clip(wk.to_numpy().astype(int), 0, n_weeks)), 1)
        return m
    late_w = grid(late["customer_id"], week(late["delivered_ts"]))
    unresolved_w = grid(unresolved["customer_id"], week(unresolved["opened_ts"]))
    orders_w = grid(w.orders["customer_id"], week(w.orders["order_ts"]))
    def recent(m, t):
        return m[:, max(0, t - 4):t].sum(axis=1) > 0
    rows = []
    for t in range(8, n_weeks):
        at_risk = (join < t - 4) & (churn >= t)
        rows.append(np.column_stack([np.ones(at_risk.sum()), recent(late_w, t)[at_risk],
                                     recent(unresolved_w, t)[at_risk], recent(orders_w, t)[at_risk],
                                     (churn == t)[at_risk]]))
    data = np.vstack(rows)
    return _logit(data[:, :4], data[:, 4])


@pytest.mark.slow
def test_logistic_hazard_on_observed_drivers_has_the_true_signs():
    beta, se = hazard_fit(simulator.simulate(n_customers=20_000, seed=31, workers=2))
    assert beta[1] > 2 * se[1], (beta, se)   # a recent late delivery raises the exit hazard
    assert beta[2] > 2 * se[2], (beta, se)   # so does a recent unresolved complaint


@pytest.mark.slow
def test_difference_in_means_interval_covers_the_true_campaign_effect():
    covered, total = 0, 0
    for seed in (41, 42, 43):
        w = simulator.simulate(n_customers=20_000, seed=seed, workers=2)
        eff = w.truth.campaign_effects.set_index("campaign_id")
        for cid, g in w.campaign_contacts.groupby("campaign_id"):
            t = g.loc[g["group"] == "treatment", "converted"].astype(float)
            c = g.loc[g["group"] == "control", "converted"].astype(float)
            if len(c) < 100:
                continue
            d = t.mean() - c.mean()
            se = np.sqrt(t.var() / len(t) + c.var() / len(c))
            covered += abs(d - eff.loc[cid, "sample_ate_conversion"]) <= 1.96 * se
            total += 1
            assert abs(eff.loc[cid, "true_ate_conversion"] - eff.loc[cid, "sample_ate_conversion"]) < 0.1
    assert total >= 30
    assert covered / total >= 0.85, (covered, total)
    assert (w.truth.campaign_effects["rate_lift"] > 0).all()
