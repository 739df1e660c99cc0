"""Notebook 09, the service desk (tasks 5–6): where the process violations cluster, and how new cases are
distributed to agents (round-robin and least-busy, SuiteCRM AOP's ``roundRobin`` and ``leastBusy``).

Both are graded as values recomputed from the student's own data by the reference: task 5 on the student's
flagged events (their task 4), task 6 on the busiest queue's busiest day (:func:`.operational_inputs.
assignment_inputs`).
"""

from __future__ import annotations

import pandas as pd

from . import Mistake, Task, fail, operational_examples as ex, passed, plain_columns, require_columns
from .operational_inputs import assignment_inputs
from .rules import Equal, Frame

RATE_COLUMNS = ["agent_id", "tickets", "flagged", "rate"]


# ---- task 5: problem rates by agent --------------------------------------------------------------------------
def _rates_produce(world, CASE_TRANSITIONS, invalid_transitions, problem_rates) -> dict:
    flagged = invalid_transitions(world.ticket_events, CASE_TRANSITIONS)
    table = problem_rates(world.tickets, flagged)
    return {"rates": plain_columns(table, RATE_COLUMNS),
            "order": [str(a) for a in table["agent_id"]] if isinstance(table, pd.DataFrame)
            and "agent_id" in table.columns else None}


RATE_EVENTS = ("flagged 数的是**有问题的工单**（一张工单有两条违规也只算一张），不是违规事件的条数；"
               "rate = flagged / tickets，在 0 和 1 之间。")
RATE_DROPPED = Mistake("agents_dropped", "没有问题工单的坐席也要有一行（flagged = 0，rate = 0）："
                                         "从全部工单按 agent_id 出发，"
                                         "而不是只从有问题的工单出发。")


def check_rates(world, CASE_TRANSITIONS, invalid_transitions, problem_rates) -> None:
    """Task 5: five tickets of three agents; T3 carries two problems but is one ticket."""
    table = problem_rates(ex.RATE_TICKETS, ex.RATE_FLAGGED)
    require_columns(table, RATE_COLUMNS, name="problem_rates 的结果")
    got = {r.agent_id: (int(r.tickets), int(r.flagged), round(float(r.rate), 10)) for r in table.itertuples()}
    if got.get("A2", (0, 0))[1] == 2:
        fail(RATE_EVENTS)
    if "A3" not in got:
        RATE_DROPPED.fail()
    if got != ex.RATE_WANT:
        fail(f"例子应为 {ex.RATE_WANT}（tickets, flagged, rate），你的是 {got}。")
    if list(table["agent_id"]) != ["A1", "A2", "A3"]:
        fail("按 rate 从高到低排序，rate 相同按 agent_id 升序：例子应为 A1, A2, A3。")
    mine = problem_rates(world.tickets, invalid_transitions(world.ticket_events, CASE_TRANSITIONS))
    require_columns(mine, RATE_COLUMNS, name="你的数据上的结果")
    passed("任务 5 problem_rates")


q5 = Task("q5_test", 2, "任务 5 违规集中在哪些坐席 problem_rates",
          {"rates": Frame(key=("agent_id",), columns=tuple(RATE_COLUMNS), rtol=1e-9,
                          reason="counts of your tickets and of those your task 4 flags: exact"),
           "order": Equal(reason="the stated order (rate descending, ties by agent_id) is exact")},
          _rates_produce, check_rates, (RATE_DROPPED,),
          hints=("每位坐席的工单数：tickets.groupby('agent_id').size()；有问题的工单：flagged['ticket_id'].unique() "
                 "里的工单，再按它们的 agent_id 计数。",
                 "没有问题的坐席 flagged = 0（reindex(..., fill_value=0)）；排序 sort_values(['rate', 'agent_id'], "
                 "ascending=[False, True])。"))


# ---- task 6: assignment -------------------------------------------------------------------------------------------
def _assign_produce(world, open_load, assign_round_robin, assign_least_busy) -> dict:
    """The student's loads at the day's start; round-robin from every pointer (none, then each agent);
    least-busy from their loads and from equal loads (so the tie rule always shows)."""
    x = assignment_inputs(world)
    agents, cases = x["agents"], x["cases"]
    load = open_load(x["tickets"], list(agents), x["at"])
    ok = isinstance(load, dict) and set(agents) <= set(load)
    rr = [[str(a) for a in assign_round_robin(list(cases), list(agents), last)] for last in (None, *agents)]
    lb = [[str(a) for a in assign_least_busy(list(cases), dict(start))]
          for start in (load, dict.fromkeys(agents, 0))] if ok else None
    return {"load": [int(load[a]) for a in agents] if ok else None, "rr": rr, "lb": lb}


RR_RESTART = Mistake("rr_restart", "轮询 (round-robin) 有一个指针：新的一批工单从**上一张工单的坐席的下一位**开始，"
                                   "而不是每次都从第一位坐席开始（last 为 None 时才从第一位开始）。")
LB_TIE = Mistake("lb_tie", "负荷相同 (tie) 时按讲义的规则：选 agent_id 排在前面的坐席（字母序最小）。")
LOAD_WINDOW = Mistake("load_window", "负荷只数最近 7 天内 (at − 7 天 ≤ opened_ts < at) 打开、到 at 时仍未解决的工单；"
                                     "resolved_ts 恰好等于 at 的工单已经解决了。")


def check_assign(world, open_load, assign_round_robin, assign_least_busy) -> None:
    """Task 6: five cases and two agents (round-robin from the start and after agent a), least-busy from
    loads {a: 3, b: 1}, and the open load of six tickets."""
    if list(assign_round_robin(ex.RR_CASES, ex.RR_AGENTS, None)) != ex.RR_WANT:
        fail(f"assign_round_robin(5 张工单, ['a', 'b'], None) 应为 {ex.RR_WANT}。")
    got = list(assign_round_robin(ex.RR_CASES, ex.RR_AGENTS, "a"))
    if got == ex.RR_WANT:
        RR_RESTART.fail()
    if got != ex.RR_AFTER_A:
        fail(f"上一张工单给了 a 时，应为 {ex.RR_AFTER_A}，你的是 {got}。")
    load = dict(ex.LB_LOAD)
    got = list(assign_least_busy(ex.RR_CASES, load))
    if got == ex.LB_TIE_LAST:
        LB_TIE.fail()
    if got != ex.LB_WANT:
        fail(f"负荷 {ex.LB_LOAD}、每分派一张加 1：应为 {ex.LB_WANT}，你的是 {got}。")
    if load != ex.LB_LOAD:
        fail("assign_least_busy 不要修改传入的 load 字典：先复制一份 dict(load)。")
    got = open_load(ex.LOAD_TICKETS, ex.RR_AGENTS, ex.LOAD_AT)
    if not isinstance(got, dict) or {k: int(v) for k, v in got.items()} != ex.LOAD_WANT:
        if isinstance(got, dict) and (int(got.get("a", 0)) == 3 or int(got.get("b", 0)) == 1):
            LOAD_WINDOW.fail()
        fail(f"例子的负荷应为 {ex.LOAD_WANT}，你的是 {got}。")
    x = assignment_inputs(world)
    mine = open_load(x["tickets"], list(x["agents"]), x["at"])
    if not isinstance(mine, dict) or not set(x["agents"]) <= set(mine):
        fail("open_load 应返回 {agent_id: 工单数} 的字典，每位坐席一项（没有工单的坐席为 0）。")
    passed("任务 6 open_load, assign_round_robin, assign_least_busy")


q6 = Task("q6_test", 3, "任务 6 分派工单：轮询与最少负荷 assign_round_robin, assign_least_busy",
          {"load": Equal(reason="counts of your queue's tickets open at the day's start: exact"),
           "rr": Equal(reason="round-robin from each pointer (none, then every agent of the queue) is deterministic"),
           "lb": Equal(reason="least-busy from your loads and from equal loads, with the stated tie rule (smallest "
                              "agent_id): deterministic")},
          _assign_produce, check_assign, (RR_RESTART, LB_TIE, LOAD_WINDOW),
          hints=("轮询：start = agents.index(last) + 1（last 为 None 时 0），第 i 张工单给 agents[(start + i) % n]。",
                 "最少负荷：load = dict(load)；每张工单 agent = min(load, key=lambda a: (load[a], a))，"
                 "然后 load[agent] += 1。",
                 "负荷：opened_ts 在 [at − 7 天, at) 内，且 resolved_ts 为空或晚于 at；"
                 "按 agent_id 计数，再补上没有工单的坐席（0）。"))
