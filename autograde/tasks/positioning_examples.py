"""The worked examples notebook 02's formative checks run a student's functions on (data only: the
lecture's numbers, so a failure can point at the example in the text)."""

# Task 2: Kotler's customer delivered value, the lecture's worked example (CNY).
CDV_VALUES = {"product": 100.0, "service": 30.0, "personnel": 20.0, "image": 10.0}

CDV_COSTS = {"monetary": 80.0, "time": 10.0, "energy": 5.0, "psychic": 5.0}

# Task 3: the worked example (revenues in CNY, given in shuffled order) and its classes.
ABC_REVENUE = {"C07": 8.0, "C01": 500.0, "C10": 2.0, "C03": 120.0, "C05": 20.0, "C02": 300.0, "C09": 4.0,
               "C04": 30.0, "C08": 6.0, "C06": 10.0}

ABC_WANT = {"C01": "A", "C02": "A", "C03": "B", "C04": "B", "C05": "C", "C06": "C", "C07": "C", "C08": "C",
            "C09": "C", "C10": "C"}

# Tie at the A/B boundary: X1 and X2 both 20 CNY; X1 comes first, so the share before X2 is 0.8 -> B.
ABC_TIE = {"X2": 20.0, "X0": 60.0, "X1": 20.0}

ABC_TIE_WANT = {"X0": "A", "X1": "A", "X2": "B"}

# Rounding: ten customers of 0.1 CNY; the float share before the 9th is 0.7999999999999999 -> round to 10 dp.
ABC_ROUND = {f"R{i:02d}": 0.1 for i in range(10)}

# Task 3, revenue: one cross-border order (shop currency, fx 7.8 CNY per unit) — revenue excludes duty_tax.
REVENUE_ORDER = {"items_subtotal": 100.0, "discount": 10.0, "shipping_fee": 5.0, "duty_tax": 12.0,
                 "order_total": 107.0, "fx_rate_to_cny": 7.8}

# Task 4, gross profit of that order: two lines costing 2 × 15 and 1 × 10 (shop currency) -> (100 − 10 − 40) × 7.8.
PROFIT_ITEMS = [{"order_id": "O1", "quantity": 2, "unit_cost": 15.0},
                {"order_id": "O1", "quantity": 1, "unit_cost": 10.0},
                {"order_id": "O9", "quantity": 5, "unit_cost": 99.0}]
PROFIT_WANT = 390.0

# Task 4: 30 customers with profits 30, 29, ..., 1 CNY (P01 has 30); floor cuts give 1 / 5 / 9 / 15.
PYRAMID_PROFIT = {f"P{i:02d}": float(31 - i) for i in range(1, 31)}

PYRAMID_WANT_N = [1, 5, 9, 15]

# Task 5: the ideal-point worked example (ratings 1–7) and three more cases for the repositioning move.
IDEAL = (3.0, 6.0, 6.0)
WEIGHTS = (0.5, 0.3, 0.2)
ATTRIBUTES = ("price_level", "quality", "service")
BRANDS = {"A": (4.0, 5.0, 6.0), "B": (2.0, 6.0, 4.0)}
BRAND_DISTANCES = {"A": 0.894427191, "B": 1.140175425}
# (brand ratings, ideal, weights, step) -> the attribute whose move toward the ideal lowers d most
MOVES = [
    ((4.0, 5.0, 6.0), IDEAL, WEIGHTS, 1.0, "price_level"),  # brand A: equal gaps, the heavier weight wins
    ((2.0, 6.0, 4.0), IDEAL, WEIGHTS, 1.0, "service"),  # brand B: a gap of 2 beats a heavier weight
    ((5.0, 5.0, 6.0), IDEAL, (0.2, 0.7, 0.1), 1.0, "quality"),  # the largest gap alone is not the answer
    ((3.5, 6.0, 5.0), IDEAL, (0.8, 0.1, 0.1), 1.0, "price_level"),  # no overshoot: half a point closes it
]
# Three options tied at the same distance: ranked by option name.
TIED_OPTIONS = {"Zeta": (4.0, 6.0, 6.0), "Alpha": (2.0, 6.0, 6.0), "Mid": (3.0, 6.0, 6.0)}

# Task 6: the MAN "money" threshold of a stated annual budget, per currency (a shop's budget is in its own
# currency): 50,000 CNY converted at the course's base rates and rounded to two significant digits.
MONEY_THRESHOLDS = {"CNY": 50_000.0, "USD": 6_900.0, "EUR": 6_400.0, "GBP": 5_500.0, "JPY": 1_000_000.0,
                    "AUD": 11_000.0}
# Lead cards for the formative check: (shop_id, job_title, stated_need, budget) -> (M, A, N).
MAN_SHOPS = {"S01": 50_000.0, "S09": 6_400.0}
MAN_CARDS = [
    ("S01", "采购经理", "需要为门店年度补货，每月固定批量采购", 50_000.0, (True, True, True)),
    ("S01", "采购专员", "随便看看", 49_000.0, (False, False, False)),
    ("S09", "Managing Director", "Please send a catalogue", 9_000.0, (True, True, False)),
    ("S09", "Intern", "Need 500 branded gift sets for our year-end event, delivered within 8 weeks", 6_400.0,
     (True, False, True)),
    ("S01", "客服主管", "有活动的话通知我", 0.0, (False, False, False)),
    ("S09", "Head of Purchasing", "Want a yearly supply contract with monthly deliveries", 50_000.0,
     (True, True, True)),
]
