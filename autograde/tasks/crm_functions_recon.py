"""Notebook 08, tasks 5–6: the CRM-vs-ERP reconciliation ("seamless integration with ERP", a technical requirement
of a CRM system), graded against the simulator's truth (``truth.erp_issues``: every deal or reference the
simulator made go wrong, with its kind and the CRM's and the ERP's amounts).

Task 5 is the student's list of mismatches, ``reconcile(con)`` on a fresh copy of the lecture's database: per
issue kind the list must find at least :data:`RECALL` of the true issues of that kind, and at least
:data:`PRECISION` of what it reports must be true issues of the kind it names. Task 6 is the money at stake,
``at_stake(issues)``: per shop and kind, how much the ERP billed more (+) or less (−) than the CRM says was won,
compared with the same sums over the truth. The recovery study is in the lecture's ``measured.json``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import (
    Mistake,
    Task,
    crm_functions_db as db,
    crm_functions_examples as ex,
    fail,
    passed,
    plain_columns,
    require_columns,
)
from .rules import Rule, _closeness, _numeric

ISSUES = ("missing", "amount", "duplicate", "orphan", "cancelled")
RECON_COLUMNS = ["crm_ref", "shop_id", "issue", "crm_amount", "erp_amount"]
STAKE_COLUMNS = ["shop_id", "issue", "deals", "gap"]
RECALL = 0.9  # per kind: share of the true issues found (recovery study: measured.json)
PRECISION = 0.9  # over the list: share of reported (reference, kind) pairs that are true
STAKE_RTOL = 1e-6  # task 6: sums of the same amounts, in the shop's currency
STAKE_ATOL = 0.02  # ... and two cents for the float sums of instalments


@dataclass(frozen=True)
class Recovers(Rule):
    """A list of (reference, kind) pairs graded against the truth's: recall within each kind the truth has, and
    precision over the whole list (a reference in two shops' books counts once). ``want`` is ``{"crm_ref":
    [...], "issue": [...]}`` from the truth."""

    recall: float = RECALL
    precision: float = PRECISION

    def judge(self, actual, want) -> str | None:
        if not isinstance(actual, pd.DataFrame) or not {"crm_ref", "issue"} <= set(actual.columns):
            return "类型不对 wrong type: a DataFrame with columns crm_ref and issue is expected"
        keys = [c for c in ("crm_ref", "shop_id", "issue") if c in actual.columns]
        if actual.duplicated(keys).any():
            return "同一个编号、网店与类型出现了不止一次 a (crm_ref, shop_id, issue) row is listed more than once"
        found = set(zip(actual["crm_ref"].astype(str), actual["issue"].astype(str), strict=True))
        truth = set(zip(want["crm_ref"], want["issue"], strict=True))
        if found and len(found & truth) < self.precision * len(found):
            return "报告的问题里有太多不是真正的问题 too many reported issues are not true issues (precision)"
        for kind in ISSUES:
            true_kind = {p for p in truth if p[1] == kind}
            if true_kind and len(true_kind & found) < self.recall * len(true_kind):
                return f"漏掉了太多 {kind} 类的问题 too many true {kind} issues are missed (recall)"
        return None


@dataclass(frozen=True)
class StakeNearTruth(Rule):
    """The student's table has the truth's (shop, kind) rows, no other, and their deals and gaps within
    tolerance. ``want`` holds the truth's table as lists."""

    rtol: float = STAKE_RTOL
    atol: float = STAKE_ATOL

    def judge(self, actual, want) -> str | None:
        if not isinstance(actual, pd.DataFrame) or not set(STAKE_COLUMNS) <= set(actual.columns):
            return f"类型不对 wrong type: a DataFrame with columns {STAKE_COLUMNS} is expected"
        if actual.duplicated(["shop_id", "issue"]).any():
            return "每个网店、每种问题一行 one row per shop and kind"
        mine = actual.set_index([actual["shop_id"].astype(str), actual["issue"].astype(str)])
        keys = list(zip(want["shop_id"], want["issue"], strict=True))
        if any(k not in set(keys) for k in mine.index):
            return "有真实值里没有的网店与问题组合 a shop and kind the truth does not have"
        if any(k not in mine.index for k in keys):
            return "缺少网店与问题的组合 a shop and kind of the truth is missing"
        for col in ("deals", "gap"):
            got = _numeric(mine.loc[keys, col].to_numpy())
            if got is None:
                return f"列 {col} 不是数值 column {col} is not numeric"
            if _closeness(got, np.asarray(want[col], dtype=float), self.rtol, self.atol):
                return f"列 column {col}: 与模拟器保存的真实值不符 differs from the truth kept by the simulator"
        return None


# ---- task 5: the reconciliation --------------------------------------------------------------------------------
RECON_CANCELLED = Mistake("cancelled_counted",
                          "作废 (cancelled) 的发票不算数：ERP 金额只加未作废的发票。否则作废后没有重开的"
                          "发票会把缺口补上，作废后重开的又会被算两次。")
RECON_NO_DUP = Mistake("no_duplicates", "金额超出时先看是不是同一期发票记了两次"
                                        "（同一编号、同一金额、同一天的两张未作废发票）：那是 duplicate，不是 amount。")
FLOAT_HINT = ("金额是以分为单位的小数，浮点数相加有误差（100.1 + 200.2 ≠ 300.3）。"
              "比较前换成分：ROUND(x * 100) 相等才算相等，或者差的绝对值不到 0.005。")
RECON_ONE_SIDE = Mistake("one_side", "对账要从两边看：CRM 里赢单却没开票 (missing)，"
                                     "也有 ERP 里开了票却对不上任何赢单的编号 (orphan)。"
                                     "只从 opportunities 出发 LEFT JOIN 会漏掉后一种。")


def _recon_frame(world, reconcile):
    return plain_columns(reconcile(db.lecture_database(world)), RECON_COLUMNS)


def check_reconcile(world, reconcile) -> None:
    """Task 5: the lecture's ERP export has one issue of each kind and two traps (float sums, a re-issued invoice)."""
    df = reconcile(db.example_database(ex.RECON_ROWS))
    require_columns(df, RECON_COLUMNS, name="reconcile 的结果")
    got = {(str(r.crm_ref), str(r.shop_id)): (str(r.issue), None if pd.isna(r.crm_amount)
                                              else round(float(r.crm_amount), 2), round(float(r.erp_amount), 2))
           for r in df.itertuples()}
    refs = {ref for ref, _ in got}
    if "W1" in refs:
        fail("例子里 W1 的两期发票 100.10 + 200.20 正好是 300.30，却被报了出来：" + FLOAT_HINT)
    if got.get(("W5", "S1"), ("",))[0] != "cancelled" or "W6" in refs:
        RECON_CANCELLED.fail()
    if got.get(("W4", "S1"), ("",))[0] == "amount":
        RECON_NO_DUP.fail()
    if "YO00007" not in refs or "L1" not in refs:
        RECON_ONE_SIDE.fail()
    if got != ex.RECON_WANT or len(df) != len(got):
        fail(f"例子应为 {ex.RECON_WANT}（(crm_ref, shop_id): issue, crm_amount, erp_amount；orphan 的 crm_amount 为空；"
             f"敲错的编号 YO00007 在两个网店的账上各一行），你的是 {got}。")
    mine = reconcile(db.lecture_database(world))
    require_columns(mine, RECON_COLUMNS, name="你的数据上的结果")
    bad = sorted(set(mine["issue"].astype(str)) - set(ISSUES))
    if bad:
        fail(f"issue 只能是 {', '.join(ISSUES)}；你的结果里有 {bad}。")
    passed("任务 5 reconcile")


q5 = Task("q5_test", 3, "任务 5 CRM 与 ERP 对账 reconcile",
          {"issues": Recovers(reason="graded against the simulator's truth (truth.erp_issues): within each kind at "
                                     f"least {RECALL:.0%} of the true issues found, and at least {PRECISION:.0%} of "
                                     "the reported (reference, kind) pairs true; the recovery study of the reference "
                                     "solution is in measured.json")},
          lambda world, reconcile: {"issues": _recon_frame(world, reconcile)}, check_reconcile,
          (RECON_CANCELLED, RECON_NO_DUP, RECON_ONE_SIDE),
          hints=("先按 (crm_ref, shop_id) 汇总 ERP：未作废发票的张数、金额之和，作废发票的张数；"
                 "再与赢单的商机 FULL 对照——"
                 "SQLite 没有 FULL JOIN，就把“赢单的编号”和“发票上的编号” UNION 起来当作主表。",
                 "按顺序判断：不是赢单的编号 → orphan；没有任何发票 → missing；金额对得上 → 没问题；"
                 "有两张同额同日的未作废发票 → duplicate；有作废发票而金额不足 → cancelled；其余 → amount。",
                 "金额比较用分：ROUND(erp_amount * 100) = ROUND(crm_amount * 100)。"))


# ---- task 6: the money at stake ---------------------------------------------------------------------------------
STAKE_MIXED = Mistake("currencies_mixed",
                      "不同网店的币种不同（人民币、日元、欧元……），不能加在一起：按 shop_id 和 issue 分组。")
STAKE_SIGN = Mistake("sign", "gap = ERP 金额 − CRM 金额：多开了票（重复、孤儿发票）为正，"
                             "少开了（漏开、作废、少开）为负。orphan 没有 CRM 金额，按 0 算。")


def _stake_produce(world, reconcile, at_stake) -> dict:
    return {"stake": plain_columns(at_stake(reconcile(db.lecture_database(world))), STAKE_COLUMNS)}


def check_stake(world, reconcile, at_stake) -> None:
    """Task 6: the lecture's example (S1: missing −800, amount −50, duplicate +300, cancelled −450, orphan +523.45;
    S2: orphan +80) and one more deal of S2 (amount −10)."""
    issues = pd.DataFrame([(ref, shop, kind, crm, erp) for (ref, shop), (kind, crm, erp) in ex.RECON_WANT.items()],
                          columns=RECON_COLUMNS)
    issues.loc[len(issues)] = ["Z1", "S2", "amount", 100.0, 90.0]
    df = at_stake(issues)
    require_columns(df, STAKE_COLUMNS, name="at_stake 的结果")
    got = {(str(r.shop_id), str(r.issue)): (int(r.deals), round(float(r.gap), 2)) for r in df.itertuples()}
    want = {("S1", "missing"): (1, -800.0), ("S1", "amount"): (1, -50.0), ("S1", "duplicate"): (1, 300.0),
            ("S1", "cancelled"): (1, -450.0), ("S1", "orphan"): (2, 523.45), ("S2", "orphan"): (1, 80.0),
            ("S2", "amount"): (1, -10.0)}
    if len(df) < len(want):
        STAKE_MIXED.fail()
    if got.get(("S1", "missing"), (0, 0.0))[1] > 0 or got.get(("S1", "orphan"), (0, 0.0))[1] < 0:
        STAKE_SIGN.fail()
    if got != want:
        fail(f"例子应为 {want}（deals, gap），你的是 {got}。")
    _stake_produce(world, reconcile, at_stake)
    passed("任务 6 at_stake")


q6 = Task("q6_test", 2, "任务 6 对账问题涉及的金额 at_stake",
          {"stake": StakeNearTruth(reason="graded against the simulator's truth (truth.erp_issues): per shop and "
                                          "kind, the deals and Σ (ERP − CRM) of the true issues, within a few cents "
                                          "(float sums of instalments); recovery study: measured.json")},
          _stake_produce, check_stake, (STAKE_MIXED, STAKE_SIGN),
          hints=("gap = erp_amount − crm_amount，crm_amount 为空（orphan）时按 0 算：fillna(0)。",
                 "按 shop_id 与 issue 分组：deals = 行数，gap = gap 之和。"))
