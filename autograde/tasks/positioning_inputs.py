"""The inputs of notebook 02's graded calls, derived from the student's own observed world.

They are derived from the student's own observed tables (known to the kernel; the answers are not): customer
ids, orders and leads drawn with a generator seeded by the sizes of the tables. Each input is built to expose
a declared mistake the student's own tables cannot: extra cost/value components (fixed key names), orders
with import duty (revenue excludes it), amounts rounded to tens and zeros (the tie rule), ten customers of
0.1 CNY (rounding cum_share), 257 customers, where round() and per-tier floors cut differently from the
cumulative floor rule (3000 customers cut the same either way), positioning scenarios with half-point
ratings (ties) and unnormalised weights, and lead cards without their recorded MAN flags, some budgets
exactly at the threshold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .positioning_examples import MONEY_THRESHOLDS

CDV_VALUE_KEYS = ("product", "service", "personnel", "image", "experience")
CDV_COST_KEYS = ("monetary", "time", "energy", "psychic", "waiting")
ABC_SAMPLE_SIZE = 300
PYRAMID_SAMPLE_SIZE = 257  # 0.05·257 = 12.85 and 0.15·257 = 38.55: round() and per-tier floors both differ


def _rng(world, stream: int) -> np.random.Generator:
    """A generator seeded by stable properties of the student's observed world (the sizes of its tables)."""
    return np.random.default_rng([len(world.customers), len(world.orders), len(world.leads), stream])


def cdv_args(world) -> tuple[dict, dict]:
    """Value and cost components (CNY) for the graded ``cdv`` call, with one component beyond the lecture's four."""
    rng = _rng(world, 1)
    values = {k: float(v) for k, v in zip(CDV_VALUE_KEYS, rng.integers(5, 300, size=len(CDV_VALUE_KEYS)), strict=True)}
    costs = {k: float(v) for k, v in zip(CDV_COST_KEYS, rng.integers(1, 150, size=len(CDV_COST_KEYS)), strict=True)}
    return values, costs


def _sample_ids(world, rng: np.random.Generator, size: int) -> np.ndarray:
    ids = world.customers["customer_id"].to_numpy(dtype=object).astype(str)
    return ids[rng.choice(len(ids), size=min(size, len(ids)), replace=False)]


def _sample_amounts(world, rng: np.random.Generator, size: int) -> np.ndarray:
    totals = world.orders["order_total"].to_numpy(dtype=float)
    return totals[rng.integers(0, len(totals), size=size)]


def abc_input(world) -> pd.Series:
    """Revenues (CNY) of 300 of the student's customers: order amounts rounded to tens, a tenth of them 0 (ties)."""
    rng = _rng(world, 2)
    ids = _sample_ids(world, rng, ABC_SAMPLE_SIZE)
    amounts = np.round(_sample_amounts(world, rng, len(ids)), -1)
    amounts[rng.random(len(ids)) < 0.1] = 0.0
    return pd.Series(amounts, index=pd.Index(ids, name="customer_id"), dtype=float)


def abc_tenths_input(world) -> pd.Series:
    """Ten of the student's customers with 0.1 CNY each: the share before the 9th is 0.7999999999999999 in floats."""
    ids = _sample_ids(world, _rng(world, 3), 10)
    return pd.Series(0.1, index=pd.Index(ids, name="customer_id"), dtype=float)


def pyramid_input(world) -> pd.Series:
    """Gross profits (CNY) of 257 of the student's customers: order amounts × a margin in [−20 %, 50 %), whole yuan."""
    rng = _rng(world, 4)
    ids = _sample_ids(world, rng, PYRAMID_SAMPLE_SIZE)
    profit = np.round(_sample_amounts(world, rng, len(ids)) * rng.uniform(-0.2, 0.5, size=len(ids)))
    return pd.Series(profit, index=pd.Index(ids, name="customer_id"), dtype=float)


IDEAL_SCENARIOS = 24
IDEAL_ATTRIBUTES = ("price_level", "quality", "service", "delivery")


def ideal_point_input(world) -> list[dict]:
    """24 positioning scenarios: 5 options rated on whole or half points 1–7 (ties happen), an ideal point,
    unnormalised integer weights 1–5 and a brand; the graded calls rank the options and pick the brand's move."""
    rng = _rng(world, 5)
    out = []
    for i in range(IDEAL_SCENARIOS):
        k = 3 + i % 2  # three or four attributes
        cols = list(IDEAL_ATTRIBUTES[:k])
        names = [f"Brand {c}" for c in "ABCDE"]
        ratings = rng.integers(2, 15, size=(5, k)) / 2.0  # 1.0, 1.5, …, 7.0
        ideal = rng.integers(2, 15, size=k) / 2.0
        weights = rng.integers(1, 6, size=k).astype(float)
        brand = int(rng.integers(5))
        if i % 3 == 0:  # the brand is half a point off its heaviest attribute only: a step must not overshoot
            j = int(np.argmax(weights))
            ratings[brand] = ideal
            ratings[brand, j] = ideal[j] + (0.5 if ideal[j] < 7.0 else -0.5)
        options = pd.DataFrame(ratings, index=pd.Index(names, name="option"), columns=cols)
        out.append({"options": options, "ideal": [float(v) for v in ideal], "weights": [float(v) for v in weights],
                    "brand": names[brand], "step": float(rng.choice([1.0, 1.5, 2.0]))})
    return out


def man_leads_input(world) -> pd.DataFrame:
    """The student's leads as a card file: fresh ids (K00001…, shuffled), shop, title, need and budget only
    (no recorded MAN flags to copy), a tenth of the known budgets set exactly at the shop's threshold (>=)."""
    rng = _rng(world, 6)
    leads = world.leads
    order = rng.permutation(len(leads))
    card = leads.iloc[order][["shop_id", "job_title", "stated_need", "budget"]].reset_index(drop=True)
    card.insert(0, "lead_id", [f"K{i + 1:05d}" for i in range(len(card))])
    threshold = card["shop_id"].map(shop_thresholds(world)).to_numpy(dtype=float)
    at_cut = (rng.random(len(card)) < 0.1) & (card["budget"].to_numpy() > 0)
    card.loc[at_cut, "budget"] = threshold[at_cut]
    return card


def shop_thresholds(world) -> dict:
    """``{shop_id: MAN money threshold in the shop's currency}`` of the student's shops."""
    return {str(s): MONEY_THRESHOLDS[c] for s, c in zip(world.shops["shop_id"], world.shops["currency"], strict=True)}


def orders_input(world) -> pd.DataFrame:
    """200 of the student's orders (every status), half of them with import duty where the data has any."""
    rng = _rng(world, 7)
    orders = world.orders
    duty = np.flatnonzero(orders["duty_tax"].to_numpy() > 0)
    other = np.flatnonzero(orders["duty_tax"].to_numpy() <= 0)
    take = np.concatenate([rng.choice(duty, size=min(100, len(duty)), replace=False),
                           rng.choice(other, size=min(200 - min(100, len(duty)), len(other)), replace=False)])
    return orders.iloc[np.sort(take)].reset_index(drop=True)
