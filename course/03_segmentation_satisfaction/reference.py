"""Instructor-only half of notebook 03's tasks (:mod:`autograde.tasks.segmentation` is the public half).

``SOLUTIONS[grade_id](world, world_dq)`` gives a correct solution's objects, ``TRUTH`` the answers graded
against the hidden truth, ``MISTAKES[(grade_id, name)]`` the objects of a student making a declared mistake,
``FIGURES`` the numbers the prose quotes. The grader calls :func:`expected` with the student's FULL world.
Written apart from the notebook's solutions (lexsort ranks and integer quintile arithmetic instead of
``rank``/``qcut``, bincounts instead of ``groupby``). Never copied into ``source/`` or ``release/``.

Truth-graded tasks and their recovery studies (``crmlab course measure 03_segmentation_satisfaction``):

* q5: k-means (k = 4, the lecture's start) on standardised log1p(recency, frequency, monetary) is judged by its
  adjusted Rand index (ARI) with each buyer's TRUE relationship stage at the horizon (truth.customers.
  final_stage) and with the latent persona (truth.customers.persona). Measured (measured.json, 40 seeds of the
  default world): ARI with the stage 0.113–0.189, with the persona 0.015–0.032 (stage/persona >= 4.3 on every
  seed); k-means on standardised RFM without log1p gets 0.016–0.059 with the stage. The mark: stage ARI >=
  STAGE_MARK = 0.08 and >= STAGE_OVER_PERSONA = 2 × persona ARI; the solution passes on 200 of 200 seeds —
  the lesson that behavioural clusters describe where a relationship stands, not who the customer is.
* q7: the modal Kano category of each feature's answers must equal truth.kano_features.true_category
  (285–357 respondents per world; the solution recovers all seven features on 200 of 200 seeds).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from crmlab.autograde.measure import Figure
from crmlab.autograde.tasks.segmentation import STAGE_MARK, STAGE_OVER_PERSONA, TASKS, adjusted_rand
from crmlab.autograde.tasks.segmentation_examples import ACSI_ITEMS, ACSI_WEIGHTS, KANO_ANSWERS, KANO_TABLE, ZPB_POINTS

VALID_STATUSES = ("delivered", "shipped")
ASOF = pd.Timestamp("2026-01-01")
DIMENSIONS = {"tangibles": range(1, 5), "reliability": range(5, 10), "responsiveness": range(10, 14),
              "assurance": range(14, 18), "empathy": range(18, 23)}
TIE_ORDER = ("M", "O", "A", "I", "R", "Q")
CATEGORIES = ("A", "O", "M", "I", "R", "Q")


def _quintile(order: np.ndarray) -> np.ndarray:
    """Scores 1–5 of positions ranked by ``order`` (rank 1 first): ``pd.qcut(rank, 5)`` by integer arithmetic."""
    n = len(order)
    rank = np.empty(n, dtype=float)
    rank[order] = np.arange(1, n + 1)
    edges = 1 + (n - 1) * np.arange(1, 5) / 5  # qcut's inner edges on ranks 1..n (linear quantiles)
    return 1 + np.searchsorted(edges, rank, side="left")


def rfm(orders: pd.DataFrame, asof, *, duty: bool = False, r_ascending: bool = False,
        ties_by_row: bool = False) -> pd.DataFrame:
    """[customer_id, recency_days, frequency, monetary, R, F, M, rfm]; keywords build the declared mistakes."""
    o = orders.loc[orders["status"].isin(VALID_STATUSES).to_numpy() & (orders["customer_id"] != "").to_numpy()]
    money = (o["order_total"] - (0.0 if duty else o["duty_tax"])) * o["fx_rate_to_cny"]
    ids, inv = np.unique(o["customer_id"].to_numpy(dtype=object).astype(str), return_inverse=True)
    last = pd.Series(o["order_ts"].to_numpy()).groupby(inv).max().to_numpy()
    table = pd.DataFrame({"customer_id": ids,
                          "recency_days": (pd.Timestamp(asof) - pd.DatetimeIndex(last)).days.to_numpy(),
                          "frequency": np.bincount(inv), "monetary": np.bincount(inv, weights=money.to_numpy())})
    if ties_by_row:  # ties broken by where a customer first appears in the order table
        _, first = np.unique(o["customer_id"].to_numpy(dtype=object).astype(str), return_index=True)
        tiebreak = np.argsort(np.argsort(first))
    else:
        tiebreak = np.arange(len(ids))
    sign = 1 if r_ascending else -1
    table["R"] = _quintile(np.lexsort((tiebreak, sign * table["recency_days"].to_numpy())))
    table["F"] = _quintile(np.lexsort((tiebreak, table["frequency"].to_numpy())))
    table["M"] = _quintile(np.lexsort((tiebreak, table["monetary"].to_numpy())))
    table["rfm"] = table["R"].astype(str) + table["F"].astype(str) + table["M"].astype(str)
    return table


def kmeans(x, k: int, max_iter: int = 100, *, one_step: bool = False) -> np.ndarray:
    """Lloyd's k-means from the lecture's start (rows at floor((j + 0.5)·n/k) by row sum); labels 0..k−1."""
    x = np.asarray(x, dtype=float)
    start = np.argsort(x.sum(axis=1), kind="stable")[((np.arange(k) + 0.5) * len(x) / k).astype(int)]
    centres = x[start].copy()
    labels = np.full(len(x), -1)
    for _ in range(1 if one_step else max_iter):
        new = np.argmin(((x[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2), axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        for j in range(k):
            if (labels == j).any():
                centres[j] = x[labels == j].mean(axis=0)
    return labels


def features(table: pd.DataFrame, *, log: bool = True) -> np.ndarray:
    x = table[["recency_days", "frequency", "monetary"]].to_numpy(dtype=float)
    x = np.log1p(x) if log else x
    return (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)


def segments(world, *, log: bool = True, one_step: bool = False) -> pd.Series:
    table = rfm(world.orders, ASOF)
    return pd.Series(kmeans(features(table, log=log), 4, one_step=one_step), index=table["customer_id"].to_numpy())


def kano_cat(functional: str, dysfunctional: str, *, transposed: bool = False) -> str:
    i, j = KANO_ANSWERS.index(functional), KANO_ANSWERS.index(dysfunctional)
    return KANO_TABLE[j][i] if transposed else KANO_TABLE[i][j]


def kano_summary(answers: pd.DataFrame, *, transposed: bool = False, better_all: bool = False) -> pd.DataFrame:
    rows = []
    for feature in sorted(set(answers["feature"].astype(str))):
        a = answers.loc[answers["feature"].astype(str) == feature]
        cats = [kano_cat(f, d, transposed=transposed) for f, d in zip(a["functional"], a["dysfunctional"], strict=True)]
        n = {c: cats.count(c) for c in CATEGORIES}
        top = max(n.values())
        base = n["A"] + n["O"] + n["M"] + n["I"] + (n["R"] + n["Q"] if better_all else 0)
        rows.append({"feature": feature, **n, "category": next(c for c in TIE_ORDER if n[c] == top),
                     "better": (n["A"] + n["O"]) / base, "worse": -(n["O"] + n["M"]) / base})
    return pd.DataFrame(rows)


def _answered(surveys: pd.DataFrame) -> pd.DataFrame:
    return surveys.loc[(surveys["type"] == "relationship").to_numpy() & surveys["responded_ts"].notna().to_numpy()]


def servqual(surveys: pd.DataFrame, points: dict, *, reversed_: bool = False, unscaled: bool = False) -> pd.DataFrame:
    s = _answered(surveys)
    rows = []
    for dim, items in DIMENSIONS.items():
        e = float(np.mean(s[[f"servqual_e{i}" for i in items]].to_numpy(dtype=float).mean(axis=1)))
        p = float(np.mean(s[[f"servqual_p{i}" for i in items]].to_numpy(dtype=float).mean(axis=1)))
        gap = e - p if reversed_ else p - e
        rows.append({"dimension": dim, "expectation": e, "perception": p, "gap": gap, "points": float(points[dim]),
                     "weighted_gap": gap * points[dim] / (1.0 if unscaled else 100.0)})
    return pd.DataFrame(rows)


def acsi(means, weights, *, rescale: bool = True, normalise: bool = True) -> float:
    m, w = np.asarray(means, dtype=float), np.asarray(weights, dtype=float)
    mean = (m * w).sum() / (w.sum() if normalise else 1.0)
    return float((mean - 1) / 9 * 100) if rescale else float(mean * 10)


def acsi_table(surveys: pd.DataFrame, **kwargs) -> pd.DataFrame:
    s = _answered(surveys)
    rows = [{"shop_id": shop, "n": len(g), "acsi": acsi(g[list(ACSI_ITEMS)].to_numpy(dtype=float).mean(axis=0),
                                                         ACSI_WEIGHTS, **kwargs)}
            for shop, g in s.groupby("shop_id")]
    return pd.DataFrame(rows)


# ---- the instructor's half of the tasks ------------------------------------------------------------------
def _q4(w, **kw) -> dict:
    return {"world": w, "rfm_scores": lambda orders, asof: rfm(orders, asof, **kw), "rfm": rfm(w.orders, ASOF, **kw)}


def _q5(w, **kw) -> dict:
    step = kw.get("one_step", False)
    return {"world": w, "kmeans": lambda x, k, max_iter=100: kmeans(x, k, max_iter, one_step=step),
            "segments": segments(w, **kw)}


def _q6(w, **kw) -> dict:
    return {"world": w, "kano_category": lambda f, d: kano_cat(f, d, transposed=kw.get("transposed", False)),
            "kano_summary": lambda answers: kano_summary(answers, **kw)}


def _q7(w, **kw) -> dict:
    return {"world": w, "servqual_gaps": lambda surveys, points: servqual(surveys, points, **kw),
            "servqual": servqual(w.surveys, ZPB_POINTS, **kw)}


def _q8(w, **kw) -> dict:
    return {"world": w, "acsi_index": lambda means, weights: acsi(means, weights, **kw),
            "acsi_by_shop": acsi_table(w.surveys, **kw)}


def _q5_truth(w) -> dict:
    seg = segments(w)
    truth = w.truth.customers.set_index("customer_id").reindex(seg.index)
    return {"segments_truth": {"customer_id": list(seg.index), "stage": truth["final_stage"].astype(str).tolist(),
                               "persona": truth["persona"].astype(str).tolist()}}


def _answer_rate(surveys: pd.DataFrame) -> float:
    rel = surveys["type"] == "relationship"
    return float(surveys.loc[rel, "responded_ts"].notna().mean())


def _truth_ari(w, column: str, *, log: bool = True) -> float:
    seg = segments(w, log=log)
    return adjusted_rand(seg.to_numpy(), w.truth.customers.set_index("customer_id")[column].reindex(seg.index))


SOLUTIONS = {
    "q1_test": lambda w, dq: {"answer": "ABCF"},
    "q2_test": lambda w, dq: {"answer": {"积分与满额返现": "A", "会员生日关怀与专属顾问": "B",
                                          "为批发客户接入在线订货与库存系统": "C", "老客户专享价": "A"}},
    "q3_test": lambda w, dq: {"answer": {"city、province": "A", "birth_year、gender": "B",
                                          "对“品质生活”“性价比优先”等生活方式陈述的同意程度": "C",
                                          "最近一次购买、购买频率与金额 (RFM)": "D",
                                          "是否使用优惠券、对促销的反应": "D"}},
    "q4_test": lambda w, dq: _q4(w),
    "q5_test": lambda w, dq: _q5(w),
    "q6_test": lambda w, dq: {"answer": "B"},
    "q7_test": lambda w, dq: _q6(w),
    "q8_test": lambda w, dq: _q7(w),
    "q9_test": lambda w, dq: _q8(w),
}
TRUTH = {
    "q5_test": lambda w, dq: _q5_truth(w),
    "q7_test": lambda w, dq: {"categories": w.truth.kano_features.sort_values("feature")["true_category"]
                              .astype(str).tolist()},
}
MISTAKES = {
    ("q4_test", "r_ascending"): lambda w, dq: _q4(w, r_ascending=True),
    ("q4_test", "ties_by_row"): lambda w, dq: _q4(w, ties_by_row=True),
    ("q4_test", "with_duty"): lambda w, dq: _q4(w, duty=True),
    ("q5_test", "one_step"): lambda w, dq: _q5(w, one_step=True),
    ("q5_test", "no_log"): lambda w, dq: _q5(w, log=False),
    ("q7_test", "transposed"): lambda w, dq: _q6(w, transposed=True),
    ("q7_test", "better_all"): lambda w, dq: _q6(w, better_all=True),
    ("q8_test", "reversed"): lambda w, dq: _q7(w, reversed_=True),
    ("q8_test", "unscaled"): lambda w, dq: _q7(w, unscaled=True),
    ("q9_test", "no_rescale"): lambda w, dq: _q8(w, rescale=False),
    ("q9_test", "unnormalised"): lambda w, dq: _q8(w, normalise=False),
}
FIGURES = {
    "ari_stage": Figure(lambda w, dq: _truth_ari(w, "final_stage"), "ARI of the lecture's k-means with the true stage"),
    "ari_persona": Figure(lambda w, dq: _truth_ari(w, "persona"), "ARI of the lecture's k-means with the true persona"),
    "ari_stage_raw": Figure(lambda w, dq: _truth_ari(w, "final_stage", log=False),
                            "ARI with the true stage of k-means on standardised RFM without log1p"),
    "stage_mark": Figure(lambda w, dq: STAGE_MARK, "task 5's pass mark: ARI with the true stage at least this"),
    "stage_ratio": Figure(lambda w, dq: STAGE_OVER_PERSONA, "task 5: stage ARI at least this × persona ARI"),
    "answer_rate": Figure(lambda w, dq: _answer_rate(w.surveys), "answered share of relationship survey invitations"),
    "buyers": Figure(lambda w, dq: len(rfm(w.orders, ASOF)), "customers with at least one valid order"),
    "answered": Figure(lambda w, dq: len(_answered(w.surveys)), "answered relationship surveys"),
    "kano_n": Figure(lambda w, dq: w.kano_answers["survey_id"].nunique(), "respondents of the Kano module"),
    "acsi_spread": Figure(lambda w, dq: float(np.ptp(acsi_table(w.surveys)["acsi"])), "max − min shop ACSI"),
}


def expected(world, *, dq_world=None) -> dict:
    """Expected answers ``{grade_id: {answer: value}}`` of notebook 03 for the student of this FULL world."""
    from crmlab.autograde.verdict import expected_answers

    return expected_answers(TASKS, SOLUTIONS, TRUTH, world, dq_world)
