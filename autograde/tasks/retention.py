"""Notebook 05 (retention, care, complaints, churn): the graded tasks, declared once.

The formative checks and the mistakes they diagnose live in :mod:`autograde.tasks.retention_checks`. Each
:class:`~autograde.tasks.Task` at the end says which answers the grader compares, how, and why with that
tolerance; graded calls run the student's functions on inputs derived from their own observed tables. Two
tasks are also graded against the simulator's truth (rules :class:`SaidBeatsSilent` and :class:`CoversTruth`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import Task, choice, hints_for, matching, number, plain_columns, tasks_of
from .retention_checks import (
    COHORT_BUYERS,
    COHORT_CANCELLED,
    CRR_NO_NEW,
    GAP_NAIVE,
    KPI_COLUMNS,
    KPI_ENQUIRIES,
    KPI_FROM_RESPONSE,
    KPI_MEAN,
    PARETO_COLUMNS,
    REASON_ENQUIRIES,
    REASON_FIRST,
    REASON_UNRESOLVED,
    RECENCY_CANCELLED,
    RECOVERY_ALL,
    RECOVERY_COLUMNS,
    STOP_KEEPS_COST,
    UPLIFT_FIXED_Z,
    UPLIFT_POOLED,
    UPLIFT_SMALL,
    check_cohort,
    check_kpis,
    check_markov,
    check_reasons,
    check_recovery,
    check_uplift,
)
from .rules import Close, Equal, Frame, Rule

HORIZON_END = pd.Timestamp("2026-01-01")
WINDOW = pd.Timedelta(days=180)          # tasks 8 and 9: 180 days
MARGIN, COST, D = 60.0, 4.0, 0.03        # task 3: CNY per quarter with a purchase, CNY per mailing, per quarter
TRUTH_LEVEL = 0.999                      # task 5: the interval the grader checks against the truth

# ---- graded answers: the student's functions on inputs derived from their own data ---------------------------
EXACT = "an exact computation on the student's own data: only floating-point rounding may differ"
SAID_MARGIN = 0.08   # task 9: P(dissatisfaction | said) − P(dissatisfaction | silent) at least this (measured.json)


def _cohort_frame(table):
    """A cohort matrix (index: cohort month; columns: months 0..11 since signup) in long form [cohort, k, share]."""
    if not isinstance(table, pd.DataFrame):
        return None
    rows = [(str(i), int(col), float(v)) for col in table.columns if str(col).isdigit()
            for i, v in zip(table.index, pd.to_numeric(table[col], errors="coerce"), strict=True)]
    return pd.DataFrame(rows, columns=["cohort", "k", "share"])


def _columns(df, columns):
    """The named columns of the student's table as numbers or strings (missing ones: reported by the grader)."""
    if not isinstance(df, pd.DataFrame):
        return None
    df = df.reset_index(drop=df.index.name not in columns or df.index.name in df.columns)
    return plain_columns(df, columns)


def _floats(values, index=None):
    try:
        if index is not None:
            values = pd.Series(values).reindex(index)
        return [float(x) for x in np.asarray(values, dtype=float).ravel()]
    except (TypeError, ValueError):
        return None


def _one_shop(world):
    """Customers and orders of the second shop (by shop_id): a second input for task 2."""
    shop = sorted(world.shops["shop_id"])[min(1, len(world.shops) - 1)]
    return (world.customers[world.customers["shop_id"] == shop], world.orders[world.orders["shop_id"] == shop])


def markov_input(world):
    """A transition matrix, rewards and discount rate drawn from the size of the student's data (task 3)."""
    rng = np.random.default_rng(len(world.orders))
    return rng.dirichlet(np.ones(4), 4), rng.normal(10.0, 8.0, 4), 0.05, np.sort(rng.uniform(0.01, 0.5, 4))[::-1]


def _year(world, year: int):
    t, o = world.tickets, world.orders
    return t[t["opened_ts"].dt.year == year], o[o["order_ts"].dt.year == year]


def campaign_contacts(world, campaign_type: str) -> pd.DataFrame:
    """[campaign_id, group, converted] of the contacts of every campaign of ``campaign_type``."""
    ids = world.campaigns.loc[world.campaigns["campaign_type"] == campaign_type, "campaign_id"]
    contacts = world.campaign_contacts
    return contacts.loc[contacts["campaign_id"].isin(ids), ["campaign_id", "group", "converted"]].reset_index(drop=True)


def _reasons_record(reasons):
    if not isinstance(reasons, pd.DataFrame) or not {"customer_id", "reason"} <= set(reasons.columns):
        return None
    return {"ids": reasons["customer_id"].astype(str).tolist(), "reasons": reasons["reason"].astype(str).tolist()}


@dataclass(frozen=True)
class SaidBeatsSilent(Rule):
    """Task 9 against the truth: among the lapsed customers, those the student's reasons blame on what they said
    (any reason but ``silent``) truly left over dissatisfaction more often than the silent ones, by at least
    ``want["margin"]``. ``want = {"lapsed": ids, "dissatisfied": ids whose true exit reason is dissatisfaction,
    "margin": float}``."""

    def judge(self, actual, want) -> str | None:
        if not isinstance(actual, dict) or "ids" not in actual:
            return "类型不对 wrong type: lapsed_reasons should give [customer_id, reason]"
        ids, reasons = [str(x) for x in actual["ids"]], [str(x) for x in actual["reasons"]]
        if len(set(ids)) != len(ids) or set(ids) != {str(x) for x in want["lapsed"]}:
            return "客户不对 the customers are not exactly the lapsed customers of your data"
        bad = {str(x) for x in want["dissatisfied"]}
        said = np.array([r != "silent" for r in reasons])
        hit = np.array([i in bad for i in ids])
        if said.all() or not said.any():
            return "没有区分 every lapsed customer got the same kind of reason"
        if hit[said].mean() - hit[~said].mean() < float(want["margin"]):
            return "与真实原因不符 the reasons customers gave do not point at the true exit reasons as they should"
        return None


@dataclass(frozen=True)
class CoversTruth(Rule):
    """Task 5 against the truth: the recorded (estimate, low, high) at level 0.999 covers the true effect and is no
    wider than the reference's interval on the same data. ``want = {"truth": float, "width": float}``."""

    def judge(self, actual, want) -> str | None:
        a = np.asarray(actual, dtype=float) if isinstance(actual, list) else None
        if a is None or a.shape != (3,):
            return "类型不对 wrong type: (estimate, low, high) is expected"
        truth, width = float(want["truth"]), float(want["width"])
        if np.isnan(truth):
            return None if np.isnan(a).all() else "应为 NaN：没有符合条件的活动 no campaign qualifies"
        if not np.isfinite(a).all() or not a[1] <= a[0] <= a[2]:
            return "区间不对 the interval is not (estimate, low, high) with low ≤ estimate ≤ high"
        if a[2] - a[1] > width * (1 + 1e-6) + 1e-12:
            return "区间太宽 the interval is wider than the method of the lecture gives on your data"
        return None if a[1] <= truth <= a[2] else "没有覆盖真实效果 the interval misses the true effect"


q1 = choice(
    "q1_test", 1, "任务 1 客户保持管理的内容", many=True,
    options={"A": "建立、管理并充分利用客户数据库，了解每位客户", "B": "通过客户关怀提高客户满意度与忠诚度",
             "C": "利用客户投诉和抱怨分析客户流失的原因，改进产品与服务",
             "D": "把营销预算集中用于获取新客户，老客户会自然留下",
             "E": "对所有客户提供完全相同的关怀，不区分客户价值与需求"},
    reason="the key is the textbook's list (邵兵家); a multiple choice is right or wrong",
    hints=("客户保持针对的是**已有**客户。", "D 和 E 各违反了哪条原则？想想'差异化'与'保持比获取便宜'。"))
q4 = matching(
    "q4_test", 1, "任务 4 客户关怀的评价", items=("退换货政策条款", "收货后商品好不好用", "客服回复是否耐心",
                                                  "正品保证与个人信息保护承诺"),
    options={"A": "寻求特征 search", "B": "体验特征 experience", "C": "信用特征 credence"},
    reason="one right category per item, as defined in the notebook", hints=(
        "问自己：客户什么时候才能判断它好不好？买之前、用过之后，还是很久以后也难以判断？",))
q6 = matching(
    "q6_test", 1, "任务 6 客户投诉的处理步骤",
    items=("提出处理方案", "记录投诉内容", "实施处理方案", "判断投诉是否成立", "总结评价", "分析投诉原因",
           "确定投诉处理责任部门", "提交主管领导批示"),
    options={str(i): f"第 {i} 步" for i in range(1, 9)},
    reason="the textbook's eight steps in their order", hints=(
        "先有记录，才能判断是否成立；成立了才交给责任部门。", "方案要先批准再实施；最后一步是总结评价。"))

q2 = Task(
    "q2_test", 3, "任务 2 cohort_retention, retention_rate, crr_2025",
    rules={"cohort": Frame(EXACT, key=("cohort", "k"), columns=("share",), rtol=1e-9),
           "cohort_shop": Frame(EXACT + " (one shop's customers and orders)", key=("cohort", "k"), columns=("share",),
                                rtol=1e-9),
           "crr": Close(EXACT, rtol=1e-9)},
    produce=lambda world, cohort_retention, retention_rate, crr_2025: {
        "cohort": _cohort_frame(cohort_retention(world.customers, world.orders)),
        "cohort_shop": _cohort_frame(cohort_retention(*_one_shop(world))), "crr": number(crr_2025, name="crr_2025")},
    formative=lambda world, cohort_retention, retention_rate, crr_2025: check_cohort(cohort_retention, retention_rate),
    mistakes=(COHORT_CANCELLED, COHORT_BUYERS, CRR_NO_NEW),
    hints=("同期群 cohort = 注册月份；第 k 列 = 该同期群中在注册后第 k 个日历月有购买的客户 ÷ 同期群人数。",
           "用 order_ts.dt.to_period('M') 与 signup_date.dt.to_period('M') 相减得到 k；超出观察期的格子留 NaN。",
           "S、E、N 都是客户集合的大小：S = 2024 年有购买的客户，E = 2025 年有购买的，N = E 中 2025 年以前没买过的。"))


def _q3(world, recency_probs, markov_clv, mailing_values, best_stop) -> dict:
    P, R, d, p = markov_input(world)
    kinds = world.shops.set_index("shop_id")["kind"]
    domestic = world.orders[world.orders["shop_id"].map(kinds) == "domestic"]
    return {"probs": _floats(recency_probs(world.orders), [1, 2, 3, 4]),
            "probs_domestic": _floats(recency_probs(domestic), [1, 2, 3, 4]),
            "markov": _floats(markov_clv(P, R, d)),
            "stops": [_floats(mailing_values(p, MARGIN, COST, D, k)) for k in (2, 3, 4, 5)],
            "best_stop": int(best_stop)}


q3 = Task(
    "q3_test", 3, "任务 3 recency_probs, markov_clv, mailing_values, best_stop",
    rules={"probs": Close(EXACT, rtol=1e-9), "probs_domestic": Close(EXACT + " (domestic shops)", rtol=1e-9),
           "markov": Close("a 4×4 linear solve: rounding only", rtol=1e-6, atol=1e-9),
           "stops": Close("4×4 linear solves: rounding only", rtol=1e-6, atol=1e-9),
           "best_stop": Equal("the stop state is an integer decision")},
    produce=_q3,
    formative=lambda world, recency_probs, markov_clv, mailing_values, best_stop: check_markov(
        recency_probs, markov_clv, mailing_values),
    mistakes=(RECENCY_CANCELLED, STOP_KEEPS_COST),
    hints=("季度编号 q = (年 − 2024) × 4 + (月 − 1) // 3；状态 = min(q − 上次购买季度, 4)。",
           "V = (I − P / (1 + d))⁻¹ R，用 np.linalg.solve；停止邮寄的状态：P 的行与 R 都设为 0。",
           "best_stop 是 2、3、4、5 中让状态 1 的 V 最大的那个。"))
q7 = Task(
    "q7_test", 3, "任务 7 complaint_kpis",
    rules={"kpis": Frame(EXACT, key=("shop_id",), columns=tuple(KPI_COLUMNS[1:]), rtol=1e-9),
           "kpis_2025": Frame(EXACT + " (tickets and orders of 2025)", key=("shop_id",), columns=tuple(KPI_COLUMNS[1:]),
                              rtol=1e-9)},
    produce=lambda world, complaint_kpis: {
        "kpis": _columns(complaint_kpis(world.tickets, world.orders), KPI_COLUMNS),
        "kpis_2025": _columns(complaint_kpis(*_year(world, 2025)), KPI_COLUMNS)},
    formative=lambda world, complaint_kpis: check_kpis(complaint_kpis),
    mistakes=(KPI_ENQUIRIES, KPI_FROM_RESPONSE, KPI_MEAN),
    hints=("先筛出 kind == 'complaint'，再 groupby('shop_id')。",
           "首次接触解决 FCR：resolved_ts == first_response_ts；未解决：resolved_ts 为空。"))
q8 = Task(
    "q8_test", 3, "任务 8 recovery_table, gaps",
    rules={"table": Frame(EXACT, key=("kind", "group"), columns=("n", "came_back"), rtol=1e-9),
           "gaps": Close(EXACT, rtol=1e-9, atol=1e-12)},
    produce=lambda world, recovery_table, gaps: {
        "table": _columns(recovery_table(world.tickets, world.orders, world.shops), RECOVERY_COLUMNS),
        "gaps": _floats(gaps(recovery_table(world.tickets, world.orders, world.shops)))},
    formative=lambda world, recovery_table, gaps: check_recovery(recovery_table, gaps),
    mistakes=(RECOVERY_ALL, GAP_NAIVE),
    hints=("每张投诉看它的客户在 (opened_ts, opened_ts + 180 天] 内有没有未取消的订单。",
           "adjusted_gap：每类店铺内 已解决(fast+slow) − 未解决，再按该类投诉数占比加权。"))
def _q9(world, KEAVENEY, lapsed_reasons, reason_pareto) -> dict:
    reasons = lapsed_reasons(world.orders, world.tickets, world.surveys, KEAVENEY)
    return {"keaveney": sorted([str(k), str(v)] for k, v in dict(KEAVENEY).items()),
            "reasons": _columns(reasons, ["customer_id", "reason"]),
            "pareto": _columns(reason_pareto(reasons), PARETO_COLUMNS), "truth": _reasons_record(reasons)}


q9 = Task(
    "q9_test", 4, "任务 9 KEAVENEY, lapsed_reasons, reason_pareto",
    rules={"keaveney": Equal("one Keaveney category per complaint category, as defined in the notebook"),
           "reasons": Frame(EXACT, key=("customer_id",), columns=("reason",)),
           "pareto": Frame(EXACT, key=("reason",), columns=tuple(PARETO_COLUMNS[1:]), rtol=1e-9),
           "truth": SaidBeatsSilent(
               "graded against the hidden truth (the true exit reason): the lapsed customers blamed on what they said "
               "left over dissatisfaction more often than the silent ones, by the margin the recovery study supports")},
    produce=_q9,
    formative=lambda world, KEAVENEY, lapsed_reasons, reason_pareto: check_reasons(
        KEAVENEY, lapsed_reasons, reason_pareto),
    mistakes=(REASON_ENQUIRIES, REASON_FIRST, REASON_UNRESOLVED),
    hints=("流失（代理）：最后一次购买早于 2025-07-05 的客户。先给每位这样的客户找最近一次投诉。",
           "顺序：有投诉 → 未解决记 response_to_failure，已解决按 KEAVENEY 映射；没有投诉但 csat ≤ 2 或 nps ≤ 6 → "
           "unspecified；其余 silent。", "帕累托表不含 silent，share 的分母是有原因的客户数。"))
q5 = Task(
    "q5_test", 4, "任务 5 uplift_ci",
    rules={"care": Close("the same arithmetic on the student's loyalty_points contacts", rtol=1e-6, atol=1e-9),
           "win_back": Close("the same arithmetic on the win_back contacts", rtol=1e-6, atol=1e-9),
           "all_90": Close("the same arithmetic on every campaign's contacts, at level 0.90", rtol=1e-6, atol=1e-9),
           "truth": CoversTruth(
               "graded against the hidden truth (campaign_effects.true_ate_conversion, weighted like the estimate): "
               "a 99.9 % interval must cover it and be no wider than the reference's; a correct 95 % interval "
               "misses one time in twenty, so coverage at 95 % cannot be a pass rule")},
    produce=lambda world, uplift_ci: {
        "care": _floats(uplift_ci(campaign_contacts(world, "loyalty_points"), 0.95)),
        "win_back": _floats(uplift_ci(campaign_contacts(world, "win_back"), 0.95)),
        "all_90": _floats(uplift_ci(world.campaign_contacts[["campaign_id", "group", "converted"]], 0.90)),
        "truth": _floats(uplift_ci(campaign_contacts(world, "loyalty_points"), TRUTH_LEVEL))},
    formative=lambda world, uplift_ci: check_uplift(uplift_ci),
    mistakes=(UPLIFT_POOLED, UPLIFT_FIXED_Z, UPLIFT_SMALL),
    hints=("每个活动 k：p_t − p_c；p̄ = 两组合并的转化率，方差 p̄(1−p̄)(1/n_t + 1/n_c)；"
           "权重 w_k = 活动 k 的人数 / 总人数。",
           "估计 = Σ w_k (p_t − p_c)，SE = √(Σ w_k² 方差_k)，区间 = 估计 ± z·SE，z = norm.ppf(1 − (1 − level)/2)。"))

TASKS = tasks_of(q1, q2, q3, q4, q5, q6, q7, q8, q9)
hint = hints_for(TASKS)
