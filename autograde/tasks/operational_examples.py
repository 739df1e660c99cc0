"""The small worked examples notebook 09's formative checks use (the lecture text shows the same ones).

They are independent of any student's data; each is built to expose one common slip: MAN answers ignored by
"qualify", a terminal status left open, a pair check that misses a logged-twice event, round-robin restarted
at the first agent, least-busy with the tie broken the wrong way, an e-mail compared without normalising,
a phone ticket counted twice, hold time left out of the handle time.
"""

from __future__ import annotations

import pandas as pd

# ---- task 2: the lead state machine ----------------------------------------------------------------------------
YES, NO_MONEY = (True, True, True), (False, True, True)
LEAD_EXAMPLES = (  # (status, action, MAN answers, next status or None for an illegal move)
    ("New", "assign", YES, "Assigned"),
    ("Assigned", "qualify", YES, "In Process"),
    ("Assigned", "qualify", NO_MONEY, "Recycled"),
    ("Recycled", "assign", YES, "Assigned"),
    ("In Process", "convert", YES, "Converted"),
    ("In Process", "dead", YES, "Dead"),
    ("New", "convert", YES, None),
    ("Converted", "dead", YES, None),
    ("Dead", "assign", YES, None),
)
STATUSES = ("New", "Assigned", "In Process", "Converted", "Recycled", "Dead")
ACTIONS = ("assign", "qualify", "convert", "dead", "call")  # "call" is no action of the machine

# ---- task 3: a tiny lead database -------------------------------------------------------------------------------
CONVERT_SHOP = ("S1", "示例网店", "CNY")
CONVERT_LEADS = (  # lead_id, status, company, contact_name, budget
    ("LX1", "In Process", "星河电子有限公司", "王敏", 120000.0),
    ("LX2", "In Process", "青松家居有限公司", "李娜", 80000.0),
    ("LX3", "In Process", "北辰物流有限公司", "张伟", 0.0),
    ("LX4", "In Process", "Nordlicht GmbH", "Anna Weber", 50000.0),
    ("LX5", "New", "远航贸易有限公司", "刘洋", 30000.0),
)

# ---- task 4: a ticket log --------------------------------------------------------------------------------------
CASE_EVENTS = pd.DataFrame(
    [("T1", 1, "", "Open_New"), ("T1", 2, "Open_New", "Open_Assigned"), ("T1", 3, "Open_Assigned", "Closed_Closed"),
     ("T2", 1, "", "Open_New"), ("T2", 2, "Open_New", "Closed_Closed"),
     ("T3", 1, "", "Open_New"), ("T3", 2, "Open_New", "Open_Assigned"),
     ("T3", 3, "Open_Assigned", "Open_Pending Input"), ("T3", 4, "Open_Assigned", "Open_Pending Input"),
     ("T3", 5, "Open_Pending Input", "Open_Assigned"), ("T3", 6, "Open_Assigned", "Closed_Closed"),
     ("T3", 7, "Closed_Closed", "Open_Pending Input"),
     ("T4", 2, "Open_New", "Closed_Duplicate"), ("T4", 1, "", "Open_New")],
    columns=["ticket_id", "seq", "from_status", "to_status"])
CASE_WANT = {("T2", 2): "invalid", ("T3", 4): "duplicate", ("T3", 7): "invalid"}
CASE_PAIRS_ONLY = {("T2", 2), ("T3", 7)}  # what a check of the pairs alone finds

# ---- task 5: problem rates by agent ---------------------------------------------------------------------------
RATE_TICKETS = pd.DataFrame({"ticket_id": ["T1", "T2", "T3", "T4", "T5"],
                             "agent_id": ["A1", "A1", "A2", "A2", "A3"]})
RATE_FLAGGED = pd.DataFrame({"ticket_id": ["T2", "T3", "T3"], "seq": [2, 4, 7],
                             "problem": ["invalid", "duplicate", "invalid"]})
RATE_WANT = {"A1": (2, 1, 0.5), "A2": (2, 1, 0.5), "A3": (1, 0, 0.0)}  # agent -> (tickets, flagged, rate)

# ---- task 6: assignment -----------------------------------------------------------------------------------------
RR_CASES, RR_AGENTS = ["c1", "c2", "c3", "c4", "c5"], ["a", "b"]
RR_WANT = ["a", "b", "a", "b", "a"]
RR_AFTER_A = ["b", "a", "b", "a", "b"]  # the pointer: the last case went to a
LB_LOAD = {"a": 3, "b": 1}
LB_WANT = ["b", "b", "a", "b", "a"]
LB_TIE_LAST = ["b", "b", "b", "a", "b"]  # ties broken towards the later agent
LOAD_TICKETS = pd.DataFrame({
    "ticket_id": ["T1", "T2", "T3", "T4", "T5", "T6"],
    "agent_id": ["a", "a", "a", "b", "b", "b"],
    "opened_ts": pd.to_datetime(["2025-03-09 09:00", "2025-03-02 09:00", "2025-03-09 18:00", "2025-03-08 10:00",
                                 "2025-03-09 11:00", "2025-03-10 08:00"]),
    "resolved_ts": pd.to_datetime([None, None, "2025-03-10 09:00", "2025-03-09 12:00", "2025-03-10 00:00", None]),
})
LOAD_AT = pd.Timestamp("2025-03-10")
LOAD_WANT = {"a": 2, "b": 0}  # T2 is older than 7 days; T5 resolved at exactly 00:00 is no longer open

# ---- task 7: identity stitching ----------------------------------------------------------------------------------
STITCH_CUSTOMERS = pd.DataFrame({
    "customer_id": ["C1", "C2", "C3", "C4", "C5"],
    "email": ["wang.min@qq.com", " Wang.Min@QQ.com", "", "li@163.com", "zhao@126.com"],
    "phone": ["138 0013 8000", "13900139000", "+86 139 0013 9000", "13700137000", "136-0013-6000"],
    "country": ["CN", "CN", "CN", "CN", "CN"],
})
STITCH_TOUCHES = pd.DataFrame({
    "touch_id": ["TP1", "TP2", "TP3", "TP4", "TP5", "TP6", "TP7", "TP8"],
    "channel": ["email", "chat", "phone", "phone", "social", "email", "phone", "phone"],
    "ts": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04", "2025-01-05", "2025-01-06",
                          "2025-01-07", "2025-01-08"]),
    "handle_type": ["email", "account", "phone", "phone", "account", "email", "phone", "phone"],
    "handle": ["WANG.MIN@qq.com ", "C3", "+8613800138000", "+8613700137000", "C4", "li@163.com",
               "+8613600136000", "+8613600136000"],
})
# C1-C2 share an e-mail, C2-C3 a phone: one person; C4 another; C5 a third, on the phone only
STITCH_PERSONS = (("TP1", "TP2", "TP3"), ("TP4", "TP5", "TP6"), ("TP7", "TP8"))
STITCH_N, STITCH_MULTI = 3, 2 / 3

# ---- task 8: cost to serve -----------------------------------------------------------------------------------------
UNIT_COST = {"agent_minute": 1.2, "ivr_call": 0.3, "chat": 4.0, "email": 6.0, "social": 5.0}
COST_CALLS = pd.DataFrame({
    "call_id": ["K1", "K2", "K3", "K4"], "ticket_id": ["", "T9", "", ""],
    "direction": ["inbound", "inbound", "inbound", "outbound"],
    "talk_s": [240.0, 300.0, 0.0, 120.0], "hold_s": [30.0, 0.0, 0.0, 0.0], "wrap_s": [30.0, 60.0, 0.0, 0.0],
})
COST_TICKETS = pd.DataFrame({"ticket_id": ["T7", "T8", "T9", "T10"], "channel": ["chat", "email", "phone", "chat"]})
COST_WANT = {"phone": (4, 0.3 * 3 + 1.2 * (5 + 6 + 0 + 2)), "chat": (2, 8.0), "email": (1, 6.0), "social": (0, 0.0)}
SHIFT_SHARE = 0.5
SHIFT_WANT = 0.5 * 1 * ((0.3 + 1.2 * 5) - 4.0)  # one general inbound call answered by an agent (K1)
