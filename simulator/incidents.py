"""What happens to each order after checkout: cancellation, delivery delay, customs holds, damage, size and
voltage problems, and whether the customer complains and gets the complaint resolved.

These draws sit inside the behaviour loop because they feed back into satisfaction (and so into the hazard
of decline and exit). Probabilities are per order; they are invented for teaching, with cross-border shops
given the customs, size and plug/voltage problems the course's cross-border customer-service material names.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CATEGORIES = ("apparel", "electronics", "beauty", "home", "food", "toys", "sports")
CANCEL_P = 0.03
WRONG_SIZE_P = {"domestic": 0.03, "cross_border": 0.08}   # apparel orders only
PLUG_P = 0.10                                              # cross-border electronics only
COMPLAIN_P = {"damaged": 0.60, "customs": 0.45, "plug_voltage": 0.55, "wrong_size": 0.40}
BASE_COMPLAINTS = {"product_quality": 0.004, "refund": 0.003, "payment": 0.001}
RESOLVE_P = {"domestic": 0.80, "cross_border": 0.68, "customs": 0.55}
# order of precedence when one order has several problems
PRECEDENCE = ("damaged", "customs", "plug_voltage", "wrong_size", "delivery_delay",
              "product_quality", "refund", "payment")


@dataclass
class Incidents:
    """Per-order outcomes, arrays of shape (n_orders,)."""

    category: np.ndarray      # int index into CATEGORIES of the order's main item
    cancelled: np.ndarray     # bool
    late: np.ndarray          # bool: delivered after the promised date
    delay_days: np.ndarray    # float: actual − promised (days; NaN if cancelled)
    customs: np.ndarray       # bool: held at customs
    damaged: np.ndarray       # bool
    complaint: np.ndarray     # object: complaint category or ""
    resolved: np.ndarray      # bool (False where no complaint)


def draw_incidents(*, shop_idx: np.ndarray, shops_cols: dict, cat_cdf: np.ndarray,
                   rng: np.random.Generator) -> Incidents:
    """Draw incidents for orders placed in shops ``shop_idx`` (int, shape (n,)).

    ``shops_cols`` holds per-shop arrays ``cross`` (bool), ``late_prob``, ``customs_prob``, ``defect_prob``;
    ``cat_cdf`` (n_shops, n_categories) is each shop's cumulative category mix of orders.
    """
    n = len(shop_idx)
    cross = shops_cols["cross"][shop_idx]
    u = rng.random((n, 9))
    category = (cat_cdf[shop_idx] < u[:, 0:1]).sum(axis=1)
    category = np.minimum(category, len(CATEGORIES) - 1)
    cancelled = u[:, 1] < CANCEL_P
    customs = cross & (u[:, 2] < shops_cols["customs_prob"][shop_idx]) & ~cancelled
    late = ((u[:, 3] < shops_cols["late_prob"][shop_idx]) | customs) & ~cancelled
    delay = np.where(late, 1.0 + rng.gamma(1.5, 1.5, n), -rng.uniform(0.0, 1.5, n))
    delay = np.where(customs, delay + 3.0 + rng.gamma(2.0, 2.0, n), delay)
    delay = np.where(cancelled, np.nan, delay)
    damaged = (u[:, 4] < shops_cols["defect_prob"][shop_idx]) & ~cancelled
    apparel = category == CATEGORIES.index("apparel")
    electronics = category == CATEGORIES.index("electronics")
    wrong_size = apparel & ~cancelled & (u[:, 5] < np.where(cross, WRONG_SIZE_P["cross_border"],
                                                             WRONG_SIZE_P["domestic"]))
    plug = electronics & cross & ~cancelled & (u[:, 6] < PLUG_P)

    v = rng.random((n, 9))
    delay_complain_p = np.clip(0.05 + 0.04 * np.nan_to_num(delay, nan=0.0), 0.0, 0.5)
    says = {
        "damaged": damaged & (v[:, 0] < COMPLAIN_P["damaged"]),
        "customs": customs & (v[:, 1] < COMPLAIN_P["customs"]),
        "plug_voltage": plug & (v[:, 2] < COMPLAIN_P["plug_voltage"]),
        "wrong_size": wrong_size & (v[:, 3] < COMPLAIN_P["wrong_size"]),
        "delivery_delay": late & ~customs & (v[:, 4] < delay_complain_p),
        "product_quality": ~cancelled & (v[:, 5] < BASE_COMPLAINTS["product_quality"]),
        "refund": v[:, 6] < np.where(cancelled, 0.10, BASE_COMPLAINTS["refund"]),
        "payment": v[:, 7] < BASE_COMPLAINTS["payment"],
    }
    complaint = np.full(n, "", dtype=object)
    for name in reversed(PRECEDENCE):
        complaint[says[name]] = name
    has = complaint != ""
    p_res = np.where(cross, RESOLVE_P["cross_border"], RESOLVE_P["domestic"])
    p_res = np.where(complaint == "customs", RESOLVE_P["customs"], p_res)
    resolved = has & (v[:, 8] < p_res)
    return Incidents(category=category, cancelled=cancelled, late=late, delay_days=delay, customs=customs,
                     damaged=damaged | wrong_size | plug, complaint=complaint, resolved=resolved)


def satisfaction_shock(inc: Incidents) -> np.ndarray:
    """Immediate change of latent satisfaction caused by each order's incidents (standard units)."""
    delay = np.nan_to_num(inc.delay_days, nan=0.0)
    shock = -np.where(inc.late, 0.25 + 0.04 * np.clip(delay, 0.0, 15.0), 0.0)
    shock -= np.where(inc.damaged, 0.30, 0.0)
    has = inc.complaint != ""
    shock -= np.where(has & ~inc.resolved, 0.80, 0.0)
    shock += np.where(inc.resolved, 0.20, 0.0)
    return shock
