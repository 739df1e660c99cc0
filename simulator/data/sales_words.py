"""Words and tables of the B2B sales layer: lead sources, MAN (Money/Authority/Need) wording, deal names.

Job titles and stated needs come in Chinese (``zh``, zh_CN prospects) and English (``en``, every other
locale). A title is a decision-maker title exactly when it is in ``DECISION_TITLES``, and a need is concrete
exactly when it is in ``CONCRETE_NEEDS``: the MAN flags of ``leads`` can be recomputed from the text.
All numbers are invented for teaching; ``simulator.sales`` holds the logic that uses them.
"""

from __future__ import annotations

# source -> (share among leads, P(each MAN condition holds)): the second number is the source's quality,
# referral > trade_show > web_form > cold_call (campaign and marketplace inquiries sit in between).
LEAD_SOURCES = {
    "web_form": (0.28, 0.38),
    "trade_show": (0.14, 0.62),
    "referral": (0.12, 0.72),
    "campaign": (0.16, 0.42),
    "cold_call": (0.18, 0.22),
    "marketplace_inquiry": (0.12, 0.44),
}

# Relative chance that a lead ever converts, by the number of MAN conditions met (0, 1, 2, 3).
CONVERT_WEIGHT = (0.02, 0.07, 0.20, 0.50)
# P(an account's later opportunity is won) by the MAN conditions its original lead met (0, 1, 2, 3).
WIN_PROBABILITY = (0.15, 0.28, 0.42, 0.65)
# Stated annual budget at or above this is "has the money" (CNY; converted to the shop's currency and
# rounded to two significant digits).
MONEY_THRESHOLD_CNY = 50_000.0
# Typical B2B deal value (CNY): lognormal median and log-sd; a lead with the money buys bigger.
DEAL_MEDIAN_CNY = 60_000.0
DEAL_LOG_SD = 0.9
DEAL_MONEY_FACTOR = 1.6

DECISION_TITLES = {
    "zh": ("总经理", "首席执行官", "董事长", "采购总监", "采购经理", "老板", "创始人", "运营总监", "财务总监"),
    "en": ("CEO", "Owner", "Founder", "Managing Director", "Procurement Director", "Head of Purchasing",
           "Purchasing Manager", "COO", "General Manager"),
}
OTHER_TITLES = {
    "zh": ("采购专员", "行政助理", "实习生", "市场专员", "销售代表", "前台", "IT工程师", "客服主管"),
    "en": ("Purchasing Assistant", "Office Assistant", "Intern", "Marketing Coordinator",
           "Sales Representative", "Receptionist", "IT Specialist", "Customer Service Lead"),
}
CONCRETE_NEEDS = {
    "zh": ("需要为门店年度补货，每月固定批量采购", "计划采购员工福利礼品，约500份，年底前交付",
           "寻找长期供应商替换现有渠道，需要报价单", "新开三家分店，需要整批采购陈列商品",
           "年会活动需定制礼品，需在两个月内到货", "需要按季度批发采购并开具增值税发票"),
    "en": ("Quarterly restocking for our 12 stores; need a volume price list",
           "Looking to replace our current supplier by next quarter; please send a quote",
           "Need 500 branded gift sets for our year-end event, delivered within 8 weeks",
           "Opening three new outlets and need the full starter assortment",
           "Want a yearly supply contract with monthly deliveries",
           "Need bulk pricing and invoicing terms for a recurring wholesale order"),
}
VAGUE_NEEDS = {
    "zh": ("随便看看", "先了解一下产品", "以后可能会需要", "请发一份产品目录", "有活动的话通知我"),
    "en": ("Just browsing", "Interested in learning more", "Might need something later this year",
           "Please send a catalogue", "Let me know about any promotions"),
}
DEAL_NAMES = {
    "zh": ("年度采购", "批量订单", "门店补货", "员工福利礼品", "定制礼品", "供应合同"),
    "en": ("Annual supply", "Bulk order", "Store restock", "Corporate gifts", "Custom gift sets",
           "Supply contract"),
}

