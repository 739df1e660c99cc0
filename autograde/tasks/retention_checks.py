"""Notebook 05's formative checks and the mistakes they diagnose (the tasks are declared in
:mod:`autograde.tasks.retention`). Each check runs the student's functions on the lecture's worked examples
(:mod:`autograde.tasks.retention_examples`); a failure says what is wrong and where to look.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import Mistake, fail, number, passed, require_columns, retention_examples as ex

MIN_GROUP = 10                           # task 5: a campaign counts when both groups have at least this many
REASONS = ("core_failure", "inconvenience", "response_to_failure", "unspecified", "silent")
KPI_COLUMNS = ["shop_id", "complaints", "per_1000_orders", "fcr", "unresolved_share", "median_hours"]
RECOVERY_COLUMNS = ["kind", "group", "n", "came_back"]
PARETO_COLUMNS = ["reason", "n", "share", "cum_share"]

COHORT_CANCELLED = Mistake("cancelled_counted", "取消的订单 cancelled 不算购买：只数 status ≠ 'cancelled' 的订单。")
COHORT_BUYERS = Mistake("buyers_denominator", "分母是该月**注册的全部客户**（同期群人数），不是当月下过单的客户。")
CRR_NO_NEW = Mistake("new_not_removed", "CRR = (E − N) / S：期末客户 E 里要先减去新客户 N（例题应为 0.85）。")
STOP_KEEPS_COST = Mistake("stop_keeps_cost", "停止邮寄的状态不再花邮寄成本、也不再有购买：这些状态的 V 为 0"
                                             "（把 P 的那几行和 R 的那几项都设为 0）。")
RECENCY_CANCELLED = Mistake("cancelled_counted", "取消的订单不算购买；客户 D 在 2025 年第 1 季度的订单被取消了。")
KPI_ENQUIRIES = Mistake("enquiries_counted", "只统计投诉 kind == 'complaint'，咨询 enquiry 不是投诉。")
KPI_FROM_RESPONSE = Mistake("from_first_response", "解决时长从**投诉打开** opened_ts 算起，到 resolved_ts，"
                                                  "不是从首次响应算起。")
KPI_MEAN = Mistake("mean_hours", "题目要的是中位数 median（解决时长右偏，少数工单拖得很久），不是平均数。")
RECOVERY_ALL = Mistake("all_complaints", "只分析 2025-07-05（期末前 180 天）之前打开的投诉："
                                         "之后的投诉还看不满 180 天。")
GAP_NAIVE = Mistake("naive", "adjusted_gap 要**先在每类店铺内**比较（已解决 − 未解决），再按各类投诉数加权平均；"
                             "你算的是不分层的总差距。")
REASON_FIRST = Mistake("first_complaint", "看客户**最近一次**（opened_ts 最大）的投诉，不是第一次。")
REASON_UNRESOLVED = Mistake("unresolved_ignored", "没有解决的投诉（resolved_ts 为空）一律记为 response_to_failure"
                                                  "（对服务失误的反应），不论类别。")
REASON_ENQUIRIES = Mistake("enquiries_as_complaints", "咨询 enquiry 不是投诉：只用 kind == 'complaint' 的工单。")
UPLIFT_POOLED = Mistake("pooled", "按活动分层 stratify：先在每个活动内算 p_t − p_c，再按活动人数加权；"
                                  "把活动混在一起算会受辛普森悖论 Simpson's paradox 影响（例题应为 0.05）。")
UPLIFT_FIXED_Z = Mistake("fixed_z", "z 值要随 level 变：z = norm.ppf(1 − (1 − level) / 2)，level=0.999 时约 3.29。")
UPLIFT_SMALL = Mistake("small_groups_kept", f"任一组少于 {MIN_GROUP} 人的活动要排除在外。")


def _frame(data: dict, dates=("signup_date", "order_ts", "opened_ts")) -> pd.DataFrame:
    df = pd.DataFrame(data)
    for col in dates:
        if col in df:
            df[col] = pd.to_datetime(df[col], format="ISO8601").astype("datetime64[s]")
    return df


def _hours(opened: pd.Series, hours: list) -> pd.Series:
    return opened + pd.to_timedelta(pd.Series(hours, dtype=float), unit="h")


# ---- formative checks ---------------------------------------------------------------------------------------
def check_cohort(cohort_retention, retention_rate) -> None:
    """Task 2: the cohort matrix on six customers, and CRR on the lecture's example."""
    got = cohort_retention(_frame(ex.COHORT_CUSTOMERS), _frame(ex.COHORT_ORDERS))
    if not isinstance(got, pd.DataFrame):
        fail(f"cohort_retention 应返回 DataFrame（got {type(got).__name__}）。")
    got = got.rename(index=str)
    if list(got.index[:2]) != ["2024-01", "2024-02"] or not {0, 1, 2} <= set(got.columns):
        fail("行索引应是注册月份字符串 '2024-01'、'2024-02'，列是 0, 1, 2, … 个月。"
             f"你的行 {list(got.index[:3])}，列 {list(got.columns[:4])}。")
    feb = [float(got.loc["2024-02", k]) for k in (0, 1, 2)]
    jan = [float(got.loc["2024-01", k]) for k in (0, 1, 2)]
    if np.isclose(feb[1], 1 / 3):
        COHORT_CANCELLED.fail("2 月同期群第 1 个月应为 0：")
    if np.isclose(jan[0], 1.0):
        COHORT_BUYERS.fail("1 月同期群第 0 个月应为 2/3：")
    for name, row in (("2024-01", jan), ("2024-02", feb)):
        if not np.allclose(row, ex.COHORT_WANT[name]):
            fail(f"例题同期群 {name} 第 0–2 个月应为 {np.round(ex.COHORT_WANT[name], 4).tolist()}，"
                 f"你的是 {np.round(row, 4).tolist()}。")
    crr = number(retention_rate(ex.CRR_EXAMPLE["S"], ex.CRR_EXAMPLE["N"], ex.CRR_EXAMPLE["E"]), name="CRR")
    if np.isclose(crr, 1.05):
        CRR_NO_NEW.fail()
    if not np.isclose(crr, ex.CRR_EXAMPLE["want"]):
        fail(f"retention_rate(S=1000, N=200, E=1050) 应为 0.85，你的是 {crr:g}。")
    passed("任务 2 cohort_retention / retention_rate")


def check_markov(recency_probs, markov_clv, mailing_values) -> None:
    """Task 3: recency probabilities on four customers; V on the Pfeifer–Carraway example; stop policies."""
    probs = recency_probs(_frame(ex.RECENCY_ORDERS))
    got = np.asarray(pd.Series(probs).reindex([1, 2, 3, 4]).to_numpy(dtype=float))
    if np.isclose(got[0], 3 / 7):
        RECENCY_CANCELLED.fail()
    if not np.allclose(got, ex.RECENCY_WANT, equal_nan=False):
        fail(f"例题的 recency_probs 应为 {{1: 1/3, 2: 0, 3: 0, 4: 1/5}}，你的是 {np.round(got, 4).tolist()}"
             "（索引是状态 1–4；看本单元上方的逐季推演）。")
    p = np.array(ex.MARKOV_P)
    v = np.asarray(markov_clv(_transition(p), ex.MARKOV_MARGIN * p - ex.MARKOV_COST, ex.MARKOV_D), dtype=float)
    if v.shape != (4,) or not np.allclose(v, ex.MARKOV_V, atol=1e-3):
        fail(f"讲义例题 markov_clv 应为 {ex.MARKOV_V}，你的是 {np.round(v, 4).tolist()}。")
    args = (p, ex.MARKOV_MARGIN, ex.MARKOV_COST, ex.MARKOV_D)
    stop4 = np.asarray(mailing_values(*args, 4), dtype=float)
    if stop4.shape == (4,) and stop4[3] < -1e-9:
        STOP_KEEPS_COST.fail(f"从状态 4 停止邮寄时 V 应为 {ex.MARKOV_V_STOP4}：")
    for stop, want in ((4, ex.MARKOV_V_STOP4), (3, ex.MARKOV_V_STOP3), (5, ex.MARKOV_V)):
        got_v = np.asarray(mailing_values(*args, stop), dtype=float)
        if got_v.shape != (4,) or not np.allclose(got_v, want, atol=1e-3):
            fail(f"mailing_values(..., stop_from={stop}) 应为 {want}，你的是 {np.round(got_v, 4).tolist()}。")
    passed("任务 3 recency_probs / markov_clv / mailing_values")


def _transition(p) -> np.ndarray:
    """Pfeifer & Carraway's recency chain: buy → state 1, else one state older (state 4 stays)."""
    P = np.zeros((4, 4))
    for i in range(4):
        P[i, 0] += p[i]
        P[i, min(i + 1, 3)] += 1 - p[i]
    return P


def _kpi_inputs():
    t = _frame(ex.KPI_TICKETS)
    t["first_response_ts"] = _hours(t["opened_ts"], ex.KPI_TICKETS["first_response"])
    t["resolved_ts"] = _hours(t["opened_ts"], ex.KPI_TICKETS["resolved"])
    rows = [(s, "delivered") for s, n in ex.KPI_ORDER_COUNTS.items() for _ in range(n)]
    rows += [(s, "cancelled") for s in ex.KPI_ORDER_COUNTS for _ in range(10)]
    return t.drop(columns=["first_response", "resolved"]), pd.DataFrame(rows, columns=["shop_id", "status"])


def check_kpis(complaint_kpis) -> None:
    """Task 7: complaint KPIs of two shops."""
    table = complaint_kpis(*_kpi_inputs())
    require_columns(table, KPI_COLUMNS, name="complaint_kpis 的结果")
    got = table.set_index("shop_id")
    if int(got.loc["S1", "complaints"]) == 5:
        KPI_ENQUIRIES.fail()
    if np.isclose(float(got.loc["S1", "median_hours"]), 0.0):
        KPI_FROM_RESPONSE.fail()
    if np.isclose(float(got.loc["S1", "median_hours"]), 23 / 6):
        KPI_MEAN.fail()
    for shop, want in ex.KPI_WANT.items():
        for col, value in want.items():
            if not np.isclose(float(got.loc[shop, col]), value):
                fail(f"例题店铺 {shop} 的 {col} 应为 {value:g}，你的是 {float(got.loc[shop, col]):g}。")
    passed("任务 7 complaint_kpis")


def _recovery_inputs():
    t = _frame(ex.RECOVERY_TICKETS)
    t["resolved_ts"] = _hours(t["opened_ts"], ex.RECOVERY_TICKETS["resolved_hours"])
    return t.drop(columns=["resolved_hours"]), _frame(ex.RECOVERY_ORDERS), pd.DataFrame(ex.RECOVERY_SHOPS)


def check_recovery(recovery_table, gaps) -> None:
    """Task 8: the recovery table on six complaints, and the naive and adjusted gaps."""
    table = recovery_table(*_recovery_inputs())
    require_columns(table, RECOVERY_COLUMNS, name="recovery_table 的结果")
    got = {(k, g): (int(n), float(c)) for k, g, n, c in table[RECOVERY_COLUMNS].itertuples(index=False)}
    if sum(n for n, _ in got.values()) == 6:
        RECOVERY_ALL.fail()
    if got != ex.RECOVERY_WANT:
        fail(f"例题应为 {ex.RECOVERY_WANT}（(kind, group): (n, came_back)），你的是 {got}。")
    naive, adjusted = (number(x, name="gap") for x in gaps(table))
    if np.isclose(adjusted, ex.RECOVERY_GAPS[0]):
        GAP_NAIVE.fail()
    if not np.allclose([naive, adjusted], ex.RECOVERY_GAPS):
        fail(f"例题的 (naive_gap, adjusted_gap) 应为 (0.1667, 0.3)，你的是 ({naive:.4f}, {adjusted:.4f})。")
    passed("任务 8 recovery_table / gaps")


def _reason_inputs():
    t = _frame(ex.REASON_TICKETS)
    t["resolved_ts"] = t["opened_ts"].where(pd.Series(ex.REASON_TICKETS["resolved"]))
    s = pd.DataFrame(ex.REASON_SURVEYS).astype({"csat": "Int64", "nps": "Int64"})
    return _frame(ex.REASON_ORDERS), t.drop(columns=["resolved"]), s


def check_reasons(keaveney, lapsed_reasons, reason_pareto) -> None:
    """Task 9: the mapping, the lapsed customers' reasons and their Pareto on the worked example."""
    if not isinstance(keaveney, dict) or set(keaveney) != set(ex.KEAVENEY_KEY):
        fail(f"KEAVENEY 应是字典，键恰好是 8 个投诉类别 {sorted(ex.KEAVENEY_KEY)}。")
    bad = sorted({v for v in keaveney.values() if v not in REASONS[:3]})
    if bad:
        fail(f"KEAVENEY 的值只能是 {REASONS[:3]}，你有 {bad}。")
    reasons = lapsed_reasons(*_reason_inputs(), ex.KEAVENEY_KEY)
    require_columns(reasons, ["customer_id", "reason"], name="lapsed_reasons 的结果")
    got = dict(zip(reasons["customer_id"], reasons["reason"], strict=True))
    if got.get("L5") not in (None, "silent") or any(pd.isna(v) for v in got.values()):
        REASON_ENQUIRIES.fail()
    if got.get("L1") == "core_failure":
        REASON_FIRST.fail("L1 最近一次投诉是 delivery_delay：")
    if got.get("L3") == "core_failure":
        REASON_UNRESOLVED.fail("L3 的投诉没有解决：")
    if got != ex.REASON_WANT:
        fail(f"例题应为 {ex.REASON_WANT}，你的是 {got}（只看最后一次购买早于 2025-07-05 的客户）。")
    table = reason_pareto(pd.DataFrame({"customer_id": list(ex.REASON_WANT), "reason": list(ex.REASON_WANT.values())}))
    require_columns(table, PARETO_COLUMNS, name="reason_pareto 的结果")
    rows = [(r, int(n), round(float(s), 6), round(float(c), 6))
            for r, n, s, c in table[PARETO_COLUMNS].itertuples(index=False)]
    if rows != ex.REASON_PARETO:
        fail(f"例题的帕累托表应为 {ex.REASON_PARETO}，你的是 {rows}（不含 silent；n 降序，并列按 reason 升序）。")
    passed("任务 9 KEAVENEY / lapsed_reasons / reason_pareto（评分端还会用模拟器保存的真实流失原因检验）")


def uplift_contacts(spec: dict) -> pd.DataFrame:
    """A contacts table [campaign_id, group, converted] from ``{campaign: {group: (customers, converted)}}``."""
    rows = [(c, g, i < k) for c, groups in spec.items() for g, (n, k) in groups.items() for i in range(n)]
    return pd.DataFrame(rows, columns=["campaign_id", "group", "converted"])


def check_uplift(uplift_ci) -> None:
    """Task 5: the lecture's example, a Simpson pair, the level, and the small-campaign rule."""
    one = [number(x, name="uplift_ci") for x in uplift_ci(uplift_contacts({"K": ex.UPLIFT_ONE}), 0.95)]
    if not np.allclose(one, ex.UPLIFT_ONE_WANT, atol=1e-5):
        fail(f"讲义例题（0.82 对 0.78，各 2000 人）应为 (0.04, 0.015208, 0.064792)，你的是 {np.round(one, 6).tolist()}"
             "（方差用本活动两组合并的转化率 p̄：p̄(1 − p̄)(1/n_t + 1/n_c)）。")
    two = uplift_contacts(ex.UPLIFT_TWO)
    if not np.isclose(float(uplift_ci(two, 0.95)[0]), ex.UPLIFT_TWO_WANT):
        UPLIFT_POOLED.fail()
    wide = [float(x) for x in uplift_ci(uplift_contacts({"K": ex.UPLIFT_ONE}), 0.999)]
    if np.isclose(wide[2] - wide[1], one[2] - one[1]):
        UPLIFT_FIXED_Z.fail()
    tiny = uplift_contacts({**ex.UPLIFT_TWO, "K3": {"treatment": (5, 5), "control": (9, 0)}})
    if not np.isclose(float(uplift_ci(tiny, 0.95)[0]), ex.UPLIFT_TWO_WANT):
        UPLIFT_SMALL.fail()
    passed("任务 5 uplift_ci（评分端还会用模拟器保存的真实效果检验）")
