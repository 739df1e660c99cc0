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

from .geography import LOCALE_INFO
from .incidents import CATEGORIES

DOMESTIC_PLATFORMS = ("tmall", "jd", "wechat_mini", "own_site")
CROSS_PLATFORMS = ("amazon", "shopee", "tmall_global", "own_site")
# category: (median list price CNY, lognormal sigma, unit weight kg, Chinese noun, English noun)
CATEGORY_INFO = {
    "apparel": (159.0, 0.6, 0.4, ("T恤", "连衣裙", "卫衣", "牛仔裤", "外套"), ("T-shirt", "dress", "hoodie", "jeans", "jacket")),
    "electronics": (399.0, 0.9, 0.8, ("蓝牙耳机", "充电器", "电动牙刷", "吹风机", "智能手表"),
                    ("earbuds", "charger", "electric toothbrush", "hair dryer", "smartwatch")),
    "beauty": (129.0, 0.6, 0.2, ("面霜", "口红", "精华液", "面膜", "防晒霜"), ("face cream", "lipstick", "serum", "sheet mask", "sunscreen")),
    "home": (99.0, 0.8, 1.5, ("收纳盒", "床品四件套", "保温杯", "香薰", "台灯"), ("storage box", "bedding set", "thermos", "diffuser", "desk lamp")),
    "food": (59.0, 0.5, 0.6, ("茶叶", "坚果礼盒", "零食", "咖啡豆", "蜂蜜"), ("tea", "nut gift box", "snacks", "coffee beans", "honey")),
    "toys": (89.0, 0.7, 0.5, ("积木", "毛绒玩具", "拼图", "遥控车", "桌游"), ("building blocks", "plush toy", "puzzle", "RC car", "board game")),
    "sports": (199.0, 0.7, 1.0, ("瑜伽垫", "跑鞋", "运动水壶", "哑铃", "骑行手套"), ("yoga mat", "running shoes", "water bottle", "dumbbell", "cycling gloves")),
}
CROSS_FOCUS = ("electronics", "apparel")  # what Chinese cross-border sellers most often export
ADJ_ZH = ("经典", "新款", "轻薄", "高端", "简约", "国潮", "升级版", "便携")
ADJ_EN = ("Classic", "New", "Slim", "Premium", "Essential", "Pro", "Travel", "Deluxe")


def make_shops(*, n_shops: int, start: pd.Timestamp, end: pd.Timestamp, locales: tuple[str, ...], pools,
               rng: np.random.Generator) -> pd.DataFrame:
    """The shops: int64 ``shop_id`` 0..n_shops−1, every ``schema.OBSERVED["shops"]`` column, and the
    operational columns the behaviour loop uses (``buyer_locales``, ``buyer_weights``, ``fx_rate_to_cny``,
    ``promise_days``, ``late_prob``, ``customs_prob``, ``defect_prob``, ``b2b_share``, ``shipping_fee``,
    ``duty_rate``)."""
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
            "shop_id": i, "name": str(names[rng.integers(len(names))]), "kind": "domestic" if domestic else "cross_border",
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
    """Each shop's catalogue: int64 ``product_id`` (global, in shop order) and ``shop_id``, every
    ``schema.OBSERVED["products"]`` column, plus ``popularity`` (sums to 1 within a shop) and
    ``base_price_cny``."""
    cats = np.asarray(CATEGORIES, dtype=object)
    parts = []
    for shop in shops.itertuples(index=False):
        focus = list(CATEGORIES).index(shop.category_focus)
        p = np.full(len(cats), 0.4 / (len(cats) - 1))
        p[focus] = 0.6
        cat = cats[rng.choice(len(cats), size=n_per_shop, p=p)]
        med = np.array([CATEGORY_INFO[c][0] for c in cat])
        sig = np.array([CATEGORY_INFO[c][1] for c in cat])
        base = np.clip(med * np.exp(rng.normal(0, sig)), 9.9, 5000.0)
        fx = shop.fx_rate_to_cny
        price = base / fx
        price = np.round(price) if shop.currency == "JPY" else np.floor(price) + 0.99
        cost = np.round(price * rng.uniform(0.40, 0.75, n_per_shop), 2)
        rank = rng.permutation(n_per_shop) + 1
        pop = 1.0 / rank ** 1.1
        adj = np.asarray(ADJ_ZH if shop.kind == "domestic" else ADJ_EN, dtype=object)[rng.integers(0, 8, n_per_shop)]
        noun_idx = rng.integers(0, 5, n_per_shop)
        lang = 3 if shop.kind == "domestic" else 4
        noun = np.array([CATEGORY_INFO[c][lang][j] for c, j in zip(cat, noun_idx)], dtype=object)
        parts.append(pd.DataFrame({
            "shop_id": shop.shop_id, "sku": [f"SKU-{shop.shop_id:02d}-{j:04d}" for j in range(n_per_shop)],
            "title": adj + ("" if shop.kind == "domestic" else " ") + noun, "category": cat,
            "list_price": price.astype(float), "unit_cost": cost,
            "weight_kg": np.round(np.array([CATEGORY_INFO[c][2] for c in cat]) * rng.uniform(0.5, 1.5, n_per_shop), 2),
            "popularity": pop / pop.sum(), "base_price_cny": base,
        }))
    products = pd.concat(parts, ignore_index=True)
    products.insert(0, "product_id", np.arange(len(products), dtype=np.int64))
    products["shop_id"] = products["shop_id"].astype(np.int64)
    return products
