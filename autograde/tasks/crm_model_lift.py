"""Notebook 07, tasks 8-9: what the campaign report credits and what the randomised holdout shows, graded
against the simulator's hidden truth (``truth.campaign_effects``).

The marketing-automation report credits a campaign with every treated contact who bought in its window
(attribution); the holdout (``group == "control"``, kept from the campaign at random) says how many would
have bought anyway. Each answer is graded twice: exactly, as recomputed from the student's own
``campaign_contacts`` (so a number typed in cannot pass), and against the truth by :class:`NearTruth` — the
campaign's realised incremental buyers, within four standard errors of the student's own estimator and
closer to it than the report's attributed figure (the recovery study on 200 seeds is in measured.json).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import Mistake, Task, crm_model_examples as ex, fail, number, passed, plain_columns, require_columns
from .rules import Close, Frame, Rule, _numeric

LIFT_COLUMNS = ["campaign_type", "campaigns", "treated", "attributed_rate", "incremental_rate"]
Z = 4.0  # within four standard errors of the truth (recovery study: measured.json)
RATIO = 0.5  # ... and at most half as far from it as the report's attributed figure


@dataclass(frozen=True)
class NearTruth(Rule):
    """An estimate graded against the truth in two parts: each value within ``z`` standard errors of the truth,
    and, weighted over the values, at most ``ratio`` as far from the truth as the campaign report's own figure
    (a holdout estimate must beat the attribution it corrects, not merely sit in a wide band). The grader's
    expected value is ``{"truth", "se", "report", "weight"}``, the standard errors those of the student's own
    estimator and the report's figure recomputed from their data."""

    z: float = Z
    ratio: float = RATIO

    def judge(self, actual, want) -> str | None:
        a = _numeric(actual)
        t, se = np.asarray(want["truth"], dtype=float), np.asarray(want["se"], dtype=float)
        report, weight = np.asarray(want["report"], dtype=float), np.asarray(want["weight"], dtype=float)
        if a is None:
            return "类型不对 wrong type: a number or a list of numbers is expected"
        if a.shape != t.shape:
            return "形状不对 wrong shape (one value per campaign type of your data)"
        if not np.isfinite(a).all():
            return "不是有限数 not finite"
        if float((weight * np.abs(a - t)).sum()) > self.ratio * float((weight * np.abs(report - t)).sum()):
            return "没有比报表的归因更接近真实值 not closer to the true effect than the report's attribution"
        off = np.abs(a - t) / se
        if (off <= self.z).all():
            return None
        return ("离模拟器保存的真实值较远 far from the true effect kept by the simulator" if (off > 3 * self.z).any()
                else "超出真实值的容差 outside the tolerance around the true effect")


def lift_inputs(world) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The inputs of tasks 8–9: ``campaign_contacts`` and ``campaigns`` of the student's world."""
    return world.campaign_contacts, world.campaigns


def _lift_example() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for cid, _, n_t, x_t, n_c, x_c in ex.LIFT_CAMPAIGNS:
        rows += [(cid, f"{cid}{i}", "treatment", i < x_t) for i in range(n_t)]
        rows += [(cid, f"{cid}c{i}", "control", i < x_c) for i in range(n_c)]
    contacts = pd.DataFrame(rows, columns=["campaign_id", "customer_id", "group", "converted"])
    campaigns = pd.DataFrame([(c[0], c[1]) for c in ex.LIFT_CAMPAIGNS], columns=["campaign_id", "campaign_type"])
    return contacts, campaigns


# ---- task 8 ------------------------------------------------------------------------------------------------
LIFT_ATTRIBUTED = Mistake("attributed", "incremental_rate 不是处理组的购买率：处理组里本来就会买的人也会用券，"
                                        "CRM 报表把他们都记在活动名下。增量 = 处理组购买率 − 对照组购买率。")
LIFT_PLAIN = ("同一类型的几个活动要按处理组人数加权：Σ n_T (p_T − p_C) / Σ n_T，"
              "不是各活动差值的简单平均。")


def _lift_produce(world, incremental_by_type) -> dict:
    table = incremental_by_type(*lift_inputs(world))
    if isinstance(table, pd.DataFrame) and "campaign_type" in table.columns:
        table = table.sort_values("campaign_type")
    df = plain_columns(table, LIFT_COLUMNS)
    inc = df["incremental_rate"].tolist() if df is not None and "incremental_rate" in df else None
    return {"table": df, "incremental": inc}


def check_lift(world, incremental_by_type) -> None:
    """Task 8: two campaigns of one type with holdouts (and one without): 0.125 attributed, 0.0175 incremental."""
    table = incremental_by_type(*_lift_example())
    require_columns(table, LIFT_COLUMNS, name="incremental_by_type 的结果")
    if len(table) != 1:
        fail(f"例子只有一个活动类型，应返回 1 行，你的有 {len(table)} 行。")
    r = table.iloc[0]
    got = (int(r["campaigns"]), int(r["treated"]), round(float(r["attributed_rate"]), 10),
           round(float(r["incremental_rate"]), 10))
    if abs(got[3] - got[2]) < 1e-9:
        LIFT_ATTRIBUTED.fail()
    if abs(got[3] - ex.LIFT_PLAIN_MEAN) < 1e-9:
        fail(LIFT_PLAIN)
    if got != ex.LIFT_WANT:
        fail(f"例子（活动 A、B 有对照组，C 没有）应为 {ex.LIFT_WANT}"
             f"（campaigns, treated, attributed_rate, incremental_rate），你的是 {got}。")
    mine = incremental_by_type(*lift_inputs(world))
    require_columns(mine, LIFT_COLUMNS, name="你的数据上的结果")
    if mine["campaign_type"].duplicated().any():
        fail("每个活动类型一行。")
    passed("任务 8 incremental_by_type")


q8 = Task("q8_test", 2, "任务 8 活动的归因与增量 incremental_by_type",
          {"table": Frame(key=("campaign_type",), columns=tuple(LIFT_COLUMNS), rtol=1e-9,
                          reason="counts and rates recomputed from your campaign contacts: exact"),
           "incremental": NearTruth(reason="graded against the true effect (truth.campaign_effects, the realised "
                                           "sample effect of each campaign, weighted like the estimate): "
                                           "within four standard errors of your own estimate, and, weighted "
                                           "by the treated, at most half as far from it as the attributed "
                                           "rate; the recovery study is in measured.json")},
          _lift_produce, check_lift, (LIFT_ATTRIBUTED,),
          hints=("先按 campaign_id 与 group 汇总：每个活动处理组、对照组各有多少人、多少人买了。",
                 "只保留两组都有人的活动；p_T − p_C 是这个活动的增量购买率。",
                 "同类型的活动按处理组人数 n_T 加权：Σ n_T (p_T − p_C) / Σ"
                 " n_T；attributed_rate = Σ 处理组购买人数 / Σ n_T。"))


# ---- task 9 ------------------------------------------------------------------------------------------------
SHARE_INVERTED = Mistake("inverted", "份额 = 增量购买人数 ÷ 归因购买人数（处理组里买了的人），应在 0 和 1 附近，"
                                     "不是反过来。")
SHARE_MEAN = ("份额是人数之比：先把各活动的增量购买人数 n_T × (p_T − p_C) 加起来，再除以处理组里买了的总人数；"
              "不是各活动份额的简单平均（例子里是 (0.2 + 0.1) / 2 = 0.15）。")


def _share_produce(world, incremental_share) -> dict:
    share = number(incremental_share(*lift_inputs(world)), name="incremental_share 的结果")
    return {"estimate": share, "share": share}


def check_share(world, incremental_share) -> None:
    """Task 9: the example's campaigns: 7 incremental buyers of the 50 the report credits."""
    got = number(incremental_share(*_lift_example()), name="incremental_share 的结果")
    if abs(got - 1 / ex.SHARE_WANT) < 1e-9:
        SHARE_INVERTED.fail()
    if abs(got - ex.SHARE_PLAIN_MEAN) < 1e-9:
        fail(SHARE_MEAN)
    if abs(got - ex.SHARE_WANT) > 1e-9:
        fail(f"例子（A、B 有对照组，C 没有）：份额应为 {ex.SHARE_WANT}，你的是 {got}。")
    number(incremental_share(*lift_inputs(world)), name="你的数据上的结果")
    passed("任务 9 incremental_share")


q9 = Task("q9_test", 1, "任务 9 报表里的“活动带来的购买”有多少是真的 incremental_share",
          {"estimate": Close(rtol=1e-9, atol=1e-12, reason="the share recomputed from your campaign contacts: "
                                                           "exact up to rounding"),
           "share": NearTruth(reason="graded against the truth: incremental buyers Σ n_T × the true sample effect "
                                     "(truth.campaign_effects) over the buyers the report credits, within four "
                                     "standard errors of your own estimate and at most half as far from it as the "
                                     "report's share of 1 (recovery study: measured.json)")},
          _share_produce, check_share, (SHARE_INVERTED,),
          hints=("归因购买人数：处理组里买了的人数（只数两组都有人的活动）。",
                 "增量购买人数：每个活动 n_T × (p_T − p_C)，再对活动求和。",
                 "份额 = 增量购买人数之和 ÷ 归因购买人数之和。"))
