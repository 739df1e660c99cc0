"""The worked examples notebook 06's formative checks run a student's functions on (data only: the
lecture's numbers, so a failure can point at the example in the text). Money in CNY unless stated."""

# Task 2, value matrix: the lecture's 8 customers (each order of a customer has the same amount, so the
# average is exact). Cuts: mean frequency 52 / 8 = 6.5, mean average value 1300 / 8 = 162.5.
VM_FREQ = {"A": 12, "B": 10, "C": 2, "D": 3, "E": 8, "F": 1, "G": 2, "H": 14}
VM_AVG = {"A": 300.0, "B": 80.0, "C": 400.0, "D": 60.0, "E": 250.0, "F": 50.0, "G": 90.0, "H": 70.0}
VM_WANT = {"A": "best", "B": "frequent", "C": "spender", "D": "uncertain", "E": "best", "F": "uncertain",
           "G": "uncertain", "H": "frequent"}

# Ties on the cuts: frequencies 1, 3, 2, 2 (mean 2) and averages 100, 100, 40, 160 (mean 100); >= mean is high.
VM_TIE_FREQ = {"T1": 1, "T2": 3, "T3": 2, "T4": 2}
VM_TIE_AVG = {"T1": 100.0, "T2": 100.0, "T3": 40.0, "T4": 160.0}
VM_TIE_WANT = {"T1": "spender", "T2": "best", "T3": "frequent", "T4": "best"}
VM_TIE_STRICT = {"T1": "uncertain", "T2": "frequent", "T3": "uncertain", "T4": "spender"}  # > instead of >=

# The cut on average value is the mean over customers, not revenue / orders: X1 has 4 orders of 10, X2 one of
# 100, X3 one of 40. Mean of averages 50 (X3 low); revenue per order 180 / 6 = 30 would make X3 high.
VM_WEIGHT_ORDERS = [("X1", 10.0), ("X1", 10.0), ("X1", 10.0), ("X1", 10.0), ("X2", 100.0), ("X3", 40.0)]
VM_WEIGHT_WANT = {"X1": "frequent", "X2": "spender", "X3": "uncertain"}

# Task 3, segment economics: five orders (shop currency, fx to CNY). O3 is cancelled; O4 is a cross-border order
# with duty 12 (fx 5); O5 has a discount of 20. Quadrants: K1 best, K2 best, K3 uncertain (nobody frequent or
# spender: those rows are 0).
SEG_ORDERS = {
    "order_id": ["O1", "O2", "O3", "O4", "O5"],
    "customer_id": ["K1", "K1", "K2", "K2", "K3"],
    "status": ["delivered", "shipped", "cancelled", "delivered", "returned"],
    "items_subtotal": [100.0, 50.0, 80.0, 40.0, 60.0],
    "discount": [0.0, 10.0, 0.0, 0.0, 20.0],
    "shipping_fee": [5.0, 0.0, 5.0, 8.0, 0.0],
    "duty_tax": [0.0, 0.0, 0.0, 12.0, 0.0],
    "order_total": [105.0, 40.0, 85.0, 60.0, 40.0],
    "fx_rate_to_cny": [1.0, 1.0, 1.0, 5.0, 1.0],
}
SEG_ITEMS = {"order_id": ["O1", "O1", "O2", "O3", "O4", "O5"], "quantity": [2, 1, 1, 1, 2, 1],
             "unit_cost": [20.0, 30.0, 25.0, 50.0, 6.0, 30.0]}
SEG_QUADRANT = {"K1": "best", "K2": "best", "K3": "uncertain"}
# valid: O1 (rev 105, margin 100 − 70 = 30), O2 (rev 40, margin 40 − 25 = 15), O4 (rev (60 − 12)·5 = 240,
# margin (40 − 12)·5 = 140). best: n 2, revenue 385, margin 185; uncertain: n 1 (K3 only returned), 0, 0.
SEG_WANT_REVENUE = [385.0, 0.0, 0.0, 0.0]
SEG_WANT_MARGIN = [185.0, 0.0, 0.0, 0.0]
SEG_WANT_N = [2, 0, 0, 1]
SEG_DUTY_REVENUE = 445.0  # with duty: 105 + 40 + 300
SEG_NO_DISCOUNT_MARGIN = 195.0  # margin without subtracting the discount of O2

# Task 4, recency: as of 2025-01-01, R1 bought on 2024-01-01, 2024-03-01 and 2024-11-01 (mean gap 305 / 2 days,
# 61 days since the last); R2 once (left out: fewer than 2 orders); R3 on 2024-12-01 and 2025-02-01 (the second
# is not before the as-of date: left out).
REC_ORDERS = [("R1", "2024-01-01"), ("R1", "2024-03-01"), ("R1", "2024-11-01"), ("R2", "2024-06-01"),
              ("R3", "2024-12-01"), ("R3", "2025-02-01"), ("R4", "2024-02-01"), ("R4", "2024-04-01")]
REC_ASOF = "2025-01-01"
REC_WANT = {"R1": (3, 61.0, 152.5), "R4": (2, 275.0, 60.0)}  # frequency, days_since, mean_gap
REC_GAP_OVER_N = {"R1": 305.0 / 3, "R4": 60.0 / 2}

# balanced accuracy: 3 lost (2 flagged), 5 not lost (1 flagged): 0.5 · (2/3 + 4/5) = 11/15.
BA_FLAG = [True, True, False, True, False, False, False, False]
BA_LOST = [True, True, True, False, False, False, False, False]
BA_WANT = 11 / 15
BA_ACCURACY = 6 / 8  # plain accuracy, the mistake

# Task 6, EFE: the lecture's example, weights 0.30, 0.20, 0.30, 0.20 × ratings 4, 3, 2, 1 -> 2.60.
EFE_WEIGHTS = [0.30, 0.20, 0.30, 0.20]
EFE_RATINGS = [4, 3, 2, 1]
EFE_WANT = 2.60
EFE_BAD = [([0.3, 0.3, 0.3], [4, 3, 2]), ([0.5, 0.5], [5, 2]), ([0.5, 0.5], [0, 2])]  # Σw ≠ 1; rating off 1–4
# IE matrix: (IFE, EFE) -> posture; 2.0 and 3.0 belong to the upper band.
IE_CASES = [((3.5, 3.5), "grow"), ((2.5, 3.2), "grow"), ((3.1, 2.4), "grow"), ((1.5, 3.0), "hold"),
            ((2.0, 2.0), "hold"), ((3.0, 1.0), "hold"), ((1.99, 2.99), "harvest"), ((2.5, 1.5), "harvest"),
            ((1.0, 1.0), "harvest"), ((3.0, 2.0), "grow"), ((2.0, 3.0), "grow")]

# Task 7, KPIs for 2025: J1 bought in 2024 (home) and 2025 (home, toys: toys new to J1); J2 in 2024 only;
# J3 first in 2025 (sports); J4's 2025 order is cancelled. Merchandise sales 2025 = Σ line_total × fx.
KPI_ORDERS = {
    "order_id": ["P1", "P2", "P3", "P4", "P5", "P6"],
    "customer_id": ["J1", "J1", "J2", "J3", "J4", "J4"],
    "order_ts": ["2024-03-01", "2025-02-01", "2024-05-01", "2025-06-01", "2024-07-01", "2025-07-01"],
    "status": ["delivered", "delivered", "shipped", "delivered", "delivered", "cancelled"],
    "fx_rate_to_cny": [1.0, 2.0, 1.0, 1.0, 1.0, 1.0],
}
KPI_ITEMS = {"order_id": ["P1", "P2", "P2", "P3", "P4", "P5", "P6"],
             "category": ["home", "home", "toys", "food", "sports", "home", "beauty"],
             "line_total": [50.0, 30.0, 20.0, 10.0, 100.0, 40.0, 70.0]}
# 2025 active: J1, J3 (J4 cancelled) -> 2; new: J3 -> 1; retention: 2024 active J1, J2, J4 -> 1/3;
# categories: J1 2, J3 1 -> 1.5; sales 2025 = (30 + 20)·2 + 100 = 200, cross-sell (J1 toys) 40 -> 0.2.
KPI_WANT = {"new_customers": 1.0, "active_customers": 2.0, "retention_rate": 1 / 3, "cross_sell_ratio": 1.5,
            "cross_sell_share": 0.2}
KPI_RETENTION_OF_ACTIVE = 1 / 2  # retained / customers active in 2025 (the wrong denominator)
KPI_CROSS_WITH_NEW = 0.7  # counting new customers' sales as cross-selling too: (40 + 100) / 200
