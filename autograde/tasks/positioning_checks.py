"""Formative checks of notebook 02 (the public half's student-facing messages), with the common mistakes they
diagnose and the hint each deserves. :mod:`autograde.tasks.positioning` declares the tasks that run them.

Every check runs the student's answer on the lecture's worked examples or small fixed fixtures
(:mod:`.positioning_examples`), or tests the internal consistency of an answer on the student's own data, so
it does not depend on the data and knows no expected answer of it. A failure says what is wrong and where to
look; success prints the standard pass line. ``reference.MISTAKES`` (instructor side) holds an implementation
of each declared mistake, which the grader's verdict fails on a real world.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import Mistake, fail, number, passed, require_columns
from .positioning_examples import (
    ABC_REVENUE,
    ABC_ROUND,
    ABC_TIE,
    ABC_TIE_WANT,
    ABC_WANT,
    ATTRIBUTES,
    BRAND_DISTANCES,
    BRANDS,
    CDV_COSTS,
    CDV_VALUES,
    IDEAL,
    MAN_CARDS,
    MAN_SHOPS,
    MOVES,
    PROFIT_ITEMS,
    PROFIT_WANT,
    PYRAMID_PROFIT,
    PYRAMID_WANT_N,
    REVENUE_ORDER,
    TIED_OPTIONS,
    WEIGHTS,
)

ABC_COLUMNS = ["customer_id", "revenue", "cum_share", "abc_class"]
PYRAMID_COLUMNS = ["tier", "n", "profit", "profit_share"]
TIERS = ["Platinum", "Gold", "Iron", "Lead"]
MAN_LABELS = ["ideal", "contact", "cultivate", "drop"]
MAN_COLUMNS = ["man_class", "n", "n_closed", "converted", "conversion_rate"]
FLAG_COLUMNS = ["lead_id", "money", "authority", "need"]
RANK_COLUMNS = ["option", "distance", "rank"]
OPEN_STATUSES = ("New", "Assigned", "In Process")  # a lead still being worked: neither converted nor lost
HORIZON_END = pd.Timestamp("2026-01-01")  # the data end: every order is before it
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
REVENUE_WITH_DUTY = Mistake("with_duty", "收入不含进口关税和税 duty_tax：那是代政府收的钱，不是店铺的收入。"
                                         "用 (order_total − duty_tax) × fx_rate_to_cny。")
RANK_UNNORMALISED = Mistake("unnormalised", "先把权重归一化 normalise：w / w.sum()，使权重之和为 1"
                                            "（例题的权重之和正好为 1，"
                                            "评分时的权重不是）。")
RANK_DESCENDING = Mistake("descending", "距离越**小**越接近理想点：rank 1 是距离最小的选项。")
MOVE_LARGEST_WEIGHT = Mistake("largest_weight", "不是权重最大的属性就一定最好：比较每个属性移动一步后 d 减少多少，"
                                                "w_k × [(x_k − I_k)² − (剩下的差距)²]。")
MOVE_OVERSHOOT = Mistake("overshoot", "向理想点移动时不要越过它："
                                      "差距只有 0.5 而步长为 1 时，移动后差距为 0，不是 0.5。")
MAN_CNY_THRESHOLD = Mistake("cny_threshold", "预算是店铺币种 shop currency：和**该店**的门槛 threshold[shop_id] 比较，"
                                             "不要都和 50,000 比。")
MAN_STRICT = Mistake("strict", "预算**等于**门槛也算有购买力：budget >= threshold，不是 >。")
MAN_ALL_LEADS = Mistake("all_leads", "转化率的分母是**已关闭**的线索 n_closed（Converted、Recycled、Dead）。"
                                     "还在跟进的线索（New、Assigned、In Process）还没有结果，不能算作失败。")
LOST_FLIPPED = Mistake("flipped", "lost 为 True 表示客户**已经流失**：很久没有购买的客户才可能流失，"
                                  "最近几天还在买的客户不是流失客户。比较方向反了吗？")



def check_cdv(cdv) -> None:
    """Task 2: CDV = TCV − TCC and value ratio TCV / TCC, from dicts of value and cost components."""
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
    passed("任务 2 cdv")


def _abc(abc_classify, revenue: dict) -> pd.DataFrame:
    series = pd.Series(revenue, dtype=float).rename_axis("customer_id")
    table = abc_classify(series.copy())
    require_columns(table, ABC_COLUMNS, name="abc_classify 的结果")
    if len(table) != len(series):
        fail(f"应有 {len(series)} 行（每位客户一行），你的有 {len(table)} 行。")
    return table.reset_index(drop=True)


def check_abc_classify(abc_classify) -> None:
    """Task 3: sorted by revenue desc (ties by id), cum_share to 10 dp, class by the share *before* a customer."""
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
    passed("任务 3 abc_classify")


def check_abc_counts(abc, abc_counts, n_customers: int) -> None:
    """Task 4 (own data): one row per customer, classes A/B/C only, counts agree with the table."""
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
    passed("任务 3 abc / abc_counts")


def check_order_profit(order_profit) -> None:
    """Task 4: gross profit of an order in CNY = (items_subtotal − discount − Σ quantity × unit_cost) × fx."""
    orders = pd.DataFrame([dict(REVENUE_ORDER, order_id="O1")])
    got = order_profit(orders.copy(), pd.DataFrame(PROFIT_ITEMS))
    if not isinstance(got, pd.Series) or len(got) != 1:
        fail("order_profit 应返回一个 Series，每个订单一个值（与 orders 的行一一对应）。")
    value = number(got.iloc[0], name="order_profit 的值")
    if not np.isclose(value, PROFIT_WANT):
        fail(f"例子：items_subtotal = 100、discount = 10、两行成本 2 × 15 + 1 × 10 = 40、fx = 7.8："
             f"毛利应为 (100 − 10 − 40) × 7.8 = 390 元，你的是 {value:g}（运费、关税不计；只算本订单的商品行）。")
    passed("任务 4 order_profit")


def check_customer_pyramid(customer_pyramid) -> None:
    """Task 4: tiers by rank with cumulative floor cuts 5 / 20 / 50 %, summed per tier in tier order."""
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
    passed("任务 4 customer_pyramid")


def check_pyramid(pyramid, n_customers: int) -> None:
    """Task 4 (own data): four tiers in order, counts by the floor rule, shares summing to 1."""
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
    passed("任务 4 pyramid")


def check_man_class(man_class) -> None:
    """Task 7: the 8 MAN combinations collapse to ideal / contact / cultivate / drop by how many hold."""
    for (m, a, n), want in MAN_WANT.items():
        got = man_class(m, a, n)
        if got != want:
            flags = "".join(c.upper() if v else c for c, v in zip("man", (m, a, n), strict=True))
            fail(f"man_class(money={m}, authority={a}, need={n})（{flags}）应为 {want!r}，你的是 {got!r}。"
                 "规则：三项都有 → 'ideal'，两项 → 'contact'，一项 → 'cultivate'，都没有 → 'drop'（小写英文）。")
    if man_class(np.bool_(True), np.bool_(False), np.bool_(True)) != "contact":
        MAN_IS_TRUE.fail()
    passed("任务 7 man_class")


def check_order_revenue(order_revenue) -> None:
    """Task 3: revenue of an order in CNY = (order_total − duty_tax) × fx_rate_to_cny, one value per order."""
    orders = pd.DataFrame([REVENUE_ORDER, dict(REVENUE_ORDER, duty_tax=0.0, order_total=95.0, fx_rate_to_cny=1.0)])
    got = order_revenue(orders.copy())
    if not isinstance(got, pd.Series) or len(got) != 2:
        fail("order_revenue 应返回一个 Series，每个订单一个值（与 orders 的行一一对应）。")
    first = number(got.iloc[0], name="order_revenue 的第一个值")
    if np.isclose(first, 107.0 * 7.8):
        REVENUE_WITH_DUTY.fail("例子 order_total = 107、duty_tax = 12、fx = 7.8 应得 741 元，你的是 834.6：")
    if not np.isclose(first, 741.0):
        fail(f"例子 order_total = 107、duty_tax = 12、fx_rate_to_cny = 7.8：收入应为 (107 − 12) × 7.8 = 741 元，"
             f"你的是 {first:g}（要乘汇率换成人民币）。")
    if not np.isclose(float(got.iloc[1]), 95.0):
        fail("国内订单 duty_tax = 0、fx = 1：收入应等于 order_total。")
    passed("任务 3 order_revenue")


def _rank(ideal_point_rank, options: dict, weights) -> pd.DataFrame:
    frame = pd.DataFrame(options, index=list(ATTRIBUTES)).T.rename_axis("option")
    table = ideal_point_rank(frame.copy(), list(IDEAL), list(weights))
    require_columns(table, RANK_COLUMNS, name="ideal_point_rank 的结果")
    return table.reset_index(drop=True)


def check_ideal_point(ideal_point_rank, best_move) -> None:
    """Task 5: weighted distances with weights normalised, rank 1 nearest, ties by name; the best one-step move."""
    table = _rank(ideal_point_rank, BRANDS, WEIGHTS)
    got = dict(zip(table["option"], table["distance"], strict=True))
    if not all(np.isclose(float(got.get(k, np.nan)), v) for k, v in BRAND_DISTANCES.items()):
        fail(f"讲义例题：d_A ≈ 0.894、d_B ≈ 1.140，你的是 {got}。d = sqrt(Σ w_k (x_k − I_k)²)。")
    if list(table["option"]) == ["B", "A"] or list(table["rank"]) == [2, 1]:
        RANK_DESCENDING.fail()
    if list(table["option"]) != ["A", "B"] or [int(r) for r in table["rank"]] != [1, 2]:
        fail("按 distance 从小到大排序，rank 从 1 开始：A 第 1、B 第 2。")
    doubled = _rank(ideal_point_rank, BRANDS, [2 * w for w in WEIGHTS])
    if not np.allclose(doubled["distance"].to_numpy(dtype=float), table["distance"].to_numpy(dtype=float)):
        RANK_UNNORMALISED.fail("权重 (1.0, 0.6, 0.4) 与 (0.5, 0.3, 0.2) 的比例相同，距离应该一样：")
    tied = _rank(ideal_point_rank, TIED_OPTIONS, WEIGHTS)
    if list(tied["option"]) != ["Mid", "Alpha", "Zeta"] or [int(r) for r in tied["rank"]] != [1, 2, 3]:
        fail("并列 tie rule：距离相同按选项名升序，名次仍是 1, 2, 3…… 例子 Mid(0)、Alpha(0.707)、Zeta(0.707) "
             f"应排成 Mid, Alpha, Zeta，你的是 {list(tied['option'])}。")
    for ratings, ideal, weights, step, want in MOVES:
        frame = pd.DataFrame([ratings], index=pd.Index(["X"], name="option"), columns=list(ATTRIBUTES))
        got_move = best_move(frame.copy(), "X", list(ideal), list(weights), step)
        if got_move == want:
            continue
        case = f"品牌 {ratings}、理想点 {ideal}、权重 {weights}、步长 {step}：应移动 {want!r}，你的是 {got_move!r}。"
        gaps = np.abs(np.subtract(ratings, ideal))
        if got_move == ATTRIBUTES[int(np.argmax(np.where(gaps > 0, weights, -1)))]:
            MOVE_LARGEST_WEIGHT.fail(case)
        if step > gaps[ATTRIBUTES.index(want)]:
            MOVE_OVERSHOOT.fail(case)
        fail(case + " 比较每个属性移动后 d 的减少量，取最大的（并列取列的顺序靠前者）。")
    at_ideal = pd.DataFrame([IDEAL], index=pd.Index(["X"], name="option"), columns=list(ATTRIBUTES))
    if best_move(at_ideal, "X", list(IDEAL), list(WEIGHTS), 1.0) is not None:
        fail("品牌已经在理想点上时，任何移动都不能再缩短距离：应返回 None。")
    passed("任务 5 ideal_point_rank / best_move")


def _cards() -> pd.DataFrame:
    rows = [(f"K{i:02d}", s, t, n, b) for i, (s, t, n, b, _) in enumerate(MAN_CARDS)]
    return pd.DataFrame(rows, columns=["lead_id", "shop_id", "job_title", "stated_need", "budget"])


def check_man_flags(man_flags, threshold, leads: pd.DataFrame) -> None:
    """Task 6: M from budget >= the shop's threshold, A from the title, N from the stated need."""
    got = man_flags(_cards(), dict(MAN_SHOPS))
    require_columns(got, FLAG_COLUMNS, name="man_flags 的结果")
    if len(got) != len(MAN_CARDS) or list(got["lead_id"]) != list(_cards()["lead_id"]):
        fail("man_flags 应为每条线索返回一行，lead_id 与输入一一对应、顺序不变。")
    for row, (shop, title, need, budget, want) in zip(got.itertuples(index=False), MAN_CARDS, strict=True):
        mine = (bool(row.money), bool(row.authority), bool(row.need))
        if mine[0] != want[0]:
            card = f"店铺 {shop}（门槛 {MAN_SHOPS[shop]:,.0f}）预算 {budget:,.0f}：M 应为 {want[0]}。"
            if budget == MAN_SHOPS[shop]:
                MAN_STRICT.fail(card)
            if shop != "S01":
                MAN_CNY_THRESHOLD.fail(card)
            fail(card + " 预算为 0 表示未知，不算有购买力。")
        if mine[1] != want[1]:
            fail(f"职位“{title}”：A 应为 {want[1]}。有决策权的是企业负责人、总监级和采购经理；"
                 "专员、助理、实习生、前台、其他部门的主管没有。")
        if mine[2] != want[2]:
            fail(f"需求“{need}”：N 应为 {want[2]}。说出了买什么、买多少或何时要（或要报价、合同）才算真实需求。")
    own = man_flags(leads.drop(columns=["man_money", "man_authority", "man_need"], errors="ignore"), threshold)
    require_columns(own, FLAG_COLUMNS, name="man_flags(world.leads, threshold)")
    if len(own) != len(leads):
        fail(f"你的数据有 {len(leads)} 条线索，man_flags 应返回同样多行。")
    passed("任务 6 man_flags")


def check_man_table(man_table, leads: pd.DataFrame) -> None:
    """Task 7 (own data): one row per class in order; rate = converted / closed leads; open leads not failures."""
    require_columns(man_table, MAN_COLUMNS, name="man_table")
    if list(man_table["man_class"]) != MAN_LABELS:
        fail(f"man_table 应按顺序 {MAN_LABELS} 每类一行，你的是 {list(man_table['man_class'])}。")
    if int(man_table["n"].sum()) != len(leads):
        fail(f"n 之和应等于线索数 {len(leads)}（world.leads 的每条线索都要归类）。")
    n_open = int(leads["status"].isin(OPEN_STATUSES).sum())
    if int(man_table["n_closed"].sum()) != len(leads) - n_open:
        fail(f"n_closed 之和应等于已关闭的线索数 {len(leads) - n_open}：status 为 Converted、Recycled、Dead。")
    if (man_table["converted"] > man_table["n_closed"]).any():
        fail("converted 是每类中已转化的线索数，不能超过 n_closed。")
    if np.allclose(man_table["conversion_rate"], man_table["converted"] / man_table["n"]) and n_open:
        MAN_ALL_LEADS.fail()
    if not np.allclose(man_table["conversion_rate"], man_table["converted"] / man_table["n_closed"]):
        fail("conversion_rate 应为 converted / n_closed（比例 0–1，不是百分数）。")
    passed("任务 7 man_table")


def _customer_series(value, customers: pd.DataFrame, *, name: str, task: str) -> pd.Series:
    if not isinstance(value, pd.Series):
        fail(f"{name} 应返回 pandas Series（got {type(value).__name__}）。")
    ids = customers["customer_id"]
    if value.index.has_duplicates:
        fail(f"{name} 的索引有重复：每位客户一个值。")
    if set(value.index) != set(ids):
        prefix = f"{name} 的索引 index 应是全部 {len(ids)} 个 customer_id（你的有 {len(value)} 个）："
        if set(value.index) < set(ids) and task == "q8":
            SCORE_MISSING_CUSTOMERS.fail(prefix)
        fail(prefix + "没有有效订单的客户也要在内；索引应恰好是 customers['customer_id']。")
    return value


def check_potential(potential, world) -> None:
    """Task 8 (own data): a finite score for every customer, indexed by customer_id, not constant."""
    score = _customer_series(potential(world.customers, world.orders, world.order_items, HORIZON_END),
                             world.customers, name="potential(...)", task="q8")
    values = pd.to_numeric(score, errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(values).all():
        fail("potential 的结果有 NaN 或无穷大：缺失值先填 0。")
    if np.unique(values).size < 2:
        fail("potential 的结果是常数，无法排序区分客户。")
    passed("任务 8 potential（只检查形式 form only；评分端会与模拟器保存的真实值比较 "
           "graded against the true future value）")


def check_is_lost(is_lost, world) -> None:
    """Task 9 (own data): a boolean for every customer; someone who bought in the last week is not lost."""
    flags = _customer_series(is_lost(world.customers, world.orders, HORIZON_END), world.customers,
                             name="is_lost(...)", task="q9")
    if not (pd.api.types.is_bool_dtype(flags) or set(pd.unique(flags)) <= {True, False}):
        fail("is_lost 的值应是 True / False（True = 判断为已流失）。")
    recent = world.orders.loc[world.orders["order_ts"] >= HORIZON_END - pd.Timedelta(days=7), "customer_id"]
    if flags.reindex(pd.unique(recent)).fillna(False).astype(bool).mean() > 0.5:
        LOST_FLIPPED.fail()
    if flags.astype(bool).all() or not flags.astype(bool).any():
        fail("is_lost 把所有客户都判成了同一类：规则要能区分客户。")
    passed("任务 9 is_lost（只检查形式 form only；评分端会与模拟器保存的真实值比较 "
           "graded against the true churn）")
