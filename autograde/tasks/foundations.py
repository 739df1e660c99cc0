"""Notebook 01 (CRM foundations I): the seven graded tasks, declared once, with their formative checks.

Every formative check runs the student's answer on small fixed fixtures (the lecture's worked examples) or
tests its internal consistency, so it does not depend on the student's data; a failure says what is wrong
and where to look. Each :class:`~autograde.tasks.Task` at the end says which answers the grader compares,
how, and why with that tolerance. The expected answers come from the instructor's reference on the grader's
side; nothing here knows them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import Mistake, Task, fail, number, passed, require_columns, tasks_of
from .foundations_examples import (
    AR_CUSTOMERS,
    AR_ORDERS,
    AR_WANT,
    EMAIL_CASES,
    LINK_CUSTOMERS,
    LINK_WANT,
    PARETO_ORDERS,
    PARETO_WANT,
    PHONE_CASES,
    TIE_CUSTOMERS,
    TIE_ORDERS,
)
from .rules import Close, Equal, Frame, SamePartition

PARETO_COLUMNS = ["customer_id", "revenue", "cum_share", "rank_pct"]

AR_CANCELLED = Mistake("cancelled_active", "把取消 cancelled 的订单也算成了活跃 active："
                                           "只数有效订单 valid orders（delivered / shipped）。")
AR_RETURNED = Mistake("returned_active", "把退货 returned 的订单也算成了活跃 active："
                                         "只数有效订单 valid orders（delivered / shipped）。")
AR_BOTH = Mistake("invalid_active", "把取消 cancelled 和退货 returned 的订单都算成了活跃 active："
                                    "只数有效订单 valid orders。")
AR_DECEMBER = Mistake("december_start", "把 12 月也当成了起点月份："
                                        "只有 1–11 月有下一个月可比，分母是 1–11 月的活跃客户数。")
AR_AVERAGED = Mistake("averaged", "对各月保持率取了平均：题目要求合并 pooled——先把分子、分母各自相加再相除。")
AR_WRONG_R = {5 / 8: AR_CANCELLED, 4 / 8: AR_RETURNED, 6 / 9: AR_BOTH, 3 / 9: AR_DECEMBER,
              (1 / 3 + 1 + 0 + 1) / 4: AR_AVERAGED}
CB_ADD_FIRST = Mistake("add_then_retain", "N_1 = 95：你先加了 A 再乘 r。题目的顺序是 N_{t+1} = r·N_t + A"
                                          "（本月新客本月都还在），N_1 应为 100。")
PARETO_INVALID = Mistake("invalid_orders", "取消 cancelled / 退货 returned 的订单被算进了收入：只用 status 为 "
                                            "delivered 或 shipped 的有效订单。")
PARETO_NO_FX = Mistake("no_fx", "收入没有换算成人民币："
                                "revenue = order_total × fx_rate_to_cny（各店币种不同）。")
GINI_DESC = Mistake("descending", "得到 −0.72：公式要求 x 按升序 ascending 排序。")
EMAIL_NO_STRIP = Mistake("no_strip", "e-mail 没有去掉首尾空白：先 .str.strip() 再 .str.lower()。")
LINK_EMPTY = Mistake("empty_links", "两条 e-mail 为空的记录被合并成了同一人："
                                    "空值不是身份，空 e-mail / 空电话不能用来连接。")
LINK_EMAIL_ONLY = Mistake("email_only", "第 2、3 条记录的电话 '+86 139 1111 2222' 与 '13911112222' "
                                         "规范化后相同，应属同一人；"
                                         "第 1 条经由第 2 条（e-mail 相同）也连到第 3 条。"
                                         "先用 normalise_phone 规范化，"
                                         "再求传递闭包 connected components："
                                         "重复“按 e-mail 组、按电话组取最小标签”直到标签不再变化。")





def check_customer_base(customer_base) -> None:
    """Task 1: the leaky bucket N_{t+1} = r N_t + A, returned for months 0..T."""
    path = customer_base(0, 100, 0.95, 12)
    if not isinstance(path, np.ndarray):
        fail(f"customer_base 应返回 numpy 数组 numpy array（got {type(path).__name__}）；用 np.empty / np.array。")
    if path.shape != (13,):
        fail(f"T=12 时应返回长度 T+1 = 13 的数组（第 0 个月到第 12 个月），你的形状 shape 是 {path.shape}。")
    if not np.isclose(path[0], 0):
        fail(f"N_0 应等于传入的 N0（这里是 0），你的是 {path[0]}。")
    if np.isclose(path[1], 95):
        CB_ADD_FIRST.fail()
    if not np.isclose(path[1], 100):
        fail(f"A=100, r=0.95, N0=0 时 N_1 应为 100，你的是 {path[1]:.4g}。")
    if not np.isclose(path[12], 919.2798, atol=0.01):
        fail(f"讲义例题 worked example：N_12 应为 919.28，你的是 {path[12]:.2f}。检查递推公式和循环次数。")
    decay = customer_base(500, 0, 0.9, 3)
    if not np.allclose(decay, [500, 450, 405, 364.5]):
        fail(f"N0=500, A=0, r=0.9, T=3 应得 [500, 450, 405, 364.5]，"
             f"你的是 {np.round(decay, 4).tolist()}：N0 用上了吗？")
    long_run = customer_base(0, 100, 0.95, 400)
    if not np.isclose(long_run[-1], 2000, rtol=1e-6):
        fail(f"长期应趋近稳态 N* = A/(1-r) = 2000，你的 N_400 = {long_run[-1]:.2f}。")
    if not np.allclose(customer_base(0, 10, 1.0, 3), [0, 10, 20, 30]):
        fail("r = 1（不流失）时客户数应线性增长 [0, 10, 20, 30]。")
    passed("任务 1 customer_base")


def _ar_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    customers = pd.DataFrame(AR_CUSTOMERS).astype({"signup_date": "datetime64[s]"})
    orders = pd.DataFrame(AR_ORDERS, columns=["customer_id", "order_ts", "status"]).astype(
        {"order_ts": "datetime64[s]"})
    orders.insert(0, "order_id", [f"O{i:03d}" for i in range(len(orders))])
    return customers, orders


def check_acquisition_retention(acquisition_retention) -> None:
    """Task 2: monthly acquisition A and pooled month-to-month retention r on a hand-built fixture."""
    customers, orders = _ar_frames()
    result = acquisition_retention(customers.copy(), orders.copy(), year=2025)
    if not isinstance(result, tuple) or len(result) != 2:
        fail(f"acquisition_retention 应返回二元组 tuple (A, r)，got {type(result).__name__}。")
    A, r = number(result[0], name="A"), number(result[1], name="r")
    if not np.isclose(A, AR_WANT[0]):
        hint = "是不是除以了 11 或者数了当年下单的客户？" if not np.isclose(A, 4) else "A 是每月平均，别忘了除以 12。"
        fail(f"检查用的小数据（AR_CUSTOMERS）里 2025 年注册了 4 位客户，"
             f"A 应为 4/12 ≈ 0.3333，你的是 {A:.4f}。{hint}")
    if r > 1:
        fail(f"r = {r}：保持率是比例 proportion（0–1），不是百分数。")
    if not np.isclose(r, AR_WANT[1]):
        for wrong, mistake in AR_WRONG_R.items():
            if np.isclose(r, wrong):
                mistake.fail(f"检查用的小数据（crmlab.autograde.tasks.foundations_examples.AR_ORDERS）中 "
                             f"r 应为 3/7 ≈ 0.4286，你的是 {r:.4f}：")
        fail(f"检查用的小数据（crmlab.autograde.tasks.foundations_examples.AR_ORDERS）中 "
             f"r 应为 3/7 ≈ 0.4286，你的是 {r:.4f}。"
             "按月份去重 distinct customers，"
             "只用 year 当年的 1–11 月作起点月，并且合并 pooled 计算。")
    passed("任务 2 acquisition_retention")


def check_steady_state(A, r, N_star) -> None:
    """Task 2 (own data): N* = A/(1-r) from the student's own A and r."""
    A, r, N_star = number(A, name="A"), number(r, name="r"), number(N_star, name="N_star")
    if not 0 < r < 1:
        fail(f"r = {r}：月保持率应在 0 与 1 之间（比例，不是百分数）。")
    if A <= 0:
        fail(f"A = {A}：你的数据里每月都有新客户，A 应为正数。")
    if np.isclose(N_star, A * (1 - r)) or np.isclose(N_star, A / r):
        fail("N_star 的公式不对：稳态 steady state 满足 N* = r·N* + A，所以 N* = A / (1 − r)。")
    if not np.isclose(N_star, A / (1 - r), rtol=1e-9):
        fail(f"N_star 应等于 A / (1 − r) = {A / (1 - r):.2f}，你的是 {N_star:.2f}。")
    passed("任务 2 N_star")


def _pareto_inputs(rows, customer_ids) -> tuple[pd.DataFrame, pd.DataFrame]:
    orders = pd.DataFrame(rows, columns=["customer_id", "order_total", "fx_rate_to_cny", "status"])
    orders.insert(0, "order_id", [f"O{i:03d}" for i in range(len(orders))])
    customers = pd.DataFrame({"customer_id": customer_ids})
    return orders, customers


def _check_pareto_shape(table, n: int) -> None:
    require_columns(table, PARETO_COLUMNS, name="pareto_table 的结果")
    if len(table) != n:
        fail(f"应有 {n} 行（customers 里的每位客户一行，没有有效订单的客户 revenue = 0），你的有 {len(table)} 行。")
    if table["customer_id"].duplicated().any():
        fail("customer_id 有重复：先按客户 groupby 汇总收入。")


def check_pareto_table(pareto_table) -> None:
    """Task 3: revenue in CNY over valid orders, sorted by revenue (ties by customer_id), cum_share, rank_pct."""
    orders, customers = _pareto_inputs(PARETO_ORDERS, [f"K{i:02d}" for i in range(10, 0, -1)])
    table = pareto_table(orders.copy(), customers.copy())
    _check_pareto_shape(table, 10)
    table = table.reset_index(drop=True)
    rev = table["revenue"].to_numpy(dtype=float)
    if np.isclose(rev[0], 1499) or np.isclose(rev[1], 400):
        PARETO_INVALID.fail()
    if np.isclose(sorted(rev)[-1], 190) or np.isclose(rev.max(), 2500):
        PARETO_NO_FX.fail()
    if not np.allclose(rev, PARETO_WANT):
        if np.allclose(np.sort(rev)[::-1], PARETO_WANT):
            fail("行没有按 revenue 从高到低排序 sorted descending。")
        fail(f"例题的收入应为 {PARETO_WANT}（从高到低），你的是 {np.round(rev, 2).tolist()}。")
    if not np.allclose(table["cum_share"], np.cumsum(PARETO_WANT) / 1000):
        fail("cum_share 应是累计收入 / 总收入（第一行 0.5，最后一行 1.0）。")
    if np.allclose(table["rank_pct"], np.arange(10) / 10):
        fail("rank_pct 从 1/n 开始：第 k 行是 k / n（第一行 0.1，最后一行 1.0）。")
    if not np.allclose(table["rank_pct"], np.arange(1, 11) / 10):
        fail("rank_pct 应为 名次 rank / 客户数 n（1/n, 2/n, …, 1）。")
    orders, customers = _pareto_inputs(TIE_ORDERS, TIE_CUSTOMERS)
    tie = pareto_table(orders, customers)
    _check_pareto_shape(tie, 3)
    if list(tie["customer_id"]) != ["C1", "C3", "C2"]:
        fail(f"并列规则 tie rule：收入相同按 customer_id 升序；无订单客户 revenue = 0 排最后。"
             f"例子应为 ['C1', 'C3', 'C2']，你的是 {list(tie['customer_id'])}。")
    passed("任务 3 pareto_table")


def check_top20_share(pareto, top20_share) -> None:
    """Task 3 (own data): top20_share is the cum_share of row floor(0.2 n) of the student's own table."""
    require_columns(pareto, PARETO_COLUMNS, name="pareto")
    share = number(top20_share, name="top20_share")
    if share > 1:
        fail(f"top20_share = {share}：是比例 share（0–1），不是百分数。")
    if not np.isclose(float(pareto["cum_share"].iloc[-1]), 1.0):
        fail("pareto 的最后一行 cum_share 应为 1：表是否按名次排好、是否包含所有客户？")
    k = max(1, math.floor(0.2 * len(pareto)))
    want = float(pareto["cum_share"].iloc[k - 1])
    if not np.isclose(share, want, rtol=1e-9):
        fail(f"top20_share 应是前 k = floor(0.2·n) = {k} 位客户的累计份额，即 pareto 第 {k} 行的 cum_share。")
    if share < 0.2:
        fail("前 20% 客户的收入份额不可能低于 0.2：排序方向是否反了？")
    passed("任务 3 top20_share")


def check_gini(gini) -> None:
    """Task 4: G = 2 Σ i x_(i) / (n Σ x) − (n+1)/n with x sorted ascending."""
    example = [500, 300, 120, 30, 20, 10, 8, 6, 4, 2]
    g = number(gini(np.array(example, dtype=float)), name="gini(...)")
    if np.isclose(g, -0.72):
        GINI_DESC.fail()
    if not np.isclose(g, 0.72):
        fail(f"讲义例题 worked example 的 Gini 应为 0.72，你的是 {g:.4f}。检查排序方向和 i 从 1 开始。")
    shuffled = number(gini(np.array([4, 500, 2, 30, 300, 8, 120, 6, 20, 10], dtype=float)), name="gini(...)")
    if not np.isclose(shuffled, 0.72):
        fail("输入顺序打乱后 Gini 变了：函数内部要先排序。")
    if not np.isclose(number(gini(pd.Series([7.0, 7.0, 7.0, 7.0])), name="gini"), 0.0):
        fail("人人相同时 Gini 应为 0（也要接受 pandas Series 输入）。")
    if not np.isclose(number(gini([0, 0, 0, 10]), name="gini"), 0.75):
        fail("[0, 0, 0, 10] 的 Gini 应为 (n−1)/n = 0.75（也要接受 list 输入）。")
    if not np.isclose(number(gini(np.zeros(3)), name="gini"), 0.0):
        fail("全为 0 时按约定返回 0.0（不要除以 0）。")
    passed("任务 4 gini")


def check_normalise(normalise_email, normalise_phone) -> None:
    """Task 5: e-mail = strip + lower; phone = digits only, last 9 digits, '' if fewer than 9."""
    for fn, cases, name in ((normalise_email, EMAIL_CASES, "normalise_email"),
                            (normalise_phone, PHONE_CASES, "normalise_phone")):
        raw = pd.Series([c[0] for c in cases], index=range(10, 10 + len(cases)))
        out = fn(raw)
        if not isinstance(out, pd.Series):
            fail(f"{name} 应返回 pandas Series（got {type(out).__name__}）。")
        if list(out.index) != list(raw.index):
            fail(f"{name} 的结果要保留输入的索引 index 和顺序。")
        for (given, want), got in zip(cases, out.tolist(), strict=True):
            if name == "normalise_email" and got != want and got.strip() == want:
                EMAIL_NO_STRIP.fail(f"normalise_email({given!r}) 应为 {want!r}，你的是 {got!r}。")
            if got != want:
                fail(f"{name}({given!r}) 应为 {want!r}，你的是 {got!r}。")
    passed("任务 5 normalise_email / normalise_phone")


def check_link_persons(link_persons) -> None:
    """Task 6: connected components of 'same normalised e-mail or same normalised phone'."""
    customers = pd.DataFrame(LINK_CUSTOMERS, index=range(100, 106))
    labels = link_persons(customers.copy())
    if not isinstance(labels, pd.Series) or list(labels.index) != list(customers.index):
        fail("link_persons 应返回与 customers 同索引 index 的 pandas Series（每行一个 person 标签）。")
    got = pd.factorize(labels)[0].tolist()
    if got == LINK_WANT:
        passed("任务 6 link_persons")
        return
    if got[3] == got[4]:
        LINK_EMPTY.fail()
    if got[0] != got[1]:
        fail("' WangFang1@QQ.com' 与 'wangfang1@qq.com' 没有合并：先用 normalise_email 规范化。")
    if got[1] != got[2] or got[0] != got[2]:
        LINK_EMAIL_ONLY.fail()
    if got[0] == got[5]:
        fail("同名不同人 homonym 被合并了：只按 e-mail / 电话连接，不按姓名。")
    fail(f"例子应分成 4 个人 {LINK_WANT}，你的分组是 {got}。")


def check_n_persons(n_records, n_persons) -> None:
    """Task 6 (own data): the person count is an integer between 1 and the number of records, and below it."""
    value = number(n_persons, name="n_persons")
    if value != int(value):
        fail("n_persons 应是整数：不同 person 标签的个数（Series.nunique()）。")
    if not 0 < value <= n_records:
        fail(f"n_persons = {value:.0f}：应在 1 与记录数 {n_records} 之间。")
    if value == n_records:
        fail("n_persons 等于记录数：一个重复也没找到？检查规范化和连接。")
    passed("任务 6 n_persons")


def check_dup_revenue_share(dup_revenue_share) -> None:
    """Task 7 (own data): the duplicate-customer revenue share is a proportion strictly between 0 and 1."""
    share = number(dup_revenue_share, name="dup_revenue_share")
    if share >= 1:
        fail(f"dup_revenue_share = {share}：应是 0 与 1 之间的比例（不是百分数；分母是全部有客户号的有效订单收入）。")
    if share <= 0:
        fail(f"dup_revenue_share = {share}：你的数据里有重复客户，他们的收入份额应大于 0。")
    passed("任务 7 dup_revenue_share")


# ---- the graded tasks ---------------------------------------------------------------------------------------
# Inputs of the graded calls are derived from the student's own observed data (known to the kernel; the
# answers are not). Tolerances for tasks 6 and 7, graded against the hidden truth: reference.measure_tolerances()
# on the default world, seeds 0..19, finds the stated e-mail-or-phone rule exact (relative error 0 on every
# seed); the clear mistakes (e-mail only, no transitivity, no normalisation) miss by >= 1.05 % on the count
# and >= 3.5 % on the share. Half of that: 0.5 % and 2 %.
RTOL_PERSONS = 0.005
RTOL_DUP_SHARE = 0.02
EXACT = "an exact computation: only floating-point rounding may differ"
PARETO_COLUMNS_GRADED = ("revenue", "cum_share", "rank_pct")


def _floats(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _columns(df, columns) -> pd.DataFrame:
    """The named columns the student's table has (missing ones are reported by the grader)."""
    if not isinstance(df, pd.DataFrame):
        return df
    out = pd.DataFrame({c: df[c].to_numpy() for c in columns if c in df.columns})
    if "customer_id" in out:
        out["customer_id"] = out["customer_id"].astype(str)
    return out


def _bucket_args(world) -> tuple:
    """An input path of the leaky bucket from the student's data: N0, A (customers/month), r, T (months)."""
    n = len(world.customers)
    return float(n // 10), round(n / 24, 1), 0.9, 24


q1 = Task(
    "q1_test", 2, "任务 1 customer_base",
    rules={"cb_path": Close(EXACT, rtol=1e-9), "cb_flat": Close(EXACT, rtol=1e-9)},
    produce=lambda world, customer_base: {"cb_path": _floats(customer_base(*_bucket_args(world))),
                                          "cb_flat": _floats(customer_base(0, 10, 1.0, 3))},
    formative=lambda world, customer_base: check_customer_base(customer_base),
    mistakes=(CB_ADD_FIRST,))

q2 = Task(
    "q2_test", 3, "任务 2 acquisition_retention, N_star",
    rules={"A_2024": Close(EXACT), "r_2024": Close(EXACT), "A": Close(EXACT), "r": Close(EXACT),
           "N_star": Close(EXACT)},
    produce=lambda world, acquisition_retention, A, r, N_star: {
        **dict(zip(("A_2024", "r_2024"), map(float, acquisition_retention(world.customers, world.orders, year=2024)),
                   strict=False)),
        "A": float(A), "r": float(r), "N_star": float(N_star)},
    formative=lambda world, acquisition_retention, A, r, N_star: (
        check_acquisition_retention(acquisition_retention), check_steady_state(A, r, N_star)),
    mistakes=(AR_CANCELLED, AR_RETURNED, AR_DECEMBER, AR_AVERAGED))

q3 = Task(
    "q3_test", 3, "任务 3 pareto_table, top20_share",
    rules={"pareto": Frame("sums and cumulative shares of the same numbers in another order differ by rounding "
                           "only", key=("customer_id",), columns=PARETO_COLUMNS_GRADED, rtol=1e-6),
           "top20_share": Close("a cumulative share: rounding only", rtol=1e-6)},
    produce=lambda world, pareto, top20_share, pareto_table=None: {
        "pareto": _columns(pareto, PARETO_COLUMNS), "top20_share": float(top20_share)},
    formative=lambda world, pareto, top20_share, pareto_table: (
        check_pareto_table(pareto_table), check_top20_share(pareto, top20_share)),
    mistakes=(PARETO_INVALID, PARETO_NO_FX))

q4 = Task(
    "q4_test", 2, "任务 4 gini, revenue_gini",
    rules={"gini_orders": Close("sums in another order: rounding only", rtol=1e-6),
           "revenue_gini": Close("sums in another order: rounding only", rtol=1e-6)},
    produce=lambda world, gini, revenue_gini: {
        "gini_orders": float(gini(world.orders["order_total"].to_numpy(dtype=float)[::-1].copy())),
        "revenue_gini": float(revenue_gini)},
    formative=lambda world, gini, revenue_gini: check_gini(gini),
    mistakes=(GINI_DESC,))

q5 = Task(
    "q5_test", 2, "任务 5 normalise_email, normalise_phone",
    rules={"email_norm": Equal("string rules are exact"), "phone_norm": Equal("string rules are exact")},
    produce=lambda world_dq, normalise_email, normalise_phone: {
        "email_norm": [str(x) for x in normalise_email(world_dq.customers["email"].fillna("").astype(str))],
        "phone_norm": [str(x) for x in normalise_phone(world_dq.customers["phone"].fillna("").astype(str))]},
    formative=lambda world_dq, normalise_email, normalise_phone: check_normalise(normalise_email, normalise_phone),
    mistakes=(EMAIL_NO_STRIP,))


def _link_input(world_dq) -> pd.DataFrame:
    """The data-quality customers in reverse order: a link rule must not depend on row order."""
    return world_dq.customers[["customer_id", "name", "email", "phone"]].iloc[::-1].reset_index(drop=True)


q6 = Task(
    "q6_test", 3, "任务 6 link_persons, n_persons",
    rules={"link_partition": SamePartition("labels are arbitrary; only who is grouped with whom counts"),
           "n_persons": Close("graded against the true number of persons; the stated rule is exact on 20 seeds, "
                              "clear mistakes miss by >= 1.05 %", rtol=RTOL_PERSONS)},
    produce=lambda world_dq, link_persons, n_persons: {
        "link_partition": pd.factorize(pd.Series(link_persons(_link_input(world_dq))).astype(str))[0],
        "n_persons": int(n_persons)},
    formative=lambda world_dq, link_persons, n_persons: (
        check_link_persons(link_persons), check_n_persons(len(world_dq.customers), n_persons)),
    mistakes=(LINK_EMPTY, LINK_EMAIL_ONLY))

q7 = Task(
    "q7_test", 2, "任务 7 dup_revenue_share",
    rules={"dup_revenue_share": Close("graded against the true duplicate persons; the rule is exact on 20 seeds, "
                                      "clear mistakes miss by >= 3.5 %", rtol=RTOL_DUP_SHARE)},
    produce=lambda dup_revenue_share: {"dup_revenue_share": float(dup_revenue_share)},
    formative=lambda dup_revenue_share: check_dup_revenue_share(dup_revenue_share))

TASKS = tasks_of(q1, q2, q3, q4, q5, q6, q7)
