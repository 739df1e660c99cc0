"""Notebook 10's formative checks and the mistakes they diagnose (the tasks are declared in
:mod:`autograde.tasks.analytical`). Each check runs the student's functions on the lecture's worked examples
(:mod:`autograde.tasks.analytical_examples`); a failure says what is wrong and where to look.
"""

from __future__ import annotations

import base64

import numpy as np
import pandas as pd

from . import Mistake, analytical_examples as ex, fail, number, passed, require_columns
from .probes_router import model_artefact

CONFIDENCE_BY_CONSEQUENT = Mistake("confidence_by_consequent", "置信度 confidence(A ⇒ B) = 支持度(A∪B) ÷ 支持度(A)："
                                                               "分母是前项 A，不是后项 B（例题 diaper ⇒ beer 应为 0.75"
                                                               "）。")
CANCELLED_BASKETS = Mistake("cancelled_counted", "取消的订单不是购物篮：只用 status ≠ 'cancelled' 的订单（例题的 O6 被"
                                                 "取消了）。")
DUTY_IN_MONETARY = Mistake("duty_in_monetary", "monetary_cny = Σ (items_subtotal − discount) × fx_rate_to_cny："
                                               "不含运费和代收的关税 duty_tax，所以不能用 order_total。")
ENQUIRIES = Mistake("enquiries_counted", "complaints 与 unresolved 只数投诉 kind == 'complaint'；咨询 enquiry 不是投诉"
                                         "。")
FUTURE_ORDERS = Mistake("future_orders", "特征只能用截止日之前的订单（order_ts < cutoff）：之后的订单在截止日还没有发"
                                         "生。")
INVERTED_SCORES = Mistake("inverted_scores", "分数应是“流失”（标签 1）的概率：predict_proba(X)[:, 1]，"
                                             "且训练标签 1 = 此后 180 天内没有购买。")
DECILE_ASCENDING = Mistake("ascending", "第 1 个十分位是分数**最高**的 10 %：按分数从高到低排序。")
DECILE_TIES = Mistake("ties_averaged", "并列的分数按原来的顺序排（稳定排序 kind='stable'），每个十分位正好 n/10 人；"
                                       "例题中三个 0.8 分属第 2、3 个十分位。")
STRICT_THRESHOLD = Mistake("strict_threshold", "阈值 τ 的含义是联系 p ≥ τ 的客户（含等于 τ 的）；例题 τ = 0.5 应联系 6"
                                               " 人。")
BUDGET_IGNORED = Mistake("budget_ignored", "有 max_contacts 时，只能在联系人数不超过它的阈值里选（例题最多 5 人时应为 "
                                           "τ = 0.6）。")
CLV_REVENUE = Mistake("revenue_not_margin", "CLV 用的是毛利：Σ (line_total − unit_cost × quantity) − discount，不是收"
                                            "入。")
CLV_NO_FX = Mistake("no_fx", "跨境店的金额是外币：乘 fx_rate_to_cny 换成人民币（例题 V 的 10 英镑毛利 = 90 元）。")
RISK_ONLY = Mistake("risk_only", "按期望利润 p·a·(CLV − δ) − c 排序，不是只按流失概率 p：最可能流失的客户未必值得挽留"
                                 "。")


def _frame(data: dict, dates=("order_ts", "opened_ts", "resolved_ts", "responded_ts")) -> pd.DataFrame:
    df = pd.DataFrame(data)
    for col in dates:
        if col in df:
            df[col] = pd.to_datetime(df[col], format="ISO8601").astype("datetime64[s]")
    return df


def check_rules(rule_metrics, category_rules) -> None:
    """Task 3: diaper ⇒ beer on the five baskets; all rules of the six orders (one cancelled) at support 0.4."""
    got = rule_metrics([set(b) for b in ex.BASKETS], {"diaper"}, {"beer"})
    if not isinstance(got, dict) or set(got) != set(ex.RULE_WANT):
        fail("rule_metrics 应返回字典 {'support': …, 'confidence': …, 'lift': …}。")
    vals = {k: number(got[k], name=k) for k in got}
    if np.isclose(vals["confidence"], 1.0):
        CONFIDENCE_BY_CONSEQUENT.fail()
    for k, want in ex.RULE_WANT.items():
        if not np.isclose(vals[k], want):
            fail(f"例题 diaper ⇒ beer 的 {k} 应为 {want}，你的是 {vals[k]:g}。")
    table = category_rules(_frame(ex.RULE_ORDERS), _frame(ex.RULE_ITEMS), 0.4)
    require_columns(table, ["antecedent", "consequent", "support", "confidence", "lift"], name="category_rules 的结果")
    db = table[(table["antecedent"] == "diaper") & (table["consequent"] == "beer")]
    if len(db) == 1 and np.isclose(float(db["support"].iloc[0]), 4 / 6):
        CANCELLED_BASKETS.fail()
    if len(table) != ex.RULES_N:
        fail(f"例题在 min_support = 0.4 时应有 {ex.RULES_N} 条规则（每个有序品类对 A ≠ B），你的有 {len(table)} 条。")
    top = list(zip(table["antecedent"].head(2), table["consequent"].head(2), strict=True))
    if top != ex.RULES_TOP:
        fail(f"排序：lift 降序、并列按 antecedent 再按 consequent 升序；例题前两条应为 {ex.RULES_TOP}，你的是 {top}。")
    passed("任务 3 rule_metrics / category_rules")


def _churn_inputs():
    t = _frame(ex.CHURN_TICKETS)
    return _frame(ex.CHURN_ORDERS), t, _frame(ex.CHURN_SURVEYS).astype({"csat": "Int64", "nps": "Int64"})


def _lapsing_world(n: int = 120):
    """Half the customers buy every month up to the cutoff, half stopped a year before it: scores must rank the
    second half higher."""
    rows = []
    for i in range(n):
        months = pd.date_range("2024-01-15", "2025-06-15", freq="MS") if i % 2 == 0 else \
            pd.date_range("2024-01-15", "2024-06-15", freq="MS")
        step = 1 + i % 3
        rows += [(f"C{i:03d}", ts + pd.Timedelta(days=14), 50.0 + i) for ts in months[::step]]
    orders = pd.DataFrame(rows, columns=["customer_id", "order_ts", "items_subtotal"]).assign(
        status="delivered", discount=0.0, shipping_fee=0.0, duty_tax=0.0, fx_rate_to_cny=1.0)
    orders["order_ts"] = orders["order_ts"].astype("datetime64[s]")
    orders["order_total"] = orders["items_subtotal"]
    tickets = _frame({"ticket_id": [], "customer_id": [], "kind": [], "opened_ts": [], "resolved_ts": []})
    surveys = _frame({"customer_id": [], "responded_ts": [], "csat": [], "nps": []})
    return orders, tickets, surveys.astype({"csat": "Int64", "nps": "Int64"})


def check_churn(churn_features, churn_scores) -> None:
    """Task 4: the seven features of three customers at 2025-03-01; scores that rank lapsed customers higher."""
    from .analytical_inputs import FEATURES

    orders, tickets, surveys = _churn_inputs()
    orders["order_total"] = orders["items_subtotal"] - orders["discount"] + orders["shipping_fee"] + orders["duty_tax"]
    got = churn_features(orders, tickets, surveys, pd.Timestamp(ex.CHURN_CUTOFF))
    require_columns(got, FEATURES, name="churn_features 的结果")
    if sorted(map(str, got.index)) != ["A", "B", "C"]:
        fail(f"churn_features 的行应以 customer_id 为索引、每位在截止日前买过的客户一行（例题 A、B、C），你的索引是 "
             f"{list(got.index)}。")
    got = got.rename(index=str)
    if int(got.loc["A", "frequency"]) == 3:
        FUTURE_ORDERS.fail()
    if not np.isclose(float(got.loc["A", "monetary_cny"]), 290.0) and np.isclose(float(got.loc["A", "monetary_cny"]),
                                                                                   305.0):
        DUTY_IN_MONETARY.fail()
    if int(got.loc["A", "complaints"]) == 2:
        ENQUIRIES.fail()
    for cid, want in ex.FEATURES_WANT.items():
        row = got.loc[cid, FEATURES].to_numpy(dtype=float)
        if not np.allclose(row, want):
            fail(f"例题客户 {cid} 的特征 {FEATURES} 应为 {want}，你的是 {row.round(2).tolist()}（在截止日看，"
                 "截止日之后才解决的投诉还是“未解决”；之后才答的调查还没有答）。")
    scores = churn_scores(*_lapsing_world(), pd.Timestamp("2025-07-01"))
    if not isinstance(scores, pd.Series):
        fail(f"churn_scores 应返回以 customer_id 为索引的 pandas Series（got {type(scores).__name__}）。")
    values = scores.to_numpy(dtype=float)
    if not np.isfinite(values).all() or values.min() < 0 or values.max() > 1:
        fail("churn_scores 的值应是 0–1 之间的流失概率。")
    lapsed = np.array([int(str(i)[1:]) % 2 == 1 for i in scores.index])
    if values[lapsed].mean() <= values[~lapsed].mean():
        INVERTED_SCORES.fail("一年没有购买的客户，流失概率应高于每月都买的客户：")
    passed("任务 4 churn_features / churn_scores")


def check_deciles(decile_table) -> None:
    """Task 5: the decile table of twenty customers."""
    table = decile_table(np.array(ex.DECILE_Y), np.array(ex.DECILE_SCORE))
    require_columns(table, ["decile", "n", "churners", "rate", "lift", "cum_gain"], name="decile_table 的结果")
    t = table.sort_values("decile")
    churners = t["churners"].to_numpy(dtype=float).tolist()
    if sum(churners[-3:]) > sum(churners[:3]):
        DECILE_ASCENDING.fail()
    if t["n"].to_numpy(dtype=float).tolist() != [2.0] * 10:
        DECILE_TIES.fail()
    if not np.allclose(churners, ex.DECILE_CHURNERS):
        fail(f"例题各十分位的流失者应为 {ex.DECILE_CHURNERS}，你的是 {churners}。")
    if not np.allclose(t["lift"].to_numpy(dtype=float)[:2], [0.5 / 0.3, 1.0 / 0.3]):
        fail("lift = 该十分位的流失率 ÷ 全体流失率（例题 0.3）：第 1、2 个十分位应为 1.667、3.333。")
    if not np.allclose(t["cum_gain"].to_numpy(dtype=float), ex.DECILE_CUM_GAIN):
        fail("cum_gain = 到该十分位为止的流失者 ÷ 全部流失者（例题第 2 个十分位为 3/6）。")
    passed("任务 5 decile_table")


def check_threshold(expected_profit, best_threshold) -> None:
    """Task 6: ten customers of CLV 200, with and without a limit of five calls."""
    p, k = np.array(ex.THRESHOLD_P), ex.THRESHOLD_ARGS
    args = (k["a"], k["delta"], k["c"])
    at_half = number(expected_profit(p, k["clv"], 0.5, *args), name="expected_profit")
    if np.isclose(at_half, 122.0):
        STRICT_THRESHOLD.fail()
    if not np.isclose(at_half, ex.PROFIT_AT_HALF):
        fail(f"例题 expected_profit(τ = 0.5) 应为 {ex.PROFIT_AT_HALF}，你的是 {at_half:g}。")
    best = tuple(number(x, name="best_threshold") for x in best_threshold(p, k["clv"], *args))
    if not np.allclose(best, ex.BEST):
        fail(f"例题 best_threshold 应为 {ex.BEST}，你的是 {best}。")
    five = tuple(number(x, name="best_threshold") for x in best_threshold(p, k["clv"], *args, max_contacts=5))
    if np.allclose(five, ex.BEST):
        BUDGET_IGNORED.fail()
    if not np.allclose(five, ex.BEST_FIVE):
        fail(f"例题最多联系 5 人时 best_threshold 应为 {ex.BEST_FIVE}，你的是 {five}。")
    passed("任务 6 expected_profit / best_threshold")


def check_targeting(clv_estimate, target_list) -> None:
    """Task 7: the CLV of three customers; the call list of five."""
    got = clv_estimate(_frame(ex.CLV_ORDERS), pd.DataFrame(ex.CLV_ITEMS), pd.Timestamp(ex.CLV_ASOF))
    if not isinstance(got, pd.Series):
        fail(f"clv_estimate 应返回以 customer_id 为索引的 pandas Series（got {type(got).__name__}）。")
    got = got.rename(index=str)
    if sorted(got.index) != sorted(ex.CLV_WANT):
        fail(f"clv_estimate 应给每位在 asof 之前有未取消订单的客户一个值（例题 U、V、Z），你的索引是 {list(got.index)}"
             f"。")
    if np.isclose(float(got["U"]), 280.0):
        CLV_REVENUE.fail()
    if np.isclose(float(got["V"]), 20.0):
        CLV_NO_FX.fail()
    for cid, want in ex.CLV_WANT.items():
        if not np.isclose(float(got[cid]), want):
            fail(f"例题客户 {cid} 的 CLV 应为 {want}，你的是 {float(got[cid]):g}。")
    picked = list(target_list(pd.Series(ex.TARGET_P, index=ex.TARGET_IDS),
                              pd.Series(ex.TARGET_CLV, index=ex.TARGET_IDS), 0.3, 50.0, 10.0, 3))
    if picked == ["K1", "K2", "K3"]:
        RISK_ONLY.fail()
    if picked != ex.TARGET_WANT:
        fail(f"例题最多联系 3 人时名单应为 {ex.TARGET_WANT}，你的是 {picked}。")
    passed("任务 7 clv_estimate / target_list")


REPORT_COLUMNS = ["category", "n", "precision", "recall"]
REPORT_SWAPPED = Mistake("precision_recall_swapped", "precision 的分母是**预测**为该类的工单数，recall 的分母是**真实**"
                                                     "为该类的工单数（例题 delay 的 precision 2/3、recall 1.0）。")
MAJORITY = Mistake("majority", "路由器要学文本：对每张工单都预测最常见的类别，等于没有模型（例题的两张测试工单应分到不"
                               "同的类）。")


def check_routing(fit_router, routing_report) -> None:
    """Task 8: a router trained on six tickets in two languages; the report of five predictions."""
    model = fit_router(pd.Series(ex.ROUTER_TEXTS), pd.Series(ex.ROUTER_LABELS))
    if not hasattr(model, "predict"):
        fail(f"fit_router 应返回拟合好的模型（有 .predict 方法），got {type(model).__name__}。")
    pickled = model_artefact(model)
    if not pickled or b"__main__" in base64.b64decode(pickled):
        fail("评分端会把你的路由器拿到另一个进程里预测新工单：fit_router 应返回 scikit-learn 的模型（例如 "
             "make_pipeline(...) 拟合后的结果），不要返回在笔记本里自己定义的类或函数。")
    pred = [str(x) for x in model.predict(pd.Series(ex.ROUTER_TEST))]
    if len(set(pred)) == 1:
        MAJORITY.fail()
    if pred != ex.ROUTER_TEST_WANT:
        fail(f"例题的两张测试工单应分到 {ex.ROUTER_TEST_WANT}，你的是 {pred}。")
    table = routing_report(np.array(ex.REPORT_TRUE, dtype=object), np.array(ex.REPORT_PRED, dtype=object))
    require_columns(table, REPORT_COLUMNS, name="routing_report 的结果")
    got = table.set_index("category").rename(index=str)
    if np.isclose(float(got.loc["delay", "precision"]), 1.0):
        REPORT_SWAPPED.fail()
    for cat, want in ex.REPORT_WANT.items():
        row = got.loc[cat, ["n", "precision", "recall"]].to_numpy(dtype=float)
        if not np.allclose(row, want, equal_nan=True):
            fail(f"例题类别 {cat} 的 [n, precision, recall] 应为 {want}，你的是 {row.round(3).tolist()}。")
    passed("任务 8 fit_router / routing_report")
