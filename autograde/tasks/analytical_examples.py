"""The worked examples notebook 10's formative checks run a student's functions on (data only: the lecture's
numbers, so a failure can point at the example in the text)."""

# Task 3: five baskets (crm-models L10) as orders O1-O5, and O6, cancelled, which must not count.
# diaper ⇒ beer: support 3/5 = 0.6, confidence 0.6 / 0.8 = 0.75, lift 0.75 / 0.6 = 1.25.
BASKETS = [{"milk", "bread"}, {"milk", "diaper", "beer"}, {"bread", "diaper", "beer"},
           {"milk", "bread", "diaper", "beer"}, {"milk", "bread", "diaper"}]
RULE_WANT = {"support": 0.6, "confidence": 0.75, "lift": 1.25}
RULE_ORDERS = {"order_id": ["O1", "O2", "O3", "O4", "O5", "O6"],
               "status": ["delivered", "delivered", "returned", "shipped", "delivered", "cancelled"]}
RULE_ITEMS = {"order_id": ["O1", "O1", "O2", "O2", "O2", "O3", "O3", "O3", "O4", "O4", "O4", "O4", "O4", "O5",
                           "O5", "O5", "O6", "O6"],
              "category": ["milk", "bread", "milk", "diaper", "beer", "bread", "diaper", "beer", "milk", "bread",
                           "diaper", "beer", "milk", "milk", "bread", "diaper", "diaper", "beer"]}
RULES_N = 12                                   # every ordered pair has support ≥ 0.4 in the five baskets
RULES_TOP = [("beer", "diaper"), ("diaper", "beer")]   # lift 1.25 both; tie by antecedent

# Task 4: three customers at the cutoff 2025-03-01. A: two purchases before it (one at 12:00 on 2025-01-30,
# 29 whole days before), one after; an unresolved complaint (resolved only after the cutoff); a good survey.
# B: a returned purchase (counts) and a cancelled one (does not); a resolved complaint; NPS 3 → low score.
# C: one purchase in GBP two days before; a complaint and a CSAT of 1 only after the cutoff.
CHURN_CUTOFF = "2025-03-01"
CHURN_ORDERS = {
    "order_id": ["O1", "O2", "O3", "O4", "O5", "O6"],
    "customer_id": ["A", "A", "A", "B", "B", "C"],
    "order_ts": ["2024-06-01 09:00", "2025-01-30 12:00", "2025-03-05 10:00", "2024-11-01 00:00",
                 "2024-12-01 08:00", "2025-02-27 00:00"],
    "status": ["delivered", "delivered", "delivered", "returned", "cancelled", "delivered"],
    "items_subtotal": [100.0, 200.0, 50.0, 60.0, 80.0, 20.0],
    "discount": [10.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    "shipping_fee": [5.0, 0.0, 0.0, 0.0, 0.0, 5.0],
    "duty_tax": [0.0, 10.0, 0.0, 0.0, 0.0, 0.0],
    "fx_rate_to_cny": [1.0, 1.0, 1.0, 1.0, 1.0, 9.0],
}
CHURN_TICKETS = {
    "ticket_id": ["T1", "T2", "T3", "T4"], "customer_id": ["A", "A", "B", "C"],
    "kind": ["complaint", "enquiry", "complaint", "complaint"],
    "opened_ts": ["2025-02-10", "2025-01-01", "2024-12-01", "2025-03-02"],
    "resolved_ts": ["2025-03-10", "2025-01-02", "2024-12-02", None],
}
CHURN_SURVEYS = {"customer_id": ["A", "B", "C"], "responded_ts": ["2025-02-01", "2025-01-15", "2025-03-03"],
                 "csat": [5, None, 1], "nps": [None, 3, None]}
FEATURES_WANT = {  # recency_days, frequency, monetary_cny, tenure_days, complaints, unresolved, low_score
    "A": [29, 2, 290.0, 272, 1, 1, 0], "B": [120, 1, 60.0, 120, 1, 0, 1], "C": [2, 1, 180.0, 2, 0, 0, 0]}

# Task 5: twenty customers, six churners (base rate 0.3); the three scores 0.8 straddle deciles 2 and 3.
DECILE_SCORE = [0.9, 0.9, 0.8, 0.8, 0.8, 0.7, 0.6, 0.6, 0.5, 0.5, 0.4, 0.4, 0.3, 0.3, 0.3, 0.2, 0.2, 0.1, 0.1, 0.05]
DECILE_Y = [1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
DECILE_CHURNERS = [1, 2, 0, 1, 1, 0, 1, 0, 0, 0]
DECILE_CUM_GAIN = [1 / 6, 3 / 6, 3 / 6, 4 / 6, 5 / 6, 5 / 6, 1.0, 1.0, 1.0, 1.0]

# Task 6: ten customers, CLV 200 CNY each, a = 0.3, δ = 20, c = 10: expected profit 54·p − 10 each.
THRESHOLD_P = [0.9, 0.8, 0.7, 0.6, 0.5, 0.5, 0.3, 0.2, 0.15, 0.1]
THRESHOLD_ARGS = {"clv": 200.0, "a": 0.3, "delta": 20.0, "c": 10.0}
PROFIT_AT_HALF = 156.0                          # τ = 0.5 takes both customers at 0.5
BEST = (0.2, 163.0)                             # the last customer worth calling has p = 0.2
BEST_FIVE = (0.6, 122.0)                        # at most 5 calls: τ = 0.5 would need 6

# Task 7: CLV = 2 × the gross margin of the last 365 days before 2025-07-01, in CNY.
CLV_ASOF = "2025-07-01"
CLV_ORDERS = {
    "order_id": ["U1", "U2", "U3", "V1", "W1", "Z1"],
    "customer_id": ["U", "U", "U", "V", "W", "Z"],
    "order_ts": ["2025-06-01", "2025-05-01", "2024-01-01", "2025-03-01", "2025-02-01", "2025-04-01"],
    "status": ["delivered", "returned", "delivered", "shipped", "cancelled", "returned"],
    "discount": [10.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    "fx_rate_to_cny": [1.0, 1.0, 1.0, 9.0, 1.0, 1.0],
}
CLV_ITEMS = {"order_id": ["U1", "U1", "U2", "U3", "V1", "W1", "Z1"],
             "line_total": [100.0, 50.0, 80.0, 100.0, 30.0, 40.0, 70.0],
             "unit_cost": [60.0, 20.0, 30.0, 0.0, 20.0, 10.0, 20.0],
             "quantity": [1, 2, 1, 1, 1, 1, 1]}
CLV_WANT = {"U": 80.0, "V": 180.0, "Z": 0.0}
TARGET_IDS = ["K1", "K2", "K3", "K4", "K5"]
TARGET_P = [0.8, 0.6, 0.5, 0.3, 0.9]
TARGET_CLV = [100.0, 500.0, 300.0, 1000.0, 40.0]
TARGET_WANT = ["K4", "K2", "K3"]               # expected profit 75.5, 71, 27.5; K1 2.0; K5 negative

# Task 8: six tickets, three Chinese, three English; two test tickets (one per category and language).
ROUTER_TEXTS = ["快递三天还没到", "物流太慢了，还没到", "包裹破损了", "The parcel is late", "Delivery is slow, still l"
                                                                                            "ate",
                "The box arrived broken, damaged"]
ROUTER_LABELS = ["delay", "delay", "damaged", "delay", "delay", "damaged"]
ROUTER_TEST = ["包裹破损了", "still late"]
ROUTER_TEST_WANT = ["damaged", "delay"]
# Task 8: five tickets; predictions delay, delay, delay, damaged, enquiry for truth delay, delay, damaged, damaged,
# enquiry → delay: n 2, precision 2/3, recall 1; damaged: n 2, precision 1, recall 1/2; enquiry: n 1, 1, 1.
REPORT_TRUE = ["delay", "delay", "damaged", "damaged", "enquiry"]
REPORT_PRED = ["delay", "delay", "delay", "damaged", "enquiry"]
REPORT_WANT = {"delay": [2, 2 / 3, 1.0], "damaged": [2, 1.0, 0.5], "enquiry": [1, 1.0, 1.0]}
