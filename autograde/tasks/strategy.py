"""Notebook 06 (customer value matrix and CRM strategy): the graded tasks, declared once, with their checks.

Every formative check runs the student's functions on the lecture's worked examples
(:mod:`.strategy_examples`) or tests the form of an answer on the student's own data. Each
:class:`~autograde.tasks.Task` says which answers the grader compares, how, and why with that tolerance; the
inputs of its graded calls come from the student's own observed tables (:mod:`.strategy_inputs`). Tasks 4 and
5 are graded against the simulator's hidden truth (true churn, true CLV); nothing here knows the answers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import (
    Mistake,
    Task,
    fail,
    hints_for,
    matching,
    number,
    passed,
    plain_columns,
    require_columns,
    strategy_examples as ex,
    tasks_of,
)
from .rules import Close, Equal, Frame, Rule
from .strategy_inputs import QUADRANTS, factor_tables, ie_pairs, quadrant_input, vm_input

VM_COLUMNS = ["customer_id", "frequency", "avg_value", "quadrant"]
SEG_COLUMNS = ["quadrant", "n", "customer_share", "revenue", "revenue_share", "margin", "margin_per_customer"]
REC_COLUMNS = ["customer_id", "frequency", "days_since", "mean_gap"]
KPI_KEYS = ("new_customers", "active_customers", "retention_rate", "cross_sell_ratio", "cross_sell_share")
MULTIPLIERS = (1.5, 2, 3, 4, 6)  # task 4: lapsed if days since the last order > c × the customer's mean gap
FIXED_DAYS = 180  # task 4's yardstick: lapsed if no valid order in the last 180 days
VIP_SHARE = 0.05  # task 5: the VIP retention programme takes floor(0.05 × customers in the value matrix)
VALUE_SHARE = 0.9  # task 5: the list's true CLV at least 90 % of the naive list's (a few wholesalers dominate sums)
POSTURES = ("grow", "hold", "harvest")

VM_STRICT = Mistake("strict", "等于平均值算“高” (>= mean is high)：你用了 >，恰好落在切点上的客户被分错了。")
VM_WEIGHTED = Mistake("order_weighted", "平均购买额的切点是**客户的** avg_value 的平均（每位客户一票），"
                                        "不是 总收入 ÷ 总订单数（大客户的订单会把切点拉偏）。")
SEG_DUTY = Mistake("with_duty", "收入不含关税 revenue excludes duty：用 (order_total − duty_tax) × fx_rate_to_cny。")
SEG_NO_DISCOUNT = Mistake("no_discount", "毛利 = (items_subtotal − discount − Σ quantity × unit_cost) × fx："
                                         "别忘了减去订单折扣 discount。")
REC_GAP_N = Mistake("gap_over_n", "平均购买间隔 = (最后一次 − 第一次) ÷ (frequency − 1)：n 次购买只有 n − 1 个间隔。")
BA_PLAIN = Mistake("plain_accuracy", "平衡准确率 balanced accuracy = ½ (TPR + TNR)，不是普通准确率（判对的比例）。")
VIP_LAPSED = Mistake("naive", "名单里有你在任务 4 判为已流失 (lapsed) 的客户：对流失客户该做的是挽回 (win-back)，"
                              "不是 VIP 保持计划。")
EFE_NO_CHECK = Mistake("no_check", "权重之和不为 1（允许 1e-9 的浮点误差）或评分不在 1–4 的整数之内时，"
                                   "应 raise ValueError。")
IE_STRICT = Mistake("strict_bands", "IE 矩阵的分段包含下端点：总分 2.0 属于“中”，3.0 属于“强 / 高”。")
KPI_RET_ACTIVE = Mistake("retention_of_active", "保持率的分母是**上一年**有有效订单的客户，不是今年的活跃客户。")
KPI_CROSS_NEW = Mistake("cross_with_new", "交叉销售只算**老客户**（该年以前已有有效订单）买了以前没买过的品类；"
                                          "新客户的首年购买属于“客户获取”，不算交叉销售。")


def _frame(df, columns):
    """The named columns of a student's table as numbers or strings (missing ones are reported by the grader)."""
    if not isinstance(df, pd.DataFrame):
        return None
    df = df.reset_index() if "customer_id" in columns and "customer_id" not in df.columns else df
    return plain_columns(df, columns)


def _labels(table, key="customer_id", col="quadrant") -> dict:
    table = table.reset_index() if key not in table.columns else table
    return dict(zip(table[key].astype(str), table[col].astype(str), strict=True))


# ---- task 2: value matrix ----------------------------------------------------------------------------------
def _orders(freq: dict, avg: dict) -> pd.DataFrame:
    rows = [(c, avg[c]) for c in freq for _ in range(freq[c])]
    return pd.DataFrame(rows, columns=["customer_id", "revenue"]).sample(frac=1.0, random_state=0)


def check_value_matrix(value_matrix, vm) -> None:
    """Task 2: frequency, average value, quadrant by the means over customers, >= mean is high."""
    table = value_matrix(_orders(ex.VM_FREQ, ex.VM_AVG))
    require_columns(table, VM_COLUMNS, name="value_matrix 的结果")
    if len(table) != len(ex.VM_FREQ):
        fail(f"每位客户一行：例题有 8 位客户，你的结果有 {len(table)} 行。")
    got = _labels(table)
    if got != ex.VM_WANT:
        fail(f"讲义例题（切点 6.5 次、162.5 元）应为 {ex.VM_WANT}，你的是 {got}。")
    tie = _labels(value_matrix(_orders(ex.VM_TIE_FREQ, ex.VM_TIE_AVG)))
    if tie == ex.VM_TIE_STRICT:
        VM_STRICT.fail("切点 2 次、100 元上的客户：")
    if tie != ex.VM_TIE_WANT:
        fail(f"并列规则 tie rule：频率 1, 3, 2, 2、平均额 100, 100, 40, 160 应为 {ex.VM_TIE_WANT}，你的是 {tie}。")
    weighted = _labels(value_matrix(pd.DataFrame(ex.VM_WEIGHT_ORDERS, columns=["customer_id", "revenue"])))
    if weighted != ex.VM_WEIGHT_WANT:
        if weighted.get("X3") == "spender":
            VM_WEIGHTED.fail("X1 四单各 10 元、X2 一单 100 元、X3 一单 40 元：")
        fail(f"X1 四单各 10 元、X2 一单 100 元、X3 一单 40 元应为 {ex.VM_WEIGHT_WANT}，你的是 {weighted}。")
    require_columns(vm, VM_COLUMNS, name="vm")
    if vm["customer_id"].duplicated().any() or not set(vm["quadrant"]) <= set(QUADRANTS):
        fail(f"vm：每位客户一行，quadrant 只能是 {QUADRANTS}。")
    passed("任务 2 value_matrix, vm")


# ---- task 3: segment economics -----------------------------------------------------------------------------
def check_segment_economics(segment_economics, segments, vm) -> None:
    """Task 3: revenue without duty, margin after discount and item costs, valid orders, four rows in order."""
    quadrant = pd.Series(ex.SEG_QUADRANT, name="quadrant").rename_axis("customer_id")
    table = segment_economics(pd.DataFrame(ex.SEG_ORDERS), pd.DataFrame(ex.SEG_ITEMS), quadrant)
    require_columns(table, SEG_COLUMNS, name="segment_economics 的结果")
    if list(table["quadrant"]) != list(QUADRANTS):
        fail(f"每个象限一行，顺序 {list(QUADRANTS)}（没有客户的象限也要有一行，数值为 0）。")
    if [int(x) for x in table["n"]] != ex.SEG_WANT_N:
        fail(f"例子中 n 应为 {ex.SEG_WANT_N}（quadrant 里每位客户都算，哪怕没有有效订单）。")
    revenue, margin = table["revenue"].to_numpy(dtype=float), table["margin"].to_numpy(dtype=float)
    if np.isclose(revenue[0], ex.SEG_DUTY_REVENUE):
        SEG_DUTY.fail("例子中 best 的收入应为 385 元：")
    if not np.allclose(revenue, ex.SEG_WANT_REVENUE):
        fail(f"例子中收入应为 {ex.SEG_WANT_REVENUE}：只用有效订单 (delivered / shipped)，换算成人民币，不含关税。")
    if np.isclose(margin[0], ex.SEG_NO_DISCOUNT_MARGIN):
        SEG_NO_DISCOUNT.fail("例子中 best 的毛利应为 185 元：")
    if not np.allclose(margin, ex.SEG_WANT_MARGIN):
        fail(f"例子中毛利应为 {ex.SEG_WANT_MARGIN}（元）。")
    require_columns(segments, SEG_COLUMNS, name="segments")
    if int(segments["n"].sum()) != len(vm) or not np.isclose(float(segments["revenue_share"].sum()), 1.0):
        fail("segments：n 之和应等于 vm 的客户数，revenue_share 之和应为 1。")
    passed("任务 3 segment_economics, segments")


# ---- task 4: lapsed customers -------------------------------------------------------------------------------
def check_lapse(recency_table, balanced_accuracy, backtest, lapsed, vm) -> None:
    """Task 4: recency table before the as-of date, balanced accuracy, the back-test's keys, flags for high F."""
    rec = recency_table(pd.DataFrame(ex.REC_ORDERS, columns=["customer_id", "order_ts"]).assign(
        order_ts=lambda d: pd.to_datetime(d["order_ts"]), status="delivered"), pd.Timestamp(ex.REC_ASOF))
    require_columns(rec, REC_COLUMNS, name="recency_table 的结果")
    got = {str(r.customer_id): (int(r.frequency), float(r.days_since), float(r.mean_gap)) for r in rec.itertuples()}
    if set(got) != set(ex.REC_WANT):
        fail(f"例子中应只有 {sorted(ex.REC_WANT)}：只看 asof 之前的订单，至少 2 次购买；你的有 {sorted(got)}。")
    if all(np.isclose(got[c][2], ex.REC_GAP_OVER_N[c]) for c in got):
        REC_GAP_N.fail()
    if not all(np.allclose(got[c], ex.REC_WANT[c]) for c in got):
        fail(f"例子中 (frequency, days_since, mean_gap) 应为 {ex.REC_WANT}，你的是 {got}。")
    ba = number(balanced_accuracy(np.array(ex.BA_FLAG), np.array(ex.BA_LOST)), name="balanced_accuracy")
    if np.isclose(ba, ex.BA_ACCURACY):
        BA_PLAIN.fail()
    if not np.isclose(ba, ex.BA_WANT):
        fail(f"例子中平衡准确率应为 11/15 ≈ 0.7333，你的是 {ba:.4f}。")
    if not isinstance(backtest, dict) or set(backtest) != {*MULTIPLIERS, "fixed180"}:
        fail(f"backtest 应是字典，键为 {list(MULTIPLIERS)} 和 'fixed180'。")
    if not isinstance(lapsed, pd.Series) or lapsed.dtype != bool:
        fail("lapsed 应是以 customer_id 为索引的布尔 Series。")
    high = set(vm.loc[vm["quadrant"].isin(["best", "frequent"]), "customer_id"].astype(str))
    if set(lapsed.index.astype(str)) != high:
        fail(f"lapsed 的索引应恰好是 vm 中 best 和 frequent 象限的 {len(high)} 位客户。")
    passed("任务 4 recency_table, balanced_accuracy, backtest, lapsed（评分端还会与真实流失比较）")


def check_vip(vip_list, vm, lapsed) -> None:
    """Task 5: floor(5 % × customers in the matrix) distinct customers of the matrix, none flagged lapsed."""
    k = math.floor(VIP_SHARE * len(vm))
    ids = [str(x) for x in vip_list] if isinstance(vip_list, (list, tuple, pd.Series, pd.Index, np.ndarray)) else None
    if ids is None or len(ids) != k or len(set(ids)) != k:
        fail(f"vip_list 应是 {k} 个互不相同的 customer_id（floor(0.05 × {len(vm)})）。")
    if not set(ids) <= set(vm["customer_id"].astype(str)):
        fail("vip_list 里有不在价值矩阵 vm 中的客户。")
    flagged = set(lapsed.index[lapsed.to_numpy(dtype=bool)].astype(str))
    if set(ids) & flagged:
        VIP_LAPSED.fail()
    passed("任务 5 vip_list（只检查形式；评分端与模拟器保存的真实值比较）")


# ---- task 6: EFE / IFE and the IE matrix -------------------------------------------------------------------
def _total_or_nan(weighted_total, weights, ratings) -> float:
    try:
        return float(weighted_total(list(weights), list(ratings)))
    except ValueError:
        return float("nan")


def check_efe(weighted_total, ie_strategy) -> None:
    """Task 6: weights × ratings with the checks, and the IE-matrix posture with closed lower band edges."""
    value = number(weighted_total(ex.EFE_WEIGHTS, ex.EFE_RATINGS), name="weighted_total")
    if not np.isclose(value, ex.EFE_WANT):
        fail(f"讲义例题：权重 {ex.EFE_WEIGHTS} × 评分 {ex.EFE_RATINGS} 应为 2.60，你的是 {value:g}。")
    if not all(math.isnan(_total_or_nan(weighted_total, w, r)) for w, r in ex.EFE_BAD):
        EFE_NO_CHECK.fail()
    for (ife, efe), want in ex.IE_CASES:
        got = ie_strategy(ife, efe)
        if got != want:
            if (ife in (2.0, 3.0) or efe in (2.0, 3.0)) and got in POSTURES:
                IE_STRICT.fail(f"ie_strategy({ife}, {efe}) 应为 {want!r}：")
            fail(f"ie_strategy({ife}, {efe}) 应为 {want!r}，你的是 {got!r}。")
    passed("任务 6 weighted_total, ie_strategy")


# ---- task 7: KPIs of the three stages ----------------------------------------------------------------------
def _kpi_vector(result) -> list | None:
    try:
        return [float(result[k]) for k in KPI_KEYS]
    except (TypeError, KeyError, ValueError):
        return None


def check_kpis(crm_kpis) -> None:
    """Task 7: acquisition, enhancement and retention KPIs of a year on the lecture's small example."""
    orders = pd.DataFrame(ex.KPI_ORDERS).assign(order_ts=lambda d: pd.to_datetime(d["order_ts"]))
    got = crm_kpis(orders, pd.DataFrame(ex.KPI_ITEMS), 2025)
    vec = _kpi_vector(got)
    if vec is None:
        fail(f"crm_kpis 应返回字典，键为 {list(KPI_KEYS)}。")
    mine = dict(zip(KPI_KEYS, vec, strict=True))
    if np.isclose(mine["retention_rate"], ex.KPI_RETENTION_OF_ACTIVE):
        KPI_RET_ACTIVE.fail("例子中保持率应为 1/3：")
    if np.isclose(mine["cross_sell_share"], ex.KPI_CROSS_WITH_NEW):
        KPI_CROSS_NEW.fail("例子中交叉销售份额应为 0.2：")
    bad = {k: v for k, v in mine.items() if not np.isclose(v, ex.KPI_WANT[k])}
    if bad:
        fail(f"例子应得 {ex.KPI_WANT}；不对的有 {bad}。")
    passed("任务 7 crm_kpis")


# ---- the graded tasks ---------------------------------------------------------------------------------------
EXACT = "an exact computation: only floating-point rounding may differ"
OWN_DATA = "sums of the same numbers in another order differ by rounding only"


@dataclass(frozen=True)
class BeatsFixedRule(Rule):
    """Balanced accuracy of the flagged ids against the true churn, above the fixed 180-day rule's on the same
    customers. ``want = {"population": [...], "churned": [...], "fixed": float}``."""

    def judge(self, actual, want) -> str | None:
        if not isinstance(actual, (list, tuple, np.ndarray)):
            return "类型不对 wrong type: lapsed should be a boolean Series"
        pop, churned = set(want["population"]), set(want["churned"]) & set(want["population"])
        flagged = {str(x) for x in actual}
        if not flagged <= pop:
            return "名单不对 flags outside the best and frequent quadrants of your data"
        tpr = len(flagged & churned) / max(len(churned), 1)
        tnr = len((pop - churned) - flagged) / max(len(pop - churned), 1)
        if not 0.5 * (tpr + tnr) > float(want["fixed"]):
            return "没有超过固定 180 天规则 does not beat the fixed 180-day rule against the true churn"
        return None


@dataclass(frozen=True)
class BeatsNaiveList(Rule):
    """k distinct ids of the matrix; more of them truly still customers than on the naive list (best quadrant by
    revenue), and a total true CLV (CNY) at least VALUE_SHARE of the naive list's.
    ``want = {"clv": {customer_id: CNY}, "alive": [ids], "k": int, "naive": [ids of the naive list]}``."""

    def judge(self, actual, want) -> str | None:
        if not isinstance(actual, (list, tuple, np.ndarray)):
            return "类型不对 wrong type: vip_list should be a list of customer ids"
        ids = [str(x) for x in actual]
        if len(ids) != int(want["k"]) or len(set(ids)) != len(ids) or not set(ids) <= set(want["clv"]):
            return "名单不对 the list must hold floor(0.05 n) distinct customers of your value matrix"
        clv, alive, naive = want["clv"], set(want["alive"]), [str(c) for c in want["naive"]]
        if not len(alive.intersection(ids)) > len(alive.intersection(naive)):
            return "仍在的客户不比朴素名单多 no more customers truly still active than on the naive list"
        if not math.fsum(clv[c] for c in ids) >= VALUE_SHARE * math.fsum(clv[c] for c in naive):
            return "真实未来价值明显低于朴素名单 the list's true future value falls well short of the naive list's"
        return None


def _ids_flagged(lapsed) -> list | None:
    if not isinstance(lapsed, pd.Series):
        return None
    return sorted(str(c) for c in lapsed.index[lapsed.to_numpy(dtype=bool)])


def _population(lapsed) -> list | None:
    return sorted(str(c) for c in lapsed.index) if isinstance(lapsed, pd.Series) else None


def _backtest(backtest) -> list | None:
    try:
        return [float(backtest[k]) for k in (*MULTIPLIERS, "fixed180")]
    except (TypeError, KeyError, ValueError):
        return None


q1 = matching(
    "q1_test", 2, "任务 1 四类客户的保持策略", items=("best", "frequent", "spender", "uncertain"),
    options={"A": "保持与奖励", "B": "提高每次购买额", "C": "提高购买频率", "D": "甄别可转化者，其余低成本服务",
             "E": "大幅降价换一次成交", "F": "全部转给大客户经理"},
    reason="a matching question: the key is the lecture's (Marcus 1998) strategy for each quadrant",
    hints=("先想清楚每类客户“缺”的是哪一个维度：频率 F 还是平均额 M。",
           "经常性客户 F 高 M 低：缺的是每次买得多；乐于消费型 M 高 F 低：缺的是来得勤。"))

_VM_GRADED = ("frequency", "avg_value", "quadrant")
q2 = Task(
    "q2_test", 3, "任务 2 value_matrix, vm",
    rules={"vm_sample": Frame(EXACT + "; quadrants are labels", key=("customer_id",), columns=_VM_GRADED, rtol=1e-9),
           "vm": Frame(OWN_DATA + "; quadrants are labels", key=("customer_id",), columns=_VM_GRADED, rtol=1e-6)},
    produce=lambda world, value_matrix, vm: {"vm_sample": _frame(value_matrix(vm_input(world)), VM_COLUMNS),
                                             "vm": _frame(vm, VM_COLUMNS)},
    formative=lambda world, value_matrix, vm: check_value_matrix(value_matrix, vm),
    mistakes=(VM_STRICT, VM_WEIGHTED),
    hints=("frequency = 每位客户的有效订单数，avg_value = 这些订单收入的平均；两个切点都是对客户取平均。",
           "高 = 大于或等于切点 (>=)。np.select([hi_f & hi_m, hi_f, hi_m], ['best', 'frequent', 'spender'], "
           "default='uncertain')。"))

_SEG_GRADED = ("n", "customer_share", "revenue", "revenue_share", "margin", "margin_per_customer")
q3 = Task(
    "q3_test", 2, "任务 3 segment_economics, segments",
    rules={"seg_sample": Frame(OWN_DATA, key=("quadrant",), columns=_SEG_GRADED, rtol=1e-6),
           "segments": Frame(OWN_DATA, key=("quadrant",), columns=_SEG_GRADED, rtol=1e-6)},
    produce=lambda world, segment_economics, segments, vm: {
        "seg_sample": _frame(segment_economics(world.orders, world.order_items, quadrant_input(world)), SEG_COLUMNS),
        "segments": _frame(segments, SEG_COLUMNS)},
    formative=lambda world, segment_economics, segments, vm: check_segment_economics(segment_economics, segments, vm),
    mistakes=(SEG_DUTY, SEG_NO_DISCOUNT),
    hints=("先筛有效订单，再把 order_items 的成本按 order_id 汇总到订单上。",
           "收入 (order_total − duty_tax) × fx；毛利 (items_subtotal − discount − 成本) × fx；"
           "最后按 quadrant 汇总并 reindex 到四个象限。"))

q4 = Task(
    "q4_test", 3, "任务 4 recency_table, backtest, lapsed",
    rules={"backtest": Close(EXACT, rtol=1e-9),
           "population": Equal("the best and frequent customers of the student's value matrix, exact ids"),
           "lapsed_ids": BeatsFixedRule(
               "graded against the hidden truth (truth.customers.alive_at_end): balanced accuracy of the flags on "
               "the best and frequent customers must beat the fixed 180-day rule's on the same customers; "
               "reference.py keeps the recovery study (measured.json)")},
    produce=lambda world, recency_table, balanced_accuracy, backtest, lapsed, vm: {
        "backtest": _backtest(backtest), "population": _population(lapsed), "lapsed_ids": _ids_flagged(lapsed)},
    formative=lambda world, recency_table, balanced_accuracy, backtest, lapsed, vm: check_lapse(
        recency_table, balanced_accuracy, backtest, lapsed, vm),
    mistakes=(REC_GAP_N, BA_PLAIN),
    hints=("回测 back-test 中“流失”的代理是：截至 2025-01-01 有 ≥ 2 次购买、2025 年全年没有有效订单。",
           "对每个 c 计算 flag = days_since > c × mean_gap 的平衡准确率；在与最高分相差不超过 0.01 的 c 中取最大的，"
           "再用到 2026-01-01。"))

q5 = Task(
    "q5_test", 3, "任务 5 vip_list",
    rules={"vip_ids": BeatsNaiveList(
        "graded against the hidden truth (truth.customers.alive_at_end and true_clv in CNY): more of the list truly "
        "still customers at the horizon than on the naive list (the best quadrant's top floor(0.05 n) by revenue), "
        "and a total true CLV at least 90 % of the naive list's (sums of true CLV hang on a few wholesalers, so a "
        "strict comparison fails the reference on some seeds); "
        "reference.py keeps the recovery study (measured.json)")},
    produce=lambda world, vip_list, vm, lapsed: {
        "vip_ids": [str(x) for x in vip_list] if isinstance(vip_list, (list, tuple, pd.Series, np.ndarray)) else None},
    formative=lambda world, vip_list, vm, lapsed: check_vip(vip_list, vm, lapsed),
    mistakes=(VIP_LAPSED,),
    hints=("保持策略只对还在的客户有意义：先去掉任务 4 判为已流失的客户。",
           "在 best 和 frequent 中仍活跃的客户里，按历史收入从高到低取前 k 位。"))

q6 = Task(
    "q6_test", 2, "任务 6 weighted_total, ie_strategy",
    rules={"totals": Close(EXACT + "; NaN where the function must refuse the table", rtol=1e-9),
           "postures": Equal("labels are exact")},
    produce=lambda world, weighted_total, ie_strategy: {
        "totals": [_total_or_nan(weighted_total, w, r) for w, r in factor_tables(world)],
        "postures": [str(ie_strategy(a, b)) for a, b in ie_pairs(world)]},
    formative=lambda world, weighted_total, ie_strategy: check_efe(weighted_total, ie_strategy),
    mistakes=(EFE_NO_CHECK, IE_STRICT),
    hints=("先检查：abs(sum(weights) − 1) <= 1e-9，每个评分是 1–4 的整数；否则 raise ValueError。",
           "把每个总分分成 弱/中/强 三段（[1, 2)、[2, 3)、[3, 4]），再查 IE 矩阵的九格。"))

q7 = Task(
    "q7_test", 3, "任务 7 crm_kpis",
    rules={"kpis_2025": Close(OWN_DATA, rtol=1e-9)},
    produce=lambda world, crm_kpis: {"kpis_2025": _kpi_vector(crm_kpis(world.orders, world.order_items, 2025))},
    formative=lambda world, crm_kpis: check_kpis(crm_kpis),
    mistakes=(KPI_RET_ACTIVE, KPI_CROSS_NEW),
    hints=("先算每位客户的第一次有效订单时间：它决定“新客户”和“老客户”。",
           "交叉销售份额：该年老客户的订单行中，品类不在该客户该年以前买过的品类集合里的 line_total × fx 之和 ÷ "
           "该年全部有效订单行的 line_total × fx 之和。"))

TASKS = tasks_of(q1, q2, q3, q4, q5, q6, q7)
hint = hints_for(TASKS)
