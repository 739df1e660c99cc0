"""The worked examples notebook 01's formative checks run a student's functions on (data only: the
lecture's numbers, so a failure can point at the example in the text)."""

# Fixture for acquisition_retention (year 2025). Signups in 2025: C1, C2, C3, C5 -> A = 4/12.
# Pooled month-to-month retention over Jan..Nov 2025: active 3+1+2+1 = 7, retained 1+1+0+1 = 3 -> r = 3/7.
AR_CUSTOMERS = {"customer_id": ["C1", "C2", "C3", "C4", "C5"],
                "signup_date": ["2025-01-05", "2025-01-20", "2025-11-02", "2024-12-10", "2025-12-30"]}

AR_ORDERS = [("C1", "2025-01-05", "delivered"), ("C1", "2025-01-28", "delivered"), ("C1", "2025-02-14", "shipped"),
             ("C1", "2025-03-03", "delivered"), ("C2", "2025-01-20", "delivered"), ("C2", "2025-02-11", "cancelled"),
             ("C2", "2025-03-09", "delivered"), ("C3", "2025-11-02", "delivered"), ("C3", "2025-12-01", "delivered"),
             ("C4", "2024-12-10", "delivered"), ("C4", "2025-01-15", "delivered"), ("C5", "2025-12-30", "delivered"),
             ("C2", "2025-04-18", "returned")]

AR_WANT = (4 / 12, 3 / 7)

# Fixture for pareto_table: the lecture's worked example, revenues 500, 300, 120, 30, 20, 10, 8, 6, 4, 2 CNY,
# spread over currencies, two orders carrying import duty (not revenue), and a cancelled and a returned order
# that must not count. Rows: customer_id, order_total, duty_tax, fx_rate_to_cny, status.
PARETO_ORDERS = [("K01", 55.0, 5.0, 7.2, "delivered"), ("K01", 140.0, 0.0, 1.0, "shipped"),
                 ("K01", 999.0, 0.0, 1.0, "cancelled"), ("K02", 300.0, 0.0, 1.0, "delivered"),
                 ("K02", 100.0, 0.0, 1.0, "returned"), ("K03", 2700.0, 200.0, 0.048, "delivered"),
                 ("K04", 30.0, 0.0, 1.0, "delivered"), ("K05", 20.0, 0.0, 1.0, "delivered"),
                 ("K06", 10.0, 0.0, 1.0, "delivered"), ("K07", 8.0, 0.0, 1.0, "delivered"),
                 ("K08", 6.0, 0.0, 1.0, "delivered"), ("K09", 4.0, 0.0, 1.0, "delivered"),
                 ("K10", 2.0, 0.0, 1.0, "delivered")]

PARETO_WANT = [500.0, 300.0, 120.0, 30.0, 20.0, 10.0, 8.0, 6.0, 4.0, 2.0]

# Tie fixture: C3 and C1 both 50 CNY (tie -> C1 first), C2 has no orders (revenue 0, last).
TIE_ORDERS = [("C3", 50.0, 0.0, 1.0, "delivered"), ("C1", 50.0, 0.0, 1.0, "delivered")]

TIE_CUSTOMERS = ["C2", "C3", "C1"]

EMAIL_CASES = [(" Wang.Fang88@QQ.com ", "wang.fang88@qq.com"), ("anna@gmail.com", "anna@gmail.com"),
               ("\tJOHN@Outlook.COM", "john@outlook.com"), ("", ""), ("   ", "")]

# (phone as written, the customer's country, E.164 as the lecture's rule gives it). 13800138000, 15800138000 and
# 18800138000 are three people who share their last 9 digits; the London number is written with and without
# the country code and the trunk 0; a US number written with and without "+1"; too few digits -> missing.
PHONE_CASES = [("+86 138 0013 8000", "CN", "+8613800138000"), ("13800138000", "CN", "+8613800138000"),
               ("138-0013-8000", "CN", "+8613800138000"), ("15800138000", "CN", "+8615800138000"),
               ("18800138000", "CN", "+8618800138000"), ("+44 20 7946 0958", "GB", "+442079460958"),
               ("020 7946 0958", "GB", "+442079460958"), ("+1 (555) 010-2233", "US", "+15550102233"),
               ("15550102233", "US", "+15550102233"), ("12 34", "CN", ""), ("", "US", "")]

# Fixture for link_persons: rows 0-2 one person (0~1 by e-mail after normalising, 1~2 by phone only),
# row 3 another person with no e-mail, row 4 a third person with no e-mail (empty e-mail is no link),
# row 5 a homonym of row 0 (same name, different e-mail and phone) -> 4 persons.
LINK_CUSTOMERS = {"customer_id": ["C1", "C2", "C3", "C4", "C5", "C6"],
                  "country": ["CN", "CN", "CN", "US", "US", "CN"],
                  "name": ["王芳", "王芳", "王 芳", "Anna Smith", "Tom Lee", "王芳"],
                  "email": ["wangfang1@qq.com", " WangFang1@QQ.com", "", "", "", "wf777@163.com"],
                  "phone": ["138 0013 8000", "+86 139 1111 2222", "13911112222", "+1 555 010 2233",
                            "+1 555 010 9999", "137 5555 6666"]}

LINK_WANT = [0, 0, 0, 1, 2, 3]

# Fixture for retention_boost (task 2): A = 100 customers/month, monthly retention 0.90, annual +5 pp.
# Annual retention 0.9^12 = 0.2824 -> 0.3324; monthly 0.3324^(1/12) = 0.91224; N* 1000 -> 1139.4.
BOOST_CASE = (100.0, 0.90, 0.05)
BOOST_MONTHLY = (0.95, 1000.0)  # the mistake: +5 pp on the monthly rate
BOOST_SPLIT = (0.90 + 0.05 / 12, 100 / (0.1 - 0.05 / 12) - 1000)  # the mistake: pp/12 added each month

# Task 9: the cases, each with one driver of CRM (A 需求的拉动, B 技术的推动, C 管理理念的更新).
DRIVER_OPTIONS = {"A": "需求的拉动 demand pull", "B": "技术的推动 technology push",
                  "C": "管理理念的更新 new management thinking"}
DRIVER_TEXTS = {
    "销售与客服": "销售员抱怨：客户来电时，他看不到这位客户上周向客服投诉过什么；客服也不知道销售答应过客户什么折扣。",
    "云端软件": "按账号月付的云端 CRM 软件 (SaaS) 出现后，一家小网店不必自建机房，"
                "也能把订单、聊天和投诉记录汇总到一个系统里。",
    "考核指标": "管理层认为“客户是企业最重要的资产”，把部门考核从“本月卖出多少件”改成“老客户留下了多少、满意度如何”。",
    "三份档案": "同一个人在集团的三家网店各有一份档案，总部说不清自己到底有多少客户、谁最有价值。",
    "买方市场": "同类商品越来越多，市场从卖方市场变成买方市场，企业不能再“生产什么就卖什么”，而要先弄清客户要什么。",
    "数据挖掘": "数据挖掘 (data mining) 工具能在几百万条订单里自动找出购买频率正在下降的客户。",
}
