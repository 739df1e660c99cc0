"""Notebook 09 (operational and collaborative CRM): the graded tasks, declared once, with their checks.

Tasks 1–4 are operational CRM — the classes of CRM application systems (matching), the lead state machine, lead
conversion in one transaction, the case state machine and the invalid transitions in the student's own ticket
log; tasks 5–6 (:mod:`.operational_service`) the service desk's findings and case assignment; tasks 7–8
(:mod:`.operational_channels`) collaborative CRM: identity stitching across channels and the cost to serve.

Task 3 is graded by *observed* behaviour: the test cell records the source of ``lead_next`` and
``convert_lead``, and the grader runs it itself on a fresh database built from the student's data, forcing
failures part-way (:mod:`.probes_conversion`). Task 4's flagged events are graded against the simulator's
truth (``truth/ticket_events``), task 7's persons against ``truth.customers.person_id`` of the data-quality
world.
"""

from __future__ import annotations

import inspect
import sqlite3
import textwrap
import uuid

from crmlab.autograde.observe import Probe
from crmlab.labs.crm_db import SCHEMA_SQL
from crmlab.labs.lead_db import LEAD_SQL

from . import (
    Mistake,
    Task,
    fail,
    hints_for,
    matching,
    operational_examples as ex,
    passed,
    probes_conversion as pc,
    tasks_of,
)
from .operational_channels import q7, q8
from .operational_service import q5, q6
from .rules import Equal, Observed

MAN_VARIANTS = ((True, True, True), (False, True, True), (True, False, True), (True, True, False))

# ---- task 1: the classes of CRM application systems ----------------------------------------------------------
CLASS_ITEMS = ("销售过程定制与监控、跟踪客户服务请求、处理客户投诉",
               "从大量交易数据中挖掘规律、预测趋势，为经营决策提供依据",
               "基于多媒体联络中心，把电话、传真、电子邮件、网上交流统一接入", "又称“前台 CRM”，与后台订单系统无缝连接",
               "客户细分、流失预测与交叉销售模型", "呼叫中心与网站在线客服共享同一份客户接触记录，提高客户的参与程度")
q1 = matching(
    "q1_test", 1, "任务 1 CRM 应用系统的分类",
    items=CLASS_ITEMS,
    options={"A": "运营型（操作型）CRM operational", "B": "分析型 CRM analytical", "C": "协作型 CRM collaborative"},
    reason="the classes of CRM application systems are the same for everyone: the key in the reference",
    hints=("问自己：这项功能是在**执行**营销、销售、服务的日常流程，是在**分析**数据，还是在**连接**客户与企业的多个渠道？",
           "“前台”是直接面对客户、跑业务流程的一侧；“后台”是对数据做分析、支持决策的一侧；“交互中心”是统一接入的渠道。"))


# ---- task 2: the lead state machine ------------------------------------------------------------------------------
def _next(lead_next, status, action, man) -> str:
    """One move as recorded: the next status, ``"error"`` for a ValueError, ``"<Type>"`` for another exception."""
    try:
        return str(lead_next(status, action, man))
    except NotImplementedError:
        raise
    except ValueError:
        return "error"
    except Exception as err:  # noqa: BLE001 - recorded as its type: the task asks for ValueError
        return type(err).__name__


def _lead_produce(lead_next) -> dict:
    return {"moves": [_next(lead_next, s, a, m) for s in ex.STATUSES for a in ex.ACTIONS for m in MAN_VARIANTS]}


MAN_IGNORED = Mistake("man_ignored", "qualify 要看 MAN 三个问题的答案：三项都满足才进入 In Process，任何一项不满足"
                                     "就回到 Recycled（交回营销继续培育），而不是照样往下走。")
TERMINAL_OPEN = Mistake("terminal_open", "Converted 和 Dead 是终态 (terminal state)：任何动作都不能再改变它，"
                                         "必须抛出 ValueError。")


def check_lead_next(lead_next) -> None:
    """Task 2: the lecture's nine moves (six legal, three illegal)."""
    for status, action, man, want in ex.LEAD_EXAMPLES:
        got = _next(lead_next, status, action, man)
        if want is None and got != "error":
            if status in ("Converted", "Dead"):
                TERMINAL_OPEN.fail(f"lead_next({status!r}, {action!r}) 给出了 {got!r}：")
            fail(f"lead_next({status!r}, {action!r}) 是不允许的动作，应抛出 ValueError，你的给出 {got!r}。")
        if want is not None and got != want:
            if (status, action) == ("Assigned", "qualify") and got == "In Process":
                MAN_IGNORED.fail(f"MAN = {man} 时：")
            fail(f"lead_next({status!r}, {action!r}, man={man}) 应为 {want!r}，你的给出 {got!r}。")
    passed("任务 2 lead_next")


q2 = Task("q2_test", 2, "任务 2 线索状态机 lead_next",
          {"moves": Equal(reason="a state machine: every (status, action, MAN answers) has one right outcome, "
                                 "the same for everyone")},
          _lead_produce, check_lead_next, (MAN_IGNORED, TERMINAL_OPEN),
          hints=("先写出允许的动作：(New, assign)、(Recycled, assign)、(Assigned, qualify)、(In Process, convert)，"
                 "以及四个未关闭状态上的 dead；其余一律 raise ValueError(...)。",
                 "qualify 的结果取决于 man：all(man) 为真 → 'In Process'，否则 → 'Recycled'。"))


# ---- task 3: lead conversion in one transaction (observed by the grader) -------------------------------------
def artefact(lead_next, convert_lead) -> str:
    """The source the grader runs: ``lead_next`` then ``convert_lead`` (``""`` if a source is unavailable)."""
    try:
        return "\n\n".join(textwrap.dedent(inspect.getsource(f)) for f in (lead_next, convert_lead))
    except (OSError, TypeError):
        return ""


CONVERT_PROBE = Probe("crmlab.autograde.tasks.probes_conversion:convert_scenario",
                      "crmlab.autograde.tasks.probes_conversion:conversion_outcome", timeout=60.0)
NO_COMMIT = Mistake("no_commit", "转化成功后要提交 (commit)：数据库里看不到你新建的记录。用 with con: 包住所有写操作，"
                                 "成功时它会自动提交。")
NO_STATUS_CHECK = Mistake("no_status_check", "第二次转化同一条线索必须抛出 ValueError、不新增任何记录："
                                             "先读出线索的 status，"
                                             "用 lead_next(status, 'convert') 检查。")
NO_ROLLBACK = Mistake("no_rollback", "转化中途失败后数据库里留下了一部分记录："
                                     "几条 INSERT/UPDATE 必须在**同一个事务**里，"
                                     "出错时回滚 (rollback)。用 with con: 包住全部写操作。")
SWALLOWED = Mistake("swallowed", "出错时回滚之后要把异常继续抛出 (raise)，调用者才知道转化失败了；"
                                 "不要 except 之后 return。")
_OUTCOME_HINTS = {("twice", "no error"): NO_STATUS_CHECK, ("twice", "rows added"): NO_STATUS_CHECK,
                  ("rollback", "partial rows"): NO_ROLLBACK, ("rollback", "lead changed"): NO_ROLLBACK,
                  ("rollback", "no error"): SWALLOWED}


def _example_connection(name: str) -> sqlite3.Connection:
    con = sqlite3.connect(f"file:{name}?mode=memory&cache=shared", uri=True)
    con.execute("PRAGMA foreign_keys = ON")
    return con


def example_database() -> tuple[sqlite3.Connection, callable]:
    """The lecture's five leads in a fresh shared in-memory database: ``(keeper, open_connection)``; the
    database lives while ``keeper`` is open."""
    name = f"crmlab_q3_{uuid.uuid4().hex}"
    keeper = _example_connection(name)
    keeper.executescript(SCHEMA_SQL)
    keeper.executescript(LEAD_SQL)
    keeper.execute("INSERT INTO shops VALUES (?, ?, ?)", ex.CONVERT_SHOP)
    keeper.executemany("INSERT INTO leads (lead_id, shop_id, lead_source, status, created_at, company, contact_name, "
                       "budget, man_money, man_authority, man_need) VALUES (?, 'S1', 'web_form', ?, "
                       "'2025-12-01 09:00:00', ?, ?, ?, 1, 1, 1)", ex.CONVERT_LEADS)
    keeper.commit()
    return keeper, lambda: _example_connection(name)


def check_convert(lead_next, convert_lead) -> None:
    """Task 3: the grader's own scenario on the lecture's five leads: a conversion, the same lead again, three
    conversions forced to fail part-way (opportunity insert, contact insert, lead update)."""
    source = artefact(lead_next, convert_lead)
    if not source:
        fail("读不到 convert_lead 的源代码：请在笔记本的代码单元里用 def 定义 lead_next 和 convert_lead。")
    try:
        convert = pc.load_functions(source)["convert_lead"]
    except Exception as err:  # noqa: BLE001 - tell the student what the grader will see
        fail(f"评分端只运行 lead_next 和 convert_lead 的源代码（外加 sqlite3、datetime、timedelta），这样运行时出错："
             f"{type(err).__name__}: {err}。不要依赖笔记本里的其他变量或函数。")
    keeper, open_connection = example_database()
    try:
        con = open_connection()
        try:
            got = convert(con, ex.CONVERT_LEADS[0][0], pc.WHEN)
        except NotImplementedError:
            raise
        except Exception as err:  # noqa: BLE001 - show the student's own error on the first conversion
            fail(f"转化第一条 In Process 线索 {ex.CONVERT_LEADS[0][0]} 时出错：{type(err).__name__}: {err}")
        finally:
            con.rollback()
            con.close()
        if tuple(str(x) for x in (got or ())) != pc.new_ids(ex.CONVERT_LEADS[0][0]):
            fail(f"应返回 (contact_id, account_id, opportunity_id) = {pc.new_ids(ex.CONVERT_LEADS[0][0])}，"
                 f"你的返回 {got!r}。")
        if pc.counts(keeper) == [0, 0, 0]:
            NO_COMMIT.fail()
        keeper.close()
        keeper, open_connection = example_database()
        roles = pc.prepare(keeper)
        pc.run_steps(open_connection, convert, roles)
        result = pc.outcome(keeper)
    finally:
        keeper.close()
    if result["first"] == "wrong row count":
        NO_COMMIT.fail()
    if result["first"] != "ok":
        fail(f"第一次转化的记录不对（{result['first']}）：account (name = company)、"
             f"contact (name = contact_name, B2B)、"
             f"opportunity (Prospecting, amount = budget, created_at = when, close_date = when + 90 天)、"
             f"lead (status = 'Converted', contact_id)。")
    for part in ("twice", "rollback"):
        if result[part] != pc.CORRECT[part]:
            _OUTCOME_HINTS[(part, result[part])].fail()
    passed("任务 3 convert_lead（评分端会在你自己的数据上重新观察一遍）")


q3 = Task("q3_test", 4, "任务 3 在一个事务里转化线索 convert_lead",
          {"behaviour": Observed("same for everyone, so observed: the grader runs the recorded lead_next and "
                                 "convert_lead itself on a fresh database built from your data — one conversion, the "
                                 "same lead again (must raise, no new rows), three conversions forced to fail part-way "
                                 "(must raise, no partial rows)", probe=CONVERT_PROBE)},
          lambda lead_next, convert_lead: {"behaviour": artefact(lead_next, convert_lead)},
          check_convert, (NO_COMMIT, NO_STATUS_CHECK, NO_ROLLBACK, SWALLOWED),
          hints=("先 SELECT 出线索的 status、shop_id、company、contact_name、budget；用 lead_next(status, 'convert') "
                 "检查能否转化（不能就让 ValueError 抛出去）。",
                 "四条写操作（INSERT accounts、contacts、opportunities，UPDATE leads）放在 with con: 里："
                 "全部成功自动提交，任何一条出错自动回滚并把异常抛出。",
                 "close_date：(datetime.strptime(when, '%Y-%m-%d %H:%M:%S') + timedelta(days=90))"
                 ".strftime('%Y-%m-%d %H:%M:%S')。"))


# ---- task 4: the case state machine and the invalid transitions of the student's ticket log ------------------
FLAG_COLUMNS = ["ticket_id", "seq", "from_status", "to_status", "problem"]


def found(table) -> list[str] | None:
    """The flagged events as sorted ``"ticket_id/seq/problem"`` strings (``None`` if not a table with them)."""
    import pandas as pd

    if not isinstance(table, pd.DataFrame) or not {"ticket_id", "seq", "problem"} <= set(table.columns):
        return None
    return sorted(f"{t}/{int(s)}/{p}" for t, s, p in zip(table["ticket_id"], table["seq"], table["problem"],
                                                          strict=True))


def _pairs(allowed) -> list[str] | None:
    try:
        return sorted(f"{a}→{b}" for a, b in allowed)
    except (TypeError, ValueError):
        return None


def _case_produce(world, CASE_TRANSITIONS, invalid_transitions) -> dict:
    return {"allowed": _pairs(CASE_TRANSITIONS),
            "found": found(invalid_transitions(world.ticket_events, CASE_TRANSITIONS))}


PAIRS_ONLY = Mistake("pairs_only", "同一事件被记录了两次时，两行的 (from_status, to_status) 都是允许的，"
                                   "只检查状态对会漏掉它。"
                                   "逐张工单按 seq 排序，看每一行的 from_status 是否等于上一行的 to_status"
                                   "（第一行的上一行是 \"\"）。")
UNSORTED = Mistake("unsorted", "日志的行不一定按时间排好：先按 ticket_id、seq 排序，再和“上一行”比较。")


def check_cases(world, CASE_TRANSITIONS, invalid_transitions) -> None:
    """Task 4: the lecture's four tickets — one invalid pair, one logged twice, one out-of-order log."""
    from crmlab.simulator.schema import CASE_STATUSES

    pairs = _pairs(CASE_TRANSITIONS)
    if pairs is None or not all(isinstance(p, tuple) and len(p) == 2 for p in CASE_TRANSITIONS):
        fail("CASE_TRANSITIONS 应是 (from_status, to_status) 二元组的集合 a set of pairs。")
    unknown = {s for p in CASE_TRANSITIONS for s in p} - {"", *CASE_STATUSES}
    if unknown:
        fail(f"CASE_TRANSITIONS 里有不存在的状态 unknown statuses: {sorted(unknown)}")
    table = invalid_transitions(ex.CASE_EVENTS, CASE_TRANSITIONS)
    if found(table) is None or [c for c in FLAG_COLUMNS if c not in table.columns]:
        fail(f"invalid_transitions 应返回列为 {FLAG_COLUMNS} 的 DataFrame。")
    got = {(t, int(s)): p for t, s, p in zip(table["ticket_id"], table["seq"], table["problem"], strict=True)}
    if got != ex.CASE_WANT:
        if set(got) == ex.CASE_PAIRS_ONLY:
            PAIRS_ONLY.fail()
        if ("T4", 2) in got:
            UNSORTED.fail()
        fail(f"例子里的日志应标出 {ex.CASE_WANT}，你的是 {got}。检查 CASE_TRANSITIONS 是否与讲义的流程一致。")
    found(invalid_transitions(world.ticket_events, CASE_TRANSITIONS))
    passed("任务 4 CASE_TRANSITIONS, invalid_transitions")


q4 = Task("q4_test", 3, "任务 4 工单状态机与违规的状态变化 invalid_transitions",
          {"allowed": Equal(reason="the case process of the lecture: one state machine, the same for everyone"),
           "found": Equal(reason="graded against the truth (truth/ticket_events: valid is False -> invalid; injected "
                                 "duplicate -> duplicate): the stated pair and chain rules recover it exactly on "
                                 "every seed of the recovery study (measured.json), so no tolerance")},
          _case_produce, check_cases, (PAIRS_ONLY, UNSORTED),
          hints=("CASE_TRANSITIONS 照讲义的流程一句一句写：新建 (\"\" → Open_New)、分派、等待客户、客户回复、关闭、"
                 "作为重复或拒绝关闭、重新打开，共 9 个状态对。",
                 "按 ticket_id、seq 排序后，上一行的 to_status：events.groupby('ticket_id')['to_status'].shift(1)，"
                 "第一行填 \"\"。",
                 "problem：状态对不在 allowed 里 → 'invalid'；"
                 "否则 from_status 不等于上一行的 to_status → 'duplicate'。"))

TASKS = tasks_of(q1, q2, q3, q4, q5, q6, q7, q8)
hint = hints_for(TASKS)
