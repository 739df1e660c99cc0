"""Instructor-only half of notebook 10's tasks (:mod:`autograde.tasks.analytical` is the public half).

``SOLUTIONS[grade_id](world, world_dq)`` gives a correct solution's objects, ``TRUTH`` the answers graded
against the hidden truth, ``MISTAKES[(grade_id, name)]`` the objects of a student making a declared mistake,
``FIGURES`` the numbers the prose quotes. Written independently of the notebook's solution cells (numpy
bookkeeping where the notebook chains pandas). Never copied into ``source/`` or ``release/``.

Truth-graded tasks (recovery study: ``crmlab course measure 10_analytical_crm``, 200 seeds, in measured.json):

* q4 — the student's churn scores at 2025-07-01, computed from a snapshot of their observed tables before that
  day, are judged by AUC against the truth: 1 for a customer who bought before the cutoff and is truly no
  longer a customer 180 days after it (``truth.customers.churn_ts``), not by an inactivity proxy. The pass
  mark is the AUC of the grader's reference model on the same data (a logistic regression on the seven given
  features, trained on the proxy label of the half year before the cutoff) less ``AUC_MARGIN``.
* q7 — the student's retention call list (at most MAX_CONTACTS customers) is valued with the true CLV:
  Σ over the list of p·a·(CLV − δ) − c, p the grader's reference churn probability at the horizon and CLV the
  truth's ``true_clv`` (0 for a customer already gone) in CNY. It must reach ``LIST_SHARE`` of the value of
  the reference's list (same method, the reference's scores and CLV estimate).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from crmlab.autograde.measure import Figure
from crmlab.autograde.tasks.analytical import (  # documented there
    AUC_MARGIN,
    LIST_SHARE,
    TASKS,
    auc,
)
from crmlab.autograde.tasks.analytical_inputs import (
    ACCEPT,
    CHURN_CUTOFF,
    CLV_MULT,
    CLV_YEAR,
    CONTACT,
    FEATURES,
    HORIZON,
    INCENTIVE,
    MAX_CONTACTS,
    WINDOW,
    routing_split,
    snapshot,
)
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

ANALYTICAL_KEY = "ACE"
TYPES_KEY = {"销售人员的日程、商机与报价管理": "A", "营销活动的策划、执行与效果评估": "A",
             "在数据仓库中挖掘交易数据，预测客户流失": "B", "购物篮分析，寻找交叉销售的商品组合": "B",
             "把电话、邮件、在线聊天、社交媒体接入统一的交互中心": "C",
             "客户在自助门户上提交与跟踪服务请求": "C", "供应商与渠道伙伴在线共享客户需求与库存信息": "C"}


def purchases(orders, *, cancelled=False):
    return orders if cancelled else orders.loc[(orders["status"] != "cancelled").to_numpy()]


# ---- task 3 ------------------------------------------------------------------------------------------------
def rule_metrics(baskets, A, B, *, by_consequent=False) -> dict:
    A, B = frozenset(A), frozenset(B)
    n = len(baskets)
    has_a = np.array([A <= b for b in baskets])
    has_b = np.array([B <= b for b in baskets])
    both = (has_a & has_b).sum() / n
    conf = both / (has_b.mean() if by_consequent else has_a.mean())
    return {"support": float(both), "confidence": float(conf), "lift": float(conf / has_b.mean())}


def category_rules(orders, order_items, min_support, *, cancelled=False, by_consequent=False):
    keep = set(purchases(orders, cancelled=cancelled)["order_id"])
    items = order_items.loc[order_items["order_id"].isin(keep).to_numpy(), ["order_id", "category"]]
    cats = sorted(set(items["category"]))
    rows_of, _ = pd.factorize(items["order_id"])  # one row per order with lines (pd.crosstab's rows, faster)
    onehot = np.zeros((rows_of.max() + 1 if len(rows_of) else 0, len(cats)), dtype=bool)
    onehot[rows_of, pd.Index(cats).get_indexer(items["category"])] = True
    n = len(onehot)
    single = onehot.mean(axis=0)
    rows = []
    for i, a in enumerate(cats):
        for j, b in enumerate(cats):
            both = (onehot[:, i] & onehot[:, j]).sum() / n
            if i != j and both >= min_support:
                conf = both / (single[j] if by_consequent else single[i])
                rows.append((a, b, both, conf, conf / single[j]))
    table = pd.DataFrame(rows, columns=["antecedent", "consequent", "support", "confidence", "lift"])
    return table.sort_values(["lift", "antecedent", "consequent"], ascending=[False, True, True], ignore_index=True)


def _q3(w, **kw) -> dict:
    return {"world": w, "rule_metrics": lambda b, a, c: rule_metrics(b, a, c, by_consequent=kw.get("by_consequent",
                                                                                                     False)),
            "category_rules": lambda o, i, s: category_rules(o, i, s, **kw)}


# ---- task 4 ------------------------------------------------------------------------------------------------
def churn_features(orders, tickets, surveys, cutoff, *, duty=False, enquiries=False, future=False):
    cutoff = pd.Timestamp(cutoff)
    p = purchases(orders)
    if not future:
        p = p.loc[(p["order_ts"] < cutoff).to_numpy()]
    value = (p["order_total"] if duty else p["items_subtotal"] - p["discount"]) * p["fx_rate_to_cny"]
    g = pd.DataFrame({"cid": p["customer_id"].to_numpy(), "ts": p["order_ts"].to_numpy(),
                      "v": value.to_numpy()}).groupby("cid")
    ids = np.array(sorted(pd.unique(p["customer_id"].to_numpy(dtype=object))), dtype=object)
    out = pd.DataFrame(index=pd.Index(ids, name="customer_id"))
    out["recency_days"] = (cutoff - g["ts"].max()).dt.days.reindex(ids).to_numpy(float)
    out["frequency"] = g.size().reindex(ids).to_numpy(float)
    out["monetary_cny"] = g["v"].sum().reindex(ids).to_numpy(float)
    out["tenure_days"] = (cutoff - g["ts"].min()).dt.days.reindex(ids).to_numpy(float)
    kinds = ["complaint", "enquiry"] if enquiries else ["complaint"]
    t = tickets.loc[(tickets["kind"].isin(kinds) & (tickets["opened_ts"] < cutoff)).to_numpy()]
    open_ = ~(t["resolved_ts"] < cutoff)
    out["complaints"] = t.groupby("customer_id").size().reindex(ids, fill_value=0).to_numpy(float)
    out["unresolved"] = t.loc[open_.to_numpy()].groupby("customer_id").size().reindex(ids, fill_value=0).to_numpy(
        float)
    s = surveys.loc[(surveys["responded_ts"] < cutoff).to_numpy()]
    low = (s["csat"].fillna(5) <= 2) | (s["nps"].fillna(10) <= 6)
    out["low_score"] = np.isin(ids, s.loc[low.to_numpy(dtype=bool), "customer_id"].to_numpy()).astype(float)
    return out[FEATURES]


def _model(log: bool):
    steps = [FunctionTransformer(np.log1p)] if log else []
    return make_pipeline(*steps, StandardScaler(), LogisticRegression(C=1.0))


def churn_scores(orders, tickets, surveys, cutoff, *, log=False):
    """The reference churn model: a logistic regression on the seven standardised features, trained on the
    proxy label (no purchase in the 180 days before the cutoff) at cutoff − 180 days. ``log=True`` (log1p
    features) is the alternative whose AUC gap the figure ``gap_log`` measures."""
    cutoff = pd.Timestamp(cutoff)
    start = cutoff - WINDOW
    Xt = churn_features(orders, tickets, surveys, start)
    p = purchases(orders)
    came = set(p.loc[((p["order_ts"] >= start) & (p["order_ts"] < cutoff)).to_numpy(), "customer_id"])
    yt = np.array([i not in came for i in Xt.index], dtype=int)
    X = churn_features(orders, tickets, surveys, cutoff)
    prob = _model(log).fit(Xt.to_numpy(), yt).predict_proba(X.to_numpy())[:, 1]
    return pd.Series(prob, index=X.index)


_SCORES: dict = {}  # the last world's reference scores per cutoff (truths and figures reuse them)


def _scores_at(w, cutoff) -> pd.Series:
    if _SCORES.get("world") is not w:
        _SCORES.clear()
        _SCORES["world"] = w
    if cutoff not in _SCORES:
        snap = snapshot(w, cutoff)
        _SCORES[cutoff] = churn_scores(snap["orders"], snap["tickets"], snap["surveys"], cutoff)
    return _SCORES[cutoff]


def churn_labels(w, ids, cutoff=CHURN_CUTOFF) -> np.ndarray:
    """1 if the customer is truly no longer a customer 180 days after ``cutoff`` (truth.customers.churn_ts)."""
    return gone_by(w, ids, pd.Timestamp(cutoff) + WINDOW)


def gone_by(w, ids, when) -> np.ndarray:
    """1 if the customer is truly no longer a customer at ``when`` (truth.customers.churn_ts <= when)."""
    churn = w.truth.customers.set_index("customer_id")["churn_ts"].reindex(ids)
    return (churn <= pd.Timestamp(when)).to_numpy(dtype=int)


def solution_scores(orders, tickets, surveys, cutoff):
    return churn_scores(orders, tickets, surveys, cutoff)


def _q4(w, *, scores=solution_scores, **kw) -> dict:
    return {"world": w, "churn_features": lambda o, t, s, c: churn_features(o, t, s, c, **kw),
            "churn_scores": scores}


def _q4_truth(w) -> dict:
    s = _scores_at(w, HORIZON)
    y = gone_by(w, s.index, HORIZON)
    return {"truth": {"ids": s.index.tolist(), "labels": y.tolist(), "pass": auc(y, s.to_numpy()) - AUC_MARGIN}}


def _inverted(o, t, s, c):
    return 1 - solution_scores(o, t, s, c)


# ---- task 5 ------------------------------------------------------------------------------------------------
def decile_table(y_true, score, *, descending=True, average_ties=False):
    y = np.asarray(y_true, dtype=float)
    s = np.asarray(score, dtype=float)
    n = len(s)
    if average_ties:
        order = np.argsort(-s if descending else s, kind="quicksort")
        pos = np.empty(n)
        pos[order] = (pd.Series(-s if descending else s).rank(method="average").to_numpy() - 1)
        dec = np.floor(pos * 10 / n).astype(int) + 1
    else:
        order = np.argsort(-s if descending else s, kind="stable")
        dec = np.empty(n, dtype=int)
        dec[order] = np.arange(n) * 10 // n + 1
    rows = []
    base = y.mean()
    total = y.sum()
    running = 0.0
    for d in range(1, 11):
        m = dec == d
        k = float(y[m].sum())
        running += k
        rows.append((d, int(m.sum()), k, k / m.sum(), k / m.sum() / base, running / total))
    return pd.DataFrame(rows, columns=["decile", "n", "churners", "rate", "lift", "cum_gain"])


# ---- task 6 ------------------------------------------------------------------------------------------------
def expected_profit(p, clv, tau, a, delta, c, *, strict=False):
    p = np.asarray(p, dtype=float)
    v = np.broadcast_to(np.asarray(clv, dtype=float), p.shape)
    hit = p > tau if strict else p >= tau
    return float((p[hit] * a * (v[hit] - delta) - c).sum())


def best_threshold(p, clv, a, delta, c, max_contacts=None, *, budget_ignored=False):
    p = np.asarray(p, dtype=float)
    v = np.broadcast_to(np.asarray(clv, dtype=float), p.shape)
    order = np.argsort(-p, kind="stable")
    ps = p[order]
    gain = np.cumsum(ps * a * (v[order] - delta) - c)
    last = np.r_[ps[1:] != ps[:-1], True]          # a threshold takes every customer tied at it
    taus, profits, counts = ps[last], gain[last], np.arange(1, len(p) + 1)[last]
    if max_contacts is not None and not budget_ignored:
        ok = counts <= max_contacts
        taus, profits = taus[ok], profits[ok]
    best_tau, best = float("inf"), 0.0
    for t, g in zip(taus, profits, strict=True):     # from the highest threshold down: ties keep the higher one
        if g > best + 1e-9:
            best_tau, best = float(t), float(g)
    return best_tau, best


# ---- task 7 ------------------------------------------------------------------------------------------------
def clv_estimate(orders, order_items, asof, *, revenue=False, no_fx=False):
    asof = pd.Timestamp(asof)
    bought = purchases(orders)
    before = bought.loc[(bought["order_ts"] < asof).to_numpy()]
    ids = np.array(sorted(set(before["customer_id"])), dtype=object)
    kept = before.loc[(before["status"].isin(["delivered", "shipped"]) & (before["order_ts"] >= asof - CLV_YEAR))
                      .to_numpy()]
    it = order_items.loc[order_items["order_id"].isin(kept["order_id"]).to_numpy()]
    lines = (it["line_total"] - (0 if revenue else it["unit_cost"] * it["quantity"])).groupby(it["order_id"]).sum()
    k = kept.set_index("order_id")
    margin = (lines.reindex(k.index, fill_value=0.0) - k["discount"]) * (1.0 if no_fx else k["fx_rate_to_cny"])
    per = margin.groupby(k["customer_id"]).sum().reindex(ids, fill_value=0.0)
    return pd.Series(CLV_MULT * np.maximum(per.to_numpy(float), 0.0), index=pd.Index(ids, name="customer_id"))


def target_list(p, clv, a, delta, c, max_contacts, *, risk_only=False) -> list:
    p = pd.Series(p, dtype=float)
    v = pd.Series(clv, dtype=float).reindex(p.index, fill_value=0.0)
    e = p * a * (v - delta) - c
    key = p if risk_only else e
    frame = pd.DataFrame({"id": p.index.astype(str), "key": key.to_numpy(), "e": e.to_numpy()})
    frame = frame[frame["e"] > 0].sort_values(["key", "id"], ascending=[False, True])
    return frame["id"].head(max_contacts).tolist()


def true_clv_cny(w) -> pd.Series:
    """Truth's CLV (shop currency) in CNY at each shop's mean exchange rate of the last 365 days."""
    o = w.orders
    recent = o[o["order_ts"] >= HORIZON - CLV_YEAR]
    fx = recent.groupby("shop_id")["fx_rate_to_cny"].mean()
    shop = w.customers.set_index("customer_id")["shop_id"]
    clv = w.truth.customers.set_index("customer_id")["true_clv"]
    return clv * shop.reindex(clv.index).map(fx).fillna(1.0)


def _reference_list(w) -> tuple[pd.Series, list]:
    p = churn_scores(w.orders, w.tickets, w.surveys, HORIZON)
    return p, target_list(p, clv_estimate(w.orders, w.order_items, HORIZON), ACCEPT, INCENTIVE, CONTACT,
                          MAX_CONTACTS)


def list_value(ids, p, clv_true) -> float:
    ids = [i for i in ids if i in p.index]
    e = p.reindex(ids) * ACCEPT * (clv_true.reindex(ids).fillna(0.0) - INCENTIVE) - CONTACT
    return float(e.sum())


def _q7_truth(w) -> dict:
    p, ids = _reference_list(w)
    clv = true_clv_cny(w)
    return {"truth": {"p": p.to_numpy().tolist(), "ids": p.index.tolist(),
                      "clv": clv.reindex(p.index).fillna(0.0).to_numpy().tolist(),
                      "pass": LIST_SHARE * list_value(ids, p, clv), "max": MAX_CONTACTS}}


def _q7(w, **kw) -> dict:
    risk = kw.pop("risk_only", False)
    return {"world": w, "churn_scores": solution_scores,
            "clv_estimate": lambda o, i, t: clv_estimate(o, i, t, **kw),
            "target_list": lambda p, v, a, d, c, k: target_list(p, v, a, d, c, k, risk_only=risk)}


# ---- task 8 ------------------------------------------------------------------------------------------------
def fit_router(texts, labels, *, majority=False):
    """The grader's reference router: word TF-IDF + multinomial naive Bayes (``majority``: the commonest class)."""
    from sklearn.dummy import DummyClassifier
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.naive_bayes import MultinomialNB

    model = make_pipeline(TfidfVectorizer(), DummyClassifier(strategy="most_frequent") if majority else
                          MultinomialNB())
    return model.fit(list(texts), list(labels))


def fresh_tests(w) -> tuple[list[str], list[str]]:
    """Task 8's test set: a new message for each ticket opened from 2025-07-01, in its category, language and
    product, drawn from the world's seed (a class student never sees it), so no text is one the student has."""
    from crmlab.simulator.ticket_text import fresh_messages

    _, _, _, test_y = routing_split(w)
    lang = w.ticket_messages.set_index("ticket_id")["language"].reindex(test_y.index)
    orders = w.tickets.set_index("ticket_id")["order_id"].reindex(test_y.index)
    first = w.order_items[(w.order_items["line_no"] == 1).to_numpy()].set_index("order_id")["category"]
    texts = fresh_messages(categories=test_y.to_numpy(dtype=object), languages=lang.to_numpy(dtype=object),
                           item_categories=first.reindex(orders.to_numpy()).to_numpy(dtype=object),
                           rng=np.random.default_rng([int(w.truth.params["seed"]), 10, 8]))
    return texts, [str(c) for c in test_y]


def _q8_truth(w) -> dict:
    train_x, train_y, _, _ = routing_split(w)
    texts, true = fresh_tests(w)
    ref = fit_router(train_x, train_y).predict(texts)
    return {"routing": {"texts": texts, "true": true, "ref_pred": [str(x) for x in ref]}}


def routing_report(y_true, y_pred, *, swapped=False):
    t, p = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    rows = []
    for cat in sorted(set(t)):
        right = float(((t == cat) & (p == cat)).sum())
        predicted, actual = float((p == cat).sum()), float((t == cat).sum())
        prec, rec = (right / predicted if predicted else np.nan), right / actual
        rows.append((cat, actual, rec if swapped else prec, prec if swapped else rec))
    return pd.DataFrame(rows, columns=["category", "n", "precision", "recall"])


SOLUTIONS = {
    "q1_test": lambda w, dq: {"answer": ANALYTICAL_KEY},
    "q2_test": lambda w, dq: {"answer": dict(TYPES_KEY)},
    "q3_test": lambda w, dq: _q3(w),
    "q4_test": lambda w, dq: _q4(w),
    "q5_test": lambda w, dq: {"world": w, "decile_table": decile_table},
    "q6_test": lambda w, dq: {"world": w, "expected_profit": expected_profit, "best_threshold": best_threshold},
    "q7_test": lambda w, dq: _q7(w),
    "q8_test": lambda w, dq: {"world": w, "fit_router": fit_router, "routing_report": routing_report},
}
TRUTH = {
    "q4_test": lambda w, dq: _q4_truth(w),
    "q7_test": lambda w, dq: _q7_truth(w),
    "q8_test": lambda w, dq: _q8_truth(w),
}
MISTAKES = {
    ("q3_test", "confidence_by_consequent"): lambda w, dq: _q3(w, by_consequent=True),
    ("q3_test", "cancelled_counted"): lambda w, dq: _q3(w, cancelled=True),
    ("q4_test", "duty_in_monetary"): lambda w, dq: _q4(w, duty=True),
    ("q4_test", "enquiries_counted"): lambda w, dq: _q4(w, enquiries=True),
    ("q4_test", "future_orders"): lambda w, dq: _q4(w, future=True),
    ("q4_test", "inverted_scores"): lambda w, dq: _q4(w, scores=_inverted),
    ("q5_test", "ascending"): lambda w, dq: {"world": w, "decile_table": lambda y, s: decile_table(
        y, s, descending=False)},
    ("q5_test", "ties_averaged"): lambda w, dq: {"world": w, "decile_table": lambda y, s: decile_table(
        y, s, average_ties=True)},
    ("q6_test", "strict_threshold"): lambda w, dq: {
        "world": w, "best_threshold": best_threshold,
        "expected_profit": lambda p, v, t, a, d, c: expected_profit(p, v, t, a, d, c, strict=True)},
    ("q6_test", "budget_ignored"): lambda w, dq: {
        "world": w, "expected_profit": expected_profit,
        "best_threshold": lambda p, v, a, d, c, max_contacts=None: best_threshold(
            p, v, a, d, c, max_contacts, budget_ignored=True)},
    ("q7_test", "revenue_not_margin"): lambda w, dq: _q7(w, revenue=True),
    ("q7_test", "no_fx"): lambda w, dq: _q7(w, no_fx=True),
    ("q7_test", "risk_only"): lambda w, dq: _q7(w, risk_only=True),
    ("q8_test", "precision_recall_swapped"): lambda w, dq: {
        "world": w, "fit_router": fit_router, "routing_report": lambda t, p: routing_report(t, p, swapped=True)},
    ("q8_test", "majority"): lambda w, dq: {
        "world": w, "routing_report": routing_report, "fit_router": lambda x, y: fit_router(x, y, majority=True)},
}


# ---- figures the prose quotes ------------------------------------------------------------------------------
def _alive_auc(w) -> float:
    """AUC of the reference (proxy-trained) model for the brief's narrower label: among customers truly alive at
    the cutoff, 1 = truly leaves within 180 days. Below 0.5: the proxy teaches the model who has already gone."""
    s = _scores_at(w, CHURN_CUTOFF)
    churn = w.truth.customers.set_index("customer_id")["churn_ts"].reindex(s.index)
    alive = ~(churn <= CHURN_CUTOFF).to_numpy()
    y = (churn <= CHURN_CUTOFF + WINDOW).to_numpy(dtype=int)
    return auc(y[alive], s.to_numpy()[alive])


def _proxy_agreement(w) -> float:
    """Share of the inactivity proxy's churners at the end of the data (no purchase in its last 180 days) truly
    no longer customers then."""
    s = _scores_at(w, HORIZON)
    p = purchases(w.orders)
    came = set(p.loc[(p["order_ts"] >= HORIZON - WINDOW).to_numpy(), "customer_id"])
    proxy = np.array([i not in came for i in s.index])
    return float(gone_by(w, s.index, HORIZON)[proxy].mean())


def _auc_gap(w, how: str) -> float:
    """How far an alternative scorer's AUC falls below the reference's at the end of the data (task 4's grading:
    justifies AUC_MARGIN)."""
    snap = snapshot(w, HORIZON)
    ref = churn_scores(snap["orders"], snap["tickets"], snap["surveys"], HORIZON)
    y = gone_by(w, ref.index, HORIZON)
    if how == "log":
        alt = churn_scores(snap["orders"], snap["tickets"], snap["surveys"], HORIZON, log=True)
    else:
        alt = churn_features(snap["orders"], snap["tickets"], snap["surveys"], HORIZON)["recency_days"]
    return auc(y, ref.to_numpy()) - auc(y, alt.reindex(ref.index).to_numpy())


def _variant_share(w, *, risk_only=False, revenue=False) -> float:
    """True value of a list built with a mistake / the reference list's value (figures for the prose)."""
    p, ids = _reference_list(w)
    clv = true_clv_cny(w)
    other = target_list(p, clv_estimate(w.orders, w.order_items, HORIZON, revenue=revenue), ACCEPT, INCENTIVE,
                        CONTACT, MAX_CONTACTS, risk_only=risk_only)
    return list_value(other, p, clv) / list_value(ids, p, clv)


FIGURES = {
    "ref_auc": Figure(lambda w, dq: auc(gone_by(w, _scores_at(w, HORIZON).index, HORIZON),
                                        _scores_at(w, HORIZON).to_numpy()),
                      "AUC of the reference churn model against the truth at 2026-01-01 (task 4's grading)"),
    "churn_rate": Figure(lambda w, dq: float(gone_by(w, _scores_at(w, HORIZON).index, HORIZON).mean()),
                         "share of customers who bought before 2026-01-01 truly gone on that day"),
    "proxy_right": Figure(lambda w, dq: _proxy_agreement(w), "share of the proxy's churners truly gone"),
    "alive_auc": Figure(lambda w, dq: _alive_auc(w), "reference AUC for 'alive at the cutoff, leaves within 180 d'"),
    "gap_log": Figure(lambda w, dq: _auc_gap(w, "log"), "reference AUC minus the AUC of the model on log1p features"),
    "gap_recency": Figure(lambda w, dq: _auc_gap(w, "recency"), "reference AUC minus the AUC of recency alone"),
    "revenue_share": Figure(lambda w, dq: _variant_share(w, revenue=True),
                            "true value of the list built on a revenue CLV / the reference list's"),
    "risk_only_share": Figure(lambda w, dq: _variant_share(w, risk_only=True),
                              "true value of a list ranked by churn risk alone / the expected-profit list"),
}


def expected(world, *, dq_world=None) -> dict:
    """Expected answers ``{grade_id: {answer: value}}`` of notebook 10 for the student of this FULL world."""
    from crmlab.autograde.verdict import expected_answers

    return expected_answers(TASKS, SOLUTIONS, TRUTH, world, dq_world)
