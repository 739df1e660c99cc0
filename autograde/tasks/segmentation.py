"""Notebook 03 (CRM's meaning, relationship marketing, segmentation, satisfaction): the graded tasks, declared once.

The formative checks run the student's functions on the lecture's worked examples (``segmentation_examples``)
or test an answer's consistency on the student's own data; the graded calls run on inputs derived from that
data (``segmentation_inputs``). Two tasks are judged against the simulator's hidden truth on the grader's side:
the k-means segments (against the true relationship stage and persona) and the Kano categories.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import Task, choice, hints_for, matching, number, plain_columns as _columns, tasks_of
from .rules import Close, Equal, Frame, Rule, SamePartition
from .segmentation_checks import (
    ACSI_NO_RESCALE,
    ACSI_UNNORMALISED,
    KANO_BETTER_ALL,
    KANO_TRANSPOSED,
    KMEANS_NO_LOG,
    KMEANS_ONE_STEP,
    RFM_R_ASCENDING,
    RFM_TIES_BY_ROW,
    RFM_WITH_DUTY,
    SERVQUAL_REVERSED,
    SERVQUAL_UNSCALED,
    check_acsi,
    check_kano,
    check_kmeans,
    check_rfm,
    check_servqual,
)
from .segmentation_inputs import acsi_inputs, kano_pairs, kmeans_input, rfm_input, servqual_input

RFM_COLUMNS = ["customer_id", "recency_days", "frequency", "monetary", "R", "F", "M", "rfm"]
KANO_COLUMNS = ["feature", "A", "O", "M", "I", "R", "Q", "category", "better", "worse"]
SERVQUAL_COLUMNS = ["dimension", "expectation", "perception", "gap", "points", "weighted_gap"]
ACSI_COLUMNS = ["shop_id", "n", "acsi"]
# Task 5's truth rule (reference.py records the recovery study): the clusters must track the true relationship
# stage at least STAGE_MARK (ARI) and STAGE_OVER_PERSONA times better than they track the latent persona.
STAGE_MARK = 0.08
STAGE_OVER_PERSONA = 2.0
AGREEMENT = 0.99  # ARI with the reference k-means: a float tie may move a point or two, never a cluster


def adjusted_rand(a, b) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985) of two labellings of the same items: 1 identical, ~0 random."""
    table = pd.crosstab(np.asarray(a, dtype=object).astype(str), np.asarray(b, dtype=object).astype(str))
    pairs = lambda x: (x * (x - 1) / 2.0).sum()  # noqa: E731
    cells = table.to_numpy(dtype=float)
    both, rows, cols, total = pairs(cells), pairs(cells.sum(1)), pairs(cells.sum(0)), pairs(np.array([cells.sum()]))
    chance = rows * cols / total if total else 0.0
    top = (rows + cols) / 2 - chance
    return 1.0 if top == 0 else float((both - chance) / top)


def _labels_by_id(frame) -> pd.Series | None:
    """A recorded [customer_id, segment] frame as a Series of labels by customer_id, or ``None``."""
    if not isinstance(frame, pd.DataFrame) or not {"customer_id", "segment"} <= set(frame.columns):
        return None
    if frame["customer_id"].duplicated().any():
        return None
    return pd.Series(frame["segment"].astype(str).to_numpy(), index=frame["customer_id"].astype(str).to_numpy())


@dataclass(frozen=True)
class Agreement(Rule):
    """Segments labelled per customer agree with the reference's (same customers, ARI ≥ ``AGREEMENT``)."""

    def judge(self, actual, want) -> str | None:
        mine, ref = _labels_by_id(actual), _labels_by_id(want)
        if mine is None:
            return "类型不对 wrong type: segments should be a Series of labels indexed by customer_id"
        if set(mine.index) != set(ref.index):
            return "客户不对 the customers differ: one label per customer in rfm (customers with a valid order)"
        ok = adjusted_rand(mine.reindex(ref.index), ref) >= AGREEMENT
        return None if ok else "分群与按讲义算法重新算出的不一致 the clusters differ from the lecture's algorithm's"


@dataclass(frozen=True)
class StageNotPersona(Rule):
    """Graded against the truth: ARI(segments, true stage) ≥ STAGE_MARK and ≥ STAGE_OVER_PERSONA × ARI(segments,
    true persona). ``want = {"customer_id": [...], "stage": [...], "persona": [...]}``."""

    def judge(self, actual, want) -> str | None:
        mine = _labels_by_id(actual)
        if mine is None:
            return "类型不对 wrong type: segments should be a Series of labels indexed by customer_id"
        ids = pd.Index([str(x) for x in want["customer_id"]])
        if set(mine.index) != set(ids):
            return "客户不对 the customers differ: one label per customer in rfm"
        labels = mine.reindex(ids).to_numpy()
        stage, persona = adjusted_rand(labels, want["stage"]), adjusted_rand(labels, want["persona"])
        if stage < STAGE_MARK:
            return "分群几乎不反映客户真实所处的关系阶段 the segments barely track the true relationship stage"
        if stage < STAGE_OVER_PERSONA * max(persona, 0.0):
            return "分群反映关系阶段并不比反映画像更多 the segments track the persona as much as the stage"
        return None




def _segments(segments):
    if not isinstance(segments, pd.Series):
        return None
    return pd.DataFrame({"customer_id": segments.index.astype(str).to_numpy(dtype=object),
                         "segment": segments.astype(str).to_numpy(dtype=object)})


def _kmeans_labels(kmeans, world):
    x, k = kmeans_input(world)
    return [int(v) for v in np.asarray(kmeans(x.copy(), k)).ravel()]


def _kano_categories(table):
    """Categories of the student's Kano table in feature-name order (judged against the truth)."""
    if not isinstance(table, pd.DataFrame) or not {"feature", "category"} <= set(table.columns):
        return None
    return [str(c) for c in table.sort_values("feature")["category"]]


def _acsi_values(acsi_index, world):
    return [number(acsi_index(list(m), list(w)), name="acsi_index(...)") for m, w in acsi_inputs(world)]


# ---- the graded tasks ---------------------------------------------------------------------------------------
EXACT = "an exact computation: only floating-point rounding may differ"
OWN_DATA = "sums of the same numbers in another order differ by rounding only"

q1 = choice(
    "q1_test", 1, "任务 1 CRM 的含义",
    options={"A": "CRM 是以客户为中心的经营理念：企业把客户当作最重要的资源",
             "B": "CRM 是一套管理机制：营销、销售、服务流程围绕客户重新组织",
             "C": "CRM 是一套技术与软件系统，支撑上面的理念与流程",
             "D": "CRM 就是购买并上线一套 CRM 软件，上线后客户关系自然改善",
             "E": "CRM 要求企业与每一位客户都建立同样紧密的关系",
             "F": "CRM 的核心理论是关系营销：重视客户保持与长期关系，而不只是单次交易"},
    many=True, reason="the lecture's three-layer meaning of CRM (idea, mechanism, technology) and its core theory",
    hints=("CRM 的含义有三个层面：理念、机制、技术。", "软件只是其中一个层面；客户细分说明关系不必一样紧密。"))

q2 = matching(
    "q2_test", 1, "任务 2 关系营销的三个层次",
    items=("积分与满额返现", "会员生日关怀与专属顾问", "为批发客户接入在线订货与库存系统", "老客户专享价"),
    options={"A": "一级：财务层次 financial bonds", "B": "二级：社交层次 social bonds",
             "C": "三级：结构层次 structural bonds"},
    reason="Berry & Parasuraman (1991): price incentives, personal ties, structural (system) ties",
    hints=("财务层次靠价格与优惠；社交层次靠人与人的联系；结构层次靠双方系统或流程的连接。",))

q3 = matching(
    "q3_test", 1, "任务 3 客户细分的变量",
    items=("city、province", "birth_year、gender", "对“品质生活”“性价比优先”等生活方式陈述的同意程度",
           "最近一次购买、购买频率与金额 (RFM)", "是否使用优惠券、对促销的反应"),
    options={"A": "地理细分 geographic", "B": "人口统计细分 demographic", "C": "心理细分 psychographic",
             "D": "行为细分 behavioural"},
    reason="the four classic bases of consumer segmentation (Kotler)",
    hints=("问自己：这个变量描述客户在哪里、是谁、怎样想，还是做了什么？",))

q4 = Task(
    "q4_test", 3, "任务 4 rfm_scores, rfm",
    rules={"rfm_sample": Frame(EXACT, key=("customer_id",), columns=tuple(RFM_COLUMNS[1:]), rtol=1e-9),
           "rfm": Frame(OWN_DATA, key=("customer_id",), columns=tuple(RFM_COLUMNS[1:]), rtol=1e-6)},
    produce=lambda world, rfm_scores, rfm: {
        "rfm_sample": _columns(rfm_scores(*rfm_input(world)), RFM_COLUMNS), "rfm": _columns(rfm, RFM_COLUMNS)},
    formative=lambda world, rfm_scores, rfm: check_rfm(rfm_scores, rfm, world),
    mistakes=(RFM_R_ASCENDING, RFM_TIES_BY_ROW, RFM_WITH_DUTY),
    hints=("先筛有效订单，按 customer_id 汇总出 recency_days、frequency、monetary，再分别打分。",
           "打分前先按 customer_id 排序，再 rank(method='first')；R 要 ascending=False（天数越少越好）。",
           "pd.qcut(rank, 5, labels=[1, 2, 3, 4, 5]).astype(int)；rfm 是三个分数拼成的字符串，如 '512'。"))

q5 = Task(
    "q5_test", 3, "任务 5 kmeans, segments",
    rules={"kmeans_sample": SamePartition("Lloyd's algorithm from the stated start is deterministic"),
           "segments": Agreement("the lecture's algorithm on the student's own rfm; a float tie may move a point"),
           "segments_truth": StageNotPersona(
               "graded against the truth (final relationship stage and latent persona). The reference clustering "
               "passes on >= 99.5 % of 200 seeds (reference.py); raw, unlogged RFM falls far below the mark")},
    produce=lambda world, kmeans, segments: {
        "kmeans_sample": _kmeans_labels(kmeans, world), "segments": _segments(segments),
        "segments_truth": _segments(segments)},
    formative=lambda world, kmeans, segments: check_kmeans(kmeans, segments, world),
    mistakes=(KMEANS_ONE_STEP, KMEANS_NO_LOG),
    hints=("初始中心：按行和排序后第 floor((j + 0.5)·n/k) 行；然后反复“分配—更新”，直到分配不再变化。",
           "特征是 log1p(recency_days)、log1p(frequency)、log1p(monetary)，每列减均值除以标准差。",
           "segments = pd.Series(kmeans(Z, 4), index=rfm['customer_id'])。"))

SATISFACTION_OPTIONS = {
    "A": "商品质量很好，所以他一定满意",
    "B": "满意取决于感知表现与期望的比较：送达晚于广告的承诺，这一项低于期望，会拉低他的满意",
    "C": "满意只取决于价格，与期望无关",
    "D": "期望越高，满意度一定越高"}
q6 = choice(
    "q6_test", 1, "任务 6 满意的概念", options=SATISFACTION_OPTIONS,
    reason="expectancy-disconfirmation (Oliver 1980; Kotler): satisfaction compares perceived performance with "
           "expectation",
    hints=("满意 = 感知表现与期望的比较：哪一项低于他的期望？",))

q7 = Task(
    "q7_test", 3, "任务 7 kano_category, kano_summary",
    rules={"cells": Equal("the evaluation table is exact"),
           "kano": Frame(EXACT, key=("feature",), columns=tuple(KANO_COLUMNS[1:]), rtol=1e-9),
           "categories": Equal("graded against the truth (truth.kano_features): the modal category of the student's "
                               "own answers recovers every feature's true category on >= 99.5 % of 200 seeds")},
    produce=lambda world, kano_category, kano_summary: {
        "cells": [str(kano_category(f, d)) for f, d in kano_pairs()],
        "kano": _columns(kano_summary(world.kano_answers), KANO_COLUMNS),
        "categories": _kano_categories(kano_summary(world.kano_answers))},
    formative=lambda world, kano_category, kano_summary: check_kano(kano_category, kano_summary, world),
    mistakes=(KANO_TRANSPOSED, KANO_BETTER_ALL),
    hints=("行是正向问题 functional 的回答，列是反向问题 dysfunctional 的回答。",
           "Better、Worse 的分母是 A + O + M + I，不含 R 与 Q。",
           "并列时按 M、O、A、I、R、Q 的顺序取第一个。"))

q8 = Task(
    "q8_test", 2, "任务 8 servqual_gaps",
    rules={"sample": Frame(EXACT, key=("dimension",), columns=tuple(SERVQUAL_COLUMNS[1:]), rtol=1e-9),
           "servqual": Frame(OWN_DATA, key=("dimension",), columns=tuple(SERVQUAL_COLUMNS[1:]), rtol=1e-9)},
    produce=lambda world, servqual_gaps, servqual: {
        "sample": _columns(servqual_gaps(*servqual_input(world)), SERVQUAL_COLUMNS),
        "servqual": _columns(servqual, SERVQUAL_COLUMNS)},
    formative=lambda world, servqual_gaps, servqual: check_servqual(servqual_gaps, servqual),
    mistakes=(SERVQUAL_REVERSED, SERVQUAL_UNSCALED),
    hints=("只用已回答的关系调查 type == 'relationship'；每个维度先对题项取平均。",
           "gap = perception − expectation；weighted_gap = points / 100 × gap。"))

q9 = Task(
    "q9_test", 2, "任务 9 acsi_index, acsi_by_shop",
    rules={"acsi_values": Close(EXACT, rtol=1e-9),
           "acsi_by_shop": Frame(OWN_DATA, key=("shop_id",), columns=("n", "acsi"), rtol=1e-9)},
    produce=lambda world, acsi_index, acsi_by_shop: {
        "acsi_values": _acsi_values(acsi_index, world), "acsi_by_shop": _columns(acsi_by_shop, ACSI_COLUMNS)},
    formative=lambda world, acsi_index, acsi_by_shop: check_acsi(acsi_index, acsi_by_shop, world),
    mistakes=(ACSI_NO_RESCALE, ACSI_UNNORMALISED),
    hints=("先求加权平均分（权重之和不一定是 1，要除以权重之和），它在 1–10 之间。",
           "把 1–10 线性映射到 0–100：1 → 0，10 → 100。"))

TASKS = tasks_of(q1, q2, q3, q4, q5, q6, q7, q8, q9)
hint = hints_for(TASKS)
