"""Shops and their catalogues: who sells what, where, in which currency, and how well they deliver.

About two thirds of the shops are domestic (CN buyers, CNY); the rest are Chinese cross-border sellers
shipping to a few foreign markets in the main market's currency, with longer promises, customs holds and
import duty. Product popularity within a shop is Zipf-like (a long tail), prices lognormal by category.
Operational parameters (late, customs and defect rates) are invented for teaching, in the ranges the
course's cross-border customer-service material describes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data.words import PRODUCT_ADJECTIVES, PRODUCT_NOUNS
from .geography import LOCALE_INFO
from .incidents import CATEGORIES

DOMESTIC_PLATFORMS = ("tmall", "jd", "wechat_mini", "own_site")
CROSS_PLATFORMS = ("amazon", "shopee", "tmall_global", "own_site")
# category: (median list price in CNY, lognormal sigma of the list price, median unit weight in kg)
CATEGORY_INFO = {
    "apparel": (159.0, 0.6, 0.4), "electronics": (399.0, 0.9, 0.8), "beauty": (129.0, 0.6, 0.2),
    "home": (99.0, 0.8, 1.5), "food": (59.0, 0.5, 0.6), "toys": (89.0, 0.7, 0.5), "sports": (199.0, 0.7, 1.0),
}
CROSS_FOCUS = ("electronics", "apparel")  # what Chinese cross-border sellers most often export
FOCUS_SHARE = 0.6                         # share of a shop's products in its category_focus
ZIPF_EXPONENT = 1.1                       # popularity of the product of rank r ∝ r^-1.1
PRICE_RANGE_CNY = (9.9, 5000.0)           # list prices are clipped to this range before conversion


def make_shops(*, n_shops: int, start: pd.Timestamp, end: pd.Timestamp, locales: tuple[str, ...], pools,
               rng: np.random.Generator) -> pd.DataFrame:
    """The shops: who sells, on which platform, to which buyer locales, in which currency.

    The first ``ceil(2n/3)`` shops are domestic (CN buyers, CNY; at least one cross-border shop once
    ``n_shops >= 2``); the others are Chinese cross-border sellers to 2–4 of ``locales`` (Dirichlet
    weights), priced in the currency of their main buyer market.

    Parameters
    ----------
    n_shops : int
    start, end : pandas.Timestamp
        The simulated horizon; launches fall before ``start``, CRM roll-outs inside the horizon.
    locales : tuple of str
        Cross-border buyer locales to choose from.
    pools : identities.Pools
        Shop names come from the zh_CN company pool.
    rng : numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        ``n_shops`` rows: int64 ``shop_id`` 0..n_shops−1 and the other ``schema.OBSERVED["shops"]``
        columns, plus internal ``buyer_locales`` (tuple of str), ``buyer_weights`` (tuple of float, sum
        1), ``fx_rate_to_cny`` (CNY per unit), ``promise_days`` (days), ``late_prob``, ``customs_prob``,
        ``defect_prob`` (per order), ``b2b_share``, ``shipping_fee`` (shop currency) and ``duty_rate``.
    """
    n_dom = 1 if n_shops == 1 else min(n_shops - 1, -(-2 * n_shops // 3))
    rows = []
    names = pools["zh_CN"].company
    for i in range(n_shops):
        domestic = i < n_dom
        if domestic:
            buyer_locales, weights = ("zh_CN",), (1.0,)
        else:
            k = int(min(len(locales), rng.integers(2, 5)))
            buyer_locales = tuple(rng.choice(np.asarray(locales, dtype=object), size=k, replace=False))
            weights = tuple(float(w) for w in rng.dirichlet(np.full(k, 2.0)))
        main = buyer_locales[int(np.argmax(weights))]
        info = LOCALE_INFO[main]
        span = (end - start).days
        rows.append({
            "shop_id": i, "name": str(names[rng.integers(len(names))]),
            "kind": "domestic" if domestic else "cross_border",
            "country": "CN", "currency": info["currency"],
            "platform": str(rng.choice(DOMESTIC_PLATFORMS if domestic else CROSS_PLATFORMS)),
            "category_focus": str(rng.choice(CATEGORIES)) if domestic or i - n_dom >= len(CROSS_FOCUS)
            else CROSS_FOCUS[i - n_dom],
            "launch_date": start - pd.Timedelta(days=int(rng.integers(180, 2000))),
            "crm_rollout_date": (start + pd.Timedelta(days=int(rng.integers(span // 4, 3 * span // 4))))
            if rng.random() < 0.5 else pd.NaT,
            "buyer_locales": buyer_locales, "buyer_weights": weights, "fx_rate_to_cny": info["fx_rate_to_cny"],
            "promise_days": int(rng.integers(2, 5) if domestic else rng.integers(8, 16)),
            "late_prob": float(rng.uniform(0.04, 0.10) if domestic else rng.uniform(0.10, 0.20)),
            "customs_prob": 0.0 if domestic else float(rng.uniform(0.05, 0.15)),
            "defect_prob": float(rng.uniform(0.01, 0.03)), "b2b_share": float(rng.uniform(0.02, 0.08)),
            "shipping_fee": float(rng.choice([0.0, 6.0, 8.0, 10.0])) if domestic
            else float(round(rng.uniform(35, 105) / info["fx_rate_to_cny"], 2)),
            "duty_rate": 0.0 if domestic else float(round(rng.uniform(0.05, 0.20), 3)),
        })
    shops = pd.DataFrame(rows)
    shops["shop_id"] = shops["shop_id"].astype(np.int64)
    return shops


def make_products(shops: pd.DataFrame, *, rng: np.random.Generator, n_per_shop: int = 120) -> pd.DataFrame:
    """Each shop's catalogue of ``n_per_shop`` products.

    Parameters
    ----------
    shops : pandas.DataFrame
        From :func:`make_shops` (uses ``shop_id, kind, currency, category_focus, fx_rate_to_cny``).
    rng : numpy.random.Generator
    n_per_shop : int

    Returns
    -------
    pandas.DataFrame
        ``len(shops) * n_per_shop`` rows in shop order: int64 ``product_id`` (0-based, global) and
        ``shop_id``, ``sku`` (``SKU-<shop>-<n>``), ``title`` (Chinese for domestic shops, English for
        cross-border), ``category``, ``list_price`` (shop currency; ``x.99`` or whole yen), ``unit_cost``
        (40–75 % of the price), ``weight_kg``, plus internal ``popularity`` (Zipf-like, sums to 1 within a
        shop) and ``base_price_cny`` (float, the list price in CNY before rounding).
    """
    cats = np.asarray(CATEGORIES, dtype=object)
    med, sig, kg = (np.array([CATEGORY_INFO[c][i] for c in CATEGORIES]) for i in range(3))
    n_nouns = len(PRODUCT_NOUNS[CATEGORIES[0]][0])
    nouns = [np.array([PRODUCT_NOUNS[c][lang] for c in CATEGORIES], dtype=object) for lang in (0, 1)]
    adjectives = [np.asarray(a, dtype=object) for a in PRODUCT_ADJECTIVES]
    number = np.char.zfill(np.arange(n_per_shop).astype(str), 4).astype(object)
    parts = []
    for shop in shops.itertuples(index=False):
        p = np.full(len(cats), (1 - FOCUS_SHARE) / (len(cats) - 1))
        p[list(CATEGORIES).index(shop.category_focus)] = FOCUS_SHARE
        ci = rng.choice(len(cats), size=n_per_shop, p=p)
        base = np.clip(med[ci] * np.exp(rng.normal(0, sig[ci])), *PRICE_RANGE_CNY)
        price = base / shop.fx_rate_to_cny
        price = np.round(price) if shop.currency == "JPY" else np.floor(price) + 0.99
        cost = np.round(price * rng.uniform(0.40, 0.75, n_per_shop), 2)
        rank = rng.permutation(n_per_shop) + 1
        pop = 1.0 / rank ** ZIPF_EXPONENT
        lang = 0 if shop.kind == "domestic" else 1
        adj = adjectives[lang][rng.integers(0, len(adjectives[lang]), n_per_shop)]
        noun = nouns[lang][ci, rng.integers(0, n_nouns, n_per_shop)]
        parts.append(pd.DataFrame({
            "shop_id": shop.shop_id, "sku": f"SKU-{shop.shop_id:02d}-" + number,
            "title": adj + ("" if lang == 0 else " ") + noun, "category": cats[ci],
            "list_price": price.astype(float), "unit_cost": cost,
            "weight_kg": np.round(kg[ci] * rng.uniform(0.5, 1.5, n_per_shop), 2),
            "popularity": pop / pop.sum(), "base_price_cny": base,
        }))
    products = pd.concat(parts, ignore_index=True)
    products.insert(0, "product_id", np.arange(len(products), dtype=np.int64))
    products["shop_id"] = products["shop_id"].astype(np.int64)
    return products
