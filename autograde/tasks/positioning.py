"""Notebook 02 (customers, customer value and positioning): the nine graded tasks, declared once.

Each :class:`~autograde.tasks.Task` says which answers the grader compares, how, and why with that tolerance;
the inputs of its graded calls are derived from the student's own observed tables
(:mod:`.positioning_inputs`); its formative check and declared mistakes live in :mod:`.positioning_checks`.
Tasks 8 and 9 are graded against the simulator's truth on the grader's side, with a pass mark relative to an
instructor's baseline on the same data (the recovery study is ``course/02_customer_positioning/measured.json``).
The two local back-tests a student runs on their own history (:func:`backtest_potential`,
:func:`backtest_lost`) use observed data only. The expected answers come from the instructor's reference on
the grader's side; nothing here knows them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import Task, hints_for, matching, plain_columns as _columns, tasks_of
from .positioning_checks import (
    ABC_COLUMNS,
    ABC_NO_ROUNDING,
    ABC_SHARE_INCLUDING,
    ABC_TIE_DESCENDING,
    CDV_FIRST_ONLY,
    CDV_FIXED_KEYS,
    CDV_RATIO_INVERTED,
    CDV_REVERSED,
    FLAG_COLUMNS,
    HORIZON_END,
    LOST_FLIPPED,
    MAN_ALL_LEADS,
    MAN_CNY_THRESHOLD,
    MAN_COLUMNS,
    MAN_IS_TRUE,
    MAN_STRICT,
    MOVE_LARGEST_WEIGHT,
    MOVE_OVERSHOOT,
    OPEN_STATUSES,
    PYRAMID_ASCENDING,
    PYRAMID_COLUMNS,
    PYRAMID_NOT_CUMULATIVE,
    PYRAMID_ROUNDED_CUTS,
    RANK_COLUMNS,
    RANK_DESCENDING,
    RANK_UNNORMALISED,
    REVENUE_WITH_DUTY,
    SCORE_MISSING_CUSTOMERS,
    check_abc_classify,
    check_abc_counts,
    check_cdv,
    check_customer_pyramid,
    check_ideal_point,
    check_is_lost,
    check_man_class,
    check_man_flags,
    check_man_table,
    check_order_profit,
    check_order_revenue,
    check_potential,
    check_pyramid,
)
from .positioning_examples import MONEY_THRESHOLDS
from .positioning_inputs import (
    abc_input,
    abc_tenths_input,
    cdv_args,
    ideal_point_input,
    man_leads_input,
    orders_input,
    pyramid_input,
    shop_thresholds,
)
from .rules import Close, Equal, Frame, Rule

EXACT = "an exact computation: only floating-point rounding may differ"
OWN_DATA = "sums of the same numbers in another order differ by rounding only"
TOP_SHARE = 0.10  # task 8: the top decile, floor(0.1 n) customers
RULE_SHARE = 0.95  # tasks 8 and 9: the pass mark is this share of the instructor's baseline on the same data
BACKTEST_CUT = pd.Timestamp("2025-07-01")  # the local back-tests score at this date and look 6 months ahead
VALID_STATUSES = ("delivered", "shipped")
RELATION_ITEMS = ("瓶装水", "家用空调", "汽车发动机", "医学影像设备", "办公耗材")
RELATION_OPTIONS = {"A": "基本型 basic", "B": "被动型 reactive", "C": "负责型 accountable",
                    "D": "能动型 proactive", "E": "伙伴型 partnership"}


# ---- what the test cells record --------------------------------------------------------------------------
def _pair(result):
    """``(a, b)`` as two floats, or ``None`` (the grader then reports a wrong type)."""
    try:
        a, b = result
        return [float(a), float(b)]
    except (TypeError, ValueError):
        return None




def _numbers(series):
    try:
        return np.asarray(series, dtype=float)
    except (TypeError, ValueError):
        return None


def _counts(counts):
    try:
        return {str(k): int(v) for k, v in dict(counts).items()}
    except (TypeError, ValueError):
        return None


def _ideal_point(world, ideal_point_rank, best_move) -> dict:
    ranks, moves = [], []
    for case in ideal_point_input(world):
        table = _columns(ideal_point_rank(case["options"].copy(), case["ideal"], case["weights"]), RANK_COLUMNS)
        ranks.append(table.assign(case=len(ranks)) if table is not None else pd.DataFrame({"case": []}))
        move = best_move(case["options"].copy(), case["brand"], case["ideal"], case["weights"], case["step"])
        moves.append(None if move is None else str(move))
    return {"ranks": pd.concat(ranks, ignore_index=True), "moves": moves}


def _flags(world, man_flags) -> pd.DataFrame | None:
    got = man_flags(man_leads_input(world), shop_thresholds(world))
    table = _columns(got, ["lead_id"])
    if table is None or not set(FLAG_COLUMNS) <= set(got.columns):
        return table
    return table.assign(**{c: got[c].astype(bool).astype(str).to_numpy() for c in FLAG_COLUMNS[1:]})


def _man_labels(world, man_class) -> list:
    """``man_class`` on every lead of the student's data, called with the table's numpy booleans."""
    flags = [np.asarray(world.leads[c], dtype=bool) for c in ("man_money", "man_authority", "man_need")]
    return [str(man_class(m, a, n)) for m, a, n in zip(*flags, strict=True)]


def top_decile(score) -> list | None:
    """customer_ids of the top floor(0.1 × len(score)) of ``score``: descending, ties by customer_id ascending.

    Missing or non-numeric scores rank last. ``None`` if ``score`` is not a Series.
    """
    if not isinstance(score, pd.Series):
        return None
    values = pd.to_numeric(score, errors="coerce").to_numpy(dtype=float)
    values = np.where(np.isfinite(values), values, -np.inf)
    ids = score.index.to_numpy(dtype=object).astype(str)
    order = np.lexsort((ids, -values))
    return [str(x) for x in ids[order][: math.floor(TOP_SHARE * len(score))]]


def flagged(flags) -> list | None:
    """Sorted customer_ids whose flag is True; ``None`` if ``flags`` is not a Series."""
    if not isinstance(flags, pd.Series):
        return None
    return sorted(str(x) for x in flags.index[flags.fillna(False).astype(bool).to_numpy()])


# ---- the grader's rules for the truth-graded tasks -------------------------------------------------------
@dataclass(frozen=True)
class TopDecilePrecision(Rule):
    """precision@10 % of the recorded top-decile ids against the truth's, at least the per-student mark and
    strictly above plain historical revenue's. ``want = {"true_top": [...], "mark": float, "hist": float}``."""

    def judge(self, actual, want) -> str | None:
        if not isinstance(actual, (list, tuple, np.ndarray)):
            return "类型不对 wrong type: potential(...) should return a pandas Series"
        ids, true_top = [str(x) for x in actual], [str(x) for x in want["true_top"]]
        if len(ids) != len(true_top) or len(set(ids)) != len(ids):
            return "人数不对 wrong customers: potential(...) must score every customer exactly once"
        precision = len(set(ids) & set(true_top)) / len(true_top)
        if precision < float(want["mark"]):
            return "低于及格线 precision@10% is below the pass mark for your data"
        if not precision > float(want["hist"]):
            return "没有超过历史收入 precision@10% does not beat plain historical revenue on your data"
        return None


@dataclass(frozen=True)
class BalancedAccuracy(Rule):
    """Balanced accuracy (mean of the share of truly lost customers flagged and of truly active ones not
    flagged) over the grader's A class, at least the per-student mark and above 0.5 (flagging nobody or
    everybody). ``want = {"population": [...], "lost": [...], "mark": float}``."""

    def judge(self, actual, want) -> str | None:
        if not isinstance(actual, (list, tuple, np.ndarray)):
            return "类型不对 wrong type: is_lost(...) should return a boolean pandas Series"
        population, lost = set(map(str, want["population"])), set(map(str, want["lost"]))
        mine = set(map(str, actual)) & population
        caught = len(mine & lost) / max(len(lost), 1)
        kept = len((population - lost) - mine) / max(len(population - lost), 1)
        score = (caught + kept) / 2
        if score < float(want["mark"]) or not score > 0.5:
            return "低于及格线 balanced accuracy is below the pass mark for your data"
        return None


# ---- the local back-tests (observed data only) ----------------------------------------------------------
def _before(world, cut):
    orders = world.orders.loc[world.orders["order_ts"] < cut]
    items = world.order_items.loc[world.order_items["order_id"].isin(orders["order_id"])]
    customers = world.customers.loc[world.customers["signup_date"] < cut]
    return customers, orders, items


def _after(world, cut) -> pd.DataFrame:
    o = world.orders
    return o.loc[(o["order_ts"] >= cut) & o["status"].isin(VALID_STATUSES)]


def backtest_potential(potential, world, cut=BACKTEST_CUT) -> pd.Series:
    """Score with the history before ``cut`` only; precision@10 % against the next six months' gross margin.

    The target here is a stand-in for the graded one (discounted gross margin over the whole future): six
    months are short, so it favours customers who buy often, and it knows nothing after the data ends.
    """
    customers, orders, items = _before(world, cut)
    later = _after(world, cut)
    cost = (world.order_items["quantity"] * world.order_items["unit_cost"]).groupby(world.order_items["order_id"]).sum()
    margin = ((later["items_subtotal"] - later["discount"] - later["order_id"].map(cost).fillna(0.0))
              * later["fx_rate_to_cny"]).groupby(later["customer_id"]).sum()
    target = margin.reindex(customers["customer_id"]).fillna(0.0)
    valid = orders.loc[orders["status"].isin(VALID_STATUSES)]
    history = ((valid["order_total"] - valid["duty_tax"]) * valid["fx_rate_to_cny"]).groupby(valid["customer_id"]).sum()
    truth_top = set(top_decile(target))
    scores = {"你的 potential": potential(customers, orders, items, cut),
              "历史收入 historical revenue": history.reindex(customers["customer_id"]).fillna(0.0)}
    hits = {k: len(set(top_decile(v) or []) & truth_top) for k, v in scores.items()}
    result = pd.Series({k: h / max(len(truth_top), 1) for k, h in hits.items()}, name="precision@10%")
    print(f"回测 back-test：用 {cut.date()} 之前的数据打分，对照其后 6 个月的毛利（元）前 10%")
    return result.round(3)


def backtest_lost(is_lost, world, cut=BACKTEST_CUT) -> pd.Series:
    """Flag at ``cut`` with the history before it; compare with 'no valid order in the next six months'.

    That stand-in label calls every slow-but-active customer lost, so it rewards flagging more than the truth
    would; "flagged but bought again" is a sure false alarm and the one number it gets exactly right.
    """
    customers, orders, _ = _before(world, cut)
    bought = set(orders.loc[orders["status"].isin(VALID_STATUSES), "customer_id"])
    flags = is_lost(customers, orders, cut).reindex(customers["customer_id"]).fillna(False).astype(bool)
    flags = flags[flags.index.isin(bought)]
    returned = flags.index.isin(set(_after(world, cut)["customer_id"]))
    quiet = ~returned
    caught = float(flags[quiet].mean()) if quiet.any() else float("nan")
    kept = float((~flags[returned]).mean()) if returned.any() else float("nan")
    print(f"回测 back-test：{cut.date()} 时判断，对照其后 6 个月是否再有有效订单（有过购买的客户）")
    return pd.Series({"判为流失的比例 flagged lost": float(flags.mean()),
                      "判为流失却又回来购买 flagged but came back":
                          float((flags & returned).sum() / max(flags.sum(), 1)),
                      "代理平衡准确率 proxy balanced accuracy": (caught + kept) / 2}).round(3)


# ---- the graded tasks -----------------------------------------------------------------------------------
q1 = matching(
    "q1_test", 2, "任务 1 客户关系的五种类型", items=RELATION_ITEMS, options=RELATION_OPTIONS,
    reason="the grid of customers × margin in the lecture gives one level per case",
    hints=("先判断每个案例的客户数量（很多 / 中等 / 很少）和单位利润（高 / 中 / 低），再查表。",
           "客户很多、利润很低：售后不必联系；客户很少、利润很高：要与客户长期合作。",
           "表的对角线：多 × 高、中 × 中、少 × 低都是负责型；往“少而高”走一格升一级，往“多而低”走一格降一级。"))

q2 = Task(
    "q2_test", 1, "任务 2 cdv",
    rules={"cdv": Close(EXACT, rtol=1e-9)},
    produce=lambda world, cdv: {"cdv": _pair(cdv(*cdv_args(world)))},
    formative=lambda world, cdv: check_cdv(cdv),
    mistakes=(CDV_REVERSED, CDV_FIRST_ONLY, CDV_RATIO_INVERTED, CDV_FIXED_KEYS),
    hints=("TCV、TCC 分别是两个字典中所有值的和。", "sum(values.values()) − sum(costs.values())，以及两者之比。"))

_ABC_GRADED = ("revenue", "cum_share", "abc_class")
q3 = Task(
    "q3_test", 3, "任务 3 order_revenue, abc_classify, abc, abc_counts",
    rules={"order_revenue": Close(EXACT + " (per order, CNY)", rtol=1e-9),
           "abc_sample": Frame(EXACT + "; classes are labels", key=("customer_id",), columns=_ABC_GRADED, rtol=1e-9),
           "abc_tenths": Frame(EXACT + "; classes are labels", key=("customer_id",), columns=_ABC_GRADED, rtol=1e-9),
           "abc": Frame(OWN_DATA + "; classes are labels", key=("customer_id",), columns=_ABC_GRADED, rtol=1e-6),
           "abc_counts": Equal("counts of labels are exact")},
    produce=lambda world, order_revenue, abc_classify, abc, abc_counts: {
        "order_revenue": _numbers(order_revenue(orders_input(world))),
        "abc_sample": _columns(abc_classify(abc_input(world)), ABC_COLUMNS),
        "abc_tenths": _columns(abc_classify(abc_tenths_input(world)), ABC_COLUMNS),
        "abc": _columns(abc, ABC_COLUMNS), "abc_counts": _counts(abc_counts)},
    formative=lambda world, order_revenue, abc_classify, abc, abc_counts: (
        check_order_revenue(order_revenue), check_abc_classify(abc_classify),
        check_abc_counts(abc, abc_counts, len(world.customers))),
    mistakes=(REVENUE_WITH_DUTY, ABC_SHARE_INCLUDING, ABC_TIE_DESCENDING, ABC_NO_ROUNDING),
    hints=("收入：有效订单的 (order_total − duty_tax) × fx_rate_to_cny；没有有效订单的客户收入为 0（reindex）。",
           "排序用 sort_values(['revenue', 'customer_id'], ascending=[False, True])；cum_share 先 round(10)。",
           "类别看上一行的 cum_share：shift(fill_value=0)，"
           "再 np.select([before < 0.80, before < 0.95], ['A', 'B'], 'C')。"))

_PYRAMID_GRADED = ("n", "profit", "profit_share")
q4 = Task(
    "q4_test", 2, "任务 4 order_profit, customer_pyramid, pyramid",
    rules={"order_profit": Close(EXACT + " (per order, CNY)", rtol=1e-9),
           "pyramid_sample": Frame(EXACT, key=("tier",), columns=_PYRAMID_GRADED, rtol=1e-9),
           "pyramid": Frame(OWN_DATA, key=("tier",), columns=_PYRAMID_GRADED, rtol=1e-6)},
    produce=lambda world, order_profit, customer_pyramid, pyramid: {
        "order_profit": _numbers(order_profit(orders_input(world), world.order_items)),
        "pyramid_sample": _columns(customer_pyramid(pyramid_input(world)), PYRAMID_COLUMNS),
        "pyramid": _columns(pyramid, PYRAMID_COLUMNS)},
    formative=lambda world, order_profit, customer_pyramid, pyramid: (
        check_order_profit(order_profit), check_customer_pyramid(customer_pyramid),
        check_pyramid(pyramid, len(world.customers))),
    mistakes=(PYRAMID_ROUNDED_CUTS, PYRAMID_NOT_CUMULATIVE, PYRAMID_ASCENDING),
    hints=("order_profit：先按 order_id 汇总 quantity × unit_cost，再 map 到订单上；"
           "(items_subtotal − discount − 成本) × fx。",
           "名次 k = 1…n（利润从高到低，并列按 customer_id 升序）；切点 floor(0.05n)、floor(0.20n)、floor(0.50n)。",
           "np.select([k <= c1, k <= c2, k <= c3], ['Platinum', 'Gold', 'Iron'], 'Lead')，再 groupby('tier')。"))

q5 = Task(
    "q5_test", 2, "任务 5 ideal_point_rank, best_move",
    rules={"ranks": Frame(EXACT + "; ranks are integers", key=("case", "rank"), columns=RANK_COLUMNS, rtol=1e-9),
           "moves": Equal("one attribute name per scenario (or None)")},
    produce=lambda world, ideal_point_rank, best_move: _ideal_point(world, ideal_point_rank, best_move),
    formative=lambda world, ideal_point_rank, best_move: check_ideal_point(ideal_point_rank, best_move),
    mistakes=(RANK_UNNORMALISED, RANK_DESCENDING, MOVE_LARGEST_WEIGHT, MOVE_OVERSHOOT),
    hints=("w = w / w.sum()；d = sqrt(((options − ideal)² × w).sum(axis=1))；排序键 (distance, option)。",
           "移动属性 k：新的差距 = max(|x_k − I_k| − step, 0)；d² 减少 w_k × (旧差距² − 新差距²)。",
           "对每个属性算减少量，取最大的；最大减少量为 0 时返回 None。"))

q6 = Task(
    "q6_test", 2, "任务 6 man_flags",
    rules={"flags": Frame("flags are exact once the rule is stated", key=("lead_id",), columns=FLAG_COLUMNS[1:])},
    produce=lambda world, man_flags: {"flags": _flags(world, man_flags)},
    formative=lambda world, man_flags: check_man_flags(man_flags, shop_thresholds(world), world.leads),
    mistakes=(MAN_CNY_THRESHOLD, MAN_STRICT),
    hints=("M：leads['shop_id'].map(threshold)，再和 budget 比较（>=）。",
           "A、N：先看 leads['job_title'].value_counts() 与 leads['stated_need'].value_counts()，"
           "把符合定义的写进集合。",
           "authority = job_title.isin(DECISION)；need = stated_need.isin(CONCRETE)；两种语言都要包括。"))

q7 = Task(
    "q7_test", 2, "任务 7 man_class, man_table",
    rules={"man_leads": Equal("labels are exact"),
           "man_table": Frame("counts are exact; a rate is their quotient", key=("man_class",),
                              columns=tuple(MAN_COLUMNS[1:]), rtol=1e-9)},
    produce=lambda world, man_class, man_table: {
        "man_leads": _man_labels(world, man_class), "man_table": _columns(man_table, MAN_COLUMNS)},
    formative=lambda world, man_class, man_table: (check_man_class(man_class), check_man_table(man_table, world.leads)),
    mistakes=(MAN_IS_TRUE, MAN_ALL_LEADS),
    hints=("man_class：数一数三个条件中有几个为真：int(bool(m)) + int(bool(a)) + int(bool(n))。",
           f"已关闭 closed：status 不在 {OPEN_STATUSES} 之中；n_closed 按类计数。",
           "conversion_rate = converted / n_closed。"))

q8 = Task(
    "q8_test", 3, "任务 8 potential",
    rules={"top_ids": TopDecilePrecision(
        "graded against the hidden truth (true_clv in CNY): precision@10% at least 95 % of the instructor's baseline "
        "on the student's own data and above historical revenue there; the recovery study on 200 seeds and the "
        "figures quoted to students are in course/02_customer_positioning/measured.json")},
    produce=lambda world, potential: {
        "top_ids": top_decile(potential(world.customers, world.orders, world.order_items, HORIZON_END))},
    formative=lambda world, potential: check_potential(potential, world),
    mistakes=(SCORE_MISSING_CUSTOMERS,),
    hints=("流失的客户没有未来价值：很久没来的客户，历史再高也该打折扣。",
           "目标是毛利，不是收入：折扣多、成本高的客户贡献少。",
           "试试把每位客户的历史毛利乘上一个随“距上次购买天数”变小的权重，用 backtest_potential 比较几种权重。"))

q9 = Task(
    "q9_test", 2, "任务 9 is_lost",
    rules={"lost_ids": BalancedAccuracy(
        "graded against the hidden truth (alive_at_end) over the A class: balanced accuracy at least 95 % of the "
        "instructor's baseline on the student's own data and above 0.5; the recovery study on 200 seeds is in "
        "course/02_customer_positioning/measured.json")},
    produce=lambda world, is_lost: {"lost_ids": flagged(is_lost(world.customers, world.orders, HORIZON_END))},
    formative=lambda world, is_lost: check_is_lost(is_lost, world),
    mistakes=(LOST_FLIPPED,),
    hints=("只看“距上次有效订单的天数”就是一个规则；门槛太短会把慢性子的老客户判成流失，太长会漏掉已经走的人。",
           "每位客户的购买节奏不同：常买的客户两个月不来就可疑，一年买一次的客户不是。",
           "试试：距今天数 > k × 该客户自己的平均购买间隔（只买过一次的客户用一个固定天数），用 backtest_lost 选 k。"))

TASKS = tasks_of(q1, q2, q3, q4, q5, q6, q7, q8, q9)
hint = hints_for(TASKS)
__all__ = ["MONEY_THRESHOLDS", "TASKS", "backtest_lost", "backtest_potential", "hint",
           *(f"q{i}" for i in range(1, 10))]
