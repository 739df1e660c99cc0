"""Formative checks of notebook 02: each passes on a correct answer and fails, with the teaching message,
on typical wrong answers."""

import math

import numpy as np
import pandas as pd
import pytest
from crmlab.autograde.tasks import (
    CheckError,
    positioning as tasks,
    positioning_checks as pc,
    positioning_examples as ex,
)

TIERS = ["Platinum", "Gold", "Iron", "Lead"]


# ---- correct answers (the notebook's solutions, kept test-side) ----------------------------------------
def cdv(values, costs):
    tcv, tcc = sum(values.values()), sum(costs.values())
    return float(tcv - tcc), float(tcv / tcc)


def abc_classify(revenue, *, before=True, rounding=True, tie_ascending=True):
    t = revenue.rename("revenue").rename_axis("customer_id").reset_index()
    t = t.sort_values(["revenue", "customer_id"], ascending=[False, tie_ascending]).reset_index(drop=True)
    t["cum_share"] = t["revenue"].cumsum() / t["revenue"].sum()
    if rounding:
        t["cum_share"] = t["cum_share"].round(10)
    share = t["cum_share"].shift(fill_value=0.0) if before else t["cum_share"]
    t["abc_class"] = np.select([share < 0.80, share < 0.95], ["A", "B"], default="C")
    return t


def customer_pyramid(profit, *, cut=math.floor, cumulative=True, ascending=False):
    t = profit.rename("profit").rename_axis("customer_id").reset_index()
    t = t.sort_values(["profit", "customer_id"], ascending=[ascending, True]).reset_index(drop=True)
    n = len(t)
    if cumulative:
        bounds = [cut(c * n) for c in (0.05, 0.20, 0.50)]
    else:
        sizes = [cut(c * n) for c in (0.05, 0.15, 0.30)]
        bounds = list(np.cumsum(sizes))
    rank = np.arange(1, n + 1)
    t["tier"] = np.select([rank <= bounds[0], rank <= bounds[1], rank <= bounds[2]], TIERS[:3], default="Lead")
    out = t.groupby("tier", sort=False)["profit"].agg(["size", "sum"]).reindex(TIERS).reset_index()
    out.columns = ["tier", "n", "profit"]
    out["profit_share"] = out["profit"] / out["profit"].sum()
    return out


def man_class(money, authority, need):
    return ["drop", "cultivate", "contact", "ideal"][int(money) + int(authority) + int(need)]


def man_table():
    return pd.DataFrame({"man_class": ["ideal", "contact", "cultivate", "drop"], "n": [10, 20, 30, 40],
                         "n_closed": [10, 20, 20, 30], "converted": [5, 4, 3, 1],
                         "conversion_rate": [0.5, 0.2, 0.15, 1 / 30]})


LEADS = pd.DataFrame({"status": ["Converted"] * 13 + ["Dead"] * 67 + ["New"] * 20})


def order_revenue(orders):
    return (orders["order_total"] - orders["duty_tax"]) * orders["fx_rate_to_cny"]


def order_profit(orders, items):
    cost = (items["quantity"] * items["unit_cost"]).groupby(items["order_id"]).sum()
    return (orders["items_subtotal"] - orders["discount"] - orders["order_id"].map(cost).fillna(0)) \
        * orders["fx_rate_to_cny"]


def ideal_point_rank(options, ideal, weights):
    w = np.asarray(weights, dtype=float) / np.sum(weights)
    d = np.sqrt(((options - np.asarray(ideal, dtype=float)) ** 2 * w).sum(axis=1)).round(10)
    t = pd.DataFrame({"option": options.index.astype(str), "distance": d.to_numpy()})
    t = t.sort_values(["distance", "option"]).reset_index(drop=True)
    return t.assign(rank=np.arange(1, len(t) + 1))


def best_move(options, brand, ideal, weights, step, *, overshoot=False, heaviest=False):
    gap = (options.loc[brand] - np.asarray(ideal, dtype=float)).abs()
    left = (gap - step).abs() if overshoot else (gap - step).clip(lower=0)
    gain = np.asarray(weights, dtype=float) * ((gap > 0) if heaviest else (gap ** 2 - left ** 2))
    return None if gain.max() <= 0 else str(gain.idxmax())


DECISION = {"总经理", "采购经理", "Managing Director", "Head of Purchasing"}
CONCRETE = {"需要为门店年度补货，每月固定批量采购",
            "Need 500 branded gift sets for our year-end event, delivered within 8 weeks",
            "Want a yearly supply contract with monthly deliveries"}


def man_flags(leads, threshold, *, cny=False, strict=False):
    cut = 50_000.0 if cny else leads["shop_id"].map(threshold)
    money = leads["budget"] > cut if strict else leads["budget"] >= cut
    return pd.DataFrame({"lead_id": leads["lead_id"], "money": money & (leads["budget"] > 0),
                         "authority": leads["job_title"].isin(DECISION),
                         "need": leads["stated_need"].isin(CONCRETE)})


# ---- the checks pass on correct answers ---------------------------------------------------------------
def test_correct_answers_pass(capsys):
    pc.check_cdv(cdv)
    pc.check_order_revenue(order_revenue)
    pc.check_abc_classify(abc_classify)
    table = abc_classify(pd.Series(ex.ABC_REVENUE))
    pc.check_abc_counts(table, {"A": 2, "B": 2, "C": 6}, 10)
    pc.check_order_profit(order_profit)
    pc.check_customer_pyramid(customer_pyramid)
    pc.check_pyramid(customer_pyramid(pd.Series(ex.PYRAMID_PROFIT)), 30)
    pc.check_ideal_point(ideal_point_rank, best_move)
    pc.check_man_flags(man_flags, ex.MAN_SHOPS, pc._cards())
    pc.check_man_class(man_class)
    pc.check_man_table(man_table(), LEADS)
    out = capsys.readouterr().out
    assert out.count("✓") == 11 and "the grader will still check it" in out


def _raises(match, fn, *args):
    with pytest.raises(CheckError, match=match):
        fn(*args)


# ---- and fail with the right message on typical mistakes ----------------------------------------------
@pytest.mark.parametrize("wrong, match", [
    (lambda v, c: (sum(c.values()) - sum(v.values()), 1.6), "不是反过来"),
    (lambda v, c: (60.0, sum(c.values()) / sum(v.values())), "TCC / TCV"),
    (lambda v, c: (v["product"] - c["monetary"], 1.25), "第一项"),
    (lambda v, c: (sum(v.get(k, 0) for k in ("product", "service", "personnel", "image"))
                   - sum(c.get(k, 0) for k in ("monetary", "time", "energy", "psychic")), 1.6), "所有值"),
    (lambda v, c: [60.0, 1.6], "tuple"),
    (lambda v, c: (float("nan"), 1.6), "有限数"),
])
def test_cdv_mistakes(wrong, match):
    _raises(match, pc.check_cdv, wrong)


@pytest.mark.parametrize("wrong, match", [
    (lambda r: abc_classify(r, before=False), "之前"),
    (lambda r: abc_classify(r, rounding=False), "10 位小数"),
    (lambda r: abc_classify(r, tie_ascending=False), "tie rule"),
    (lambda r: abc_classify(r).iloc[::-1], "从高到低"),
    (lambda r: abc_classify(r).assign(cum_share=lambda t: t["revenue"] / t["revenue"].sum()), "累计"),
    (lambda r: abc_classify(r).drop(columns="abc_class"), "abc_class"),
    (lambda r: abc_classify(r).head(5), "行"),
])
def test_abc_classify_mistakes(wrong, match):
    _raises(match, pc.check_abc_classify, wrong)


def test_abc_counts_mistakes():
    table = abc_classify(pd.Series(ex.ABC_REVENUE))
    _raises("行", pc.check_abc_counts, table, {"A": 2, "B": 2, "C": 6}, 11)
    _raises("键", pc.check_abc_counts, table, {"A": 2, "B": 2, "C": 5}, 10)
    _raises("dict", pc.check_abc_counts, table, [2, 2, 6], 10)
    _raises("只能是", pc.check_abc_counts, table.assign(abc_class="Platinum"), {"A": 2, "B": 2, "C": 6}, 10)


@pytest.mark.parametrize("wrong, match", [
    (lambda p: customer_pyramid(p, cut=round), "floor"),
    (lambda p: customer_pyramid(p, cumulative=False), "累计"),
    (lambda p: customer_pyramid(p, ascending=True), "最高"),
    (lambda p: customer_pyramid(p).iloc[::-1], "顺序"),
    (lambda p: customer_pyramid(p).assign(profit_share=lambda t: t["profit"] / t["n"]), "profit_share"),
    (lambda p: customer_pyramid(p).drop(columns="n"), "n"),
])
def test_customer_pyramid_mistakes(wrong, match):
    _raises(match, pc.check_customer_pyramid, wrong)


def test_pyramid_mistakes():
    good = customer_pyramid(pd.Series(ex.PYRAMID_PROFIT))
    _raises("各层人数", pc.check_pyramid, good, 31)
    _raises("之和应为 1", pc.check_pyramid, good.assign(profit_share=0.5), 30)
    _raises("顺序", pc.check_pyramid, good.iloc[::-1], 30)


@pytest.mark.parametrize("wrong, match", [
    (lambda m, a, n: "ideal" if m and a and n else "drop", "'contact'"),
    (lambda m, a, n: "contact" if m and not (a or n) else man_class(m, a, n),
     "money=True, authority=False, need=False"),
    (lambda m, a, n: man_class(m, a, n).upper(), "小写"),
    (lambda m, a, n: man_class(m is True, a is True, n is True), "numpy"),
])
def test_man_class_mistakes(wrong, match):
    _raises(match, pc.check_man_class, wrong)


@pytest.mark.parametrize("table, match", [
    (man_table().iloc[::-1], "顺序"),
    (man_table().assign(conversion_rate=lambda t: t["converted"] / t["n"]), "已关闭"),
    (man_table().assign(conversion_rate=lambda t: 100 * t["converted"] / t["n_closed"]), "converted / n_closed"),
    (man_table().assign(converted=[50, 4, 3, 1]), "不能超过"),
    (man_table().assign(n_closed=[10, 20, 30, 40]), "已关闭的线索数"),
    (man_table().rename(columns={"n": "count"}), "缺少列"),
])
def test_man_table_mistakes(table, match):
    _raises(match, pc.check_man_table, table, LEADS)


def test_man_table_must_cover_every_lead():
    _raises("线索数", pc.check_man_table, man_table(), pd.concat([LEADS, LEADS.head(1)]))


def test_revenue_and_profit_mistakes():
    _raises("834.6", pc.check_order_revenue, lambda o: o["order_total"] * o["fx_rate_to_cny"])
    _raises("汇率", pc.check_order_revenue, lambda o: o["order_total"] - o["duty_tax"])
    _raises("Series", pc.check_order_revenue, lambda o: 1.0)
    _raises("390", pc.check_order_profit, lambda o, i: (o["items_subtotal"] - o["discount"]) * o["fx_rate_to_cny"])


@pytest.mark.parametrize("wrong_rank, wrong_move, match", [
    (lambda o, i, w: ideal_point_rank(o, i, np.asarray(w) / 1.0).assign(
        distance=lambda t: t["distance"] * np.sqrt(np.sum(w))), best_move, "归一化"),
    (lambda o, i, w: ideal_point_rank(o, i, w).iloc[::-1].assign(rank=lambda t: np.arange(1, len(t) + 1)),
     best_move, "越接近"),
    (lambda o, i, w: ideal_point_rank(o, i, w).sort_values(["distance", "option"], ascending=[True, False])
     .reset_index(drop=True).assign(rank=lambda t: np.arange(1, len(t) + 1)), best_move, "tie rule"),
    (ideal_point_rank, lambda *a: best_move(*a, heaviest=True), "不是权重最大"),
    (ideal_point_rank, lambda *a: best_move(*a, overshoot=True), "越过"),
    (ideal_point_rank, lambda *a: "quality", "应移动"),
])
def test_ideal_point_mistakes(wrong_rank, wrong_move, match):
    _raises(match, pc.check_ideal_point, wrong_rank, wrong_move)


def test_ideal_point_none_at_the_ideal():
    _raises("None", pc.check_ideal_point, ideal_point_rank,
            lambda o, b, i, w, s: best_move(o, b, i, w, s) or "price_level")


@pytest.mark.parametrize("wrong, match", [
    (lambda leads, t: man_flags(leads, t, cny=True), "该店"),
    (lambda leads, t: man_flags(leads, t, strict=True), ">="),
    (lambda leads, t: man_flags(leads, t).assign(authority=True), "决策权"),
    (lambda leads, t: man_flags(leads, t).assign(need=False), "真实需求"),
    (lambda leads, t: man_flags(leads, t).iloc[::-1], "顺序不变"),
    (lambda leads, t: man_flags(leads, t).drop(columns="need"), "缺少列"),
])
def test_man_flags_mistakes(wrong, match):
    _raises(match, pc.check_man_flags, wrong, ex.MAN_SHOPS, pc._cards())


def test_money_thresholds_are_the_simulators():
    from crmlab.simulator import geography, sales
    fx = {v["currency"]: v["fx_rate_to_cny"] for v in geography.LOCALE_INFO.values()}
    shops = pd.DataFrame({"currency": list(fx), "fx_rate_to_cny": list(fx.values())})
    assert dict(zip(shops["currency"], sales.money_threshold(shops), strict=True)) == ex.MONEY_THRESHOLDS


class _World:
    """A tiny observed world for the checks and back-tests of tasks 8 and 9."""

    def __init__(self):
        ts = pd.to_datetime(["2024-01-10", "2024-06-10", "2025-12-28", "2023-03-01", "2025-09-01", "2025-03-01",
                             "2025-11-20"])
        self.customers = pd.DataFrame({"customer_id": ["C1", "C2", "C3", "C4"],
                                       "signup_date": pd.to_datetime(["2023-01-01"] * 4)})
        self.orders = pd.DataFrame({
            "order_id": [f"O{i}" for i in range(7)], "customer_id": ["C1", "C1", "C1", "C2", "C3", "C3", "C3"],
            "order_ts": ts, "status": ["delivered"] * 6 + ["cancelled"], "items_subtotal": 100.0, "discount": 0.0,
            "order_total": 100.0, "duty_tax": 0.0, "fx_rate_to_cny": 1.0})
        self.order_items = pd.DataFrame({"order_id": self.orders["order_id"], "quantity": 1, "unit_cost": 40.0})


def days_rule(customers, orders, asof, *, flip=False):
    last = orders[orders["status"] == "delivered"].groupby("customer_id")["order_ts"].max()
    lost = (asof - last).dt.days > 180
    return (~lost if flip else lost).reindex(customers["customer_id"], fill_value=False)


def test_potential_and_lost_checks():
    w = _World()
    pc.check_potential(lambda c, o, i, a: pd.Series([3.0, 0.0, 1.0, 0.0], index=c["customer_id"]), w)
    _raises("全部 4 个", pc.check_potential, lambda c, o, i, a: pd.Series([1.0], index=["C1"]), w)
    _raises("NaN", pc.check_potential, lambda c, o, i, a: pd.Series([1.0, np.nan, 2, 0], index=c["customer_id"]), w)
    _raises("常数", pc.check_potential, lambda c, o, i, a: pd.Series(1.0, index=c["customer_id"]), w)
    _raises("Series", pc.check_potential, lambda c, o, i, a: np.ones(4), w)
    pc.check_is_lost(days_rule, w)
    _raises("反了", pc.check_is_lost, lambda c, o, a: days_rule(c, o, a, flip=True), w)
    _raises("同一类", pc.check_is_lost, lambda c, o, a: pd.Series(False, index=c["customer_id"]), w)


def test_backtests_use_only_the_history_before_the_cut():
    w = _World()
    seen = []

    def spy(customers, orders, items, asof):
        seen.append(orders["order_ts"].max())
        return pd.Series(np.arange(len(customers), dtype=float), index=customers["customer_id"])

    out = tasks.backtest_potential(spy, w)
    assert seen and seen[0] < tasks.BACKTEST_CUT and out.between(0, 1).all() and len(out) == 2
    lost = tasks.backtest_lost(days_rule, w)
    # at the cut, C1 (last 2024-06-10) and C2 are flagged; C1 came back in December: one sure false alarm of two
    assert lost.iloc[1] == 0.5 and 0 <= lost.iloc[2] <= 1


def test_truth_rules_judge_without_numbers():
    top = tasks.TopDecilePrecision("r")
    want = {"true_top": ["C1", "C2"], "mark": 0.4, "hist": 0.5}
    assert top.judge(["C1", "C3"], want) is not None and top.judge(["C1", "C2"], want) is None
    assert top.judge(["C1"], want) and top.judge("C1", want) and top.judge(["C1", "C1"], want)
    acc = tasks.BalancedAccuracy("r")
    want = {"population": ["C1", "C2", "C3", "C4"], "lost": ["C1", "C2"], "mark": 0.7}
    assert acc.judge(["C1", "C2", "C9"], want) is None  # outside the population: ignored
    assert acc.judge(["C1"], want) is None and acc.judge([], want) and acc.judge(["C1", "C2", "C3", "C4"], want)
    assert acc.judge(None, want)


# ---- the instructor's reference.py (independent code) passes the same checks ----------------------------
def _reference():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "course" / "02_customer_positioning" / "reference.py"
    spec = importlib.util.spec_from_file_location("reference_02", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_reference_passes_the_checks(capsys):
    ref = _reference()
    pc.check_abc_classify(ref.abc)
    pc.check_customer_pyramid(ref.pyramid)
    pc.check_pyramid(ref.pyramid(pd.Series(ex.PYRAMID_PROFIT)), 30)
    pc.check_order_revenue(ref.order_revenue)
    pc.check_order_profit(ref.order_profit)
    pc.check_ideal_point(ref.ideal_rank, ref.move)
    pc.check_man_flags(ref.man_flags, ex.MAN_SHOPS, pc._cards())
    pc.check_is_lost(ref.is_lost, _World())
    assert capsys.readouterr().out.count("✓") == 8


def test_reference_man_table_and_precision():
    ref = _reference()
    leads = pd.DataFrame({"man_money": [True, True, False, False, True],
                          "man_authority": [True, False, False, True, True],
                          "man_need": [True, True, False, False, True], "converted": [True, False, False, True, False],
                          "status": ["Converted", "Dead", "Recycled", "Converted", "In Process"]})
    table = ref.man_table(leads)
    pc.check_man_table(table, leads)
    assert table["n"].tolist() == [2, 1, 1, 1] and table["n_closed"].tolist() == [1, 1, 1, 1]
    assert table["converted"].tolist() == [1, 0, 1, 0]
    score = pd.Series([5.0, 4.0, 4.0, 1.0], index=["C4", "C2", "C1", "C3"])
    assert ref.top_ids(score, 0.5) == ["C4", "C1"]  # tie 4.0: C1 before C2
    assert ref.precision_at(score, ["C4", "C2"]) == 0.5


def test_reference_man_flags_recover_the_recorded_flags():
    """The MAN flags are rendered into budget, title and need by the simulator: the stated rule recovers them."""
    from crmlab import simulator
    from crmlab.autograde.tasks.positioning_inputs import shop_thresholds
    ref = _reference()
    world = simulator.simulate(n_customers=3000, seed=7)
    got = ref.man_flags(world.leads, shop_thresholds(world))
    for mine, recorded in (("money", "man_money"), ("authority", "man_authority"), ("need", "man_need")):
        assert (got[mine].to_numpy() == world.leads[recorded].to_numpy()).all(), mine
