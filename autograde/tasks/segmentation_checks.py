"""Notebook 03's formative checks and the common mistakes they diagnose (each with its hint).

A check runs the student's function on a worked example of the lecture (``segmentation_examples``) or tests
the consistency of an answer on the student's own data; it never knows the expected answer of their data.
``reference.MISTAKES`` holds an instructor implementation of each declared mistake, which the grader fails.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import Mistake, fail, number, passed, require_columns, segmentation_examples as ex

RFM_R_ASCENDING = Mistake("r_ascending", "R 分：最近一次购买距今天数**越少**越好，应得 5 分。给天数排名时用 "
                                         "rank(ascending=False)（天数最多的排第 1，得 1 分）。")
RFM_TIES_BY_ROW = Mistake("ties_by_row", "并列规则 tie rule：先按 customer_id 升序排好，再 rank(method='first')；"
                                         "否则并列客户的名次取决于订单表的行序。")
RFM_WITH_DUTY = Mistake("with_duty", "monetary 是收入：(order_total − duty_tax) × fx_rate_to_cny，关税与进口税不是"
                                     "店铺的收入。")
KMEANS_ONE_STEP = Mistake("one_step", "k-means 要反复“分配—更新中心”，直到分配不再变化（最多 max_iter 轮），"
                                      "不能只做一轮。")
KMEANS_NO_LOG = Mistake("no_log", "特征先取 log1p 再标准化：frequency 和 monetary 高度右偏，不取对数时少数大客户"
                                  "会独占一个簇。")
KANO_TRANSPOSED = Mistake("transposed", "评价表的**行**是正向问题 functional 的回答，**列**是反向问题 dysfunctional "
                                        "的回答：正向 like、反向 must-be → A；正向 must-be、反向 like → R。")
KANO_BETTER_ALL = Mistake("better_all", "Better、Worse 的分母是 A + O + M + I（不含 R、Q）：例题 Better = 32/48 = "
                                        "0.667。")
SERVQUAL_REVERSED = Mistake("reversed", "SERVQUAL 差距 gap = 感知 P − 期望 E（负数表示服务没达到期望）。")
SERVQUAL_UNSCALED = Mistake("unscaled", "重要性点数之和是 100：weighted_gap = points / 100 × gap。")
ACSI_NO_RESCALE = Mistake("no_rescale", "ACSI 是 0–100 的指数：加权平均分 1 对应 0，10 对应 100，"
                                        "不是简单乘以 10。")
ACSI_UNNORMALISED = Mistake("unnormalised", "权重之和不一定是 1：加权平均 = Σ wᵢ x̄ᵢ / Σ wᵢ。")


def fixture_orders() -> pd.DataFrame:
    """The RFM worked example as an order table (CNY, fx 1), shuffled, with one cancelled order and one duty."""
    asof = pd.Timestamp(ex.RFM_ASOF)
    rows = []
    for cid, (days, freq, money) in ex.RFM_FIXTURE.items():
        for j in range(freq):
            rows.append({"customer_id": cid, "order_ts": asof - pd.Timedelta(days=days + 7 * j, hours=3),
                         "status": "delivered" if j % 2 == 0 else "shipped", "order_total": money / freq,
                         "duty_tax": 0.0, "fx_rate_to_cny": 1.0})
    rows.append({"customer_id": "C04", "order_ts": asof - pd.Timedelta(days=1), "status": "cancelled",
                 "order_total": 5000.0, "duty_tax": 0.0, "fx_rate_to_cny": 1.0})
    orders = pd.DataFrame(rows)
    first = orders.index[orders["customer_id"] == "C06"][0]
    orders.loc[first, ["order_total", "duty_tax"]] += ex.RFM_DUTY
    orders["order_id"] = [f"X{i:03d}" for i in range(len(orders))]
    return orders.iloc[::-1].reset_index(drop=True)  # C10 before C08: row order must not break ties


def check_rfm(rfm_scores, rfm, world) -> None:
    """Task 4: the worked example cell by cell (direction of R, the tie rule, duty), then the student's table."""
    table = rfm_scores(fixture_orders(), pd.Timestamp(ex.RFM_ASOF))
    require_columns(table, ["customer_id", "recency_days", "frequency", "monetary", "R", "F", "M", "rfm"],
                    name="rfm_scores 的结果")
    got = dict(zip(table["customer_id"].astype(str), table["rfm"].astype(str), strict=True))
    if len(table) != 10:
        fail(f"例题有 10 位客户，应有 10 行（每位有有效订单的客户一行），你的有 {len(table)} 行。")
    money = dict(zip(table["customer_id"].astype(str), table["monetary"], strict=True))
    if np.isclose(float(money["C06"]), 1500.0 + ex.RFM_DUTY):
        RFM_WITH_DUTY.fail("例题 C06 的 monetary 应为 1500：")
    freq = dict(zip(table["customer_id"].astype(str), table["frequency"], strict=True))
    if int(freq["C04"]) != 1:
        fail("只算有效订单（status 为 delivered 或 shipped）：C04 的取消订单不算，frequency 应为 1。")
    if got.get("C10", "")[:1] == "5":
        RFM_R_ASCENDING.fail("例题 C10 已 300 天没买，R 应为 1：")
    if got.get("C08") == "222" or got.get("C10") == "111":
        RFM_TIES_BY_ROW.fail("例题 C08 应为 212、C10 应为 121：")
    if got != ex.RFM_WANT:
        fail(f"例题应得 {ex.RFM_WANT}，你的是 {got}。")
    if not all(str(c).isdigit() and len(str(c)) == 3 for c in rfm["rfm"]):
        fail("rfm 列应是三个分数拼成的字符串，例如 '512'。")
    buyers = world.orders.loc[world.orders["status"].isin(["delivered", "shipped"]), "customer_id"]
    if len(rfm) != buyers[buyers != ""].nunique():
        fail(f"rfm 应有 {buyers[buyers != ''].nunique()} 行：你的数据中每位有有效订单的客户一行。")
    counts = rfm["R"].value_counts()
    if counts.max() - counts.min() > 1:
        fail("R 分的五档人数应几乎相等（独立五分位 independent quintiles，对名次 qcut）。")
    passed("任务 4 rfm_scores / rfm")


def _standardise(x: np.ndarray) -> np.ndarray:
    return (x - x.mean(axis=0)) / x.std(axis=0)


def check_kmeans(kmeans, segments, world) -> None:
    """Task 5: the lecture's start and iterations on two fixtures; segments = the lecture's clustering of rfm."""
    from .segmentation import adjusted_rand

    labels = [int(v) for v in np.asarray(kmeans(np.array(ex.KMEANS_POINTS), 2)).ravel()]
    if labels != list(ex.KMEANS_WANT):
        fail(f"例题六个点应分成 {list(ex.KMEANS_WANT)}（簇编号按初始中心的顺序），你的是 {labels}。")
    labels = [int(v) for v in np.asarray(kmeans(np.array(ex.KMEANS_ITER_POINTS), 2)).ravel()]
    if labels == [0, 0, 0, 1, 1, 1]:
        KMEANS_ONE_STEP.fail(f"一维例子 {[p[0] for p in ex.KMEANS_ITER_POINTS]} 应收敛到 {list(ex.KMEANS_ITER_WANT)}：")
    if labels != list(ex.KMEANS_ITER_WANT):
        fail(f"一维例子 {[p[0] for p in ex.KMEANS_ITER_POINTS]} 应收敛到 {list(ex.KMEANS_ITER_WANT)}，"
             f"你的是 {labels}。")
    if not isinstance(segments, pd.Series):
        fail(f"segments 应是以 customer_id 为索引的 pandas Series（got {type(segments).__name__}）。")
    if segments.nunique() != 4:
        fail(f"segments 应有 4 个簇，你的有 {segments.nunique()} 个。")
    rfm = world_rfm(world)
    if set(segments.index.astype(str)) != set(rfm.index):
        fail(f"segments 的索引应是 rfm 中的 {len(rfm)} 个 customer_id（有有效订单的客户）。")
    mine = segments.astype(str).reindex(rfm.index).to_numpy()
    raw = kmeans(_standardise(rfm.to_numpy(dtype=float)), 4)
    logged = kmeans(_standardise(np.log1p(rfm.to_numpy(dtype=float))), 4)
    if adjusted_rand(mine, logged) < 0.99:
        if adjusted_rand(mine, raw) >= 0.99:
            KMEANS_NO_LOG.fail()
        fail("segments 与用你的 kmeans 在标准化的 log1p(R, F, M) 上、k = 4 算出的分群不一致。")
    passed("任务 5 kmeans / segments（评分端还会把分群与模拟器保存的真实值比较 graded against the truth too）")


def world_rfm(world) -> pd.DataFrame:
    """recency_days, frequency, monetary (CNY, duty excluded) per customer with a valid order, as of 2026-01-01."""
    o = world.orders
    o = o.loc[o["status"].isin(["delivered", "shipped"]).to_numpy() & (o["customer_id"] != "").to_numpy()]
    money = (o["order_total"] - o["duty_tax"]) * o["fx_rate_to_cny"]
    g = pd.DataFrame({"id": o["customer_id"].astype(str), "ts": o["order_ts"], "m": money}).groupby("id")
    return pd.DataFrame({"recency_days": (pd.Timestamp("2026-01-01") - g["ts"].max()).dt.days,
                         "frequency": g.size(), "monetary": g["m"].sum()})


def _kano_fixture(counts: dict) -> pd.DataFrame:
    """Answers of one feature whose categories come out as ``counts`` (one answer pair per category)."""
    pair = {"A": ("like", "neutral"), "O": ("like", "dislike"), "M": ("neutral", "dislike"),
            "I": ("neutral", "neutral"), "R": ("dislike", "like"), "Q": ("like", "like")}
    rows = [pair[c] for c, n in counts.items() for _ in range(n)]
    return pd.DataFrame({"survey_id": [f"V{i}" for i in range(len(rows))], "customer_id": "C1",
                         "feature": "demo", "functional": [r[0] for r in rows], "dysfunctional": [r[1] for r in rows]})


def check_kano(kano_category, kano_summary, world) -> None:
    """Task 6: the 25 cells, the worked example's Better/Worse, the tie order, then the student's table."""
    if kano_category("like", "must-be") == "R" and kano_category("must-be", "like") == "A":
        KANO_TRANSPOSED.fail()
    for i, f in enumerate(ex.KANO_ANSWERS):
        for j, d in enumerate(ex.KANO_ANSWERS):
            if kano_category(f, d) != ex.KANO_TABLE[i][j]:
                fail(f"kano_category({f!r}, {d!r}) 应为 {ex.KANO_TABLE[i][j]!r}，你的是 {kano_category(f, d)!r}。")
    table = kano_summary(_kano_fixture(ex.KANO_COUNTS))
    require_columns(table, ["feature", "A", "O", "M", "I", "R", "Q", "category", "better", "worse"],
                    name="kano_summary 的结果")
    row = table.iloc[0]
    if np.isclose(number(row["better"], name="better"), 32 / 50):
        KANO_BETTER_ALL.fail()
    if not (np.isclose(float(row["better"]), ex.KANO_BETTER) and np.isclose(float(row["worse"]), ex.KANO_WORSE)):
        fail(f"例题 A=20, O=12, M=8, I=8, R=1, Q=1：Better 应为 0.667，Worse 应为 −0.417（负数），"
             f"你的是 {float(row['better']):.3f}、{float(row['worse']):.3f}。")
    if row["category"] != "A":
        fail(f"例题的类别应是出现最多的 A，你的是 {row['category']!r}。")
    tie = kano_summary(_kano_fixture(ex.KANO_TIE_COUNTS)).iloc[0]["category"]
    if tie != "M":
        fail(f"并列 tie：O、M 都是 5 次，按 M、O、A、I、R、Q 的顺序应取 M，你的是 {tie!r}。")
    mine = kano_summary(world.kano_answers)
    if sorted(mine["feature"]) != sorted(world.kano_answers["feature"].unique()):
        fail("kano_summary(world.kano_answers) 应每个功能 feature 一行。")
    passed("任务 7 kano_category / kano_summary（类别还会与模拟器保存的真实类别比较）")


def check_servqual(servqual_gaps, servqual) -> None:
    """Task 7: the worked example (weighted gap −0.74) on a ten-respondent fixture, then the student's table."""
    rows = []
    for r in range(10):
        row = {"type": "relationship", "responded_ts": pd.Timestamp("2025-03-20")}
        for dim, e, p in zip(ex.SERVQUAL_DIMENSIONS, ex.SERVQUAL_E, ex.SERVQUAL_P, strict=True):
            items = [i for i in range(1, 23) if _dimension(i) == dim]
            for prefix, mean in (("e", e), ("p", p)):
                high = round(10 * (mean - int(mean)))
                for i in items:
                    row[f"servqual_{prefix}{i}"] = int(mean) + (1 if r < high else 0)
        rows.append(row)
    table = servqual_gaps(pd.DataFrame(rows), dict(zip(ex.SERVQUAL_DIMENSIONS, ex.SERVQUAL_POINTS, strict=True)))
    require_columns(table, ["dimension", "expectation", "perception", "gap", "points", "weighted_gap"],
                    name="servqual_gaps 的结果")
    total = float(table["weighted_gap"].sum())
    if np.isclose(total, -ex.SERVQUAL_WEIGHTED):
        SERVQUAL_REVERSED.fail("例题加权差距应为 −0.74：")
    if np.isclose(total, 100 * ex.SERVQUAL_WEIGHTED):
        SERVQUAL_UNSCALED.fail("例题加权差距应为 −0.74：")
    if not np.isclose(total, ex.SERVQUAL_WEIGHTED):
        fail(f"例题 E = {ex.SERVQUAL_E}、P = {ex.SERVQUAL_P}、点数 {ex.SERVQUAL_POINTS}：weighted_gap 之和应为 −0.74，"
             f"你的是 {total:.3f}。")
    if list(servqual["dimension"]) != list(ex.SERVQUAL_DIMENSIONS):
        fail(f"servqual 应按顺序 {list(ex.SERVQUAL_DIMENSIONS)} 每个维度一行。")
    passed("任务 8 servqual_gaps / servqual")


def _dimension(item: int) -> str:
    bounds = ((4, "tangibles"), (9, "reliability"), (13, "responsiveness"), (17, "assurance"), (22, "empathy"))
    return next(name for last, name in bounds if item <= last)


def check_acsi(acsi_index, acsi_by_shop, world) -> None:
    """Task 8: the worked example (74.33), unnormalised weights, then the student's per-shop table."""
    value = number(acsi_index(list(ex.ACSI_MEANS), list(ex.ACSI_WEIGHTS)), name="acsi_index")
    if np.isclose(value, 76.9):
        ACSI_NO_RESCALE.fail("例题应为 74.33：")
    if not np.isclose(value, ex.ACSI_WANT):
        fail(f"例题：均值 {ex.ACSI_MEANS}、权重 {ex.ACSI_WEIGHTS} 应得 74.33，你的是 {value:.2f}。")
    doubled = number(acsi_index(list(ex.ACSI_MEANS), [2 * w for w in ex.ACSI_WEIGHTS]), name="acsi_index")
    if not np.isclose(doubled, ex.ACSI_WANT):
        ACSI_UNNORMALISED.fail("权重都乘以 2，指数应不变（74.33）：")
    require_columns(acsi_by_shop, ["shop_id", "n", "acsi"], name="acsi_by_shop")
    s = world.surveys
    answered = s[(s["type"] == "relationship") & s["responded_ts"].notna()]
    if int(acsi_by_shop["n"].sum()) != len(answered):
        fail(f"n 之和应是已回答的关系调查数 {len(answered)}（type == 'relationship' 且 responded_ts 非空）。")
    if not acsi_by_shop["acsi"].between(0, 100).all():
        fail("ACSI 应在 0–100 之间。")
    passed("任务 9 acsi_index / acsi_by_shop")
