"""Notebook 10 (analytical CRM; big data and AI): the graded tasks, declared once.

The formative checks and the mistakes they diagnose live in :mod:`autograde.tasks.analytical_checks`, the
constants and the inputs derived from a student's data in :mod:`autograde.tasks.analytical_inputs`. Two tasks
are graded against the simulator's truth, with pass marks relative to a reference on the same student's data
(rules :class:`AucAtLeast` and :class:`ListWorth`): a fixed AUC fails a correct model on some worlds and passes
a poor one on others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import Task, choice, hints_for, matching, plain_columns, tasks_of
from .analytical_checks import (
    BUDGET_IGNORED,
    CANCELLED_BASKETS,
    CLV_NO_FX,
    CLV_REVENUE,
    CONFIDENCE_BY_CONSEQUENT,
    DECILE_ASCENDING,
    DECILE_TIES,
    DUTY_IN_MONETARY,
    ENQUIRIES,
    FUTURE_ORDERS,
    INVERTED_SCORES,
    MAJORITY,
    REPORT_COLUMNS,
    REPORT_SWAPPED,
    RISK_ONLY,
    STRICT_THRESHOLD,
    check_churn,
    check_deciles,
    check_routing,
    check_rules,
    check_targeting,
    check_threshold,
)
from .analytical_inputs import (
    ACCEPT,
    CHURN_CUTOFF,
    CONTACT,
    FEATURES,
    HORIZON,
    INCENTIVE,
    MAX_CONTACTS,
    MIN_SUPPORT,
    baskets_of,
    decile_inputs,
    one_shop,
    routing_predictions,
    routing_split,
    snapshot,
    synthetic_scores,
)
from .probes_router import ROUTER_PROBE, model_artefact, with_texts
from .rules import Close, Equal, Frame, Observed, Rule

EXACT = "an exact computation on the student's own data: only floating-point rounding may differ"
AUC_MARGIN = 0.03   # task 4: the student's AUC may be this far below the reference model's (measured.json)
LIST_SHARE = 0.80   # task 7: the list must be worth this share of the reference list's value (measured.json)
FEATURES_AT = pd.Timestamp("2025-01-01")  # task 4: the features are also computed here, on the full tables
RULE_COLUMNS = ["antecedent", "consequent", "support", "confidence", "lift"]
DECILE_COLUMNS = ["decile", "n", "churners", "rate", "lift", "cum_gain"]


def auc(y, score) -> float:
    """Area under the ROC curve (Mann–Whitney, ties counted one half); NaN without both classes."""
    from scipy.stats import rankdata

    y = np.asarray(y, dtype=bool)
    ranks = rankdata(np.asarray(score, dtype=float))
    n1, n0 = int(y.sum()), int((~y).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _table(df, columns, index_name=None):
    """The student's table as plain columns; an index named like a wanted column becomes that column."""
    if not isinstance(df, pd.DataFrame):
        return None
    if index_name and index_name not in df.columns:
        df = df.rename_axis(index_name).reset_index()
    return plain_columns(df.reset_index(drop=True), columns)


def _floats(values):
    try:
        return [float(x) for x in np.asarray(values, dtype=float).ravel()]
    except (TypeError, ValueError):
        return None


def _scores_record(scores):
    if not isinstance(scores, pd.Series):
        return None
    return {"ids": [str(i) for i in scores.index], "scores": _floats(scores.to_numpy())}


@dataclass(frozen=True)
class AucAtLeast(Rule):
    """Task 4 against the truth: one score per customer of the population, whose AUC against the truth's labels
    reaches ``want["pass"]`` (the reference model's AUC on the same data less the margin).
    ``want = {"ids": population, "labels": 0/1 per id, "pass": float}``."""

    def judge(self, actual, want) -> str | None:
        if not isinstance(actual, dict) or actual.get("scores") is None:
            return "类型不对 wrong type: churn_scores should return a pandas Series indexed by customer_id"
        ids = [str(i) for i in actual["ids"]]
        if len(set(ids)) != len(ids) or set(ids) != {str(i) for i in want["ids"]}:
            return "客户不对 one score for every customer who bought before the cutoff, and no one else"
        scores = pd.Series(actual["scores"], index=ids, dtype=float).reindex([str(i) for i in want["ids"]])
        if not np.isfinite(scores.to_numpy()).all():
            return "分数不是有限数 some scores are NaN or infinite"
        if auc(want["labels"], scores.to_numpy()) < float(want["pass"]):
            return "AUC 低于及格线 below the pass mark (the reference model's AUC on your data less the margin)"
        return None


@dataclass(frozen=True)
class ListWorth(Rule):
    """Task 7 against the truth: at most ``want["max"]`` distinct customers whose expected profit, valued with
    the reference's churn probabilities and the TRUE CLV, reaches ``want["pass"]``.
    ``want = {"ids", "p", "clv": per id, "pass": float, "max": int}``."""

    def judge(self, actual, want) -> str | None:
        if not isinstance(actual, list):
            return "类型不对 wrong type: target_list should return a list of customer_ids"
        ids = [str(i) for i in actual]
        if len(set(ids)) != len(ids) or len(ids) > int(want["max"]):
            return "名单不对 the list repeats a customer or is longer than the call centre can call"
        p = pd.Series(want["p"], index=[str(i) for i in want["ids"]], dtype=float)
        clv = pd.Series(want["clv"], index=p.index, dtype=float)
        if not set(ids) <= set(p.index):
            return "名单里有不认识的客户 the list names customers who never bought"
        value = (p[ids] * ACCEPT * (clv[ids] - INCENTIVE) - CONTACT).sum()
        if value < float(want["pass"]):
            return "名单的真实价值太低 the list is worth too little when valued with the true CLV"
        return None


q1 = choice(
    "q1_test", 1, "任务 1 分析型 CRM 的概念与功能", many=True,
    options={"A": "从大量交易数据中挖掘规律，为经营决策提供可量化的依据",
             "B": "把电话、邮件、网上交流接入统一的交互中心，提高客户的参与程度",
             "C": "预测哪些客户可能流失，并估算挽留他们值不值得",
             "D": "记录销售人员的日程与商机，使销售过程规范化、流程化",
             "E": "建立数据仓库，按客户、产品、时间等维度做多维分析与报表"},
    reason="the key is the lesson plan's definition of analytical CRM (seed 003); a multiple choice is right or wrong",
    hints=("分析型 CRM 又称“后台”CRM：它的原料是数据，产出是规律、预测与决策依据。",
           "B 属于哪一类 CRM？D 呢？"))
q2 = matching(
    "q2_test", 1, "任务 2 运营型、分析型与协作型 CRM",
    items=("销售人员的日程、商机与报价管理", "营销活动的策划、执行与效果评估", "在数据仓库中挖掘交易数据，预测客户流失",
           "购物篮分析，寻找交叉销售的商品组合", "把电话、邮件、在线聊天、社交媒体接入统一的交互中心",
           "客户在自助门户上提交与跟踪服务请求", "供应商与渠道伙伴在线共享客户需求与库存信息"),
    options={"A": "运营型 operational", "B": "分析型 analytical", "C": "协作型 collaborative"},
    reason="one class per function, as defined in the notebook (seed 003)", hints=(
        "运营型 = 前台业务流程自动化；分析型 = 后台数据分析；协作型 = 多渠道互动、与客户和伙伴协同。",
        "自助门户和伙伴共享信息，强调的是“谁和谁一起参与”，不是流程自动化。"))


def _q3(world, rule_metrics, category_rules) -> dict:
    baskets = baskets_of(world.orders, world.order_items)
    common = pd.Series([c for b in baskets for c in b]).value_counts().index[:3].tolist()
    a, b, c = common
    pairs = (({a}, {b}), ({b}, {a}), ({a, b}, {c}), ({c}, {a}))
    rules = category_rules(world.orders, world.order_items, MIN_SUPPORT)
    top = rules.head(5) if isinstance(rules, pd.DataFrame) else None
    return {"metrics": [_floats([rule_metrics(baskets, x, y)[k] for k in ("support", "confidence", "lift")])
                        for x, y in pairs],
            "rules": _table(rules, RULE_COLUMNS),
            "rules_shop": _table(category_rules(*one_shop(world), 2 * MIN_SUPPORT), RULE_COLUMNS),
            "top": None if top is None else [f"{r.antecedent}->{r.consequent}" for r in top.itertuples()]}


q3 = Task(
    "q3_test", 3, "任务 3 rule_metrics 与 category_rules",
    rules={"metrics": Close(EXACT, rtol=1e-9),
           "rules": Frame(EXACT, key=("antecedent", "consequent"), columns=tuple(RULE_COLUMNS[2:]), rtol=1e-9),
           "rules_shop": Frame(EXACT + " (one shop, min support 0.01)", key=("antecedent", "consequent"),
                               columns=tuple(RULE_COLUMNS[2:]), rtol=1e-9),
           "top": Equal("the order of the first five rules: lift descending, ties by antecedent then consequent")},
    produce=_q3,
    formative=lambda world, rule_metrics, category_rules: check_rules(rule_metrics, category_rules),
    mistakes=(CONFIDENCE_BY_CONSEQUENT, CANCELLED_BASKETS),
    hints=("支持度 = 同时含 A 和 B 的购物篮占比；置信度 = 支持度(A∪B) ÷ 支持度(A)；提升度 = 置信度 ÷ 支持度(B)。",
           "购物篮 = 一张未取消订单里出现的品类集合；pd.crosstab(order_id, category) > 0 就是 0/1 矩阵。",
           "规则只取单个品类 ⇒ 单个品类、A ≠ B、支持度 ≥ min_support，按 lift 降序，并列按 antecedent、consequent 升序"
           "。"))


def _q4(world, churn_features, churn_scores) -> dict:
    snap = snapshot(world, HORIZON)  # the end of the data: no later record exists anywhere to leak from
    return {"features": _table(churn_features(world.orders, world.tickets, world.surveys, FEATURES_AT),
                               ["customer_id", *FEATURES], index_name="customer_id"),
            "truth": _scores_record(churn_scores(snap["orders"], snap["tickets"], snap["surveys"], HORIZON))}


q4 = Task(
    "q4_test", 4, "任务 4 churn_features 与 churn_scores（与真实值比较）",
    rules={"features": Frame(EXACT + " (features at 2025-01-01 from the full tables)", key=("customer_id",),
                             columns=tuple(FEATURES), rtol=1e-9),
           "truth": AucAtLeast(
               "graded against the hidden truth: AUC of the scores at 2026-01-01, the end of the data (so no later "
               "record can leak into them), for 'truly no longer a customer on that day', at least the reference "
               "model's AUC on the same data less AUC_MARGIN; the recovery study sets the margin")},
    produce=_q4,
    formative=lambda world, churn_features, churn_scores: check_churn(churn_features, churn_scores),
    mistakes=(DUTY_IN_MONETARY, ENQUIRIES, FUTURE_ORDERS, INVERTED_SCORES),
    hints=("每个特征都只能用截止日 cutoff 之前的记录：订单 order_ts < cutoff，投诉 opened_ts < cutoff，调查 responded_"
           "ts < cutoff。",
           "训练：在 cutoff − 180 天算特征，标签 = 此后 180 天内没有购买（代理）；再用同一个模型给 cutoff 时的特征打分"
           "。",
           "predict_proba(X)[:, 1] 是标签为 1（流失）的概率；返回以 customer_id 为索引的 Series。"))


def _q5(world, decile_table) -> dict:
    y, p, _ = synthetic_scores(world)
    return {"proxy": _table(decile_table(*decile_inputs(world)), DECILE_COLUMNS),
            "synthetic": _table(decile_table(y, p), DECILE_COLUMNS)}


q5 = Task(
    "q5_test", 3, "任务 5 decile_table",
    rules={"proxy": Frame(EXACT + " (recency as the score, the proxy label)", key=("decile",),
                          columns=tuple(DECILE_COLUMNS[1:]), rtol=1e-9),
           "synthetic": Frame(EXACT + " (scores with ties)", key=("decile",), columns=tuple(DECILE_COLUMNS[1:]),
                              rtol=1e-9)},
    produce=_q5,
    formative=lambda world, decile_table: check_deciles(decile_table),
    mistakes=(DECILE_ASCENDING, DECILE_TIES),
    hints=("按分数从高到低排序（并列保持原来的顺序：kind='stable'），第 i 位（从 0 数）属于第 i × 10 // n + 1 个十分位"
           "。",
           "lift = 该十分位的流失率 ÷ 全体流失率；cum_gain = 到该十分位为止的流失者 ÷ 全部流失者。"))


def _q6(world, expected_profit, best_threshold) -> dict:
    _, p, clv = synthetic_scores(world)
    args = (ACCEPT, INCENTIVE, CONTACT)
    return {"profit": _floats([expected_profit(p, clv, t, *args) for t in (0.2, float(p[7]), 0.5)]),
            "uniform": _floats(best_threshold(p, 300.0, *args)),
            "individual": _floats(best_threshold(p, clv, *args)),
            "budget": _floats(best_threshold(p, clv, *args, max_contacts=60))}


q6 = Task(
    "q6_test", 3, "任务 6 expected_profit 与 best_threshold",
    rules={name: Close(EXACT + " (scores and CLVs drawn from the size of the student's data)", rtol=1e-9)
           for name in ("profit", "uniform", "individual", "budget")},
    produce=_q6,
    formative=lambda world, expected_profit, best_threshold: check_threshold(expected_profit, best_threshold),
    mistakes=(STRICT_THRESHOLD, BUDGET_IGNORED),
    hints=("联系 p ≥ τ 的每位客户，每位的期望利润是 p·a·(CLV − δ) − c；对这些客户求和。",
           "候选阈值就是各个不同的 p 值：从高到低逐个试，记下利润最大的那个（并列取较高的阈值，联系较少的人）。",
           "有 max_contacts 时，只能选联系人数 ≤ max_contacts 的阈值；一个也不划算时返回 (inf, 0.0)。"))


def _q7(world, churn_scores, clv_estimate, target_list) -> dict:
    _, p, clv = synthetic_scores(world)
    ids = [f"X{i:04d}" for i in range(len(p))]
    snap = snapshot(world, HORIZON)
    scores = churn_scores(snap["orders"], snap["tickets"], snap["surveys"], HORIZON)
    estimate = clv_estimate(world.orders, world.order_items, HORIZON)
    picked = target_list(scores, estimate, ACCEPT, INCENTIVE, CONTACT, MAX_CONTACTS)
    return {"clv": _table(estimate.rename("clv").to_frame() if isinstance(estimate, pd.Series) else None,
                          ["customer_id", "clv"], index_name="customer_id"),
            "clv_mid": _table(clv_estimate(world.orders, world.order_items, CHURN_CUTOFF).rename("clv").to_frame(),
                              ["customer_id", "clv"], index_name="customer_id"),
            "synthetic": [str(i) for i in target_list(pd.Series(p, index=ids), pd.Series(clv, index=ids), ACCEPT,
                                                      INCENTIVE, CONTACT, 50)],
            "truth": [str(i) for i in picked]}


q7 = Task(
    "q7_test", 4, "任务 7 clv_estimate 与 target_list（与真实 CLV 比较）",
    rules={"clv": Frame(EXACT, key=("customer_id",), columns=("clv",), rtol=1e-9),
           "clv_mid": Frame(EXACT + " (as of 2025-07-01)", key=("customer_id",), columns=("clv",), rtol=1e-9),
           "synthetic": Equal("the list is a decision: the same customers in the same order"),
           "truth": ListWorth(
               "graded against the hidden truth: the student's call list valued with the TRUE CLV (and the "
               "reference's churn probabilities) must be worth LIST_SHARE of the reference list's value; the "
               "recovery study sets the share")},
    produce=_q7,
    formative=lambda world, churn_scores, clv_estimate, target_list: check_targeting(clv_estimate, target_list),
    mistakes=(CLV_REVENUE, CLV_NO_FX, RISK_ONLY),
    hints=("毛利 = Σ (line_total − unit_cost × quantity) − 订单折扣 discount，只算 delivered / shipped 的订单，再乘 fx"
           "_rate_to_cny。",
           "按每位客户的期望利润 p·a·(CLV − δ) − c 从高到低排序（并列按 customer_id 升序），只要期望利润 > 0 的，最多 "
           "max_contacts 位。"))

@dataclass(frozen=True)
class RouterAccuracy(Observed):
    """Task 8: the student's fitted router, run by the grader in a sandbox without the student's data, predicts
    fresh tickets it has never seen (``want["texts"]``, categories ``want["true"]``) right at least as often as
    the grader's reference router trained on the same split, less ``margin``."""

    margin: float = 0.05

    def artefact(self, recorded, want):
        return with_texts(recorded, want["texts"])

    def judge(self, actual, want) -> str | None:
        if actual is None:
            return ("无法观察到路由器 the grader could not run your router: fit_router must return a fitted "
                    "scikit-learn model that can be pickled")
        truth = np.asarray(want["true"], dtype=object)
        pred = np.asarray(actual, dtype=object)
        if pred.shape != truth.shape:
            return "长度不对 one predicted category per ticket is expected"
        if (pred == truth).mean() < (np.asarray(want["ref_pred"], dtype=object) == truth).mean() - self.margin:
            return "准确率低于及格线 accuracy on new tickets below the reference router's less the margin"
        return None


def _q8(world, fit_router, routing_report) -> dict:
    train_x, train_y, _, test_y = routing_split(world)
    return {"routing": model_artefact(fit_router(train_x, train_y)),
            "report": _table(routing_report(test_y.to_numpy(), routing_predictions(test_y)), REPORT_COLUMNS)}


q8 = Task(
    "q8_test", 3, "任务 8 fit_router 与 routing_report",
    rules={"routing": RouterAccuracy(
               "graded on tickets nobody has seen: the router trained on the tickets before 2025-07-01 predicts, in "
               "the grader's sandbox, fresh messages of the later tickets' categories and languages (new draws of "
               "the simulator's phrases); its accuracy must reach the reference router's (word TF-IDF + multinomial "
               "naive Bayes, same training) less 0.05: character n-grams, word tokens and other sensible settings "
               "pass, predicting the commonest category or remembering the seen tickets does not",
               probe=ROUTER_PROBE),
           "report": Frame(EXACT + " (a fixed set of predictions)"
                                   "", key=("category",), columns=tuple(REPORT_COLUMNS[1:]),
                           rtol=1e-9)},
    produce=_q8,
    formative=lambda world, fit_router, routing_report: check_routing(fit_router, routing_report),
    mistakes=(REPORT_SWAPPED, MAJORITY),
    hints=("make_pipeline(TfidfVectorizer(...), MultinomialNB()).fit(texts, labels) 就是一个会 predict 的路由器。",
           "中文没有空格：试试 TfidfVectorizer(analyzer='char_wb', ngram_range=(2, 3))，按字符片段切词。",
           "precision = 预测为该类且预测对的 ÷ 预测为该类的；recall = 预测对的 ÷ 真为该类的。"))

TASKS = tasks_of(q1, q2, q3, q4, q5, q6, q7, q8)
hint = hints_for(TASKS)
