"""Rendering orders and order lines from the behaviour loop's purchase events.

The loop decided *when* each customer bought, in which stage, and what went wrong with the order; here
the order gets its lines (products by popularity within the shop, the main line in the order's category),
quantities that scale with the customer's basket and stage, discounts driven by price sensitivity and
campaign coupons, shipping, duty, status and delivery times. Totals equal the sum of their lines.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import lifecycle
from .assemble import str_take
from .incidents import CATEGORIES

CHANNELS = {"domestic": (("app", "mini_program", "web", "marketplace"), (0.45, 0.25, 0.15, 0.15)),
            "cross_border": (("web", "app", "marketplace"), (0.45, 0.25, 0.30))}
PAYMENTS = {"domestic": (("alipay", "wechat_pay", "card", "cod"), (0.48, 0.40, 0.08, 0.04)),
            "cross_border": (("card", "paypal", "alipay"), (0.60, 0.32, 0.08))}
STATUSES = ("delivered", "cancelled", "shipped", "returned")
# P(return) of a delivered order by its main category (order of CATEGORIES), before any problem. The
# overall online norm is 17–21 % of sales (NRF & Appriss Retail, "Consumer Returns in the Retail Industry":
# 20.8 % in 2021, 16.5 % in 2022, 17.6 % in 2023); by category the reports and retailer surveys agree on the
# order — apparel and footwear far highest (online apparel commonly 30–40 % and more; China's 7-day
# no-reason return rule pushes fashion higher), sporting goods and home in between, electronics, toys and
# beauty lower, grocery almost never. The per-category levels below are a stated teaching assumption in
# that order, scaled so the default world's returned / (delivered + returned) lands inside 0.17–0.21
# (bench/fidelity.py). A world's overall share follows its shops' category mix: 0.15–0.26 over seeds 0–15
# of the default world (apparel 7–39 % of its orders), mean 0.19; seed 0: 0.205.
RETURN_P_CATEGORY = {"apparel": 0.42, "electronics": 0.14, "beauty": 0.10, "home": 0.17, "food": 0.04,
                     "toys": 0.11, "sports": 0.21}
RETURN_P_PROBLEM = 0.35  # P(return) of a damaged or unfit item (wrong size, wrong plug) on top of the above
COUPON_MIN_SPEND = 2.0   # a campaign coupon (满减) needs items_subtotal ≥ this × offer_value


def _pick(options: tuple, weights: tuple, n: int, rng: np.random.Generator) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=n, p=np.asarray(weights) / sum(weights))]


def _sample_products(shop: np.ndarray, cat: np.ndarray, products: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Row positions in ``products`` drawn ∝ popularity within (shop, category); falls back to the shop."""
    key = products["shop_id"].to_numpy() * 16 + products["_cat"].to_numpy()
    order = np.argsort(key, kind="stable")
    skey = key[order]
    pop = products["popularity"].to_numpy()[order]
    cum = np.cumsum(pop)
    want = shop * 16 + cat
    lo = np.searchsorted(skey, want, side="left")
    hi = np.searchsorted(skey, want, side="right")
    empty = lo == hi
    if empty.any():  # shop sells nothing in that category: draw from the whole shop
        s_lo = np.searchsorted(skey, shop * 16, side="left")
        s_hi = np.searchsorted(skey, shop * 16 + 15, side="right")
        lo, hi = np.where(empty, s_lo, lo), np.where(empty, s_hi, hi)
    base = np.where(lo > 0, cum[np.maximum(lo - 1, 0)], 0.0)
    target = base + rng.random(len(shop)) * (cum[hi - 1] - base)
    pos = np.clip(np.searchsorted(cum, target, side="left"), lo, hi - 1)
    return order[pos]


def render_orders(*, events: pd.DataFrame, pop: pd.DataFrame, shops: pd.DataFrame, products: pd.DataFrame,
                  campaigns: pd.DataFrame, end: pd.Timestamp, rng: np.random.Generator):
    """Orders, lines and the truth per order for one block.

    Returns ``(orders, items, truth_orders)`` with int64 block-local ``order_id`` = row position of the
    event (events are sorted by customer and time), columns as ``schema.OBSERVED["orders"]`` /
    ``["order_items"]`` (ids still integers) plus, on ``orders``, the internal ``category_main``.
    """
    n = len(events)
    cust = events["customer_id"].to_numpy()
    lo = int(pop["customer_id"].min()) if len(pop) else 0
    local = cust - lo
    shop = events["shop_id"].to_numpy()
    stage = events["stage"].to_numpy()
    sh = shops.set_index("shop_id")
    kind = sh["kind"].to_numpy()[shop]
    cross = kind == "cross_border"
    fx = sh["fx_rate_to_cny"].to_numpy()[shop]
    is_btyd = (pop["mechanism"].to_numpy() == "btyd")[local]
    b2b = (pop["customer_type"].to_numpy() == "B2B")[local]
    target = pop["basket_mean"].to_numpy()[local] * np.where(is_btyd, 1.0, lifecycle.BASKET_MULT[stage])
    if is_btyd.any():  # Gamma-Gamma spend per order: Gamma(p, rate ν_i), scaled to the shop currency
        from .latent import BTYD, BTYD_VALUE_CNY
        nu = pop["gg_nu"].to_numpy()[local]
        gg = rng.gamma(BTYD["p"], 1.0 / np.where(is_btyd, nu, 1.0)) * BTYD_VALUE_CNY / fx
        target = np.where(is_btyd, gg, target)

    # lines: mostly one (87 % of marketplace orders hold one product); wholesalers buy wider baskets
    n_lines = 1 + np.where(b2b, rng.poisson(2.5, n), (rng.random(n) < 0.13) * rng.geometric(0.6, n))
    line_order = np.repeat(np.arange(n), n_lines)
    line_no = np.arange(len(line_order)) - np.repeat(np.cumsum(n_lines) - n_lines, n_lines)
    first = line_no == 0
    cats = products["category"].map({c: i for i, c in enumerate(CATEGORIES)}).to_numpy()
    products = products.assign(_cat=cats)
    line_cat = np.where(first, events["category"].to_numpy()[line_order],
                        rng.integers(0, len(CATEGORIES), len(line_order)))
    prow = _sample_products(shop[line_order], line_cat, products, rng)
    price = products["list_price"].to_numpy()[prow]
    cost = products["unit_cost"].to_numpy()[prow]
    per_line = target[line_order] / n_lines[line_order]
    units = per_line / price
    if is_btyd.any():  # keep btyd spend exact: one unit, price set to the drawn value share
        exact = is_btyd[line_order]
        price = np.where(exact, np.maximum(np.round(per_line, 2), 0.01), price)
        unit_cost, list_price = products["unit_cost"].to_numpy()[prow], products["list_price"].to_numpy()[prow]
        cost = np.where(exact, price * unit_cost / list_price, cost)
        units = np.where(exact, 1.0, units)
    qty = np.where(units <= 1, 1, 1 + rng.poisson(np.maximum(units - 1, 0)))
    if is_btyd.any():
        qty = np.where(is_btyd[line_order], 1, qty)
    line_total = np.round(qty * price, 2)
    subtotal = np.round(np.bincount(line_order, weights=line_total, minlength=n), 2)
    line_cost = np.bincount(line_order, weights=qty * cost, minlength=n)

    ps = pop["price_sensitivity"].to_numpy()[local] * np.where(is_btyd, 0.0, lifecycle.PRICE_SENS_MULT[stage])
    camp_idx = events["campaign"].to_numpy()
    offers = np.append(campaigns["offer_value"].to_numpy(dtype=float), 0.0)  # last: no campaign (−1)
    offer = offers[np.where(camp_idx >= 0, camp_idx, -1)]
    promo = rng.random(n) < 0.6 * ps
    # a treated customer's order in the window redeems the campaign's coupon, worth exactly offer_value,
    # when it reaches the coupon's minimum spend (btyd customers too: they redeem, they just don't buy
    # more); only redeeming orders are attributed, so actual_cost's redemptions are these discounts
    redeem = (camp_idx >= 0) & (subtotal >= COUPON_MIN_SPEND * offer)
    camp_idx = np.where(redeem, camp_idx, -1)
    discount = np.where(promo, np.round(subtotal * rng.uniform(0.05, 0.25, n) * ps, 2), 0.0)
    discount = np.round(discount + np.where(redeem, offer, 0.0), 2)
    ship = sh["shipping_fee"].to_numpy()[shop]
    free_ship = subtotal * fx >= np.where(cross, 430.0, 99.0)  # free-shipping thresholds in CNY
    shipping = np.where(free_ship, 0.0, ship)
    duty = np.round(np.where(cross, subtotal * sh["duty_rate"].to_numpy()[shop], 0.0), 2)
    total = np.round(subtotal - discount + shipping + duty, 2)

    ts = events["order_ts"].to_numpy().astype("datetime64[s]")
    day = ts.astype("datetime64[D]")
    promised = (day + sh["promise_days"].to_numpy()[shop].astype("timedelta64[D]")).astype("datetime64[s]")
    delay = events["delay_days"].to_numpy()
    delivered = promised + np.round(np.nan_to_num(delay) * 86_400 + 15 * 3600).astype("timedelta64[s]")
    cancelled = events["cancelled"].to_numpy()
    in_transit = ~cancelled & (delivered >= np.datetime64(end, "s"))
    p_cat = np.array([RETURN_P_CATEGORY[c] for c in CATEGORIES])[events["category"].to_numpy()]
    p_ret = 1 - (1 - p_cat) * (1 - np.where(events["damaged"].to_numpy(), RETURN_P_PROBLEM, 0.0))
    returned = ~cancelled & ~in_transit & (rng.random(n) < p_ret)
    status_code = np.select([cancelled, in_transit, returned], [1, 2, 3], 0)
    status = str_take(STATUSES, status_code)
    delivered = np.where(cancelled | in_transit, np.datetime64("NaT"), delivered)
    day_idx = (day - day.min()).astype(int) if n else day
    fx_day = fx * (1 + 0.02 * np.sin(day_idx / 58.0)) if n else fx
    fx_day = np.where(kind == "domestic", 1.0, np.round(fx_day, 4))
    chan = np.empty(n, dtype=object)
    pay = np.empty(n, dtype=object)
    for k in ("domestic", "cross_border"):
        sel = kind == k
        chan[sel] = _pick(*CHANNELS[k], int(sel.sum()), rng)
        pay[sel] = _pick(*PAYMENTS[k], int(sel.sum()), rng)
    chan = np.where(b2b, "sales_rep", chan)
    pay = np.where(b2b, "bank_transfer", pay)

    orders = pd.DataFrame({
        "order_id": np.arange(n, dtype=np.int64), "customer_id": cust, "shop_id": shop, "order_ts": ts,
        "status": status, "channel": chan, "payment_method": pay,
        "currency": str_take(sh["currency"].to_numpy(), shop), "fx_rate_to_cny": fx_day, "items_subtotal": subtotal,
        "discount": discount, "shipping_fee": shipping, "duty_tax": duty, "order_total": total,
        "campaign_id": camp_idx.astype(np.int64), "promised_delivery_date": promised, "delivered_ts": delivered,
        "category_main": str_take(CATEGORIES, events["category"].to_numpy()),
    })
    items = pd.DataFrame({
        "order_id": line_order.astype(np.int64), "line_no": (line_no + 1).astype(np.int64),
        "product_id": products["product_id"].to_numpy()[prow].astype(np.int64),
        "category": str_take(CATEGORIES, cats[prow]), "quantity": qty.astype(np.int64),
        "unit_price": price, "unit_cost": np.round(cost, 2), "line_total": line_total,
    })
    truth = pd.DataFrame({
        "order_id": orders["order_id"], "customer_id": cust,
        "stage": str_take(lifecycle.STAGE_NAMES, stage),
        "delay_days": np.where((status_code == 0) | (status_code == 3), delay, np.nan),
        "gross_margin": np.round(subtotal - discount - line_cost, 2), "satisfaction": events["satisfaction"].to_numpy(),
    })
    return orders, items, truth
