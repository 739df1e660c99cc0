"""The worked examples notebook 04's formative checks run a student's functions on (data only: the lecture's
numbers, so a failure can point at the example in the text)."""

# NPS: 200 answers, 90 promoters (9-10), 70 passives (7-8), 40 detractors (0-6) -> NPS = 45 % - 20 % = 25.
NPS_SCORES = [10] * 50 + [9] * 40 + [8] * 40 + [7] * 30 + [6] * 20 + [3] * 15 + [0] * 5
NPS_WANT = 25.0
NPS_SMALL = ([9, 7, 6, 10, 8], 20.0)  # 2 promoters, 1 detractor out of 5: the 9 / 7 / 6 boundaries

# Dick & Basu fixture (horizon 2025). Relationship surveys: K6 answered twice (the later answer counts), K7's
# invitation was not answered (no score), the csat row is another survey type. Orders: the window is
# [responded_ts - 365 days, responded_ts); cancelled and returned orders do not count.
DB_SURVEYS = [  # (customer_id, type, responded_ts, attitude_score)
    ("K1", "relationship", "2025-06-01 12:00", 6), ("K2", "relationship", "2025-06-01 12:00", 5),
    ("K3", "relationship", "2025-06-01 12:00", 3), ("K4", "relationship", "2025-06-01 12:00", 4),
    ("K5", "relationship", "2025-06-01 12:00", 2), ("K6", "relationship", "2024-05-01 09:00", 7),
    ("K6", "relationship", "2025-05-01 09:00", 3), ("K7", "relationship", None, None),
    ("K1", "csat", "2025-07-01 08:00", 1),
]
DB_ORDERS = [  # (customer_id, order_ts, status)
    ("K1", "2025-01-10 10:00", "delivered"), ("K1", "2025-03-10 10:00", "shipped"),
    ("K2", "2025-02-10 10:00", "delivered"), ("K2", "2025-03-10 10:00", "cancelled"),
    ("K3", "2024-06-01 12:00", "delivered"), ("K3", "2025-05-22 10:00", "delivered"),
    ("K4", "2025-04-01 10:00", "delivered"), ("K4", "2025-06-01 12:00", "delivered"),
    ("K5", "2024-04-27 10:00", "delivered"), ("K5", "2025-05-12 10:00", "delivered"),
    ("K6", "2024-09-01 10:00", "delivered"), ("K6", "2024-12-01 10:00", "delivered"),
    ("K6", "2025-03-01 10:00", "returned"), ("K7", "2025-01-01 10:00", "delivered"),
]
DB_WANT = {"K1": (6, 2, "true"), "K2": (5, 1, "latent"), "K3": (3, 2, "spurious"), "K4": (4, 1, "none"),
           "K5": (2, 1, "none"), "K6": (3, 2, "spurious")}  # customer -> (attitude_score, recent_orders, type)

# Lifecycle stage rule on monthly revenue (3-month rolling sum R; peak = first month of max R, cut 0.8 peak;
# months 0-2 exploration; then R >= cut stability, before the peak formation, after it decline).
# R = 40, 40, 70, 90, 180, 270, 310, 350, 270, 190, 60, 30 -> peak 350 (month 7), cut 280.
STAGE_VALUES = [40, 0, 30, 60, 90, 120, 100, 130, 40, 20, 0, 10]
STAGE_WANT = ["exploration"] * 3 + ["formation"] * 3 + ["stability"] * 2 + ["decline"] * 4
# Two months share the peak R = 90 (months 3-5 and 8-10): the peak is the first, so months 6-7 are decline.
STAGE_TIE = ([10, 0, 0, 90, 0, 0, 0, 0, 90, 0, 0],
             ["exploration"] * 3 + ["stability"] * 3 + ["decline"] * 2 + ["stability"] * 3)
STAGE_SHORT = ([80, 20], ["exploration", "exploration"])  # shorter than the exploration window

# Kaplan-Meier (crm-models L04): durations and events (1 = churned, 0 = censored); at t = 3 one churns and one
# is censored, and the censored one is still at risk at t = 3.
KM_DURATIONS = [2, 3, 3, 5, 6, 7, 8, 9, 10, 12]
KM_EVENTS = [1, 1, 0, 1, 1, 0, 1, 0, 1, 0]
KM_WANT = {"time": [2, 3, 5, 6, 8, 10], "at_risk": [10, 9, 7, 6, 4, 2], "events": [1, 1, 1, 1, 1, 1],
           "survival": [0.9, 0.8, 0.8 * 6 / 7, 0.8 * 5 / 7, 0.8 * 5 / 7 * 3 / 4, 0.8 * 5 / 7 * 3 / 4 / 2]}
KM_RMST_TAU = 12
KM_RMST_WANT = 2 * 1 + 1 * 0.9 + 2 * 0.8 + 1 * 0.8 * 6 / 7 + 2 * 0.8 * 5 / 7 + 2 * 0.8 * 5 / 7 * 3 / 4 \
    + 2 * 0.8 * 5 / 7 * 3 / 8  # = 7.614

# CLV (Gupta-Lehmann), margin 100, retention 0.8, discount 0.10: infinite 266.67, 5 periods 212.41.
CLV_ARGS = (100.0, 0.8, 0.10)
CLV_INFINITE = 100 * 0.8 / (1 + 0.10 - 0.8)
CLV_T5 = sum(100 * 0.8**t / 1.1**t for t in range(1, 6))
