"""True customer lifetime value at the horizon: expected discounted gross margin after the last day.

Lifecycle customers: the stage machine is a Markov chain with the weekly hazards of ``lifecycle`` evaluated
at the customer's baseline satisfaction (to which satisfaction reverts) and, for the exit after an order, at
the chance that a week of the stage is the last with an order for ORDER_LAG − 1 weeks (season-free weeks,
ORDER_LAG = 2); the value solves
V = r + P·V/(1+d) for the four living stages, one small linear system per customer, all solved at once.
BTYD customers: an alive customer's k-th future purchase arrives after a Gamma(k, λ) time and happens
only if the customer survived the k−1 before it, so V = m·q / (1 − (1−p)·q) with q = λ/(λ+δ).
"""

from __future__ import annotations

import numpy as np

from . import lifecycle

ANNUAL_DISCOUNT = 0.10
WEEKLY_DISCOUNT = (1 + ANNUAL_DISCOUNT) ** (1 / 52.0) - 1
GROSS_MARGIN = 0.42  # mean gross margin rate on list prices: catalogue unit_cost is 40–75 % of price


def lifecycle_clv(*, stage: np.ndarray, lam: np.ndarray, basket: np.ndarray, price_sens: np.ndarray,
                  sat: np.ndarray) -> np.ndarray:
    """Expected discounted margin (currency) of customers currently in living ``stage`` (0–3); shape (n,)."""
    n = len(stage)
    if n == 0:
        return np.zeros(0)
    stages = np.arange(4)
    visits = lam[:, None] * lifecycle.RATE_MULT[None, :] / (1 + lifecycle.FOLLOW_UP)
    last = (1 - np.exp(-visits.ravel())) * np.exp(-visits.ravel())  # an order, then a week without
    fwd, ext, target = lifecycle._hazards(np.repeat(stages[None, :], n, 0).ravel(), np.repeat(sat, 4),
                                          np.zeros(4 * n), last)
    fwd, ext, target = fwd.reshape(n, 4), ext.reshape(n, 4), target.reshape(n, 4)
    P = np.zeros((n, 4, 4))
    rows = np.arange(4)
    P[:, rows, rows] = 1 - fwd - ext
    P[:, rows, lifecycle.FWD_TARGET] += fwd
    margin_rate = GROSS_MARGIN - 0.6 * 0.15 * price_sens[:, None] * lifecycle.PRICE_SENS_MULT[None, :]
    reward = (lam[:, None] * lifecycle.RATE_MULT[None, :] * basket[:, None] * lifecycle.BASKET_MULT[None, :]
              * margin_rate)
    A = np.eye(4)[None, :, :] - P / (1 + WEEKLY_DISCOUNT)
    V = np.linalg.solve(A, reward[:, :, None])[:, :, 0]
    return V[np.arange(n), np.clip(stage, 0, 3)]


def btyd_clv(*, lam: np.ndarray, p: np.ndarray, spend: np.ndarray) -> np.ndarray:
    """Expected discounted margin of alive BG/NBD customers (rate λ/week, dropout p, mean spend)."""
    q = lam / (lam + WEEKLY_DISCOUNT)
    return spend * GROSS_MARGIN * q / (1 - (1 - p) * q)
