"""The worked examples notebook 02's formative checks run a student's functions on (data only: the
lecture's numbers, so a failure can point at the example in the text)."""

# Task 1: Kotler's customer delivered value, the lecture's worked example (CNY).
CDV_VALUES = {"product": 100.0, "service": 30.0, "personnel": 20.0, "image": 10.0}

CDV_COSTS = {"monetary": 80.0, "time": 10.0, "energy": 5.0, "psychic": 5.0}

# Task 2: the worked example (revenues in CNY, given in shuffled order) and its classes.
ABC_REVENUE = {"C07": 8.0, "C01": 500.0, "C10": 2.0, "C03": 120.0, "C05": 20.0, "C02": 300.0, "C09": 4.0,
               "C04": 30.0, "C08": 6.0, "C06": 10.0}

ABC_WANT = {"C01": "A", "C02": "A", "C03": "B", "C04": "B", "C05": "C", "C06": "C", "C07": "C", "C08": "C",
            "C09": "C", "C10": "C"}

# Tie at the A/B boundary: X1 and X2 both 20 CNY; X1 comes first, so the share before X2 is 0.8 -> B.
ABC_TIE = {"X2": 20.0, "X0": 60.0, "X1": 20.0}

ABC_TIE_WANT = {"X0": "A", "X1": "A", "X2": "B"}

# Rounding: ten customers of 0.1 CNY; the float share before the 9th is 0.7999999999999999 -> round to 10 dp.
ABC_ROUND = {f"R{i:02d}": 0.1 for i in range(10)}

# Task 3: 30 customers with profits 30, 29, ..., 1 CNY (P01 has 30); floor cuts give 1 / 5 / 9 / 15.
PYRAMID_PROFIT = {f"P{i:02d}": float(31 - i) for i in range(1, 31)}

PYRAMID_WANT_N = [1, 5, 9, 15]
