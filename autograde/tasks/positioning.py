"""Formative checks for notebook 02 (customer value and positioning): CDV, ABC, pyramid, MAN, potential.

Every check runs the student's answer on the lecture's worked examples or small fixed fixtures, or tests
the internal consistency of an answer on the student's own data, so it does not depend on the seed.
A failure says what is wrong and where to look; success prints the standard pass line.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import fail, number, passed, require_columns

ABC_COLUMNS = ["customer_id", "revenue", "cum_share", "abc_class"]
PYRAMID_COLUMNS = ["tier", "n", "profit", "profit_share"]
TIERS = ["Platinum", "Gold", "Iron", "Lead"]
MAN_LABELS = ["ideal", "contact", "cultivate", "drop"]
MAN_COLUMNS = ["man_class", "n", "converted", "conversion_rate"]

# Task 1: Kotler's customer delivered value, the lecture's worked example (CNY).
CDV_VALUES = {"product": 100.0, "service": 30.0, "personnel": 20.0, "image": 10.0}
CDV_COSTS = {"monetary": 80.0, "time": 10.0, "energy": 5.0, "psychic": 5.0}

# Task 2: the worked example (revenues in CNY, given in shuffled order) and its classes.
ABC_REVENUE = {"C07": 8.0, "C01": 500.0, "C10": 2.0, "C03": 120.0, "C05": 20.0, "C02": 300.0, "C09": 4.0,
               "C04": 30.0, "C08": 6.0, "C06": 10.0}
ABC_WANT = {"C01": "A", "C02": "A", "C03": "B", "C04": "B", "C05": "C", "C06": "C", "C07": "C", "C08": "C",
            "C09": "C", "C10": "C"}
# Tie at the A/B boundary: X1 and X2 both 20 CNY; X1 comes first, so the share before X2 is 0.8 -> B.
ABC_TIE = {"X2": 20.0, "X0": 60.0, "X1": 20.0}
ABC_TIE_WANT = {"X0": "A", "X1": "A", "X2": "B"}
# Rounding: ten customers of 0.1 CNY; the float share before the 9th is 0.7999999999999999 -> round to 10 dp.
ABC_ROUND = {f"R{i:02d}": 0.1 for i in range(10)}

# Task 3: 30 customers with profits 30, 29, ..., 1 CNY (P01 has 30); floor cuts give 1 / 5 / 9 / 15.
PYRAMID_PROFIT = {f"P{i:02d}": float(31 - i) for i in range(1, 31)}
PYRAMID_WANT_N = [1, 5, 9, 15]

MAN_WANT = {(m, a, n): MAN_LABELS[3 - (m + a + n)] for m in (True, False) for a in (True, False)
            for n in (True, False)}


def check_cdv(cdv) -> None:
    """Task 1: CDV = TCV − TCC and value ratio TCV / TCC, from dicts of value and cost components."""
    result = cdv(dict(CDV_VALUES), dict(CDV_COSTS))
    if not isinstance(result, tuple) or len(result) != 2:
        fail(f"cdv 应返回二元组 tuple (CDV, ratio)，got {type(result).__name__}。")
    value, ratio = number(result[0], name="CDV"), number(result[1], name="ratio")
    if np.isclose(value, -60):
        fail("CDV = −60：顾客让渡价值是 总顾客价值 TCV − 总顾客成本 TCC，不是反过来。")
    if np.isclose(value, 20) or np.isclose(value, 70):
        fail("CDV 只用了第一项（产品价值 − 货币成本）：TCV、TCC 是各自全部组成部分的和。")
    if not np.isclose(value, 60):
        fail(f"讲义例题 worked example：TCV = 160, TCC = 100，CDV 应为 60，你的是 {value:g}。")
    if np.isclose(ratio, 0.625):
        fail("ratio = 0.625：价值比 value ratio = TCV / TCC（应为 1.6），你算成了 TCC / TCV。")
    if not np.isclose(ratio, 1.6):
        fail(f"讲义例题的价值比 TCV / TCC 应为 1.6，你的是 {ratio:g}。")
    extra = cdv({"product": 50.0, "brand_story": 25.0}, {"monetary": 40.0, "waiting": 10.0, "risk": 0.0})
    if not (np.isclose(float(extra[0]), 25.0) and np.isclose(float(extra[1]), 1.5)):
        fail("换一组键名（{'product': 50, 'brand_story': 25} 与 {'monetary': 40, 'waiting': 10, 'risk': 0}）应得 "
             f"(25.0, 1.5)，你的是 {extra}：把字典里的所有值相加 sum(values.values())，不要写死键名。")
    passed("任务 1 cdv")


def _abc(abc_classify, revenue: dict) -> pd.DataFrame:
    series = pd.Series(revenue, dtype=float).rename_axis("customer_id")
    table = abc_classify(series.copy())
    require_columns(table, ABC_COLUMNS, name="abc_classify 的结果")
    if len(table) != len(series):
        fail(f"应有 {len(series)} 行（每位客户一行），你的有 {len(table)} 行。")
    return table.reset_index(drop=True)


def check_abc_classify(abc_classify) -> None:
    """Task 2: sorted by revenue desc (ties by id), cum_share to 10 dp, class by the share *before* a customer."""
    table = _abc(abc_classify, ABC_REVENUE)
    rev = table["revenue"].to_numpy(dtype=float)
    if not np.allclose(rev, sorted(ABC_REVENUE.values(), reverse=True)):
        fail("行应按 revenue 从高到低排序 sorted descending（第一行 500）。")
    if not np.allclose(table["cum_share"], np.cumsum(rev) / rev.sum()):
        fail("cum_share 应是到本行为止（含本行）的累计收入 / 总收入：第一行 0.5，最后一行 1.0。")
    got = dict(zip(table["customer_id"], table["abc_class"]))
    if got != ABC_WANT:
        if got.get("C02") == "B" and got.get("C04") == "C":
            fail("C2 被分成了 B：规则看的是本客户**之前**的累计份额 share before（C2 之前是 0.50 < 0.80 → A），"
                 "不是含本客户的 cum_share。")
        fail(f"讲义例题应为 C01、C02 → A；C03、C04 → B；其余 → C。你的是 {got}。")
    tie = _abc(abc_classify, ABC_TIE)
    if list(tie["customer_id"]) != ["X0", "X1", "X2"] or dict(zip(tie["customer_id"], tie["abc_class"])) != ABC_TIE_WANT:
        fail("并列规则 tie rule：收入相同按 customer_id 升序排在前面。例子 {X0: 60, X1: 20, X2: 20} 应排成 "
             f"X0, X1, X2，类别 A, A, B；你的是 {list(zip(tie['customer_id'], tie['abc_class']))}。")
    rounded = _abc(abc_classify, ABC_ROUND)
    classes = rounded["abc_class"].tolist()
    if classes != ["A"] * 8 + ["B", "B"]:
        fail("十位客户各 0.1 元：第 9 位之前的份额在浮点数下是 0.7999999999999999。先把 cum_share 四舍五入到 "
             f"10 位小数 round(10) 再和 0.80 比较，应为 8 个 A、2 个 B；你的是 {classes}。")
    passed("任务 2 abc_classify")


def check_abc_counts(abc, abc_counts, n_customers: int) -> None:
    """Task 2 (own data): one row per customer, classes A/B/C only, counts agree with the table."""
    require_columns(abc, ABC_COLUMNS, name="abc")
    if len(abc) != n_customers:
        fail(f"abc 应有 {n_customers} 行（customers 里每位客户一行，没有有效订单的 revenue = 0），你的有 {len(abc)} 行。")
    if not set(abc["abc_class"]) <= {"A", "B", "C"}:
        fail(f"abc_class 只能是 'A'、'B'、'C'，你的有 {sorted(set(map(str, abc['abc_class'])))}。")
    if not isinstance(abc_counts, dict):
        fail(f"abc_counts 应是字典 dict，例如 {{'A': 120, 'B': 300, 'C': 580}}（got {type(abc_counts).__name__}）。")
    table_counts = abc["abc_class"].value_counts().to_dict()
    if {k: int(v) for k, v in abc_counts.items()} != {k: int(table_counts.get(k, 0)) for k in abc_counts} \
            or set(abc_counts) != {"A", "B", "C"}:
        fail("abc_counts 应有键 'A'、'B'、'C'，值是 abc 中各类的客户数。")
    if not abc_counts["A"] < abc_counts["C"]:
        fail("A 类客户应远少于 C 类：收入是否按从高到低排序？")
    passed("任务 2 abc / abc_counts")


def check_customer_pyramid(customer_pyramid) -> None:
    """Task 3: tiers by rank with cumulative floor cuts 5 / 20 / 50 %, summed per tier in tier order."""
    profit = pd.Series(PYRAMID_PROFIT, dtype=float).rename_axis("customer_id")
    table = customer_pyramid(profit.sample(frac=1.0, random_state=0))
    require_columns(table, PYRAMID_COLUMNS, name="customer_pyramid 的结果")
    if list(table["tier"]) != TIERS:
        fail(f"tier 应按金字塔顺序 {TIERS} 排成四行，你的是 {list(table['tier'])}。")
    counts = [int(x) for x in table["n"]]
    if counts == [2, 4, 9, 15]:
        fail(f"30 位客户时人数应为 {PYRAMID_WANT_N}：用向下取整 floor(0.05·30) = 1，不要四舍五入 round。")
    if counts == [1, 4, 9, 16]:
        fail("切点是**累计**的：前 floor(0.05n) 名 Platinum，到 floor(0.20n) 名为止 Gold，到 floor(0.50n) 名为止 "
             f"Iron，其余 Lead。30 人时应为 {PYRAMID_WANT_N}，你的是 {counts}。")
    if counts != PYRAMID_WANT_N:
        fail(f"30 位客户时各层人数应为 {PYRAMID_WANT_N}，你的是 {counts}。")
    want_profit = [30.0, 29 + 28 + 27 + 26 + 25.0, float(sum(range(16, 25))), float(sum(range(1, 16)))]
    if np.allclose(table["profit"], want_profit[::-1]) or np.isclose(float(table["profit"].iloc[0]), 1.0):
        fail("Platinum 应是利润**最高**的客户：按 profit 从高到低排名。")
    if not np.allclose(table["profit"], want_profit):
        fail(f"各层利润之和应为 {want_profit}，你的是 {table['profit'].tolist()}。")
    if not np.allclose(table["profit_share"], np.array(want_profit) / 465.0):
        fail("profit_share 应是各层利润 ÷ 全部客户利润之和（四行加起来等于 1）。")
    passed("任务 3 customer_pyramid")


def check_pyramid(pyramid, n_customers: int) -> None:
    """Task 3 (own data): four tiers in order, counts by the floor rule, shares summing to 1."""
    require_columns(pyramid, PYRAMID_COLUMNS, name="pyramid")
    if list(pyramid["tier"]) != TIERS:
        fail(f"pyramid 的 tier 应按顺序 {TIERS}。")
    cuts = [math.floor(c * n_customers) for c in (0.05, 0.20, 0.50)]
    want = [cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], n_customers - cuts[2]]
    if [int(x) for x in pyramid["n"]] != want:
        fail(f"你的数据有 {n_customers} 位客户，各层人数应为 {want}（累计切点 floor(0.05n)、floor(0.20n)、floor(0.50n)）；"
             "每位客户都要在内，没有有效订单的客户利润为 0。")
    if not np.isclose(float(pyramid["profit_share"].sum()), 1.0):
        fail("profit_share 四行之和应为 1。")
    if not pyramid["profit"].iloc[0] / pyramid["n"].iloc[0] > pyramid["profit"].iloc[3] / pyramid["n"].iloc[3]:
        fail("Platinum 的人均利润应高于 Lead：排序方向反了吗？")
    passed("任务 3 pyramid")


def check_man_class(man_class) -> None:
    """Task 4: the 8 MAN combinations collapse to ideal / contact / cultivate / drop by how many hold."""
    for (m, a, n), want in MAN_WANT.items():
        got = man_class(m, a, n)
        if got != want:
            flags = "".join(c.upper() if v else c for c, v in zip("man", (m, a, n)))
            fail(f"man_class(money={m}, authority={a}, need={n})（{flags}）应为 {want!r}，你的是 {got!r}。"
                 "规则：三项都有 → 'ideal'，两项 → 'contact'，一项 → 'cultivate'，都没有 → 'drop'（小写英文）。")
    if man_class(np.bool_(True), np.bool_(False), np.bool_(True)) != "contact":
        fail("man_class 也要接受 numpy 的 bool（np.True_），不要用 `is True` 比较。")
    passed("任务 4 man_class")


def check_man_table(man_table, n_leads: int) -> None:
    """Task 4 (own data): one row per class in order, counts summing to the leads, rate = converted / n."""
    require_columns(man_table, MAN_COLUMNS, name="man_table")
    if list(man_table["man_class"]) != MAN_LABELS:
        fail(f"man_table 应按顺序 {MAN_LABELS} 每类一行，你的是 {list(man_table['man_class'])}。")
    if int(man_table["n"].sum()) != n_leads:
        fail(f"n 之和应等于线索数 {n_leads}（world.leads 的每条线索都要归类）。")
    if (man_table["converted"] > man_table["n"]).any():
        fail("converted 是每类中已转化 converted 的线索数，不能超过 n。")
    rate = man_table["converted"] / man_table["n"]
    if not np.allclose(man_table["conversion_rate"], rate):
        fail("conversion_rate 应为 converted / n（比例 0–1，不是百分数）。")
    passed("任务 4 man_table")


def check_potential_score(potential_score, customers: pd.DataFrame) -> None:
    """Task 5 (own data): a finite score for every customer, indexed by customer_id, not constant."""
    if not isinstance(potential_score, pd.Series):
        fail(f"potential_score 应是 pandas Series（got {type(potential_score).__name__}）。")
    ids = customers["customer_id"]
    if potential_score.index.has_duplicates:
        fail("potential_score 的索引有重复：每位客户一个分数。")
    if set(potential_score.index) != set(ids):
        fail(f"potential_score 的索引 index 应是全部 {len(ids)} 个 customer_id（你的有 {len(potential_score)} 个）："
             "没有有效订单的客户也要有分数（例如 0）。用 .reindex(customers['customer_id'], fill_value=0)。")
    values = pd.to_numeric(potential_score, errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(values).all():
        fail("potential_score 有 NaN 或无穷大：缺失值先填 0。")
    if np.unique(values).size < 2:
        fail("potential_score 是常数，无法排序区分客户。")
    passed("任务 5 potential_score（形式 shape；隐藏测试会与真实未来价值比较）")
