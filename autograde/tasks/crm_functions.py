"""Notebook 08 (CRM software II: core functions, technical functions and requirements, database functions): the
graded tasks, declared once, with their checks.

Tasks 1 and 7 are concept questions (the core functions; the technical requirements and the database features
that meet them). Tasks 2–4 add database functions to lecture 07's CRM of the student's world
(:mod:`autograde.tasks.crm_functions_db`): a customer-360 view (its values recomputed from the student's data,
and whether it is a live view observed by the grader), an audit trigger and two indexes — behaviour that is the
same for everyone, so the grader runs the recorded SQL itself on a fresh database (:mod:`autograde.observe`,
probes :func:`~autograde.tasks.probes.rows_after` and :func:`~autograde.tasks.probes.query_plans`). Tasks 5–6,
the CRM-vs-ERP reconciliation graded against the simulator's truth, live in
:mod:`autograde.tasks.crm_functions_recon`.
"""

from __future__ import annotations

import sqlite3

import pandas as pd
from crmlab.autograde.observe import Probe

from . import (
    CheckError,
    Mistake,
    Task,
    crm_functions_db as db,
    crm_functions_examples as ex,
    fail,
    hints_for,
    matching,
    passed,
    require_columns,
    tasks_of,
)
from .crm_functions_recon import q5, q6
from .crm_sql import result_frame, run_query
from .probes import plan_kind
from .rules import Frame, Observed

# ---- tasks 1 and 7: core functions; technical functions and requirements ----------------------------------------
CORE_ITEMS = ("销售总监每周一要看各阶段的加权金额，预测本季度能签多少",
              "展会收集的 300 张名片要录入、分给销售代表、先筛掉没有预算的",
              "客服接到投诉要登记、分派给专人，超过 24 小时没有答复就升级",
              "销售代表约了客户下周二拜访，系统要提前一天提醒他",
              "母亲节前给买过美妆的会员发优惠券，事后算回报率",
              "一家企业客户的采购、财务两位联系人，电话、地址和与公司的关系要集中记录",
              "给企业客户出一份含折扣的报价单，客户确认后生成订单", "管理层按月看各网店的新客户数、复购率和投诉率")
q1 = matching(
    "q1_test", 2, "任务 1 需求属于哪项核心功能", items=CORE_ITEMS,
    options={"A": "客户与联系人管理 account & contact management", "B": "活动与日程管理 activity & calendar",
             "C": "线索管理 lead management", "D": "商机与销售管道管理 opportunity & pipeline management",
             "E": "营销活动管理 campaign management", "F": "客户服务与工单管理 customer service & cases",
             "G": "报价与订单管理 quotes & orders", "H": "报表与分析 reporting & analytics"},
    reason="which core function serves a requirement is the same for everyone: the key in the reference",
    hints=("先问：这条需求的对象是什么？一个还没成交的潜在客户、一笔正在谈的生意、一个已经发生的问题，还是一群人？",
           "线索 (lead) 是还没有确认的潜在客户，商机 (opportunity) 是已经在谈、有金额和阶段的生意；"
           "约拜访、提醒是活动与日程，不是商机本身。"))

TECH_ITEMS = ("信息分析能力：为经营决策提供支持", "对客户互动渠道进行集成：电话、网站、邮件得到同一个答复",
              "支持网络与移动应用：销售在外面用手机也能查客户", "建设集中的客户信息库：客户资料只有一份",
              "对工作流进行集成：营销、销售、服务按同一流程衔接、留下记录",
              "与 ERP 一体化：前台签的单与后台的发票、发货对得上",
              "系统性能：客户越来越多，查一位客户仍在一秒内返回")
q7 = matching(
    "q7_test", 2, "任务 7 技术功能与数据库里的实现", items=TECH_ITEMS,
    options={"A": "视图与汇总查询 views and aggregate queries", "B": "用同一个客户编号把订单、工单、通话连起来",
             "C": "同一个数据库通过网页和 API 供浏览器、手机读写 web / API access",
             "D": "主键、外键与约束守住的唯一客户表 one constrained customer table",
             "E": "触发器与历史表 triggers and history tables", "F": "与 ERP 发票对账 reconciliation with the ERP",
             "G": "索引 indexes"},
    reason="which database feature serves a technical requirement is the same for everyone: the key in the reference",
    hints=("回头看本讲做过的四件事：客户 360 视图、审计触发器、索引、ERP 对账，各自满足了哪项要求？",
           "“渠道集成”关心的是不同渠道的记录能否归到同一个客户名下；“集中的客户信息库”关心的是客户本身只有一份、"
           "不能自相矛盾。"))


# ---- task 2: the customer-360 view ---------------------------------------------------------------------------
def _probe(inspect: str, **args) -> Probe:
    return Probe("crmlab.autograde.tasks.probes:setup_then_script", f"crmlab.autograde.tasks.probes:{inspect}",
                 args={"setup": db.PROBE_SETUP, **args})


SAME = "same for everyone, so observed: the grader runs the recorded SQL itself on a fresh database of the lecture"
VIEW_FANOUT = Mistake("fanout", "把订单、工单、通话三张表一起 JOIN 到客户上，一位客户会变成"
                                "“订单数 × 工单数 × 通话数”行，SUM(amount) 就被重复计算了。"
                                "每张表先在子查询里按 contact_id 汇总，再 LEFT JOIN 到 contacts。")
VIEW_INNER = Mistake("inner_join", "还没有任何订单、工单或通话的客户也是客户：从 contacts 出发 LEFT JOIN，"
                                   "计数和金额用 COALESCE(…, 0) 补 0。")
VIEW_NULL_MAX = Mistake("null_max", "SQLite 的多参数 max(a, b, c) 只要有一个参数是 NULL 就返回 NULL。"
                                    "最近接触时间要在 NULL 之间取最大：先把三张表的时间 UNION ALL 起来再 MAX，或者用 "
                                    "COALESCE。")
VIEW_SNAPSHOT = Mistake("snapshot", "CREATE TABLE … AS SELECT 只复制了此刻的数据，之后新的订单不会出现。"
                                    "要写 CREATE VIEW v_customer_360 AS SELECT …：视图每次查询都重新计算。")


def _view_frame(con, view_sql):
    try:
        db.with_script(con, view_sql, name="V_CUSTOMER_360")
        return result_frame(run_query(con, "SELECT * FROM v_customer_360", name="v_customer_360"), ex.VIEW_COLUMNS)
    except CheckError:  # a broken view records nothing to compare: the grader says so
        return None


def _view_produce(world, view_sql) -> dict:
    if not isinstance(view_sql, str):
        return {"view": None, "live": None}
    return {"view": _view_frame(db.lecture_database(world), view_sql), "live": view_sql}


def check_view(world, view_sql) -> None:
    """Task 2: the lecture's three customers (fan-out, no activity, a company without orders) and a live view."""
    con = db.with_script(db.example_database(ex.VIEW_ROWS), view_sql, name="V_CUSTOMER_360")
    kind = con.execute("SELECT type FROM sqlite_master WHERE name = 'v_customer_360'").fetchone()
    if kind is None:
        fail("V_CUSTOMER_360 没有创建名为 v_customer_360 的视图。")
    if kind[0] != "view":
        VIEW_SNAPSHOT.fail()
    df = run_query(con, "SELECT * FROM v_customer_360", name="v_customer_360")
    require_columns(df, ex.VIEW_COLUMNS, name="v_customer_360")
    got = {r.contact_id: (int(r.orders), round(float(r.revenue), 6), int(r.open_cases), int(r.calls),
                          round(float(r.won_amount), 6), None if pd.isna(r.last_contact) else str(r.last_contact))
           for r in df.itertuples() if r.contact_id is not None}
    if "N1" not in got:
        VIEW_INNER.fail("例子里 N1 还没有任何记录，却不在视图里：")
    if got.get("A1", (0, 0.0))[1] > ex.VIEW_WANT["A1"][1] + 1e-6:
        VIEW_FANOUT.fail()
    if got.get("B1", (None,) * 6)[5] is None:
        VIEW_NULL_MAX.fail("例子里 B1 有一通电话，最近接触时间却是空的：")
    if len(df) != len(ex.VIEW_WANT) or got != ex.VIEW_WANT:
        fail(f"例子应为 {ex.VIEW_WANT}（orders, revenue, open_cases, calls, won_amount, last_contact），你的是 {got}。"
             "游客订单（contact_id 为空）不属于任何客户。")
    if _view_frame(db.lecture_database(world), view_sql) is None:
        fail("V_CUSTOMER_360 在你的数据上运行出错。")
    passed("任务 2 V_CUSTOMER_360")


q2 = Task("q2_test", 3, "任务 2 客户 360 视图 V_CUSTOMER_360",
          {"view": Frame(key=("contact_id",), columns=tuple(ex.VIEW_COLUMNS), rtol=1e-9,
                         reason="counts, sums of amounts and the latest timestamp per customer: exact up to rounding"),
           "live": Observed(f"{SAME}; after it inserts new orders, a case and a call, the view must show them",
                            probe=_probe("rows_after", statements=ex.VIEW_PROBE, query=ex.VIEW_PROBE_QUERY))},
          _view_produce, check_view, (VIEW_FANOUT, VIEW_INNER, VIEW_NULL_MAX, VIEW_SNAPSHOT),
          hints=("每张明细表先单独汇总：SELECT contact_id, COUNT(*) …, SUM(…) … FROM orders GROUP BY contact_id，"
                 "工单、通话、商机各写一个这样的子查询。",
                 "从 contacts 出发，把这些子查询 LEFT JOIN 上来；没有记录的客户得到 NULL，用 COALESCE(x, 0) 变成 0。",
                 "最近接触时间：把订单、工单、通话的时间 UNION ALL 成一列 (contact_id, at)，"
                 "再 GROUP BY contact_id 取 MAX(at)；不要用多参数的 max(a, b, c)。"))


# ---- task 3: the audit trigger -------------------------------------------------------------------------------
TRIG_NO_WHEN = Mistake("no_when", "只有阶段真的变了才记一行：金额的修改、表单把同一个阶段再保存一次都不是阶段变化。"
                                  "写 AFTER UPDATE OF sales_stage ON opportunities，再加 WHEN OLD.sales_stage IS NOT "
                                  "NEW.sales_stage。")
TRIG_SWAPPED = Mistake("swapped", "from_stage 是修改前的阶段 OLD.sales_stage，to_stage 是修改后的 NEW.sales_stage。")


def _local_log(trigger_sql: str) -> list:
    con = db.with_script(db.example_database([ex.SHOP]), trigger_sql, name="TRIGGER_SQL")
    for statement in ex.TRIGGER_PROBE:
        try:
            con.execute(statement.replace("{id}", "Y9"))
        except sqlite3.Error as err:
            fail(f"触发器让这条语句出错了 the trigger breaks: {statement.replace('{id}', 'Y9')[:90]}… → {err}")
    rows = con.execute(ex.TRIGGER_QUERY).fetchall()
    return [[v.replace("Y9", "{id}") if isinstance(v, str) else v for v in row] for row in rows]


def check_trigger(trigger_sql) -> None:
    """Task 3: three moves of one deal and one of another are logged in order; nothing else is."""
    got = _local_log(trigger_sql)
    if any(row[1] == row[2] for row in got) or len(got) > len(ex.TRIGGER_WANT):
        TRIG_NO_WHEN.fail(f"例子的日志有 {len(got)} 行，应为 {len(ex.TRIGGER_WANT)} 行：")
    if [[r[0], r[2], r[1], r[3]] for r in got] == ex.TRIGGER_WANT:
        TRIG_SWAPPED.fail()
    if got != ex.TRIGGER_WANT:
        fail(f"例子的阶段日志应为 {ex.TRIGGER_WANT}（opportunity_id, from_stage, to_stage, changed_at 格式正确），"
             f"你的是 {got}。changed_at 用 datetime('now')（'YYYY-MM-DD HH:MM:SS'）。")
    passed("任务 3 TRIGGER_SQL")


q3 = Task("q3_test", 3, "任务 3 审计触发器 TRIGGER_SQL",
          {"log": Observed(f"{SAME}; it changes two deals' stages (and an amount, and re-saves a stage) on fresh "
                           f"random ids and reads the stage history the trigger wrote",
                           probe=_probe("rows_after", statements=ex.TRIGGER_PROBE, query=ex.TRIGGER_QUERY))},
          lambda trigger_sql: {"log": trigger_sql}, check_trigger, (TRIG_NO_WHEN, TRIG_SWAPPED),
          hints=("触发器的骨架：CREATE TRIGGER 名字 AFTER UPDATE OF sales_stage ON opportunities "
                 "FOR EACH ROW WHEN 条件 BEGIN … ; END;",
                 "触发器体里 OLD 是修改前的行，NEW 是修改后的行：INSERT INTO opportunity_stage_history "
                 "(opportunity_id, from_stage, to_stage, changed_at) VALUES (NEW.opportunity_id, …)。",
                 "条件写 WHEN OLD.sales_stage IS NOT NEW.sales_stage（IS NOT 对 NULL 也成立），"
                 "时间写 datetime('now')。"))


# ---- task 4: indexes proven by EXPLAIN QUERY PLAN ------------------------------------------------------------
IDX_PLAIN_EMAIL = Mistake("plain_email", "查询的条件是 lower(email) = …，而 email 上的普通索引存的是原样的 email，"
                                         "SQLite 用不上它。索引要建在同一个表达式上：CREATE INDEX … ON contacts "
                                         "(lower(email))。")
IDX_SORTED = Mistake("sorted", "只按 contact_id 建索引，SQLite 找到订单之后还要在临时 B 树里排序 (USE TEMP B-TREE FOR "
                               "ORDER BY)。把排序的列放进同一个索引：(contact_id, order_ts)。")


def plans(con: sqlite3.Connection) -> list[str]:
    """How SQLite reads the table of each lookup of :data:`~crm_functions_examples.INDEX_QUERIES` on ``con``."""
    out = []
    for query, params, table in ex.INDEX_QUERIES:
        details = [row[3] for row in con.execute("EXPLAIN QUERY PLAN " + query, params).fetchall()]
        out.append(plan_kind(details, table))
    return out


def check_index(index_sql) -> None:
    """Task 4: both lookups search an index, and the order history needs no sort."""
    con = db.with_script(db.example_database(ex.VIEW_ROWS), index_sql, name="INDEX_SQL")
    email, history = plans(con)
    if email != "search":
        IDX_PLAIN_EMAIL.fail(f"按邮箱查客户的查询计划是 {email}：")
    if history == "search+sort":
        IDX_SORTED.fail()
    if history != "search":
        fail(f"按客户查订单的查询计划是 {history}：索引的第一列要是 WHERE 里用 = 比较的列 contact_id。")
    passed("任务 4 INDEX_SQL")


q4 = Task("q4_test", 2, "任务 4 用索引加速客户 360 的两个查询 INDEX_SQL",
          {"plans": Observed(f"{SAME}; EXPLAIN QUERY PLAN of the two lookups must show an index search and no "
                             f"temporary sort", probe=_probe("query_plans", queries=ex.INDEX_QUERIES))},
          lambda index_sql: {"plans": index_sql}, check_index, (IDX_PLAIN_EMAIL, IDX_SORTED),
          hints=("先在没有索引的数据库上运行 EXPLAIN QUERY PLAN，看看两个查询各是 SCAN 还是 SEARCH。",
                 "第一个查询比较的是 lower(email)：SQLite 支持在表达式上建索引。",
                 "第二个查询先用 contact_id 找、再按 order_ts 排：一个两列的索引 (contact_id, order_ts) 两件事都做了。"
                 ""))

TASKS = tasks_of(q1, q2, q3, q4, q5, q6, q7)
hint = hints_for(TASKS)
