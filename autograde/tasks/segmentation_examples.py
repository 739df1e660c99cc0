"""The worked examples of notebook 03 (segmentation and satisfaction), as data only; the formative checks in
:mod:`autograde.tasks.segmentation` run the student's functions on them. Figures from crm-models.md L03
(each re-derived there), plus small fixtures that expose one mistake each.
"""

from __future__ import annotations

# RFM, independent quintiles on ranks (crm-models.md L03): customer -> (recency days, frequency, monetary CNY),
# and the cell each gets. C08 vs C10 shows the tie rule (frequency 1 three times: ties by customer_id).
RFM_FIXTURE = {
    "C01": (5, 10, 900.0), "C02": (40, 3, 200.0), "C03": (12, 7, 650.0), "C04": (200, 1, 50.0),
    "C05": (90, 2, 120.0), "C06": (3, 12, 1500.0), "C07": (60, 4, 300.0), "C08": (150, 1, 80.0),
    "C09": (25, 5, 400.0), "C10": (300, 1, 30.0),
}
RFM_WANT = {"C01": "555", "C02": "333", "C03": "444", "C04": "111", "C05": "222", "C06": "555", "C07": "333",
            "C08": "212", "C09": "444", "C10": "121"}
RFM_ASOF = "2026-01-01"
RFM_DUTY = 12.5  # CNY of import duty put on C06's first order in the fixture: revenue excludes it

# k-means: six points in two obvious groups, and the labels the lecture's deterministic start gives.
KMEANS_POINTS = ((0.0, 0.0), (0.2, 0.1), (0.1, 0.3), (5.0, 5.0), (5.2, 4.9), (4.8, 5.3))
KMEANS_WANT = (0, 0, 0, 1, 1, 1)
# Points where the first assignment is not the last one: Lloyd's iterations must go on until nothing moves.
# Start (1, 7) labels (0, 0, 0, 1, 1, 1); then 5 and later 7 move to the first group.
KMEANS_ITER_POINTS = ((0.0,), (1.0,), (2.0,), (5.0,), (7.0,), (20.0,))
KMEANS_ITER_WANT = (0, 0, 0, 0, 0, 1)

# Kano evaluation table (Berger et al. 1993): rows functional, columns dysfunctional answer.
KANO_ANSWERS = ("like", "must-be", "neutral", "live-with", "dislike")
KANO_TABLE = (
    ("Q", "A", "A", "A", "O"),
    ("R", "I", "I", "I", "M"),
    ("R", "I", "I", "I", "M"),
    ("R", "I", "I", "I", "M"),
    ("R", "R", "R", "R", "Q"),
)
# crm-models.md L03: counts A=20, O=12, M=8, I=8, R=1, Q=1 -> category A, Better 0.667, Worse -0.417.
KANO_COUNTS = {"A": 20, "O": 12, "M": 8, "I": 8, "R": 1, "Q": 1}
KANO_BETTER, KANO_WORSE = 32 / 48, -20 / 48
# A tie (M = O = 5): the course's tie order M > O > A > I > R > Q gives M.
KANO_TIE_COUNTS = {"A": 2, "O": 5, "M": 5, "I": 3, "R": 0, "Q": 1}

# SERVQUAL (crm-models.md L03): dimension means E and P, importance points -> weighted gap -0.74.
SERVQUAL_DIMENSIONS = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")
SERVQUAL_E = (6.0, 6.6, 6.3, 6.4, 5.9)
SERVQUAL_P = (5.6, 5.4, 5.5, 6.0, 5.5)
SERVQUAL_POINTS = (10, 30, 25, 20, 15)
SERVQUAL_WEIGHTED = -0.74
# Importance points of Zeithaml, Parasuraman & Berry (1990, Delivering Quality Service, ch. 2): the mean of
# 100 points customers of US service firms gave the five dimensions (a survey of that time and place).
ZPB_POINTS = {"tangibles": 11, "reliability": 32, "responsiveness": 22, "assurance": 19, "empathy": 16}

# ACSI (crm-models.md L03): item means (8.2, 7.6, 7.0), weights (0.40, 0.35, 0.25) -> 74.33.
ACSI_MEANS = (8.2, 7.6, 7.0)
ACSI_WEIGHTS = (0.40, 0.35, 0.25)
ACSI_WANT = (7.69 - 1) / 9 * 100
ACSI_ITEMS = ("acsi_sat", "acsi_disconf", "acsi_ideal")
