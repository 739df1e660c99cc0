"""The worked examples and probe rows of notebook 07 (data only): the rows a correct CRM schema must accept,
the statements it must refuse, and the small pipelines, funnels and campaigns of the lecture's text
(``crm-models.md`` L07: open weighted pipeline 21,150; campaign ROI 2.0 and cost per lead 120)."""

# ---- task 3: rows a schema of the lecture must accept, in this order (explicit columns: any extra column the
# student adds must be nullable or have a default) -----------------------------------------------------------
VALID_ROWS = [
    "INSERT INTO shops (shop_id, name, currency) VALUES ('S1', 'Demo shop', 'CNY')",
    "INSERT INTO campaigns (campaign_id, shop_id, name, campaign_type, channel, start_date, end_date, budget, "
    "actual_cost) VALUES ('M1', 'S1', 'spring', 'holiday_coupon', 'sms', '2025-03-01', '2025-03-15', 500, 420)",
    "INSERT INTO accounts (account_id, shop_id, name) VALUES ('C1', 'S1', 'Acme Trading')",
    "INSERT INTO contacts (contact_id, shop_id, account_id, name, email, phone, customer_type) "
    "VALUES ('C1', 'S1', 'C1', 'Li Lei', 'li@acme.cn', '13800000000', 'B2B')",
    "INSERT INTO contacts (contact_id, shop_id, account_id, name, email, phone, customer_type) "
    "VALUES ('C2', 'S1', NULL, 'Han Mei', 'han@mail.cn', '13900000000', 'B2C')",
    "INSERT INTO leads (lead_id, shop_id, lead_source, status, campaign_id, contact_id, created_at) "
    "VALUES ('L1', 'S1', 'campaign', 'Converted', 'M1', 'C1', '2025-03-02 10:00:00')",
    "INSERT INTO leads (lead_id, shop_id, lead_source, status, campaign_id, contact_id, created_at) "
    "VALUES ('L2', 'S1', 'web_form', 'New', NULL, NULL, '2025-06-01 09:00:00')",
    "INSERT INTO opportunities (opportunity_id, shop_id, account_id, lead_id, name, sales_stage, amount, "
    "created_at, close_date) VALUES ('Y1', 'S1', 'C1', 'L1', 'Acme - annual supply', 'Closed Won', 60000, "
    "'2025-03-10 10:00:00', '2025-04-20 00:00:00')",
    "INSERT INTO opportunities (opportunity_id, shop_id, account_id, lead_id, name, sales_stage, amount, "
    "created_at, close_date) VALUES ('Y2', 'S1', NULL, 'L2', 'Prospect - bulk order', 'Prospecting', 8000, "
    "'2025-06-05 10:00:00', '2025-08-01 00:00:00')",
    "INSERT INTO cases (case_id, shop_id, contact_id, account_id, priority, category, channel, state, status, "
    "opened_at, resolved_at) VALUES ('T1', 'S1', 'C1', 'C1', 'P2', 'delivery_delay', 'phone', 'Open', "
    "'Open_Assigned', '2025-05-01 09:00:00', NULL)",
    "INSERT INTO cases (case_id, shop_id, contact_id, account_id, priority, category, channel, state, status, "
    "opened_at, resolved_at) VALUES ('T2', 'S1', 'C2', NULL, 'P3', 'enquiry', 'chat', 'Closed', "
    "'Closed_Closed', '2025-05-02 09:00:00', '2025-05-02 11:00:00')",
    "INSERT INTO calls (call_id, parent_type, parent_id, contact_id, direction, status, date_start, duration_s) "
    "VALUES ('K1', 'Cases', 'T1', 'C1', 'Inbound', 'Held', '2025-05-01 09:05:00', 240)",
    "INSERT INTO calls (call_id, parent_type, parent_id, contact_id, direction, status, date_start, duration_s) "
    "VALUES ('K2', 'Contacts', 'C2', 'C2', 'Outbound', 'Not Held', '2025-05-03 15:00:00', 0)",
    "INSERT INTO campaign_log (campaign_id, contact_id, activity_type, activity_date) "
    "VALUES ('M1', 'C2', 'targeted', '2025-03-01 08:00:00')",
    "INSERT INTO campaign_log (campaign_id, contact_id, activity_type, activity_date) "
    "VALUES ('M1', 'C2', 'viewed', '2025-03-01 08:00:00')",
    "INSERT INTO campaign_log (campaign_id, contact_id, activity_type, activity_date) "
    "VALUES ('M1', 'C1', 'held_out', NULL)",
]

_OPP = ("INSERT INTO opportunities (opportunity_id, shop_id, account_id, lead_id, name, sales_stage, amount, "
        "created_at, close_date) VALUES ")
_CASE = ("INSERT INTO cases (case_id, shop_id, contact_id, account_id, priority, category, channel, state, status, "
         "opened_at, resolved_at) VALUES ")
_CALL = "INSERT INTO calls (call_id, parent_type, parent_id, contact_id, direction, status, date_start, duration_s) "
_LOG = "INSERT INTO campaign_log (campaign_id, contact_id, activity_type, activity_date) VALUES "
_LEAD = ("INSERT INTO leads (lead_id, shop_id, lead_source, status, campaign_id, contact_id, created_at) VALUES ")

# Statements each must be refused by a constraint (every one of a group), after the valid rows went in.
BAD = {
    "stage": [  # a sales stage not on the ladder
        _OPP + "('Y9', 'S1', 'C1', NULL, 'x', 'Won', 100, '2025-01-01', '2025-02-01')",
        _OPP + "('Y9', 'S1', 'C1', NULL, 'x', 'closed won', 100, '2025-01-01', '2025-02-01')",
        _OPP + "('Y9', 'S1', 'C1', NULL, 'x', 'Negotiation', 100, '2025-01-01', '2025-02-01')",
    ],
    "case_state": [  # a status that does not belong to the state (or belongs to no state)
        _CASE + "('T9', 'S1', 'C2', NULL, 'P2', 'refund', 'email', 'Open', 'Closed_Closed', '2025-01-01', NULL)",
        _CASE + "('T9', 'S1', 'C2', NULL, 'P2', 'refund', 'email', 'Closed', 'Open_Assigned', '2025-01-01', NULL)",
        _CASE + "('T9', 'S1', 'C2', NULL, 'P2', 'refund', 'email', 'Open', 'Pending', '2025-01-01', NULL)",
    ],
    "orphan": [  # a reference to a row that does not exist
        _OPP + "('Y9', 'S1', 'NO-SUCH-ACCOUNT', NULL, 'x', 'Prospecting', 100, '2025-01-01', '2025-02-01')",
        _CASE + "('T9', 'S1', 'NO-SUCH-CONTACT', NULL, 'P2', 'refund', 'email', 'Open', 'Open_New', '2025-01-01', "
                "NULL)",
        _CALL + "VALUES ('K9', 'Contacts', 'C2', 'NO-SUCH-CONTACT', 'Inbound', 'Held', '2025-01-01', 10)",
        _LOG + "('NO-SUCH-CAMPAIGN', 'C2', 'targeted', NULL)",
    ],
    "enums": [  # values outside the lists of the lecture
        _LEAD + "('L9', 'S1', 'web_form', 'Hot', NULL, NULL, '2025-01-01')",
        _CALL + "VALUES ('K9', 'Orders', 'O1', 'C2', 'Inbound', 'Held', '2025-01-01', 10)",
        _CALL + "VALUES ('K9', 'Contacts', 'C2', 'C2', 'Sideways', 'Held', '2025-01-01', 10)",
        _LOG + "('M1', 'C2', 'liked', NULL)",
    ],
}

# ---- task 5: the lecture's six opportunities (one shop, CNY): open weighted pipeline 1,000 + 4,000 + 9,750 +
# 6,400 = 21,150; the won and the lost deals are not in the pipeline ---------------------------------------
PIPE_OPPS = [("P1", "Prospecting", 10_000.0), ("P2", "Qualification", 20_000.0),
             ("P3", "Proposal/Price Quote", 15_000.0), ("P4", "Negotiation/Review", 8_000.0),
             ("P5", "Closed Won", 12_000.0), ("P6", "Closed Lost", 9_000.0)]
PIPE_WEIGHTED = 21_150.0
PIPE_STAGES = {"Prospecting": (1, 10_000.0, 1_000.0), "Qualification": (1, 20_000.0, 4_000.0),
               "Proposal/Price Quote": (1, 15_000.0, 9_750.0), "Negotiation/Review": (1, 8_000.0, 6_400.0)}
PIPE_SECOND_SHOP = ("P7", "Prospecting", 50.0)  # a second shop in GBP: its row must stay apart

# ---- task 6: ten leads from two sources. web_form: 6 leads, 2 still open (New, In Process), 4 closed of which
# 1 converted; 3 have an opportunity (one lead has two), 1 won -> closed 4, with_opportunity 3, won 1,
# conversion 1 / 4. referral: 4 leads, all closed, 2 converted (both won), 2 with opportunity -> 2 / 4.
FUNNEL_LEADS = [  # lead_id, source, status
    ("F1", "web_form", "Converted"), ("F2", "web_form", "Dead"), ("F3", "web_form", "Recycled"),
    ("F4", "web_form", "Dead"), ("F5", "web_form", "New"), ("F6", "web_form", "In Process"),
    ("F7", "referral", "Converted"), ("F8", "referral", "Converted"), ("F9", "referral", "Dead"),
    ("F10", "referral", "Recycled"),
]
FUNNEL_OPPS = [("G1", "F1", "Closed Won"), ("G2", "F1", "Closed Lost"), ("G3", "F6", "Qualification"),
               ("G4", "F2", "Closed Lost"), ("G5", "F7", "Closed Won"), ("G6", "F8", "Closed Won")]
FUNNEL_WANT = {"web_form": (6, 4, 3, 1, 0.25), "referral": (4, 4, 2, 2, 0.5)}
# (leads, closed, with_opportunity, won, conversion); dividing by all leads would give 1/6 for web_form

# ---- task 7: the lecture's campaign (actual cost 18,000; 150 leads; won deals worth 54,000 -> ROI 2.0,
# cost per lead 120) and a campaign without leads (ROI -1, no cost per lead) --------------------------------
ROI_CAMPAIGNS = [("R1", 18_000.0, 150, [30_000.0, 24_000.0]), ("R2", 2_000.0, 0, [])]
ROI_LOST = 5_000.0  # a lost deal of R1's leads: not revenue
ROI_WANT = {"R1": (150, 54_000.0, 120.0, 2.0), "R2": (0, 0.0, None, -1.0)}

# ---- task 8: two campaigns of one type. A: 100 treated (20 bought), 50 control (8 bought): 0.20 − 0.16 =
# 0.04; B: 300 treated (30 bought), 100 control (9 bought): 0.10 − 0.09 = 0.01. Attributed rate 50 / 400 =
# 0.125; incremental, weighted by the treated: (100 · 0.04 + 300 · 0.01) / 400 = 0.0175. The plain mean of
# the two differences would be 0.025; a campaign C without a control group is left out.
LIFT_CAMPAIGNS = [("A", "cross_sell", 100, 20, 50, 8), ("B", "cross_sell", 300, 30, 100, 9),
                  ("C", "cross_sell", 40, 10, 0, 0)]
LIFT_WANT = (2, 400, 0.125, 0.0175)  # campaigns, treated, attributed_rate, incremental_rate
LIFT_PLAIN_MEAN = 0.025
SHARE_WANT = 7.0 / 50.0  # task 9 on the same campaigns: incremental buyers 4 + 3 = 7 of 50 attributed
SHARE_PLAIN_MEAN = (4.0 / 20.0 + 3.0 / 30.0) / 2  # the mean of the campaigns' own shares: 0.15, not 0.14
