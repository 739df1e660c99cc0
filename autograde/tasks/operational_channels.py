"""Notebook 09, collaborative CRM (tasks 7–8): one customer across the contact centre's channels, and what each
channel costs.

Task 7 is graded against the simulator's truth on the data-quality world (``truth.customers.person_id``): the
student's person key per touch must group the touches exactly as the true persons do, and their count of
persons and share of persons seen on two or more channels must equal the truth's. Task 8 is graded as values
recomputed from the student's own calls and tickets with the lecture's unit costs (:data:`UNIT_COST`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import Mistake, Task, fail, number, operational_examples as ex, passed, plain_columns, require_columns
from .operational_inputs import touchpoints
from .rules import Close, Frame, SamePartition

UNIT_COST = ex.UNIT_COST  # CNY per contact (per agent minute for the phone); teaching assumptions
COST_COLUMNS = ["channel", "contacts", "cost", "cost_per_contact"]
SHIFT_SHARE = 0.3  # task 8's scenario: 30 % of the general inbound calls an agent answers move to chat


# ---- task 7: identity stitching across channels -------------------------------------------------------------------
def _labels(values, n: int) -> list[str] | None:
    """One person key per touch as strings, or ``None`` if ``values`` is not ``n`` of them."""
    if isinstance(values, (pd.Series, pd.Index)):
        values = values.to_numpy()
    if not isinstance(values, (list, tuple, np.ndarray)) or len(values) != n:
        return None
    return [str(v) for v in values]


def _stitch_produce(world_dq, stitch, n_persons, multi_share) -> dict:
    tp = touchpoints(world_dq)
    return {"labels": _labels(stitch(tp, world_dq.customers), len(tp)),
            "n_persons": number(n_persons, name="n_persons"), "multi_share": number(multi_share, name="multi_share")}


RAW_EMAIL = Mistake("raw_email", "e-mail 要先规范化再比较：去掉首尾空格、转成小写"
                                 "（' WANG.MIN@qq.com ' 与 'wang.min@qq.com' "
                                 "是同一个地址）；客户档案里的 e-mail 也要同样处理。")
EMAIL_ONLY = Mistake("email_only", "同一个人的几条客户档案要通过 e-mail **或** 电话连起来，而且要传递 (transitive)："
                                   "C1 与 C2 的 e-mail 相同、C2 与 C3 的电话相同，C1、C2、C3 就是同一个人。")


def _groups(tp: pd.DataFrame, labels: list[str]) -> set[frozenset]:
    out: dict[str, set] = {}
    for touch, label in zip(tp["touch_id"], labels, strict=True):
        out.setdefault(label, set()).add(touch)
    return {frozenset(g) for g in out.values()}


def check_stitch(world_dq, stitch, n_persons, multi_share) -> None:
    """Task 7: eight touches of five records who are three persons."""
    labels = _labels(stitch(ex.STITCH_TOUCHES.copy(), ex.STITCH_CUSTOMERS.copy()), len(ex.STITCH_TOUCHES))
    if labels is None:
        fail("stitch 应返回与 touchpoints 等长的一列 person key（list、数组或 Series，按 touchpoints 的行序）。")
    got = _groups(ex.STITCH_TOUCHES, labels)
    want = {frozenset(g) for g in ex.STITCH_PERSONS}
    if got != want:
        if not any("TP1" in g and "TP3" in g for g in got):
            RAW_EMAIL.fail()
        if not any("TP1" in g and "TP2" in g for g in got):
            EMAIL_ONLY.fail()
        fail(f"例子的 8 次接触应分成 3 个人 {sorted(sorted(g) for g in want)}，"
             f"你的是 {sorted(sorted(g) for g in got)}。")
    tp = touchpoints(world_dq)
    if _labels(stitch(tp, world_dq.customers), len(tp)) is None:
        fail("在你的数据上 stitch 没有返回每次接触一个 person key。")
    n = number(n_persons, name="n_persons")
    share = number(multi_share, name="multi_share")
    if n != int(n) or not 0 < n <= len(tp):
        fail("n_persons 是接触日志里不同的人数（一个正整数）。")
    if not 0 <= share <= 1:
        fail("multi_share 是一个比例：在两个或更多渠道出现过的人 ÷ 全部的人，在 0 和 1 之间。")
    passed("任务 7 stitch, n_persons, multi_share")


q7 = Task("q7_test", 3, "任务 7 跨渠道识别同一位客户 stitch",
          {"labels": SamePartition(reason="graded against the truth (truth.customers.person_id of the record behind "
                                          "each touch): the stated linking rule groups the touches exactly as the true "
                                          "persons on every seed of the recovery study (measured.json)"),
           "n_persons": Close(rtol=0.0, atol=0.0, reason="graded against the truth: the number of true persons among "
                                                         "the touches; the stated rule is exact"),
           "multi_share": Close(rtol=1e-9, atol=1e-12, reason="graded against the truth: the share of true persons "
                                                             "seen on two or more channels; the stated rule is exact")},
          _stitch_produce, check_stitch, (RAW_EMAIL, EMAIL_ONLY),
          hints=("先给每条客户档案一个“人”的编号：两条档案规范化后的 e-mail 相同或 E.164 电话相同就是同一个人，"
                 "并且要传递——可以用讲义的并查集 (union-find)，或反复取组内最小编号直到不再变化。",
                 "再把每次接触的 handle 映射到档案：account → customer_id；email → 规范化后的 e-mail；"
                 "phone → e164(phone, country) 算出的号码。",
                 "multi_share：按 person key 分组，channel.nunique() >= 2 的人数 ÷ 总人数。"))


# ---- task 8: cost to serve and a channel shift ------------------------------------------------------------------
def _cost_produce(world, cost_to_serve, shift_saving) -> dict:
    table = cost_to_serve(world.calls, world.tickets, dict(UNIT_COST))
    if isinstance(table, pd.DataFrame) and "cost_per_contact" in table.columns:
        table = table.assign(cost_per_contact=pd.to_numeric(table["cost_per_contact"], errors="coerce"))
    return {"table": plain_columns(table, COST_COLUMNS),
            "saving": number(shift_saving(world.calls, dict(UNIT_COST), SHIFT_SHARE), name="shift_saving 的结果")}


PHONE_TWICE = Mistake("phone_twice", "电话渠道的成本来自 calls（每通电话按时长计）；"
                                     "channel == 'phone' 的工单，它们的电话已经在 "
                                     "calls 里了，再按工单计一次就重复了。工单只算 chat、email、social。")
TALK_ONLY = Mistake("talk_only", "坐席处理一通电话的时间 (handle time) = 通话 talk_s + 保持 hold_s + 话后处理 wrap_s，"
                                 "不只是通话时间。")


def check_cost(world, cost_to_serve, shift_saving) -> None:
    """Task 8: four calls and four tickets (one by phone, already among the calls); a 50 % shift."""
    table = cost_to_serve(ex.COST_CALLS, ex.COST_TICKETS, dict(UNIT_COST))
    require_columns(table, COST_COLUMNS, name="cost_to_serve 的结果")
    got = {r.channel: (int(r.contacts), round(float(r.cost), 6)) for r in table.itertuples()}
    want = {k: (n, round(c, 6)) for k, (n, c) in ex.COST_WANT.items()}
    if got.get("phone", (0,))[0] == 5:
        PHONE_TWICE.fail()
    if got.get("phone") == (4, round(0.3 * 3 + 1.2 * (4 + 5 + 0 + 2), 6)):
        TALK_ONLY.fail()
    if got != want:
        fail(f"例子应为 {want}（contacts, cost），你的是 {got}。四个渠道都要有一行，没有接触的渠道为 0。")
    saving = number(shift_saving(ex.COST_CALLS, dict(UNIT_COST), ex.SHIFT_SHARE), name="shift_saving 的结果")
    if abs(saving - ex.SHIFT_WANT) > 1e-9:
        fail(f"例子：可转移的只有 K1（呼入、没有工单、坐席接听），50 % 转到在线客服应节省 {ex.SHIFT_WANT:.2f}，你的是 "
             f"{saving:.4f}。")
    mine = cost_to_serve(world.calls, world.tickets, dict(UNIT_COST))
    require_columns(mine, COST_COLUMNS, name="你的数据上的结果")
    passed("任务 8 cost_to_serve, shift_saving")


q8 = Task("q8_test", 3, "任务 8 服务成本与渠道迁移 cost_to_serve, shift_saving",
          {"table": Frame(key=("channel",), columns=tuple(COST_COLUMNS), rtol=1e-9,
                          reason="counts and sums over your calls and tickets with the lecture's unit costs: exact "
                                 "up to floating-point summation"),
           "saving": Close(rtol=1e-9, atol=1e-6, reason="a sum over your calls with the lecture's unit costs")},
          _cost_produce, check_cost, (PHONE_TWICE, TALK_ONLY),
          hints=("phone：每通电话的成本 = (呼入 ? ivr_call : 0) + (talk_s + hold_s + wrap_s) / 60 × agent_minute；"
                 "chat、email、social：工单数 × 单位成本。",
                 "四个渠道各一行；cost_per_contact = cost / contacts（没有接触时为 NaN）。",
                 "可迁移的电话：direction == 'inbound'、ticket_id == ''、talk_s > 0。"
                 "节省 = share × (这些电话的成本之和 − "
                 "它们的通数 × chat 单位成本)。"))
