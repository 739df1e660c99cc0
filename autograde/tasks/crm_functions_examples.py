"""The worked examples and probe statements of notebook 08 (data only): three customers for the customer-360 view,
the stage changes an audit trigger must log (and the ones it must not), the two lookups an index must serve, and
a small ERP export with one reconciliation issue of each kind.

Timestamps are 'YYYY-MM-DD HH:MM:SS' text, amounts in the shop's currency (CNY for S1)."""

SHOP = "INSERT INTO shops (shop_id, name, currency) VALUES ('S1', 'Demo shop', 'CNY')"
_CONTACT = ("INSERT INTO contacts (contact_id, shop_id, account_id, name, email, phone, customer_type) VALUES ")
_ORDER = "INSERT INTO orders (order_id, contact_id, shop_id, order_ts, status, channel, amount) VALUES "
_CASE = ("INSERT INTO cases (case_id, shop_id, contact_id, account_id, priority, category, channel, state, status, "
         "opened_at, resolved_at) VALUES ")
_CALL = "INSERT INTO calls (call_id, parent_type, parent_id, contact_id, direction, status, date_start, duration_s) "
_OPP = ("INSERT INTO opportunities (opportunity_id, shop_id, account_id, lead_id, name, sales_stage, amount, "
        "created_at, close_date) VALUES ")
_INVOICE = ("INSERT INTO erp_invoices (invoice_id, crm_ref, customer_id, shop_id, invoice_date, amount, currency, "
            "status) VALUES ")

# ---- task 2: the customer-360 view. A1 has three orders, two cases and three calls (a join of all three gives
# 3 × 2 × 3 = 18 rows: summing amounts there counts the delivered order six times); B1 is a company with won
# deals but no order and no case (the multi-argument max() of SQLite is NULL as soon as one argument is); N1 has
# done nothing yet (an inner join drops her). A guest order (no contact) belongs to nobody.
VIEW_ROWS = [
    SHOP,
    "INSERT INTO accounts (account_id, shop_id, name) VALUES ('B1', 'S1', 'Beta Trading')",
    _CONTACT + "('A1', 'S1', NULL, 'Ann Lee', 'ann@mail.cn', '138', 'B2C')",
    _CONTACT + "('B1', 'S1', 'B1', 'Bo Wang', 'bo@beta.cn', '139', 'B2B')",
    _CONTACT + "('N1', 'S1', NULL, 'Nina Xu', 'nina@mail.cn', '137', 'B2C')",
    _ORDER + "('O1', 'A1', 'S1', '2025-01-05 10:00:00', 'delivered', 'web', 100.0)",
    _ORDER + "('O2', 'A1', 'S1', '2025-01-20 11:00:00', 'returned', 'app', 40.0)",
    _ORDER + "('O3', 'A1', 'S1', '2025-03-02 12:00:00', 'cancelled', 'web', 25.0)",
    _ORDER + "('O4', NULL, 'S1', '2025-05-01 09:00:00', 'delivered', 'web', 60.0)",
    _CASE + "('T1', 'S1', 'A1', NULL, 'P2', 'damaged', 'phone', 'Open', 'Open_Assigned', '2025-02-01 09:30:00', NULL)",
    _CASE + "('T2', 'S1', 'A1', NULL, 'P3', 'enquiry', 'email', 'Closed', 'Closed_Closed', '2025-01-21 08:00:00', "
            "'2025-01-21 10:00:00')",
    _CALL + "VALUES ('K1', 'Cases', 'T1', 'A1', 'Inbound', 'Held', '2025-02-01 10:00:00', 300)",
    _CALL + "VALUES ('K2', 'Contacts', 'A1', 'A1', 'Outbound', 'Not Held', '2025-02-15 16:00:00', 0)",
    _CALL + "VALUES ('K3', 'Cases', 'T2', 'A1', 'Inbound', 'Held', '2025-01-21 08:05:00', 120)",
    _CALL + "VALUES ('K4', 'Contacts', 'B1', 'B1', 'Outbound', 'Held', '2025-04-01 09:00:00', 600)",
    _OPP + "('Y1', 'S1', 'B1', NULL, 'Beta - spring', 'Closed Won', 5000, '2025-01-02', '2025-02-01')",
    _OPP + "('Y2', 'S1', 'B1', NULL, 'Beta - summer', 'Closed Won', 3000, '2025-03-02', '2025-04-01')",
    _OPP + "('Y3', 'S1', 'B1', NULL, 'Beta - autumn', 'Closed Lost', 2000, '2025-05-02', '2025-06-01')",
    _OPP + "('Y4', 'S1', 'B1', NULL, 'Beta - winter', 'Prospecting', 1000, '2025-07-02', '2025-09-01')",
]
VIEW_COLUMNS = ["contact_id", "orders", "revenue", "open_cases", "calls", "won_amount", "last_contact"]
VIEW_WANT = {  # contact_id -> (orders, revenue, open_cases, calls, won_amount, last_contact)
    "A1": (2, 100.0, 1, 3, 0.0, "2025-03-02 12:00:00"),
    "B1": (0, 0.0, 0, 1, 8000.0, "2025-04-01 09:00:00"),
    "N1": (0, 0.0, 0, 0, 0.0, None),
}
VIEW_FANOUT_REVENUE = 600.0  # A1's delivered order counted once per (case, call) pair

# the grader's own check that the view is live (a view, not a copy): rows it inserts after the view exists
VIEW_PROBE = [
    _CONTACT + "('{id}', 'S1', NULL, 'Probe Person', 'probe@x.cn', '1', 'B2C')",
    _CONTACT + "('{id}N', 'S1', NULL, 'Probe Nobody', 'nobody@x.cn', '2', 'B2C')",
    _ORDER + "('{id}O1', '{id}', 'S1', '2025-06-01 10:00:00', 'shipped', 'web', 80.5)",
    _ORDER + "('{id}O2', '{id}', 'S1', '2025-06-03 10:00:00', 'cancelled', 'web', 20.0)",
    _CASE + "('{id}T', 'S1', '{id}', NULL, 'P1', 'refund', 'chat', 'Open', 'Open_New', '2025-06-02 08:00:00', NULL)",
    _CALL + "VALUES ('{id}K', 'Cases', '{id}T', '{id}', 'Inbound', 'Held', '2025-06-04 09:00:00', 60)",
]
VIEW_PROBE_QUERY = ("SELECT contact_id, orders, revenue, open_cases, calls, won_amount, last_contact "
                    "FROM v_customer_360 "
                    "WHERE contact_id IN ('{id}', '{id}N') ORDER BY contact_id")
VIEW_PROBE_WANT = [["{id}", 1, 80.5, 1, 1, 0.0, "2025-06-04 09:00:00"], ["{id}N", 0, 0.0, 0, 0, 0.0, None]]

# ---- task 3: the audit trigger. A deal moves three times; a change of amount alone and a form re-saving the same
# stage are not stage changes; a second deal's move is logged under its own id, in the order it happened.
TRIGGER_PROBE = [
    _OPP + "('{id}', 'S1', NULL, NULL, 'probe deal', 'Prospecting', 1000, '2025-01-01 00:00:00', "
           "'2025-03-01 00:00:00')",
    _OPP + "('{id}B', 'S1', NULL, NULL, 'other deal', 'Qualification', 500, '2025-01-01 00:00:00', "
           "'2025-03-01 00:00:00')",
    "UPDATE opportunities SET sales_stage = 'Qualification' WHERE opportunity_id = '{id}'",
    "UPDATE opportunities SET amount = 1200 WHERE opportunity_id = '{id}'",
    "UPDATE opportunities SET sales_stage = 'Qualification', amount = 1300 WHERE opportunity_id = '{id}'",
    "UPDATE opportunities SET sales_stage = 'Closed Lost' WHERE opportunity_id = '{id}B'",
    "UPDATE opportunities SET sales_stage = 'Proposal/Price Quote' WHERE opportunity_id = '{id}'",
    "UPDATE opportunities SET sales_stage = 'Closed Won' WHERE opportunity_id = '{id}'",
]
TRIGGER_QUERY = ("SELECT opportunity_id, from_stage, to_stage, changed_at LIKE '____-__-__ __:__:__' "
                 "FROM opportunity_stage_history ORDER BY history_id")
TRIGGER_WANT = [["{id}", "Prospecting", "Qualification", 1], ["{id}B", "Qualification", "Closed Lost", 1],
                ["{id}", "Qualification", "Proposal/Price Quote", 1], ["{id}", "Proposal/Price Quote", "Closed Won", 1]]

# ---- task 4: the two lookups of the customer-360 screen an index must serve
Q_BY_EMAIL = "SELECT contact_id, name FROM contacts WHERE lower(email) = lower(?)"
Q_ORDER_HISTORY = "SELECT order_id, order_ts, status, amount FROM orders WHERE contact_id = ? ORDER BY order_ts DESC"
INDEX_QUERIES = [[Q_BY_EMAIL, ["Ann@Mail.cn"], "contacts"], [Q_ORDER_HISTORY, ["A1"], "orders"]]
INDEX_WANT = ["search", "search"]  # an index finds the rows; no temporary B-tree sorts them

# ---- task 5: a small ERP export against six won deals (W1-W6), one lost deal (L1) and one open deal (P1):
# W1 invoiced in two instalments that add up (no issue, although 100.1 + 200.2 in floating point is not 300.3:
# compare cents); W2 never invoiced (missing); W3 invoiced 5 % short (amount); W4 one instalment posted twice
# (duplicate); W5 an invoice cancelled and not re-issued (cancelled); W6 cancelled and re-issued (no issue);
# L1 invoiced although the deal was lost, and 'YO00007' matches no deal at all, in two shops' ERP (orphan, one row
# per shop: each shop keeps its own books in its own currency).
RECON_OPPS = [("W1", "Closed Won", 300.3), ("W2", "Closed Won", 800.0), ("W3", "Closed Won", 1000.0),
              ("W4", "Closed Won", 600.0), ("W5", "Closed Won", 900.0), ("W6", "Closed Won", 700.0),
              ("L1", "Closed Lost", 400.0), ("P1", "Negotiation/Review", 300.0)]
RECON_INVOICES = [  # invoice_id, crm_ref, shop_id, date, amount, status
    ("I1", "W1", "S1", "2025-02-01", 100.1, "paid"), ("I2", "W1", "S1", "2025-03-01", 200.2, "open"),
    ("I3", "W3", "S1", "2025-02-01", 950.0, "paid"),
    ("I4", "W4", "S1", "2025-02-01", 300.0, "paid"), ("I5", "W4", "S1", "2025-03-01", 300.0, "paid"),
    ("I6", "W4", "S1", "2025-03-01", 300.0, "paid"),
    ("I7", "W5", "S1", "2025-02-01", 450.0, "paid"), ("I8", "W5", "S1", "2025-03-01", 450.0, "cancelled"),
    ("I9", "W6", "S1", "2025-02-01", 700.0, "cancelled"), ("I10", "W6", "S1", "2025-02-05", 700.0, "paid"),
    ("I11", "L1", "S1", "2025-02-01", 400.0, "paid"), ("I12", "YO00007", "S1", "2025-02-01", 123.45, "open"),
    ("I13", "YO00007", "S2", "2025-02-03", 80.0, "paid"),
]
RECON_WANT = {  # (crm_ref, shop_id) -> (issue, crm_amount, erp_amount); the mistyped YO00007 is in both shops' ERP
    ("W2", "S1"): ("missing", 800.0, 0.0), ("W3", "S1"): ("amount", 1000.0, 950.0),
    ("W4", "S1"): ("duplicate", 600.0, 900.0), ("W5", "S1"): ("cancelled", 900.0, 450.0),
    ("L1", "S1"): ("orphan", None, 400.0), ("YO00007", "S1"): ("orphan", None, 123.45),
    ("YO00007", "S2"): ("orphan", None, 80.0),
}
RECON_ROWS = [SHOP, "INSERT INTO shops (shop_id, name, currency) VALUES ('S2', 'EU shop', 'EUR')"] + [
    _OPP + f"('{oid}', 'S1', NULL, NULL, 'deal {oid}', '{stage}', {amount}, '2025-01-01', '2025-01-20')"
    for oid, stage, amount in RECON_OPPS
] + [_INVOICE + f"('{iid}', '{ref}', NULL, '{shop}', '{day} 00:00:00', {amount}, 'CNY', '{status}')"
     for iid, ref, shop, day, amount, status in RECON_INVOICES]
