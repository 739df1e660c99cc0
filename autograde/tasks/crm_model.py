"""Notebook 07 (the general model of CRM software; contact activities and business functions): the graded
tasks, declared once, with their checks.

The student builds a real SQLite CRM database: the DDL (task 3) is graded by *observed* behaviour — the grader
runs the recorded SQL itself on a fresh database (:mod:`autograde.observe`, probe
:func:`~autograde.tasks.probes.refused_after_rows`) and sees valid rows go in and bad ones refused. The load and
the reports (tasks 4–7) are graded as values recomputed from the student's own world: each test cell builds a
fresh database from the student's schema and ``load_crm`` (foreign keys on) and runs their query read-only.
Tasks 8 and 9 (:mod:`autograde.tasks.crm_model_lift`) are graded against the simulator's hidden truth
(``truth.campaign_effects``): the campaigns' incremental buyers.
"""

from __future__ import annotations

import sqlite3

import pandas as pd
from crmlab.autograde.observe import Probe
from crmlab.labs.crm_db import GIVEN_SQL, connect  # noqa: F401 - GIVEN_SQL: the tables notebook 07 gives

from . import Mistake, Task, crm_model_examples as ex, fail, hints_for, matching, passed, require_columns, tasks_of
from .crm_model_lift import q8, q9
from .crm_sql import build, build_error, result_frame, run_query
from .rules import Close, Equal, Frame, Observed

STAGES = ("Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
          "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost")
TABLES = ("shops", "campaigns", "accounts", "contacts", "leads", "opportunities", "cases", "calls", "campaign_log")
DETAILS = (  # task 4: what a correct load gives, one number each (SQL on the loaded database)
    "SELECT COUNT(*) FROM contacts WHERE account_id IS NOT NULL",
    "SELECT COUNT(*) FROM leads WHERE campaign_id IS NOT NULL",
    "SELECT COUNT(*) FROM leads WHERE contact_id IS NOT NULL",
    "SELECT COUNT(*) FROM opportunities WHERE account_id IS NULL",
    "SELECT COUNT(*) FROM opportunities WHERE lead_id IS NULL",
    "SELECT ROUND(SUM(amount), 2) FROM opportunities",
    "SELECT COUNT(*) FROM cases WHERE state = 'Open'",
    "SELECT COUNT(*) FROM cases WHERE account_id IS NOT NULL",
    "SELECT COUNT(*) FROM calls WHERE parent_type = 'Cases'",
    "SELECT COUNT(*) FROM calls WHERE status = 'Held'",
    "SELECT COUNT(*) FROM calls WHERE contact_id IS NULL",
    "SELECT COUNT(*) FROM campaign_log WHERE activity_type = 'held_out'",
    "SELECT COUNT(*) FROM campaign_log WHERE activity_type = 'link'",
)
PIPELINE_COLUMNS = ["shop_id", "currency", "sales_stage", "probability", "n", "amount", "weighted"]
FUNNEL_COLUMNS = ["lead_source", "leads", "closed", "with_opportunity", "won", "conversion"]
ROI_COLUMNS = ["campaign_id", "actual_cost", "leads", "won_revenue", "cpl", "roi"]


# ---- tasks 1-2: the general model; contact activities and business functions ------------------------------
q1 = matching(
    "q1_test", 1, "任务 1 CRM 软件系统的一般模型",
    items=("呼叫中心、网站、电子邮件、微信、面对面拜访", "营销自动化、销售自动化、服务自动化",
           "统一的客户数据库与数据仓库", "数据挖掘、报表与预测", "订单、库存、财务"),
    options={"A": "接触层 contact channels（前台）", "B": "业务功能层 business functions（前台）",
             "C": "数据层 shared customer database", "D": "分析层 analytics（后台）",
             "E": "后台 ERP 系统（与 CRM 集成，不属于 CRM 本身）"},
    reason="the general model's layers are the same for everyone: the key in the reference",
    hints=("从客户一侧往企业内部走：客户从哪里接触企业？接触之后由哪个部门处理？处理留下的数据放在哪里？",
           "订单、库存、财务是企业的后台，CRM 要和它们集成，但它们不是 CRM 的组成部分。"))

q2 = matching(
    "q2_test", 1, "任务 2 接触活动属于哪项业务功能",
    items=("campaign_log 中的 targeted / viewed / link", "leads 的 status 从 Assigned 变为 In Process",
           "opportunities 的 sales_stage 推进到 Negotiation/Review", "cases 的 status 从 Open_New 变为 Closed_Closed",
           "parent_type = 'Cases' 的一通呼入电话"),
    options={"A": "营销自动化 MA (marketing automation)", "B": "销售自动化 SFA (sales force automation)",
             "C": "服务自动化 / 客户服务与支持 CSS (customer service and support)"},
    reason="which business function owns a record is the same for everyone: the key in the reference",
    hints=("营销针对的是一群还不确定的人（活动），销售针对一个个具体的线索和商机，服务针对已经发生的问题。",
           "一通电话属于哪项功能，要看它的父记录 parent：parent_type = 'Cases' 说明这通电话在处理一个服务工单。"))


# ---- task 3: the DDL, graded by observed behaviour --------------------------------------------------------
def _probe(statements=None) -> Probe:
    args = {"rows": ex.VALID_ROWS} if statements is None else {"rows": ex.VALID_ROWS, "statements": statements}
    return Probe("crmlab.autograde.tasks.probes:sql_script", "crmlab.autograde.tasks.probes:refused_after_rows",
                 args=args)


SAME = "same for everyone, so observed: the grader runs the recorded DDL itself on a fresh database"
DDL_RULES = {"valid": Observed(f"{SAME} and inserts the valid rows of the lecture", probe=_probe()),
             **{name: Observed(f"{SAME}; after the valid rows, every one of these statements must be refused",
                               probe=_probe(stmts)) for name, stmts in ex.BAD.items()}}
DDL_NO_CASE = Mistake("no_case_check", "工单的 state 与 status 必须一致：status 以 state 开头（Open_… 只能配 Open，"
                                       "Closed_… 只能配 Closed）。用一个表级 CHECK 约束写出这条规则。")
DDL_NO_FK = Mistake("no_foreign_key", "外键 (foreign key) 要写在列上：account_id TEXT REFERENCES accounts(account_id)。"
                                      "没有 REFERENCES，数据库就不知道这一列必须指向一个存在的客户。")
DDL_FREE_STAGE = Mistake("free_stage", "sales_stage 只能取 10 个阶段之一：让它 REFERENCES sales_stages(sales_stage)，"
                                       "或写 CHECK (sales_stage IN (...))。")
_DDL_WHAT = {"stage": DDL_FREE_STAGE, "case_state": DDL_NO_CASE, "orphan": DDL_NO_FK}


def _local_outcome(schema_sql: str, statements=None) -> str:
    con = connect()
    try:
        con.executescript(schema_sql)
    except sqlite3.Error as err:
        fail(f"SCHEMA_SQL 在空数据库上运行出错 fails on an empty database: {err}")
    con.isolation_level = None
    try:
        for row in ex.VALID_ROWS:
            try:
                con.execute(row)
            except sqlite3.Error as err:
                fail(f"一条合法的记录被拒绝了 a valid row was refused: {row[:90]}… → {err}")
        for stmt in statements or []:
            con.execute("SAVEPOINT s")
            try:
                con.execute(stmt)
                return f"accepted: {stmt}"
            except sqlite3.IntegrityError:
                pass
            except sqlite3.Error as err:
                fail(f"这条语句因为别的原因出错（不是约束拒绝）: {stmt[:90]}… → {err}")
            finally:
                con.execute("ROLLBACK TO s")
        return "refused"
    finally:
        con.close()


def check_ddl(schema_sql) -> None:
    """Task 3: the lecture's valid rows go in; a bad stage, an inconsistent case, an orphan, a bad enum do not."""
    if not isinstance(schema_sql, str):
        fail(f"SCHEMA_SQL 应是字符串（got {type(schema_sql).__name__}）")
    _local_outcome(schema_sql)
    for name, stmts in ex.BAD.items():
        got = _local_outcome(schema_sql, stmts)
        if got != "refused":
            if name in _DDL_WHAT:
                _DDL_WHAT[name].fail(f"数据库接受了 {got[10:100]}…：")
            fail(f"数据库接受了不该接受的记录 {got[10:100]}…：检查 status / parent_type / direction / activity_type "
                 f"的 CHECK 约束。")
    passed("任务 3 SCHEMA_SQL")


q3 = Task("q3_test", 3, "任务 3 建表 SCHEMA_SQL", DDL_RULES, lambda schema_sql: dict.fromkeys(DDL_RULES, schema_sql),
          check_ddl, (DDL_NO_CASE, DDL_NO_FK, DDL_FREE_STAGE),
          hints=("先照着 GIVEN_SQL 的写法写 leads 与 opportunities："
                 "主键 PRIMARY KEY、外键 REFERENCES、取值表 CHECK (… IN (…))。",
                 "工单的一致性是表级约束：CHECK (substr(status, 1, length(state) + 1) = state || '_')。",
                 "calls 的父记录是多态的 (parent_type, parent_id)：外键无法约束 parent_id，但 parent_type 可以用 CHECK "
                 "限定为 'Cases' 或 'Contacts'；contact_id 仍然可以 REFERENCES contacts。"))


# ---- task 4: load the world --------------------------------------------------------------------------------
def _counts(con) -> list[int]:
    return [int(con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in TABLES]


def _details(con) -> list[float]:
    return [float(con.execute(q).fetchone()[0] or 0.0) for q in DETAILS]


LOAD_EMPTY = Mistake("empty_as_text", "空字符串 '' 不是 NULL：world 里“没有”写作 ''，装进数据库前要换成 None，"
                                      "否则外键会去找一个叫 '' 的客户，数据库就拒绝这一行。")


def _load_produce(world, schema_sql, load_crm) -> dict:
    con = build(world, schema_sql, load_crm)
    if con is None:
        return {"counts": None, "details": None}
    try:
        return {"counts": _counts(con), "details": _details(con)}
    except sqlite3.Error:
        return {"counts": None, "details": None}


def check_load(world, schema_sql, load_crm) -> None:
    """Task 4: every table filled, one row per record of the lecture's mapping, '' stored as NULL."""
    if not isinstance(schema_sql, str):
        fail(f"SCHEMA_SQL 应是字符串 a string of SQL（got {type(schema_sql).__name__}）")
    con = build(world, schema_sql, load_crm)
    if con is None:
        err = build_error()
        if "FOREIGN KEY" in str(err):
            LOAD_EMPTY.fail(f"装载时外键被拒绝 ({err})：")
        fail(f"建库或装载出错 ({type(err).__name__}: {err})：先让任务 3 通过，再检查映射规则。")
    counts = dict(zip(TABLES, _counts(con), strict=True))
    want = {"shops": len(world.shops), "campaigns": len(world.campaigns), "contacts": len(world.customers),
            "leads": len(world.leads), "opportunities": len(world.opportunities), "cases": len(world.tickets)}
    for table, n in want.items():
        if counts[table] != n:
            fail(f"{table} 应有 {n:,} 行（world 中每条记录一行），你的有 {counts[table]:,} 行。")
    if counts["accounts"] != int((world.customers["customer_type"] == "B2B").sum()):
        fail("accounts 每位 B2B 客户一行（account_id = customer_id），B2C 客户没有 account。")
    if con.execute("SELECT COUNT(*) FROM leads WHERE campaign_id = '' OR contact_id = ''").fetchone()[0]:
        LOAD_EMPTY.fail()
    passed("任务 4 load_crm")


q4 = Task("q4_test", 2, "任务 4 load_crm 装载数据",
          {"counts": Equal(reason="row counts per table are exact: recomputed from your world by the mapping"),
           "details": Close(rtol=1e-9, atol=1e-6, reason="exact counts and a sum of amounts rounded to cents")},
          _load_produce, check_load, (LOAD_EMPTY,),
          hints=("逐表装载，父表在前：shops → campaigns → accounts → "
                 "contacts → leads → opportunities → cases → calls → "
                 "campaign_log，否则外键找不到父记录。",
                 "用 con.executemany(\"INSERT INTO … VALUES (?, ?, …)\", rows)；rows 里 '' 和 NaT 都要换成 None，"
                 "时间换成 'YYYY-MM-DD HH:MM:SS' 字符串。",
                 "calls：有 ticket_id 的父记录是 ('Cases', ticket_id)，"
                 "否则有 customer_id 的是 ('Contacts', customer_id)，"
                 "两者都没有的（未识别的来电）不装。"))


# ---- tasks 5-7: reports in SQL -----------------------------------------------------------------------------
def _example_db(schema_sql: str) -> sqlite3.Connection:
    con = connect()
    try:
        con.executescript(schema_sql)
    except sqlite3.Error as err:
        fail(f"先完成任务 3：SCHEMA_SQL 出错 ({err})。")
    con.execute("INSERT INTO shops (shop_id, name, currency) VALUES ('S1', 'Demo', 'CNY'), ('S2', 'UK', 'GBP')")
    return con


def _opp(con, oid, stage, amount, *, shop="S1", lead=None) -> None:
    con.execute("INSERT INTO opportunities (opportunity_id, shop_id, account_id, lead_id, name, sales_stage, amount, "
                "created_at, close_date) VALUES (?, ?, NULL, ?, ?, ?, ?, '2025-01-01', '2025-03-01')",
                (oid, shop, lead, oid, stage, amount))


PIPE_CLOSED = Mistake("closed_included", "管道 (pipeline) 只含未关闭的商机：Closed Won 与 Closed Lost 不在管道里。")
PIPE_MIXED = Mistake("currencies_mixed", "不同网店的金额币种不同，不能相加：按 shop_id（及其 currency）分组。")


def _pipe_produce(world, schema_sql, load_crm, q_pipeline) -> dict:
    df = run_query(build(world, schema_sql, load_crm), q_pipeline, name="Q_PIPELINE")
    return {"pipeline": result_frame(df, PIPELINE_COLUMNS)}


def check_pipeline(world, schema_sql, load_crm, q_pipeline) -> None:
    """Task 5: the lecture's six opportunities give an open weighted pipeline of 21,150 in four stage rows."""
    con = _example_db(schema_sql)
    for oid, stage, amount in ex.PIPE_OPPS:
        _opp(con, oid, stage, amount)
    oid, stage, amount = ex.PIPE_SECOND_SHOP
    _opp(con, oid, stage, amount, shop="S2")
    df = run_query(con, q_pipeline, name="Q_PIPELINE")
    require_columns(df, PIPELINE_COLUMNS, name="Q_PIPELINE 的结果")
    mine = df[df["shop_id"] == "S1"]
    if set(mine["sales_stage"]) & {"Closed Won", "Closed Lost"}:
        PIPE_CLOSED.fail()
    if len(df) != 5 or len(mine) != 4:
        if len(mine) == 0 or mine["amount"].sum() > 53_000 + 1e-6:
            PIPE_MIXED.fail("例子里 S2 (GBP) 的商机必须单独成行：")
        fail(f"例子：S1 应有 4 行（四个未关闭阶段），S2 1 行；你的结果有 {len(df)} 行。")
    got = {r.sales_stage: (int(r.n), float(r.amount), float(r.weighted)) for r in mine.itertuples()}
    if got != ex.PIPE_STAGES:
        fail(f"讲义的例子应为 {ex.PIPE_STAGES}（加权合计 {ex.PIPE_WEIGHTED:,.0f}），你的是 {got}。")
    _pipe_produce(world, schema_sql, load_crm, q_pipeline)
    passed("任务 5 Q_PIPELINE")


q5 = Task("q5_test", 2, "任务 5 加权销售管道 Q_PIPELINE",
          {"pipeline": Frame(key=("shop_id", "sales_stage"), columns=tuple(PIPELINE_COLUMNS), rtol=1e-9,
                             reason="sums of amounts and stage probabilities: exact up to rounding")},
          _pipe_produce, check_pipeline, (PIPE_CLOSED, PIPE_MIXED),
          hints=("把 opportunities 与 sales_stages 连接 (JOIN) 起来，用 is_closed = 0 筛掉已关闭的商机。",
                 "金额的币种由网店决定：再连接 shops 取 currency，"
                 "按 shop_id、currency、sales_stage、probability 分组。",
                 "weighted = SUM(amount * probability / 100.0)；注意整数除法：写 100.0。"))

FUNNEL_ALL = Mistake("all_leads", "转化率的分母是**已关闭**的线索（Converted、Dead、Recycled），还在跟进的线索"
                                  "（New、Assigned、In Process）结果未定，不能算作失败。")
FANOUT = ("一条线索可能有几个商机（例子里 F1 有两个）：LEFT JOIN 之后一条线索会出现几行，计数要用 "
          "COUNT(DISTINCT lead_id)。")


def _funnel_produce(world, schema_sql, load_crm, q_funnel) -> dict:
    df = run_query(build(world, schema_sql, load_crm), q_funnel, name="Q_FUNNEL")
    return {"funnel": result_frame(df, FUNNEL_COLUMNS)}


def check_funnel(world, schema_sql, load_crm, q_funnel) -> None:
    """Task 6: ten leads of two sources; distinct leads, closed leads as the denominator."""
    con = _example_db(schema_sql)
    con.execute("INSERT INTO contacts (contact_id, shop_id, name, customer_type) VALUES ('X1', 'S1', 'x', 'B2C')")
    for lid, source, status in ex.FUNNEL_LEADS:
        con.execute("INSERT INTO leads (lead_id, shop_id, lead_source, status, contact_id, created_at) VALUES "
                    "(?, 'S1', ?, ?, ?, '2025-01-01')", (lid, source, status, "X1" if status == "Converted" else None))
    for oid, lid, stage in ex.FUNNEL_OPPS:
        _opp(con, oid, stage, 1000.0, lead=lid)
    df = run_query(con, q_funnel, name="Q_FUNNEL")
    require_columns(df, FUNNEL_COLUMNS, name="Q_FUNNEL 的结果")
    got = {r.lead_source: (int(r.leads), int(r.closed), int(r.with_opportunity), int(r.won),
                           round(float(r.conversion), 10)) for r in df.itertuples()}
    if got != ex.FUNNEL_WANT:
        web = got.get("web_form", (0,) * 5)
        if web[0] > 6 or web[2] > 3:
            fail(FANOUT)
        if abs(web[4] - 1 / 6) < 1e-9:
            FUNNEL_ALL.fail()
        fail(f"例子应为 {ex.FUNNEL_WANT}（leads, closed, with_opportunity, won, conversion），你的是 {got}。")
    _funnel_produce(world, schema_sql, load_crm, q_funnel)
    passed("任务 6 Q_FUNNEL")


q6 = Task("q6_test", 2, "任务 6 线索→商机→成交漏斗 Q_FUNNEL",
          {"funnel": Frame(key=("lead_source",), columns=tuple(FUNNEL_COLUMNS), rtol=1e-9,
                           reason="counts are exact, the conversion is a ratio of them")},
          _funnel_produce, check_funnel, (FUNNEL_ALL,),
          hints=("从 leads 出发 LEFT JOIN opportunities（ON o.lead_id = l.lead_id），没有商机的线索也要留下。",
                 "计数用 COUNT(DISTINCT l.lead_id)，条件计数用 COUNT(DISTINCT CASE WHEN … THEN l.lead_id END)。",
                 "conversion = won * 1.0 / closed，closed 是 status IN ('Converted', 'Dead', 'Recycled') 的线索数。"))

ROI_DROPPED = Mistake("campaigns_dropped", "没有带来线索的活动也要出现在报表里（leads = 0，won_revenue = 0，roi = −1，"
                                           "cpl 为空）：从 campaigns 出发 LEFT JOIN。")
ROI_NOT_WON = Mistake("not_won", "活动带来的收入只算**赢单** (Closed Won) 的金额：丢单和还在跟进的商机都不是收入。")


def _roi_produce(world, schema_sql, load_crm, q_campaign_roi) -> dict:
    df = run_query(build(world, schema_sql, load_crm), q_campaign_roi, name="Q_CAMPAIGN_ROI")
    return {"roi": result_frame(df, ROI_COLUMNS)}


def check_roi(world, schema_sql, load_crm, q_campaign_roi) -> None:
    """Task 7: the lecture's campaign (ROI 2.0, cost per lead 120) and one without leads (ROI −1, no CPL)."""
    con = _example_db(schema_sql)
    for cid, cost, n_leads, won in ex.ROI_CAMPAIGNS:
        con.execute("INSERT INTO campaigns (campaign_id, shop_id, name, campaign_type, channel, start_date, end_date, "
                    "budget, actual_cost) VALUES (?, 'S1', ?, "
                    "'new_product', 'email', '2025-01-01', '2025-02-01', ?, ?)",
                    (cid, cid, cost, cost))
        for i in range(n_leads):
            con.execute("INSERT INTO leads (lead_id, shop_id, lead_source, status, campaign_id, created_at) VALUES "
                        "(?, 'S1', 'campaign', 'Dead', ?, '2025-01-05')", (f"{cid}-{i}", cid))
        for i, amount in enumerate(won):
            _opp(con, f"{cid}-W{i}", "Closed Won", amount, lead=f"{cid}-{i}")
    _opp(con, "R1-L", "Closed Lost", ex.ROI_LOST, lead="R1-7")
    df = run_query(con, q_campaign_roi, name="Q_CAMPAIGN_ROI")
    require_columns(df, ROI_COLUMNS, name="Q_CAMPAIGN_ROI 的结果")
    if "R2" not in set(df["campaign_id"]):
        ROI_DROPPED.fail()
    got = {r.campaign_id: (int(r.leads), float(r.won_revenue), None if pd.isna(r.cpl) else float(r.cpl),
                           float(r.roi)) for r in df.itertuples()}
    if got.get("R1", (0, 0.0))[1] > 54_000 + 1e-6:
        ROI_NOT_WON.fail()
    if got != ex.ROI_WANT:
        fail(f"例子应为 {ex.ROI_WANT}（leads, won_revenue, cpl, roi），你的是 {got}。")
    _roi_produce(world, schema_sql, load_crm, q_campaign_roi)
    passed("任务 7 Q_CAMPAIGN_ROI")


q7 = Task("q7_test", 2, "任务 7 活动 ROI 与单条线索成本 Q_CAMPAIGN_ROI",
          {"roi": Frame(key=("campaign_id",), columns=tuple(ROI_COLUMNS), rtol=1e-9,
                        reason="costs, counts and won amounts from your database: exact up to rounding")},
          _roi_produce, check_roi, (ROI_DROPPED, ROI_NOT_WON),
          hints=("先在子查询里按 campaign_id 汇总线索数和赢单金额，再让 "
                 "campaigns LEFT JOIN 这个汇总（避免一行变多行）。",
                 "赢单金额：leads JOIN opportunities ON o.lead_id = l.lead_id，只取 sales_stage = 'Closed Won'。",
                 "cpl = actual_cost / NULLIF(leads, 0)；roi = (won_revenue − actual_cost) / actual_cost；"
                 "没有线索的活动 won_revenue 用 COALESCE(…, 0)。"))


TASKS = tasks_of(q1, q2, q3, q4, q5, q6, q7, q8, q9)
hint = hints_for(TASKS)
