"""Survey instruments of the voice-of-customer layer: item wording, Kano features and answer-generating tables.

Wording is paraphrased for an e-commerce shop (synthetic, written for teaching). The numeric tables are the
invented "world" the answers are drawn from: ``simulator.voice`` holds the logic that uses them.
"""

from __future__ import annotations

# Post-delivery CSAT: target marginal among respondents, 1★ … 5★ (Olist review scores: 58/19/8/3/12 %
# for 5★…1★).
CSAT_TARGET = (0.12, 0.03, 0.08, 0.19, 0.58)
CSAT_QUESTION = "Overall, how satisfied are you with this order? (1 = very dissatisfied … 5 = very satisfied)"
NPS_QUESTION = "How likely are you to recommend this shop to a friend or colleague? (0–10)"
ATTITUDE_QUESTION = ("Compared with other shops you buy from, how do you rate this shop? "
                     "(1 = much worse … 7 = much better)")

# ACSI-style items on a 10-point scale (Fornell et al. 1996): column -> wording.
ACSI_ITEMS = {
    "expectation": "Before buying, how high were your expectations of this shop's overall quality?",
    "perceived_quality": "How would you rate the overall quality of this shop's products and service?",
    "perceived_value": "Given the prices you pay, how would you rate the quality you get?",
    "acsi_sat": "Overall, how satisfied are you with this shop?",
    "acsi_disconf": "To what extent has the shop fallen short of or exceeded your expectations?",
    "acsi_ideal": "How close is this shop to the ideal online shop?",
}

# SERVQUAL statements (Parasuraman, Zeithaml & Berry 1988), paraphrased for an online shop. The expectation
# form asks "An excellent online shop …", the perception form "This shop …", both on a 7-point agree scale.
SERVQUAL_ITEMS = (
    "has an up-to-date, easy-to-use website and app",
    "has visually appealing product pages",
    "has staff and couriers who appear professional",
    "sends packaging and documents that look neat",
    "does what it promises by the time it promises",
    "shows a sincere interest in solving your problem",
    "gets the order right the first time",
    "delivers on the date it promised",
    "keeps error-free order and payment records",
    "tells you exactly when things will happen",
    "gives you prompt service",
    "is always willing to help you",
    "is never too busy to answer your questions",
    "has staff whose behaviour instils confidence",
    "makes you feel safe paying and sharing data",
    "has staff who are consistently courteous",
    "has staff with the knowledge to answer your questions",
    "gives you individual attention",
    "has service hours convenient to all its customers",
    "has staff who give you personal attention",
    "has your best interests at heart",
    "understands your specific needs",
)

# Mean answer (1–7) per SERVQUAL dimension: expectations are high everywhere; perceptions lag most on
# reliability and responsiveness (the usual finding for online retail).
SERVQUAL_E_MEAN = {"tangibles": 5.9, "reliability": 6.5, "responsiveness": 6.3, "assurance": 6.3, "empathy": 5.8}
SERVQUAL_P_MEAN = {"tangibles": 5.6, "reliability": 5.1, "responsiveness": 4.9, "assurance": 5.6, "empathy": 5.3}

# Kano features (Kano et al. 1984): feature -> (true category, wording of the functional question). The
# dysfunctional question is the same sentence with "did not offer". Fixed for every world.
KANO_FEATURES = {
    "free_returns": ("M", "If the shop offered free returns within 7 days, how would you feel?"),
    "live_chat": ("O", "If the shop offered live chat with an agent, how would you feel?"),
    "same_day_delivery": ("A", "If the shop offered same-day delivery, how would you feel?"),
    "gift_wrap": ("I", "If the shop offered gift wrapping, how would you feel?"),
    "price_match": ("O", "If the shop matched lower prices elsewhere, how would you feel?"),
    "loyalty_points": ("A", "If the shop offered loyalty points on every order, how would you feel?"),
    "promo_push": ("R", "If the shop sent you daily promotional push messages, how would you feel?"),
}

# Kano evaluation table (Berger et al. 1993): rows = functional answer, columns = dysfunctional answer,
# both in the order like, must-be, neutral, live-with, dislike.
KANO_TABLE = (
    ("Q", "A", "A", "A", "O"),
    ("R", "I", "I", "I", "M"),
    ("R", "I", "I", "I", "M"),
    ("R", "I", "I", "I", "M"),
    ("R", "R", "R", "R", "Q"),
)

# A respondent's personal category for a feature, given its true category: P(category | truth). The true
# category is always the mode, with realistic spread into neighbouring categories and a few Q answers.
KANO_CATEGORIES = ("A", "O", "M", "I", "R", "Q")
KANO_PERSONAL_MIX = {
    "A": (0.50, 0.15, 0.03, 0.25, 0.02, 0.05),
    "O": (0.18, 0.45, 0.17, 0.12, 0.02, 0.06),
    "M": (0.04, 0.17, 0.50, 0.22, 0.02, 0.05),
    "I": (0.15, 0.08, 0.12, 0.55, 0.05, 0.05),
    "R": (0.05, 0.03, 0.05, 0.30, 0.50, 0.07),
}

# Within a category, how likely each cell of the evaluation table is (unnormalised, indexed like
# KANO_TABLE); cells of other categories get weight 0. Milder answers ("neutral") are the most common.
KANO_CELL_WEIGHT = (
    (1.0, 2.0, 5.0, 3.0, 1.0),
    (1.0, 1.0, 2.0, 1.0, 2.0),
    (2.0, 2.0, 6.0, 3.0, 5.0),
    (1.0, 1.0, 3.0, 2.0, 3.0),
    (3.0, 1.0, 2.0, 1.0, 1.0),
)
