"""Notebook 01 (CRM foundations I): the formative checks and the common mistakes they recognise.

Every check runs the student's answer on small fixed fixtures (the lecture's worked examples, data in
:mod:`.foundations_examples`) or tests its internal consistency, so it does not depend on the student's data;
a failure says what is wrong and where to look. The graded tasks that call them are in :mod:`.foundations`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import Mistake, fail, number, passed, require_columns
from .foundations_examples import (
    AR_CUSTOMERS,
    AR_ORDERS,
    AR_WANT,
    BOOST_CASE,
    BOOST_MONTHLY,
    BOOST_SPLIT,
    EMAIL_CASES,
    LINK_CUSTOMERS,
    LINK_WANT,
    PARETO_ORDERS,
    PARETO_WANT,
    PHONE_CASES,
    TIE_CUSTOMERS,
    TIE_ORDERS,
)

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
                                "revenue = (order_total − duty_tax) × fx_rate_to_cny（各店币种不同）。")
GINI_DESC = Mistake("descending", "得到 −0.72：公式要求 x 按升序 ascending 排序。")
EMAIL_NO_STRIP = Mistake("no_strip", "e-mail 没有去掉首尾空白：先 .str.strip() 再 .str.lower()。")
LINK_EMPTY = Mistake("empty_links", "两条 e-mail 为空的记录被合并成了同一人："
                                    "空值不是身份，空 e-mail / 空电话不能用来连接。")
LINK_EMAIL_ONLY = Mistake("email_only", "第 2、3 条记录的电话 '+86 139 1111 2222' 与 '13911112222' "
                                         "规范化后相同，应属同一人；"
                                         "第 1 条经由第 2 条（e-mail 相同）也连到第 3 条。"
                                         "先用 normalise_phone(phone, country) 规范化，"
                                         "再求传递闭包 connected components："
                                         "重复“按 e-mail 组、按电话组取最小标签”直到标签不再变化。")
BOOST_MONTHLY_PP = Mistake("monthly_pp", "你把 +5 pp 加到了月保持率上。Reichheld & Sasser 的 5 个百分点是年保持率"
                                         "（一年后还留下的客户比例）：先把月保持率换成年保持率 r^12，"
                                         "加上 pp，再换回月保持率 (r^12 + pp)^(1/12)。")
BOOST_SPLIT_PP = Mistake("split_pp", "你把年的 5 个百分点平均分到了 12 个月（每月 + pp/12）。保持率按月连乘 "
                                     "(compound)，不是相加：年保持率 = r^12，月保持率 = 年保持率^(1/12)。")
PARETO_WITH_DUTY = Mistake("with_duty", "收入里含了进口关税和税 duty_tax：那是代海关收的钱，不是店铺的收入。"
                                        "revenue = (order_total − duty_tax) × fx_rate_to_cny。")
PHONE_LAST9 = Mistake("last_nine", "“只取最后 9 位”会把不同的人合并成一个人：这是三个不同的手机号。"
                                   "按客户所在国家 country 补上国家代码，写成 E.164：'+' + 国家代码 + 号码。")
PHONE_NO_CODE = Mistake("no_country_code", "没有按国家加国家代码 calling code：同一个号码写成 '13800138000' 和 "
                                           "'+86 138 0013 8000' 时会被当成两个号码。用 CALLING_CODES[country] 补上。")


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


def check_retention_boost(retention_boost) -> None:
    """Task 2: +pp on the ANNUAL retention r^12, converted back to a monthly rate, and the change of N*."""
    A, r, pp = BOOST_CASE
    try:
        result = retention_boost(A, r, pp)
    except ZeroDivisionError:
        BOOST_MONTHLY_PP.fail()
    if not isinstance(result, tuple) or len(result) != 2:
        fail(f"retention_boost 应返回二元组 tuple (r_new, delta_N_star)，got {type(result).__name__}。")
    r_new, delta = number(result[0], name="r_new"), number(result[1], name="delta_N_star")
    want_r = (r ** 12 + pp) ** (1 / 12)
    want_delta = A / (1 - want_r) - A / (1 - r)
    prefix = f"例子 A = {A:g}, r = {r}, pp = {pp}："
    if np.isclose(r_new, BOOST_MONTHLY[0]) or np.isclose(delta, BOOST_MONTHLY[1]):
        BOOST_MONTHLY_PP.fail(prefix)
    if np.isclose(r_new, BOOST_SPLIT[0]) or np.isclose(delta, BOOST_SPLIT[1]):
        BOOST_SPLIT_PP.fail(prefix)
    if not np.isclose(r_new, want_r, rtol=1e-9):
        fail(f"{prefix}年保持率 {r}^12 = {r ** 12:.4f}，提高 {pp} 后是 {r ** 12 + pp:.4f}，"
             f"换回月保持率应为 {want_r:.5f}，你的 r_new 是 {r_new:.5f}。")
    if np.isclose(delta, A / (1 - want_r)):
        fail(f"{prefix}delta_N_star 是稳态的“变化”：新 N* 减去原来的 N*，不是新 N* 本身。")
    if not np.isclose(delta, want_delta, rtol=1e-9):
        fail(f"{prefix}N* 从 {A / (1 - r):.1f} 变到 {A / (1 - want_r):.1f}，"
             f"delta_N_star 应为 {want_delta:.1f}，你的是 {delta:.1f}。")
    passed("任务 2 retention_boost")


def _ar_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    customers = pd.DataFrame(AR_CUSTOMERS).astype({"signup_date": "datetime64[s]"})
    orders = pd.DataFrame(AR_ORDERS, columns=["customer_id", "order_ts", "status"]).astype(
        {"order_ts": "datetime64[s]"})
    orders.insert(0, "order_id", [f"O{i:03d}" for i in range(len(orders))])
    return customers, orders


def check_acquisition_retention(acquisition_retention) -> None:
    """Task 3: monthly acquisition A and pooled month-to-month retention r on a hand-built fixture."""
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
    passed("任务 3 acquisition_retention")


def check_steady_state(A, r, N_star) -> None:
    """Task 4 (own data): N* = A/(1-r) from the student's own A and r."""
    A, r, N_star = number(A, name="A"), number(r, name="r"), number(N_star, name="N_star")
    if not 0 < r < 1:
        fail(f"r = {r}：月保持率应在 0 与 1 之间（比例，不是百分数）。")
    if A <= 0:
        fail(f"A = {A}：你的数据里每月都有新客户，A 应为正数。")
    if np.isclose(N_star, A * (1 - r)) or np.isclose(N_star, A / r):
        fail("N_star 的公式不对：稳态 steady state 满足 N* = r·N* + A，所以 N* = A / (1 − r)。")
    if not np.isclose(N_star, A / (1 - r), rtol=1e-9):
        fail(f"N_star 应等于 A / (1 − r) = {A / (1 - r):.2f}，你的是 {N_star:.2f}。")
    passed("任务 3 N_star")


def _pareto_inputs(rows, customer_ids) -> tuple[pd.DataFrame, pd.DataFrame]:
    orders = pd.DataFrame(rows, columns=["customer_id", "order_total", "duty_tax", "fx_rate_to_cny", "status"])
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
    """Task 4: CNY revenue without duty over valid orders, sorted (ties by customer_id), cum_share, rank_pct."""
    orders, customers = _pareto_inputs(PARETO_ORDERS, [f"K{i:02d}" for i in range(10, 0, -1)])
    table = pareto_table(orders.copy(), customers.copy())
    _check_pareto_shape(table, 10)
    table = table.reset_index(drop=True)
    rev = table["revenue"].to_numpy(dtype=float)
    if np.isclose(rev[0], 1499) or np.isclose(rev[1], 400):
        PARETO_INVALID.fail()
    if np.isclose(rev[0], 536) or np.isclose(rev, 129.6).any():
        PARETO_WITH_DUTY.fail()
    if rev.max() >= 2500 or np.isclose(rev, 190).any() or np.isclose(rev, 195).any():
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
    passed("任务 4 pareto_table")


def check_top20_share(pareto, top20_share) -> None:
    """Task 4 (own data): top20_share is the cum_share of row floor(0.2 n) of the student's own table."""
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
    passed("任务 4 top20_share")


def check_gini(gini) -> None:
    """Task 5: G = 2 Σ i x_(i) / (n Σ x) − (n+1)/n with x sorted ascending."""
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
    passed("任务 5 gini")


def check_normalise(normalise_email, normalise_phone) -> None:
    """Task 6: e-mail = strip + lower; phone = E.164 by the customer's country, '' if too few digits."""
    raw = pd.Series([c[0] for c in EMAIL_CASES], index=range(10, 10 + len(EMAIL_CASES)))
    out = _same_index(normalise_email(raw), raw, "normalise_email")
    for (given, want), got in zip(EMAIL_CASES, out.tolist(), strict=True):
        if got != want and str(got).strip() == want:
            EMAIL_NO_STRIP.fail(f"normalise_email({given!r}) 应为 {want!r}，你的是 {got!r}。")
        if got != want:
            fail(f"normalise_email({given!r}) 应为 {want!r}，你的是 {got!r}。")
    index = range(20, 20 + len(PHONE_CASES))
    phone = pd.Series([c[0] for c in PHONE_CASES], index=index)
    country = pd.Series([c[1] for c in PHONE_CASES], index=index)
    got = _same_index(normalise_phone(phone, country), phone, "normalise_phone").tolist()
    if got[1] == got[3] == got[4] and got[1] != "":
        PHONE_LAST9.fail(f"13800138000、15800138000、18800138000 都成了 {got[1]!r}：")
    if got[1] == "13800138000" or got[1] == "+13800138000":
        PHONE_NO_CODE.fail(f"normalise_phone('13800138000', 'CN') 应为 '+8613800138000'，你的是 {got[1]!r}：")
    for (given, where, want), value in zip(PHONE_CASES, got, strict=True):
        if value != want:
            fail(f"normalise_phone({given!r}, 国家 {where!r}) 应为 {want!r}，你的是 {value!r}。")
    passed("任务 6 normalise_email / normalise_phone")


def _same_index(out, raw: pd.Series, name: str) -> pd.Series:
    if not isinstance(out, pd.Series):
        fail(f"{name} 应返回 pandas Series（got {type(out).__name__}）。")
    if list(out.index) != list(raw.index):
        fail(f"{name} 的结果要保留输入的索引 index 和顺序。")
    return out


def check_link_persons(link_persons) -> None:
    """Task 7: connected components of 'same normalised e-mail or same normalised phone'."""
    customers = pd.DataFrame(LINK_CUSTOMERS, index=range(100, 106))
    labels = link_persons(customers.copy())
    if not isinstance(labels, pd.Series) or list(labels.index) != list(customers.index):
        fail("link_persons 应返回与 customers 同索引 index 的 pandas Series（每行一个 person 标签）。")
    got = pd.factorize(labels)[0].tolist()
    if got == LINK_WANT:
        passed("任务 7 link_persons")
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
    """Task 8 (own data): the person count is an integer between 1 and the number of records, and below it."""
    value = number(n_persons, name="n_persons")
    if value != int(value):
        fail("n_persons 应是整数：不同 person 标签的个数（Series.nunique()）。")
    if not 0 < value <= n_records:
        fail(f"n_persons = {value:.0f}：应在 1 与记录数 {n_records} 之间。")
    if value == n_records:
        fail("n_persons 等于记录数：一个重复也没找到？检查规范化和连接。")
    passed("任务 7 n_persons")


def check_dup_revenue_share(dup_revenue_share) -> None:
    """Task 8 (own data): the duplicate-customer revenue share is a proportion strictly between 0 and 1."""
    share = number(dup_revenue_share, name="dup_revenue_share")
    if share >= 1:
        fail(f"dup_revenue_share = {share}：应是 0 与 1 之间的比例（不是百分数；分母是全部有客户号的有效订单收入）。")
    if share <= 0:
        fail(f"dup_revenue_share = {share}：你的数据里有重复客户，他们的收入份额应大于 0。")
    passed("任务 8 dup_revenue_share")
