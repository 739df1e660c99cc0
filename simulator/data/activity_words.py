"""Words and numbers of the sales activities layer (``simulator.activities``): subjects per parent and activity
type, stage names, and how many activities each parent gets.

Subjects come in Chinese (``zh``, domestic shops) and English (``en``, cross-border shops). ``{who}`` is the
lead's company or the opportunity's name, ``{stage}`` the opportunity's sales stage at the activity's date.
All numbers are invented for teaching.
"""

from __future__ import annotations

ACTIVITY_TYPES = ("Call", "Meeting", "Task", "Email", "Note")
# P(activity type) by parent type, in ACTIVITY_TYPES order
TYPE_P = {
    "Leads": (0.45, 0.05, 0.10, 0.32, 0.08),
    "Opportunities": (0.28, 0.34, 0.14, 0.18, 0.06),
    "Accounts": (0.40, 0.15, 0.10, 0.25, 0.10),
    "Contacts": (0.45, 0.10, 0.05, 0.35, 0.05),
}
# activities a lead gets over its life, by status: (low, high), uniform integer
LEAD_COUNT = {"New": (0, 1), "Assigned": (1, 2), "In Process": (2, 4), "Converted": (2, 5), "Recycled": (1, 3),
              "Dead": (1, 3)}
LEAD_DEAD_WEEKS = (2.0, 12.0)  # a closed, unconverted lead was worked this many weeks (uniform)
# activities of an opportunity: 1 + Poisson(mean) per open stage it passed through; won deals get more
OPP_PER_STAGE = {"won": 0.9, "lost": 0.5, "open": 0.6}
ACCOUNT_PER_MONTH = 0.25  # account-management activities per month after the first won deal
CONTACT_SHARE = 0.4  # of those, logged on the account's contact person rather than the account
NEXT_STEP_P = {"Leads": 0.5, "Opportunities": 0.7}  # an open parent has a planned next step after the horizon
NEXT_STEP_DAYS = 14  # ... within this many days
NOT_HELD_P = {"Dead": 0.35, "Recycled": 0.25, "Closed Lost": 0.25, "": 0.12}  # a call or meeting not held
TEAM_SIZE = (3, 5)  # sales reps per shop, uniform integer
OWNER_SHARE = 0.85  # a parent's activities done by its owner (else a colleague)

STAGES_ZH = {"Prospecting": "潜在客户", "Qualification": "资格确认", "Needs Analysis": "需求分析",
             "Value Proposition": "价值主张", "Id. Decision Makers": "确认决策人", "Perception Analysis": "认知分析",
             "Proposal/Price Quote": "方案报价", "Negotiation/Review": "谈判审核"}

SUBJECTS = {
    "zh": {
        ("Leads", "Call"): ("初次电话沟通：{who}", "跟进电话：{who}", "电话确认需求：{who}"),
        ("Leads", "Meeting"): ("拜访：{who}", "线上介绍会：{who}"),
        ("Leads", "Task"): ("整理线索资料：{who}", "发送产品目录：{who}"),
        ("Leads", "Email"): ("发送公司介绍：{who}", "跟进邮件：{who}", "回复询价：{who}"),
        ("Leads", "Note"): ("线索备注：{who}",),
        ("Opportunities", "Call"): ("{stage}｜电话沟通：{who}", "{stage}｜跟进电话：{who}"),
        ("Opportunities", "Meeting"): ("{stage}｜会议：{who}", "{stage}｜现场拜访：{who}"),
        ("Opportunities", "Task"): ("{stage}｜准备材料：{who}", "{stage}｜内部评审：{who}"),
        ("Opportunities", "Email"): ("{stage}｜发送资料：{who}", "{stage}｜邮件跟进：{who}"),
        ("Opportunities", "Note"): ("{stage}｜会谈记录：{who}",),
        ("Accounts", "Call"): ("客户回访：{who}", "季度电话回访：{who}"),
        ("Accounts", "Meeting"): ("客户经营会议：{who}", "年度合作回顾：{who}"),
        ("Accounts", "Task"): ("更新客户档案：{who}",),
        ("Accounts", "Email"): ("新品推荐：{who}", "对账邮件：{who}"),
        ("Accounts", "Note"): ("客户备注：{who}",),
        ("Contacts", "Call"): ("联系人电话：{who}",),
        ("Contacts", "Meeting"): ("约见联系人：{who}",),
        ("Contacts", "Task"): ("更新联系人信息：{who}",),
        ("Contacts", "Email"): ("节日问候：{who}", "联系人跟进邮件：{who}"),
        ("Contacts", "Note"): ("联系人备注：{who}",),
    },
    "en": {
        ("Leads", "Call"): ("Intro call: {who}", "Follow-up call: {who}", "Qualification call: {who}"),
        ("Leads", "Meeting"): ("Visit: {who}", "Online intro: {who}"),
        ("Leads", "Task"): ("Research lead: {who}", "Send catalogue: {who}"),
        ("Leads", "Email"): ("Company profile sent: {who}", "Follow-up e-mail: {who}", "Reply to inquiry: {who}"),
        ("Leads", "Note"): ("Lead note: {who}",),
        ("Opportunities", "Call"): ("{stage} | call: {who}", "{stage} | follow-up call: {who}"),
        ("Opportunities", "Meeting"): ("{stage} | meeting: {who}", "{stage} | on-site visit: {who}"),
        ("Opportunities", "Task"): ("{stage} | prepare documents: {who}", "{stage} | internal review: {who}"),
        ("Opportunities", "Email"): ("{stage} | documents sent: {who}", "{stage} | follow-up e-mail: {who}"),
        ("Opportunities", "Note"): ("{stage} | meeting notes: {who}",),
        ("Accounts", "Call"): ("Account check-in: {who}", "Quarterly call: {who}"),
        ("Accounts", "Meeting"): ("Account review: {who}", "Annual business review: {who}"),
        ("Accounts", "Task"): ("Update account record: {who}",),
        ("Accounts", "Email"): ("New products: {who}", "Statement of account: {who}"),
        ("Accounts", "Note"): ("Account note: {who}",),
        ("Contacts", "Call"): ("Call contact: {who}",),
        ("Contacts", "Meeting"): ("Meet contact: {who}",),
        ("Contacts", "Task"): ("Update contact details: {who}",),
        ("Contacts", "Email"): ("Season's greetings: {who}", "Contact follow-up: {who}"),
        ("Contacts", "Note"): ("Contact note: {who}",),
    },
}
