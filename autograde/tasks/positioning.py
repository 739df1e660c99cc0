"""Notebook 02 (customer value and positioning): the five graded tasks, declared once, with their formative checks.

Every formative check runs the student's answer on the lecture's worked examples or small fixed fixtures, or
tests the internal consistency of an answer on the student's own data, so it does not depend on the data.
A failure says what is wrong and where to look; success prints the standard pass line. Each
:class:`~autograde.tasks.Task` at the end says which answers the grader compares, how, and why with that
tolerance; the inputs of its graded calls are derived from the student's own observed tables. The expected
answers come from the instructor's reference on the grader's side; nothing here knows them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import Mistake, Task, fail, number, passed, require_columns, tasks_of
from .positioning_examples import (
    ABC_REVENUE,
    ABC_ROUND,
    ABC_TIE,
    ABC_TIE_WANT,
    ABC_WANT,
    CDV_COSTS,
    CDV_VALUES,
    PYRAMID_PROFIT,
    PYRAMID_WANT_N,
)
from .positioning_inputs import abc_input, abc_tenths_input, cdv_args, pyramid_input
from .rules import Close, Equal, Frame, Rule

ABC_COLUMNS = ["customer_id", "revenue", "cum_share", "abc_class"]
PYRAMID_COLUMNS = ["tier", "n", "profit", "profit_share"]
TIERS = ["Platinum", "Gold", "Iron", "Lead"]
MAN_LABELS = ["ideal", "contact", "cultivate", "drop"]
MAN_COLUMNS = ["man_class", "n", "converted", "conversion_rate"]


MAN_WANT = {(m, a, n): MAN_LABELS[3 - (m + a + n)] for m in (True, False) for a in (True, False)
            for n in (True, False)}

# The common mistakes the formative checks diagnose, with the hint each deserves (reference.MISTAKES holds an
# instructor implementation of each, which the grader's verdict fails on a real world).
CDV_REVERSED = Mistake("reversed", "顾客让渡价值是 总顾客价值 TCV − 总顾客成本 TCC，不是反过来。")
CDV_FIRST_ONLY = Mistake("first_only", "CDV 只用了第一项（产品价值 − 货币成本）：TCV、TCC 是各自全部组成部分的和。")
CDV_RATIO_INVERTED = Mistake("ratio_inverted", "价值比 value ratio = TCV / TCC（例题应为 1.6），你算成了 TCC / TCV。")
CDV_FIXED_KEYS = Mistake("fixed_keys", "把字典里的所有值相加 sum(values.values())，不要写死键名。")
ABC_SHARE_INCLUDING = Mistake("share_including", "C2 被分成了 B：规则看的是本客户**之前**的累计份额 share before"
                                                 "（C2 之前是 0.50 < 0.80 → A），不是含本客户的 cum_share。")
ABC_TIE_DESCENDING = Mistake("tie_descending", "收入相同的客户按 customer_id **升序** ascending 排在前面，你的是降序。")
ABC_NO_ROUNDING = Mistake("no_rounding", "第 9 位之前的份额在浮点数下是 0.7999999999999999。先把 cum_share 四舍五入到 "
                                         "10 位小数 round(10) 再和 0.80 比较。")
PYRAMID_ROUNDED_CUTS = Mistake("rounded_cuts", "用向下取整 floor(0.05·30) = 1，不要四舍五入 round。")
PYRAMID_NOT_CUMULATIVE = Mistake("not_cumulative",
                                 "切点是**累计**的：前 floor(0.05n) 名 Platinum，到 floor(0.20n) 名为止 Gold，"
                                 "到 floor(0.50n) 名为止 Iron，其余 Lead"
                                 "（不是各层各自 floor(15 %·n)、floor(30 %·n)）。")
PYRAMID_ASCENDING = Mistake("ascending", "Platinum 应是利润**最高**的客户：按 profit 从高到低排名。")
MAN_IS_TRUE = Mistake("is_true", "man_class 也要接受 numpy 的 bool（np.True_），不要用 `is True` 比较；"
                                 "用 bool(x) 或直接 if x。")
SCORE_MISSING_CUSTOMERS = Mistake("missing_customers", "没有有效订单的客户也要有分数（例如 0）。"
                                                       "用 .reindex(customers['customer_id'], fill_value=0)。")


def check_cdv(cdv) -> None:
    """Task 1: CDV = TCV − TCC and value ratio TCV / TCC, from dicts of value and cost components."""
    result = cdv(dict(CDV_VALUES), dict(CDV_COSTS))
    if not isinstance(result, tuple) or len(result) != 2:
        fail(f"cdv 应返回二元组 tuple (CDV, ratio)，got {type(result).__name__}。")
    value, ratio = number(result[0], name="CDV"), number(result[1], name="ratio")
    if np.isclose(value, -60):
        CDV_REVERSED.fail("CDV = −60：")
    if np.isclose(value, 20) or np.isclose(value, 70):
        CDV_FIRST_ONLY.fail()
    if not np.isclose(value, 60):
        fail(f"讲义例题 worked example：TCV = 160, TCC = 100，CDV 应为 60，你的是 {value:g}。")
    if np.isclose(ratio, 0.625):
        CDV_RATIO_INVERTED.fail("ratio = 0.625：")
    if not np.isclose(ratio, 1.6):
        fail(f"讲义例题的价值比 TCV / TCC 应为 1.6，你的是 {ratio:g}。")
    extra = cdv({"product": 50.0, "brand_story": 25.0}, {"monetary": 40.0, "waiting": 10.0, "risk": 0.0})
    if not (np.isclose(float(extra[0]), 25.0) and np.isclose(float(extra[1]), 1.5)):
        CDV_FIXED_KEYS.fail("换一组键名（{'product': 50, 'brand_story': 25} 与 {'monetary': 40, 'waiting': 10, "
                            f"'risk': 0}}）应得 (25.0, 1.5)，你的是 {extra}：")
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
    got = dict(zip(table["customer_id"], table["abc_class"], strict=True))
    if got != ABC_WANT:
        if got.get("C02") == "B" and got.get("C04") == "C":
            ABC_SHARE_INCLUDING.fail()
        fail(f"讲义例题应为 C01、C02 → A；C03、C04 → B；其余 → C。你的是 {got}。")
    tie = _abc(abc_classify, ABC_TIE)
    if list(tie["customer_id"]) == ["X0", "X2", "X1"]:
        ABC_TIE_DESCENDING.fail("并列规则 tie rule：例子 {X0: 60, X1: 20, X2: 20} 应排成 X0, X1, X2，"
                                "你的是 X0, X2, X1：")
    tie_classes = dict(zip(tie["customer_id"], tie["abc_class"], strict=True))
    if list(tie["customer_id"]) != ["X0", "X1", "X2"] or tie_classes != ABC_TIE_WANT:
        fail("并列规则 tie rule：收入相同按 customer_id 升序排在前面。例子 {X0: 60, X1: 20, X2: 20} 应排成 "
             f"X0, X1, X2，类别 A, A, B；你的是 {list(zip(tie['customer_id'], tie['abc_class'], strict=True))}。")
    rounded = _abc(abc_classify, ABC_ROUND)
    classes = rounded["abc_class"].tolist()
    if classes != ["A"] * 8 + ["B", "B"]:
        ABC_NO_ROUNDING.fail(f"十位客户各 0.1 元，应为 8 个 A、2 个 B；你的是 {classes}：")
    passed("任务 2 abc_classify")


def check_abc_counts(abc, abc_counts, n_customers: int) -> None:
    """Task 2 (own data): one row per customer, classes A/B/C only, counts agree with the table."""
    require_columns(abc, ABC_COLUMNS, name="abc")
    if len(abc) != n_customers:
        fail(f"abc 应有 {n_customers} 行（customers 里每位客户一行，没有有效订单的 revenue = 0），"
             f"你的有 {len(abc)} 行。")
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
        PYRAMID_ROUNDED_CUTS.fail(f"30 位客户时人数应为 {PYRAMID_WANT_N}，你的是 {counts}：")
    if counts == [1, 4, 9, 16]:
        PYRAMID_NOT_CUMULATIVE.fail(f"30 人时各层人数应为 {PYRAMID_WANT_N}，你的是 {counts}。")
    if counts != PYRAMID_WANT_N:
        fail(f"30 位客户时各层人数应为 {PYRAMID_WANT_N}，你的是 {counts}。")
    want_profit = [30.0, 29 + 28 + 27 + 26 + 25.0, float(sum(range(16, 25))), float(sum(range(1, 16)))]
    if np.allclose(table["profit"], want_profit[::-1]) or np.isclose(float(table["profit"].iloc[0]), 1.0):
        PYRAMID_ASCENDING.fail()
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
        fail(f"你的数据有 {n_customers} 位客户，各层人数应为 {want}"
             "（累计切点 floor(0.05n)、floor(0.20n)、floor(0.50n)）；"
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
            flags = "".join(c.upper() if v else c for c, v in zip("man", (m, a, n), strict=True))
            fail(f"man_class(money={m}, authority={a}, need={n})（{flags}）应为 {want!r}，你的是 {got!r}。"
                 "规则：三项都有 → 'ideal'，两项 → 'contact'，一项 → 'cultivate'，都没有 → 'drop'（小写英文）。")
    if man_class(np.bool_(True), np.bool_(False), np.bool_(True)) != "contact":
        MAN_IS_TRUE.fail()
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
        prefix = (f"potential_score 的索引 index 应是全部 {len(ids)} 个 customer_id"
                  f"（你的有 {len(potential_score)} 个）：")
        if set(potential_score.index) < set(ids):
            SCORE_MISSING_CUSTOMERS.fail(prefix)
        fail(prefix + "索引里有不是 customers 中客户的值；索引应恰好是 customers['customer_id']。")
    values = pd.to_numeric(potential_score, errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(values).all():
        fail("potential_score 有 NaN 或无穷大：缺失值先填 0。")
    if np.unique(values).size < 2:
        fail("potential_score 是常数，无法排序区分客户。")
    passed("任务 5 potential_score（只检查形式 form only；评分端会与真实未来价值比较 "
           "graded against the true future value）")


# ---- the graded tasks ---------------------------------------------------------------------------------------
EXACT = "an exact computation: only floating-point rounding may differ"
OWN_DATA = "sums of the same numbers in another order differ by rounding only"
TOP_SHARE = 0.10  # task 5: the top decile, floor(0.1 n) customers
# Task 5's pass mark: PRECISION_MIN, or RULE_SHARE of the weaker of the notebook's two recency rules on the
# student's own data if that is lower (reference.precision_mark computes it; the measurements are there).
PRECISION_MIN = 0.59
RULE_SHARE = 0.95


def _pair(result):
    """``(a, b)`` as two floats, or ``None`` (the grader then reports a wrong type)."""
    try:
        a, b = result
        return [float(a), float(b)]
    except (TypeError, ValueError):
        return None


def _columns(df, columns):
    """The named columns the student's table has, as numbers or strings (missing ones are reported by the grader)."""
    if not isinstance(df, pd.DataFrame):
        return None
    out = {}
    for c in columns:
        if c not in df.columns:
            continue
        col = df[c]
        numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
        out[c] = col.to_numpy(dtype=float) if numeric else col.astype(str).to_numpy(dtype=object)
    return pd.DataFrame(out)


def _counts(counts):
    try:
        return {str(k): int(v) for k, v in dict(counts).items()}
    except (TypeError, ValueError):
        return None


def _man_labels(world, man_class) -> list:
    """``man_class`` on every lead of the student's data, called with the table's numpy booleans."""
    flags = [np.asarray(world.leads[c], dtype=bool) for c in ("man_money", "man_authority", "man_need")]
    return [str(man_class(m, a, n)) for m, a, n in zip(*flags, strict=True)]


def top_decile(score) -> list | None:
    """customer_ids of the top floor(0.1 × len(score)) of ``score``: descending, ties by customer_id ascending.

    Missing or non-numeric scores rank last. ``None`` if ``score`` is not a Series.
    """
    if not isinstance(score, pd.Series):
        return None
    values = pd.to_numeric(score, errors="coerce").to_numpy(dtype=float)
    values = np.where(np.isfinite(values), values, -np.inf)
    ids = score.index.to_numpy(dtype=object).astype(str)
    order = np.lexsort((ids, -values))
    return [str(x) for x in ids[order][: math.floor(TOP_SHARE * len(score))]]


@dataclass(frozen=True)
class TopDecilePrecision(Rule):
    """precision@10 % of the recorded top-decile ids against the truth's, at least a per-student pass mark and
    strictly above plain historical revenue's. ``want = {"true_top": [...], "mark": float, "hist": float}``."""

    def judge(self, actual, want) -> str | None:
        if not isinstance(actual, (list, tuple, np.ndarray)):
            return "类型不对 wrong type: potential_score should be a pandas Series"
        ids = [str(x) for x in actual]
        true_top = [str(x) for x in want["true_top"]]
        if len(ids) != len(true_top):
            return "人数不对 wrong number of customers: potential_score must score every customer exactly once"
        if len(set(ids)) != len(ids):
            return "有重复 duplicate customer ids: potential_score must score every customer exactly once"
        precision = len(set(ids) & set(true_top)) / len(true_top)
        if precision < float(want["mark"]):
            return "低于及格线 precision@10% is below the pass mark for your data"
        if not precision > float(want["hist"]):
            return "没有超过历史收入 precision@10% does not beat plain historical revenue on your data"
        return None


q1 = Task(
    "q1_test", 2, "任务 1 cdv",
    rules={"cdv": Close(EXACT, rtol=1e-9)},
    produce=lambda world, cdv: {"cdv": _pair(cdv(*cdv_args(world)))},
    formative=lambda world, cdv: check_cdv(cdv),
    mistakes=(CDV_REVERSED, CDV_FIRST_ONLY, CDV_RATIO_INVERTED, CDV_FIXED_KEYS))

_ABC_GRADED = ("revenue", "cum_share", "abc_class")
q2 = Task(
    "q2_test", 3, "任务 2 abc_classify, abc, abc_counts",
    rules={"abc_sample": Frame(EXACT + "; classes are labels", key=("customer_id",), columns=_ABC_GRADED, rtol=1e-9),
           "abc_tenths": Frame(EXACT + "; classes are labels", key=("customer_id",), columns=_ABC_GRADED, rtol=1e-9),
           "abc": Frame(OWN_DATA + "; classes are labels", key=("customer_id",), columns=_ABC_GRADED, rtol=1e-6),
           "abc_counts": Equal("counts of labels are exact")},
    produce=lambda world, abc_classify, abc, abc_counts: {
        "abc_sample": _columns(abc_classify(abc_input(world)), ABC_COLUMNS),
        "abc_tenths": _columns(abc_classify(abc_tenths_input(world)), ABC_COLUMNS),
        "abc": _columns(abc, ABC_COLUMNS), "abc_counts": _counts(abc_counts)},
    formative=lambda world, abc_classify, abc, abc_counts: (
        check_abc_classify(abc_classify), check_abc_counts(abc, abc_counts, len(world.customers))),
    mistakes=(ABC_SHARE_INCLUDING, ABC_TIE_DESCENDING, ABC_NO_ROUNDING))

_PYRAMID_GRADED = ("n", "profit", "profit_share")
q3 = Task(
    "q3_test", 3, "任务 3 customer_pyramid, pyramid",
    rules={"pyramid_sample": Frame(EXACT, key=("tier",), columns=_PYRAMID_GRADED, rtol=1e-9),
           "pyramid": Frame(OWN_DATA, key=("tier",), columns=_PYRAMID_GRADED, rtol=1e-6)},
    produce=lambda world, customer_pyramid, pyramid: {
        "pyramid_sample": _columns(customer_pyramid(pyramid_input(world)), PYRAMID_COLUMNS),
        "pyramid": _columns(pyramid, PYRAMID_COLUMNS)},
    formative=lambda world, customer_pyramid, pyramid: (
        check_customer_pyramid(customer_pyramid), check_pyramid(pyramid, len(world.customers))),
    mistakes=(PYRAMID_ROUNDED_CUTS, PYRAMID_NOT_CUMULATIVE, PYRAMID_ASCENDING))

q4 = Task(
    "q4_test", 3, "任务 4 man_class, man_table",
    rules={"man_leads": Equal("labels are exact"),
           "man_table": Frame("counts are exact; a rate is their quotient", key=("man_class",),
                              columns=("n", "converted", "conversion_rate"), rtol=1e-9)},
    produce=lambda world, man_class, man_table: {
        "man_leads": _man_labels(world, man_class), "man_table": _columns(man_table, MAN_COLUMNS)},
    formative=lambda world, man_class, man_table: (
        check_man_class(man_class), check_man_table(man_table, len(world.leads))),
    mistakes=(MAN_IS_TRUE,))

q5 = Task(
    "q5_test", 3, "任务 5 potential_score",
    rules={"top_ids": TopDecilePrecision(
        "graded against the hidden truth (true_clv in CNY). On the default world, seeds 100..139, historical revenue "
        "scores precision@10% 0.51-0.59 and the notebook's two recency rules 0.58-0.66, beating it by >= 0.04 on "
        "every seed; no fixed mark separates the groups on every seed, so the mark is per student: 0.59, or 95 % of "
        "the weaker recency rule on the student's data if lower, and the score must beat historical revenue there")},
    produce=lambda world, potential_score: {"top_ids": top_decile(potential_score)},
    formative=lambda world, potential_score: check_potential_score(potential_score, world.customers),
    mistakes=(SCORE_MISSING_CUSTOMERS,))

TASKS = tasks_of(q1, q2, q3, q4, q5)
