"""Notebook 04 (loyalty, CLV, lifecycle): the graded tasks, declared once, with their formative checks.

Every formative check runs the student's function on the lecture's worked examples (``loyalty_examples``) or
tests the internal consistency of an answer on the student's own data, so it does not depend on the data. The
graded calls run the student's functions on inputs derived from their own tables (``loyalty_inputs``). Two tasks
are graded against the simulator's hidden truth on the grader's side: the two lifetime proxies must bracket the
true restricted mean lifetime (q7), and the CLV forecast must rank customers by their true future margin clearly
better than their past margin does (q9). Nothing here knows an expected answer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import (
    Mistake,
    Task,
    fail,
    hints_for,
    loyalty_examples as ex,
    matching,
    number,
    passed,
    plain_columns as _frame,
    require_columns,
    tasks_of,
)
from .loyalty_inputs import clv_inputs, km_inputs, nps_inputs, stage_inputs
from .loyalty_rules import Brackets, RanksBetter
from .rules import Close, Equal, Frame

NPS_COLUMNS = ["shop_id", "n", "promoters", "detractors", "nps"]
DB_COLUMNS = ["customer_id", "attitude_score", "recent_orders", "loyalty_type"]
DB_TYPES = ("true", "latent", "spurious", "none")
STAGES = ("exploration", "formation", "stability", "decline")
KM_COLUMNS = ["time", "at_risk", "events", "survival"]
STAGE_COLUMNS = ["stage", "months", "avg_revenue"]

NPS_FRACTION = Mistake("fraction", "NPS 以百分点表示：(推荐者占比 − 贬损者占比) × 100，取值 −100…100，不是 −1…1。")
NPS_SEVEN = Mistake("seven", "7 分和 8 分是被动者 passive，只有 0–6 分是贬损者 detractor。")
NPS_EIGHT = Mistake("eight", "只有 9、10 分是推荐者 promoter；8 分是被动者。")
DB_AFTER = Mistake("after", "只数回答问卷**之前** 365 天内的有效订单（order_ts < responded_ts）：回答之后的订单"
                            "还没有发生，不能用来解释当时的态度与行为。")
DB_ALL_ANSWERS = Mistake("all_answers", "每位客户只用**最近一次**已回答的 relationship 问卷（K6 答过两次）。")
DB_STRICT = Mistake("strict", "态度 attitude_score ≥ 5 算“高”：5 分（比竞争者略好）也算高。")
STAGE_RAW = Mistake("raw", "阶段看的是 3 个月滚动收入 R（本月与之前两个月之和），不是单月收入。")
STAGE_LAST_PEAK = Mistake("last_peak", "峰值月取 R 最大值**第一次**出现的月份（np.argmax 的做法）。")
KM_IGNORE_CENSOR = Mistake("ignore_censor", "删失 censored（event = 0）的客户不是流失：它们只减少之后的风险集，"
                                            "不产生一次“死亡”。")
KM_AT_RISK_AFTER = Mistake("at_risk_after", "时刻 t 的风险集 n_i 是 duration ≥ t 的人数（含 t 时刻流失与删失的人）。")
KM_RMST_LINEAR = Mistake("rmst_linear", "RMST 是阶梯函数 Ŝ(t) 下的面积：在两个事件时刻之间 Ŝ 保持不变，"
                                        "不要用梯形公式连接。")
CLV_FROM_ZERO = Mistake("from_zero", "本讲约定毛利在每期**期末**到账：求和从 t = 1 开始，第一期也要乘 r/(1+d)。")
CLV_NO_R = Mistake("no_r", "无限期的公式分子里还有 r：Σ_{t≥1} m·q^t = m·q/(1−q)，q = r/(1+d)，化简后看看分子。")
CLV_NEGATIVE = Mistake("negative", "predict 的结果有负数或缺失：预测的是未来毛利，每位客户一个非负的有限数。")


def _float_list(values) -> list[float] | None:
    try:
        return [float(x) for x in values]
    except (TypeError, ValueError):
        return None




def _counts(counts) -> dict | None:
    try:
        return {str(k): int(v) for k, v in dict(counts).items()}
    except (TypeError, ValueError):
        return None


# ---- formative checks -----------------------------------------------------------------------------------------
def check_nps(nps) -> None:
    """Task 1: NPS in points from the worked example and the 9 / 7 / 6 boundaries."""
    got = number(nps(list(ex.NPS_SCORES)), name="nps(...)")
    if np.isclose(got, ex.NPS_WANT / 100):
        NPS_FRACTION.fail()
    small = number(nps(list(ex.NPS_SMALL[0])), name="nps(...)")
    if np.isclose(small, 0.0):
        NPS_SEVEN.fail("[9, 7, 6, 10, 8] 应得 20：")
    if np.isclose(small, 40.0):
        NPS_EIGHT.fail("[9, 7, 6, 10, 8] 应得 20：")
    if not (np.isclose(got, ex.NPS_WANT) and np.isclose(small, ex.NPS_SMALL[1])):
        fail(f"讲义例题：200 份答卷中 90 位推荐者、40 位贬损者，NPS 应为 25.0，你的是 {got:g}。")
    passed("任务 1 nps")


def check_nps_table(nps_table, shops) -> None:
    require_columns(nps_table, NPS_COLUMNS, name="nps_table")
    if not set(nps_table["shop_id"].astype(str)) <= set(shops["shop_id"].astype(str)):
        fail("nps_table 的 shop_id 应来自 world.shops。")
    if (nps_table["promoters"] + nps_table["detractors"] > nps_table["n"]).any():
        fail("promoters + detractors 不能超过 n（n 是该店的答卷数）。")
    want = 100 * (nps_table["promoters"] - nps_table["detractors"]) / nps_table["n"]
    if not np.allclose(nps_table["nps"].to_numpy(dtype=float), want.to_numpy(dtype=float)):
        fail("nps 列应等于 100 × (promoters − detractors) / n。")
    passed("任务 1 nps_table")


def _db_fixture():
    surveys = pd.DataFrame(ex.DB_SURVEYS, columns=["customer_id", "type", "responded_ts", "attitude_score"])
    surveys["responded_ts"] = pd.to_datetime(surveys["responded_ts"])
    surveys["attitude_score"] = surveys["attitude_score"].astype("Int64")
    orders = pd.DataFrame(ex.DB_ORDERS, columns=["customer_id", "order_ts", "status"])
    orders["order_ts"] = pd.to_datetime(orders["order_ts"])
    return surveys, orders


def check_loyalty_types(loyalty_types) -> None:
    """Task 2: latest answer, the 365-day window before it, valid orders only, attitude >= 5 high."""
    table = loyalty_types(*_db_fixture())
    require_columns(table, DB_COLUMNS, name="loyalty_types 的结果")
    got = {str(r.customer_id): (int(r.attitude_score), int(r.recent_orders), str(r.loyalty_type))
           for r in table.itertuples()}
    if got == ex.DB_WANT:
        passed("任务 2 loyalty_types")
        return
    if got.get("K4", (0, 0))[1] == 2:
        DB_AFTER.fail("K4 在回答问卷的那一刻之后才下第二单：")
    if got.get("K6", (0,))[0] == 7 or len(table) > len(ex.DB_WANT):
        DB_ALL_ANSWERS.fail()
    if got.get("K2", (0, 0, ""))[2] == "none":
        DB_STRICT.fail("K2 的态度是 5 分：")
    fail(f"讲义例题应得 {ex.DB_WANT}（customer_id → (attitude_score, recent_orders, loyalty_type)），你的是 {got}。"
         "检查：有效订单只含 delivered / shipped；窗口 [responded_ts − 365 天, responded_ts)；"
         "recent_orders ≥ 2 为重复购买高。")


def check_loyalty(loyalty, loyalty_counts) -> None:
    require_columns(loyalty, DB_COLUMNS, name="loyalty")
    if loyalty["customer_id"].duplicated().any():
        DB_ALL_ANSWERS.fail()
    if not set(loyalty["loyalty_type"].astype(str)) <= set(DB_TYPES):
        fail(f"loyalty_type 只能是 {DB_TYPES}。")
    counts = _counts(loyalty_counts)
    if counts is None or counts != {t: int((loyalty["loyalty_type"] == t).sum()) for t in DB_TYPES}:
        fail(f"loyalty_counts 应是字典，键为 {DB_TYPES}，值是 loyalty 中各类的人数。")
    passed("任务 2 loyalty / loyalty_counts")


def check_lifecycle_stages(lifecycle_stages) -> None:
    """Task 5: the course rule on the worked example, a tied peak and a series shorter than three months."""
    for values, want, note in ((ex.STAGE_VALUES, ex.STAGE_WANT, "讲义例题"),
                               (ex.STAGE_TIE[0], ex.STAGE_TIE[1], "并列峰值"),
                               (ex.STAGE_SHORT[0], ex.STAGE_SHORT[1], "不足 3 个月")):
        got = [str(s) for s in lifecycle_stages(list(values))]
        if got == want:
            continue
        if values == ex.STAGE_VALUES and got[3:6] == ["formation", "formation", "stability"]:
            STAGE_RAW.fail()
        if values == ex.STAGE_TIE[0] and got[6:8] == ["formation", "formation"]:
            STAGE_LAST_PEAK.fail()
        fail(f"{note} {list(values)} 应得 {want}，你的是 {got}。")
    passed("任务 5 lifecycle_stages")


def check_stage_tables(stage_counts, stage_revenue) -> None:
    counts = _counts(stage_counts)
    if counts is None or set(counts) != set(STAGES):
        fail(f"stage_counts 应是字典，键为 {STAGES}（每位有有效订单的客户按 2025 年 12 月的阶段计一次）。")
    require_columns(stage_revenue, STAGE_COLUMNS, name="stage_revenue")
    if list(stage_revenue["stage"].astype(str)) != list(STAGES):
        fail(f"stage_revenue 应按 {list(STAGES)} 的顺序每个阶段一行。")
    passed("任务 5 stage_counts / stage_revenue")


def check_kaplan_meier(kaplan_meier, rmst) -> None:
    """Task 6: the worked example by hand, its risk sets at the tied time and the area under the steps."""
    table = kaplan_meier(list(ex.KM_DURATIONS), list(ex.KM_EVENTS))
    require_columns(table, KM_COLUMNS, name="kaplan_meier 的结果")
    table = table.reset_index(drop=True)
    if len(table) and int(table["at_risk"].iloc[0]) == 9:
        KM_AT_RISK_AFTER.fail("t = 2 时风险集应为 10：")
    if len(table) == 9 or (len(table) and float(table["survival"].iloc[-1]) < 0.1):
        KM_IGNORE_CENSOR.fail()
    for col, want in ex.KM_WANT.items():
        if len(table) != len(want) or not np.allclose(table[col].to_numpy(dtype=float), want):
            fail(f"讲义例题的 {col} 应为 {np.round(want, 4).tolist()}，你的是 "
                 f"{np.round(table[col].to_numpy(dtype=float), 4).tolist()}。")
    area = number(rmst(table, ex.KM_RMST_TAU), name="rmst(...)")
    if not np.isclose(area, ex.KM_RMST_WANT):
        if area < ex.KM_RMST_WANT - 0.1:
            KM_RMST_LINEAR.fail(f"RMST(τ = 12) 应为 7.614，你的是 {area:.3f}：")
        fail(f"RMST(τ = 12) 应为 7.614，你的是 {area:.3f}：从 0 到 τ 把每段 Ŝ × 段长相加，Ŝ(0) = 1。")
    passed("任务 6 kaplan_meier / rmst")


def check_clv(clv) -> None:
    """Task 8: the worked example, finite and infinite horizon."""
    inf = number(clv(*ex.CLV_ARGS), name="clv(100, 0.8, 0.10)")
    if np.isclose(inf, 100 * 1.1 / 0.3):
        CLV_FROM_ZERO.fail("无限期应为 266.67，你的是 366.67：")
    if np.isclose(inf, 100 / 0.3):
        CLV_NO_R.fail("无限期应为 266.67，你的是 333.33：")
    if not np.isclose(inf, ex.CLV_INFINITE):
        fail(f"clv(100, 0.8, 0.10) 应为 266.67，你的是 {inf:.2f}。")
    five = number(clv(*ex.CLV_ARGS, horizon=5), name="clv(..., horizon=5)")
    if np.isclose(five, sum(100 * 0.8**t / 1.1**t for t in range(5))):
        CLV_FROM_ZERO.fail("5 期应为 212.41：")
    if not np.isclose(five, ex.CLV_T5):
        fail(f"clv(100, 0.8, 0.10, horizon=5) 应为 212.41，你的是 {five:.2f}。")
    passed("任务 8 clv")


def check_clv_pred(clv_pred, n_buyers: int) -> None:
    if not isinstance(clv_pred, pd.Series):
        fail(f"clv_pred 应是以 customer_id 为索引的 pandas Series（got {type(clv_pred).__name__}）。")
    values = pd.to_numeric(clv_pred, errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(values).all() or (values < 0).any():
        CLV_NEGATIVE.fail()
    if len(clv_pred) != n_buyers or clv_pred.index.has_duplicates:
        fail(f"clv_pred 应为每位有有效订单的客户一行，共 {n_buyers} 行；你的有 {len(clv_pred)} 行。")
    passed("任务 9 clv_pred（只检查形式；评分端会与模拟器保存的真实值比较）")


# ---- the graded tasks -----------------------------------------------------------------------------------------
EXACT = "an exact computation: only floating-point rounding may differ"
OWN_DATA = "sums of the same numbers in another order differ by rounding only"


def _series_frame(s) -> pd.DataFrame | None:
    if not isinstance(s, pd.Series):
        return None
    return pd.DataFrame({"customer_id": s.index.astype(str).to_numpy(dtype=object),
                         "clv": pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)})


q1 = Task(
    "q1_test", 2, "任务 1 nps, nps_table",
    rules={"nps_samples": Close(EXACT), "nps_table": Frame(EXACT, key=("shop_id",), columns=tuple(NPS_COLUMNS[1:]))},
    produce=lambda world, nps, nps_table: {
        "nps_samples": _float_list(nps(s) for s in nps_inputs(world)), "nps_table": _frame(nps_table, NPS_COLUMNS)},
    formative=lambda world, nps, nps_table: (check_nps(nps), check_nps_table(nps_table, world.shops)),
    mistakes=(NPS_FRACTION, NPS_SEVEN, NPS_EIGHT),
    hints=("NPS = 100 × (推荐者人数 − 贬损者人数) / 答卷数；推荐者 9–10 分，贬损者 0–6 分。",
           "问卷表：surveys[(type == 'relationship') & nps 不缺失]，按 responded_ts 排序后每位客户保留最后一行"
           "（drop_duplicates('customer_id', keep='last')），再 groupby('shop_id')。"))

q2 = Task(
    "q2_test", 3, "任务 2 loyalty_types, loyalty, loyalty_counts",
    rules={"loyalty": Frame(EXACT + "; types are labels", key=("customer_id",), columns=tuple(DB_COLUMNS[1:])),
           "loyalty_counts": Equal("counts of labels are exact")},
    produce=lambda world, loyalty_types, loyalty, loyalty_counts: {
        "loyalty": _frame(loyalty_types(world.surveys, world.orders), DB_COLUMNS),
        "loyalty_counts": _counts(loyalty_counts)},
    formative=lambda world, loyalty_types, loyalty, loyalty_counts: (
        check_loyalty_types(loyalty_types), check_loyalty(loyalty, loyalty_counts)),
    mistakes=(DB_AFTER, DB_ALL_ANSWERS, DB_STRICT),
    hints=("先得到每位客户最近一次已回答的 relationship 问卷（customer_id, responded_ts, attitude_score），"
           "再与有效订单 merge，数出 order_ts 落在 [responded_ts − 365 天, responded_ts) 的订单。",
           "没有窗口内订单的客户 recent_orders = 0：merge 用 how='left'，或用 reindex(..., fill_value=0)。",
           "类型：态度高且重复高 'true'，只有态度高 'latent'，只有重复高 'spurious'，都不高 'none'。"))

q3 = matching(
    "q3_test", 1, "任务 3 忠诚度的测量标准",
    items=("重复购买次数", "挑选时间", "价格敏感度", "对竞争产品的态度", "对质量事故的承受力"),
    options={"A": "两次购买之间的间隔天数（再购周期）", "B": "客户有 ≥ 2 笔有效订单的比例（重复购买率）",
             "C": "有过投诉的客户此后再次购买的比例", "D": "使用了折扣的订单占比", "E": "问卷中相对竞争者的态度得分",
             "F": "客户的注册渠道"},
    reason="a fixed key, the same for every student",
    hints=("每条标准都问“客户的哪种行为或态度说明他忠诚”，再找能度量这种行为的数据列。",
           "质量事故 ↔ 投诉（tickets）；挑选时间 ↔ 决定再次购买要多久。"))

q4 = matching(
    "q4_test", 1, "任务 4 生命周期四阶段的含义",
    items=("考察期", "形成期", "稳定期", "退化期"),
    options={"A": "交易量和利润最高，价格敏感度最低，还带来推荐等间接收益",
             "B": "双方相互试探，交易量小，利润主要来自价差",
             "C": "交易量快速增长，双方开始建立信任与依赖", "D": "交易量回落，一方或双方开始考虑结束关系",
             "E": "企业还在寻找潜在客户，没有任何交易"},
    reason="a fixed key, the same for every student",
    hints=("按 陈明亮 的描述，交易额在考察期、形成期、稳定期依次增加，退化期回落。",))

q5 = Task(
    "q5_test", 3, "任务 5 lifecycle_stages, stage_counts, stage_revenue",
    rules={"stage_samples": Equal("labels of an exact rule"), "stage_counts": Equal("counts of labels are exact"),
           "stage_revenue": Frame(OWN_DATA, key=("stage",), columns=tuple(STAGE_COLUMNS[1:]), rtol=1e-6)},
    produce=lambda world, lifecycle_stages, stage_counts, stage_revenue: {
        "stage_samples": [[str(s) for s in lifecycle_stages(v)] for v in stage_inputs(world)],
        "stage_counts": _counts(stage_counts), "stage_revenue": _frame(stage_revenue, STAGE_COLUMNS)},
    formative=lambda world, lifecycle_stages, stage_counts, stage_revenue: (
        check_lifecycle_stages(lifecycle_stages), check_stage_tables(stage_counts, stage_revenue)),
    mistakes=(STAGE_RAW, STAGE_LAST_PEAK),
    hints=("R = np.convolve(values, np.ones(3))[:len(values)] 就是“本月与前两个月之和”。",
           "peak = int(np.argmax(R))，cut = 0.8 * R[peak]；按 月份 < 3 → 考察期、R ≥ cut → 稳定期、"
           "月份 < peak → 形成期、其余 → 退化期 的顺序判断。",
           "每位客户的序列从首次有效订单的月份排到 2025-12，没有订单的月份收入为 0（reindex 补 0）。"))

q6 = Task(
    "q6_test", 3, "任务 6 kaplan_meier, rmst, km_last",
    rules={"km_sample_a": Close(EXACT), "km_sample_b": Close(EXACT), "rmst_sample": Close(EXACT),
           "km_last": Frame(EXACT, key=("time",), columns=tuple(KM_COLUMNS[1:]), rtol=1e-9),
           "rmst_last": Close(OWN_DATA, rtol=1e-9)},
    produce=lambda world, kaplan_meier, rmst, km_last, rmst_last: {
        **{f"km_sample_{k}": _float_list(kaplan_meier(d, e)["survival"])
           for k, (d, e) in zip("ab", km_inputs(world), strict=True)},
        "rmst_sample": float(rmst(kaplan_meier(*km_inputs(world)[0]), 60)),
        "km_last": _frame(km_last, KM_COLUMNS), "rmst_last": float(rmst_last)},
    formative=lambda world, kaplan_meier, rmst, km_last, rmst_last: check_kaplan_meier(kaplan_meier, rmst),
    mistakes=(KM_IGNORE_CENSOR, KM_AT_RISK_AFTER, KM_RMST_LINEAR),
    hints=("对每个有流失的时刻 t（升序）：n = (durations >= t).sum()，d = ((durations == t) & (events == 1)).sum()，"
           "Ŝ 连乘 (1 − d/n)。",
           "RMST：时刻 0, t_1, …, t_k, τ 把 [0, τ] 分段，每段面积 = 段长 × 段起点的 Ŝ（Ŝ(0) = 1），只取 t ≤ τ。"))

q7 = Task(
    "q7_test", 2, "任务 7 两个代理寿命夹住真实寿命",
    rules={"rmst_pair": Close(OWN_DATA, rtol=1e-9),
           "brackets_truth": Brackets(
               "graded against the hidden truth (churn_ts): RMST(365 days) of the true lifetimes from the first valid "
               "order must lie strictly between the two proxies; on seeds 100..114 the lower proxy is 24-31 days "
               "below the truth and the upper one 63-68 days above (reference.py; measured.json keeps the 200-seed "
               "study), so the bracket holds for a correct computation and fails when a proxy is built wrong")},
    produce=lambda world, rmst_last, rmst_noticed: {"rmst_pair": [float(rmst_last), float(rmst_noticed)],
                                                     "brackets_truth": [float(rmst_last), float(rmst_noticed)]},
    formative=lambda world, rmst_last, rmst_noticed: (
        passed("任务 7 rmst_noticed") if float(rmst_last) < float(rmst_noticed) <= 365
        else fail("rmst_noticed 应大于 rmst_last 且不超过 τ = 365：“被发现”的日期比最后一单晚 180 天。")),
    hints=("rmst_noticed 只改流失客户的寿命：(最后一单日期 + 180 天) − 首单日期；删失客户用 2026-01-01 − 首单日期。",
           "两个代理都用你在任务 6 写的 kaplan_meier 与 rmst(…, 365)。"))

q8 = Task(
    "q8_test", 2, "任务 8 clv",
    rules={"clv_cases": Close(EXACT, rtol=1e-9)},
    produce=lambda world, clv: {"clv_cases": _float_list(clv(m, r, d, horizon=t) for m, r, d, t in clv_inputs(world))},
    formative=lambda world, clv: check_clv(clv),
    mistakes=(CLV_FROM_ZERO, CLV_NO_R),
    hints=("有限期：直接按定义求和 Σ_{t=1}^{T} m·r^t/(1+d)^t。",
           "无限期：令 q = r/(1+d) < 1，等比级数 Σ_{t≥1} q^t = q/(1−q)；再把 m·q/(1−q) 化简。"))

q9 = Task(
    "q9_test", 3, "任务 9 predict_clv, clv_pred",
    rules={"clv_rank": RanksBetter(
        "graded against the hidden truth (true_clv in CNY): Spearman rho with the true future margin at least past "
        "margin's rho on the same customers + 0.15, and the forecasts' total 0.25-2 times the true total; on seeds "
        "100..114 the BG/NBD + Gamma-Gamma forecast beats past margin by 0.21-0.26, and its 3-year total is "
        "0.46-0.82 of the true total on seeds 0..39 (reference.py; measured.json keeps the 200-seed study)")},
    produce=lambda world, clv_pred: {"clv_rank": _series_frame(clv_pred)},
    formative=lambda world, clv_pred: check_clv_pred(
        clv_pred, world.orders.loc[world.orders["status"].isin(["delivered", "shipped"]), "customer_id"].nunique()),
    mistakes=(CLV_NEGATIVE,),
    hints=("用 lifetimes：summary_data_from_transaction_data(..., freq='W') 得到 frequency、recency、T、"
           "monetary_value，"
           "BetaGeoFitter 拟合购买次数，GammaGammaFitter（只用 frequency > 0 的客户）拟合每单毛利。",
           "第 y 年的期望购买次数 = E[N(52y)] − E[N(52(y−1))]（conditional_expected_number_of_purchases_up_to_time），"
           "乘每单期望毛利（conditional_expected_average_profit），再除以 1.1^y。"))

TASKS = tasks_of(q1, q2, q3, q4, q5, q6, q7, q8, q9)
hint = hints_for(TASKS)
