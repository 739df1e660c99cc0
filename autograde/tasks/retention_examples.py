"""The worked examples notebook 05's formative checks run a student's functions on (data only: the lecture's
numbers, so a failure can point at the example in the text)."""

# Task 2: six customers, signed up in January or February 2024, and their orders (O7 was cancelled).
# January cohort (3 customers): month 0 — C1, C2 bought → 2/3; month 1 — C1 → 1/3; month 2 — C3 → 1/3.
# February cohort (C4, C5, C6): month 0 — C4 → 1/3; month 1 — nobody (C5's order was cancelled) → 0.
COHORT_CUSTOMERS = {
    "customer_id": ["C1", "C2", "C3", "C4", "C5", "C6"],
    "signup_date": ["2024-01-05", "2024-01-20", "2024-01-31", "2024-02-01", "2024-02-10", "2024-02-29"],
}
COHORT_ORDERS = {
    "order_id": ["O1", "O2", "O3", "O4", "O5", "O6", "O7"],
    "customer_id": ["C1", "C2", "C1", "C1", "C3", "C4", "C5"],
    "order_ts": ["2024-01-05 10:00", "2024-01-20 09:00", "2024-02-14 12:00", "2024-02-20 18:00",
                 "2024-03-01 08:00", "2024-02-01 11:00", "2024-03-03 10:00"],
    "status": ["delivered", "returned", "delivered", "delivered", "shipped", "delivered", "cancelled"],
}
COHORT_WANT = {"2024-01": [2 / 3, 1 / 3, 1 / 3], "2024-02": [1 / 3, 0.0, 0.0]}  # months 0, 1, 2

# Task 2: the lecture's retention rate example, CRR = (E − N) / S.
CRR_EXAMPLE = {"S": 1000, "N": 200, "E": 1050, "want": 0.85}

# Task 3: Pfeifer & Carraway's recency model (crm-models L05): purchase probabilities by recency state,
# margin 40, mailing cost 4 per period, d = 0.20 → R = (8, 4, 2, −2).
MARKOV_P = [0.30, 0.20, 0.15, 0.05]
MARKOV_MARGIN, MARKOV_COST, MARKOV_D = 40.0, 4.0, 0.20
MARKOV_V = [15.4199, 6.1113, -0.6880, -6.5160]           # mail every state (stop_from = 5)
MARKOV_V_STOP4 = [18.3908, 9.9310, 4.2989, 0.0]           # stop mailing from state 4
MARKOV_V_STOP3 = [15.8298, 6.6383, 0.0, 0.0]
# Task 3: recency states from a few purchases in quarters 0..7 (2024Q1 = 0); see check_recency_probs.
RECENCY_ORDERS = {
    "customer_id": ["A", "A", "B", "B", "C", "D", "D", "D"],
    "order_ts": ["2024-01-10", "2024-04-02", "2024-02-01", "2025-03-30", "2025-12-31 23:00", "2024-07-15",
                 "2024-10-01 00:30", "2025-01-11"],
    "status": ["delivered", "delivered", "delivered", "returned", "delivered", "delivered", "shipped",
               "cancelled"],
}
# A: bought in Q0 and Q1 → state 1 at Q1 (bought), state 1 at Q2, 2 at Q3, 3 at Q4, 4 at Q5, Q6, Q7.
# B: bought in Q0 and Q4 → 1 at Q1, 2 at Q2, 3 at Q3, 4 at Q4 (bought), 1 at Q5, 2 at Q6, 3 at Q7.
# C: first bought in Q7 → never counted. D: bought in Q2 and Q3 (its Q4 order was cancelled) →
# 1 at Q3 (bought), 1 at Q4, 2 at Q5, 3 at Q6, 4 at Q7. State 1: 2 of 6 bought; 4: 1 of 5.
RECENCY_WANT = [1 / 3, 0.0, 0.0, 1 / 5]

# Task 7: two shops' complaints (hours after opening); S1 has 4 complaints on 2,000 orders.
KPI_TICKETS = {
    "ticket_id": ["T1", "T2", "T3", "T4", "T5", "T6", "T7"],
    "shop_id": ["S1", "S1", "S1", "S1", "S2", "S2", "S1"],
    "kind": ["complaint", "complaint", "complaint", "complaint", "complaint", "complaint", "enquiry"],
    "opened_ts": ["2024-05-01 08:00"] * 7,
    "first_response": [1.0, 2.0, 0.5, 3.0, 4.0, 1.0, 0.1],   # hours after opened_ts
    "resolved": [1.0, 10.0, 0.5, None, 4.0, 30.0, 0.1],      # hours after opened_ts (None: never)
}
KPI_ORDER_COUNTS = {"S1": 2000, "S2": 500}   # non-cancelled orders per shop (plus 10 cancelled each)
KPI_WANT = {"S1": {"complaints": 4, "per_1000_orders": 2.0, "fcr": 0.5, "unresolved_share": 0.25,
                   "median_hours": 1.0},
            "S2": {"complaints": 2, "per_1000_orders": 4.0, "fcr": 0.5, "unresolved_share": 0.0,
                   "median_hours": 17.0}}

# Task 9: the lecture's mapping of complaint categories to Keaveney's (1995) switching causes.
KEAVENEY_KEY = {"damaged": "core_failure", "wrong_size": "core_failure", "plug_voltage": "core_failure",
                "product_quality": "core_failure", "payment": "core_failure", "delivery_delay": "inconvenience",
                "customs": "inconvenience", "refund": "response_to_failure"}

# Task 5: the lecture's care uplift example, one campaign: 0.82 vs 0.78 with 2,000 customers in each group.
UPLIFT_ONE = {"treatment": (2000, 1640), "control": (2000, 1560)}   # (customers, converted)
UPLIFT_ONE_WANT = (0.04, 0.015208, 0.064792)   # pooled p = 0.80: SE = √(0.8 · 0.2 · (1/2000 + 1/2000))
# Two campaigns with different holdout shares: pooled naively 55/140 − 14/60 ≈ 0.159 (Simpson), by campaign 0.05.
UPLIFT_TWO = {"K1": {"treatment": (90, 45), "control": (10, 4)},     # 0.50 vs 0.40, 100 customers
              "K2": {"treatment": (50, 10), "control": (50, 10)}}    # 0.20 vs 0.20, 100 customers
UPLIFT_TWO_WANT = 0.05

# Task 8: complaints of a domestic (S1) and a cross-border shop (S2); the analysis keeps complaints opened
# before END − 180 days = 2025-07-05 and asks whether the customer bought again within 180 days after.
RECOVERY_SHOPS = {"shop_id": ["S1", "S2"], "kind": ["domestic", "cross_border"]}
RECOVERY_TICKETS = {
    "ticket_id": ["T1", "T2", "T3", "T4", "T5", "T6", "T7"],
    "customer_id": ["C1", "C2", "C3", "C4", "C5", "C6", "C1"],
    "shop_id": ["S1", "S1", "S1", "S2", "S2", "S2", "S1"],
    "kind": ["complaint"] * 6 + ["enquiry"],
    "opened_ts": ["2025-01-10 08:00", "2025-02-01 08:00", "2025-03-01 08:00", "2025-04-01 08:00",
                  "2025-05-01 08:00", "2025-08-01 08:00", "2025-01-02 08:00"],
    "resolved_hours": [2.0, 50.0, None, None, 1.0, 3.0, 0.2],
}
RECOVERY_ORDERS = {
    "customer_id": ["C1", "C2", "C3", "C4", "C5", "C5", "C6", "C2"],
    "order_ts": ["2025-03-01", "2025-01-20", "2025-12-01", "2025-04-20", "2025-04-28", "2025-06-01",
                 "2025-09-01", "2025-03-03"],
    "status": ["delivered", "delivered", "delivered", "delivered", "delivered", "returned", "delivered",
               "cancelled"],
}
# domestic: fast T1 came back, slow T2 not (its later order was cancelled), unresolved T3 not (275 days later);
# cross-border: unresolved T4 came back, fast T5 came back (the 06-01 order; 04-28 was before the complaint).
RECOVERY_WANT = {("domestic", "fast"): (1, 1.0), ("domestic", "slow"): (1, 0.0),
                 ("domestic", "unresolved"): (1, 0.0), ("cross_border", "fast"): (1, 1.0),
                 ("cross_border", "unresolved"): (1, 1.0)}
# naive: resolved 2/3 − unresolved 1/2; adjusted: 3/5 × (1/2 − 0) + 2/5 × (1 − 1) = 0.3
RECOVERY_GAPS = (2 / 3 - 1 / 2, 0.3)

# Task 9: lapsed customers (last purchase before 2025-07-05) and what they said.
REASON_ORDERS = {
    "customer_id": ["L1", "L2", "L3", "L4", "L5", "L6", "A1", "N1"],
    "order_ts": ["2025-01-01", "2025-02-01", "2024-10-01", "2025-03-01", "2025-04-01", "2024-05-01",
                 "2025-11-01", "2024-03-01"],
    "status": ["delivered", "delivered", "returned", "delivered", "delivered", "delivered", "delivered",
               "cancelled"],
}
REASON_TICKETS = {
    "ticket_id": ["T1", "T2", "T3", "T4", "T5", "T6", "T7"],
    "customer_id": ["L1", "L1", "L2", "L3", "L4", "L5", "A1"],
    "kind": ["complaint", "complaint", "complaint", "complaint", "enquiry", "enquiry", "complaint"],
    "category": ["damaged", "delivery_delay", "refund", "damaged", "enquiry", "enquiry", "customs"],
    "opened_ts": ["2024-06-01", "2024-12-01", "2025-02-05", "2024-10-05", "2025-03-02", "2025-04-02",
                  "2025-10-01"],
    "resolved": [True, True, True, False, True, True, False],
}
REASON_SURVEYS = {"customer_id": ["L4", "L6", "L2", "A1"], "csat": [2, None, 5, 1], "nps": [None, 3, 9, None]}
REASON_WANT = {"L1": "inconvenience", "L2": "response_to_failure", "L3": "response_to_failure",
               "L4": "unspecified", "L5": "silent", "L6": "unspecified"}
REASON_PARETO = [("response_to_failure", 2, 0.4, 0.4), ("unspecified", 2, 0.4, 0.8), ("inconvenience", 1, 0.2, 1.0)]
