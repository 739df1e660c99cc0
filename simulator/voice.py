"""Voice of the customer: post-delivery CSAT, relationship surveys (NPS, ACSI, SERVQUAL) and Kano answers.

Every answer is rendered from the hidden latent satisfaction (standard units, about N(0.5, 1) across
orders), so the L03/L04 analyses (CSAT and NPS indices, the ACSI index and path structure, SERVQUAL gaps,
Kano categories, Dick & Basu loyalty types) recover the truth. Non-response is informative: customers whose
satisfaction is extreme answer more often, and churned customers rarely answer relationship surveys.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .assemble import str_take
from .data import survey_items as items
from .schema import KANO_ANSWERS, OBSERVED, SERVQUAL_DIMENSIONS

KANO_TRUTH: dict[str, str] = {f: cat for f, (cat, _) in items.KANO_FEATURES.items()}

SAT_CENTER = 0.5                  # population mean of the latent satisfaction (standard units)
DAY = np.timedelta64(86_400, "s")
# post-delivery CSAT
CSAT_INVITE_SHARE = 0.42          # share of delivered orders invited
CSAT_SEND_DAYS = (1.0, 4.0)       # invitation sent this many days after delivery (uniform)
CSAT_DELAY_PER_DAY = 0.30         # satisfaction lost per day late (standard units per day)
CSAT_DELAY_CAP = 10.0             # days late beyond which the penalty stops growing
CSAT_RETURN_PENALTY = 0.8         # returned orders (standard units)
CSAT_NOISE = 0.6                  # sd of the answer noise (standard units)
CSAT_RESPONSE = (-0.9, 0.8)       # logit P(answer) = a + b·|experienced − SAT_CENTER|
# calibration population of the CSAT cut-points: typical shares of late and returned delivered orders
CSAT_REF_LATE_SHARE = 0.10
CSAT_REF_RETURN_SHARE = 0.04
CSAT_REF_DELAY_GAMMA = (1.5, 0, 1.5)  # days late − 1 ~ Gamma(shape, loc, scale), as in simulator.incidents
CSAT_REF_POINTS = 16                  # quadrature points of that delay distribution
# Cut-points 1★|2★ … 4★|5★ (standard units) that ``solve_csat_cutpoints`` finds for the parameters above;
# stored so a process does not spend 0.3 s re-solving them (a test checks they still agree).
CSAT_CUTPOINTS = (-1.3186505080916933, -1.1343644138146878, -0.733739334243329, 0.019892527933515022)
# relationship surveys
REL_WAVES = ((3, 10), (9, 10))    # (month, day) of the spring and autumn waves
REL_INVITE_SHARE = 0.25           # share of signed-up customers sampled per wave
REL_MIN_TENURE_DAYS = 14
REL_RESPONSE = (-0.5, 0.5)        # logit P(answer | alive) = a + b·|z|
REL_DEAD_RESPONSE = 0.04          # P(answer) for customers no longer alive
RESPONSE_DAYS = 2.5               # mean answer delay (days, exponential)
MAX_RESPONSE_DAYS = 21.0          # later answers are discarded
RECENT_DELAY_PER_DAY = 0.10       # salience of the last order's delay in relationship answers (per day late)
RECENT_DELAY_DAYS = 90.0          # e-folding time of that salience (days since delivery)
STAGE_ATTITUDE = {"exploration": 0.0, "formation": 0.2, "stability": 0.5, "decline": -0.5}
KANO_SHARE = 0.40                 # share of relationship respondents given the Kano module

# ACSI structural model on standardised constructs EX → PQ → PV → SAT (path coefficients, row ← column).
ACSI_PATHS = np.array([[0.00, 0.00, 0.00, 0.0],
                       [0.50, 0.00, 0.00, 0.0],
                       [0.15, 0.55, 0.00, 0.0],
                       [0.05, 0.45, 0.35, 0.0]])
# 10-point items: column -> (construct index in EX, PQ, PV, SAT; mean; sd; loading)
ACSI_MEASURES = {"expectation": (0, 7.8, 1.5, 0.85), "perceived_quality": (1, 7.4, 1.6, 0.85),
                 "perceived_value": (2, 6.9, 1.7, 0.85), "acsi_sat": (3, 7.5, 1.6, 0.90),
                 "acsi_disconf": (3, 7.0, 1.6, 0.80), "acsi_ideal": (3, 6.8, 1.7, 0.85)}
NPS_MEASURE = (7.9, 2.1, 0.85)        # mean, sd, loading on SAT (0–10)
ATTITUDE_MEASURE = (4.5, 1.3, 0.70)   # mean, sd, loading on SAT (1–7)
SERVQUAL_E = (0.8, 0.5, 0.4)          # sd, loading on EX, loading on the customer's dimension factor
SERVQUAL_P = (1.0, 0.65, 0.35)        # sd, loading on PQ, loading on the customer's dimension factor

ANSWER_COLUMNS = [c for c, (dtype, _) in OBSERVED["surveys"].items() if dtype == "Int64"]


def expit(x: np.ndarray) -> np.ndarray:
    """The logistic function 1 / (1 + e^(−x)), elementwise."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def kano_category(functional: str, dysfunctional: str) -> str:
    """Kano category (A, O, M, I, R or Q) of one answer pair, by the Berger et al. (1993) evaluation table.

    >>> kano_category("like", "dislike"), kano_category("neutral", "dislike"), kano_category("like", "like")
    ('O', 'M', 'Q')
    """
    return items.KANO_TABLE[KANO_ANSWERS.index(functional)][KANO_ANSWERS.index(dysfunctional)]


def kano_features_truth() -> pd.DataFrame:
    """The true Kano category of every feature; columns ``feature``, ``true_category`` (one row per feature)."""
    return pd.DataFrame({"feature": pd.array(list(KANO_TRUTH), dtype="str"),
                         "true_category": pd.array(list(KANO_TRUTH.values()), dtype="str")})


def _reference_penalties() -> tuple[np.ndarray, np.ndarray]:
    """Penalty values (standard units) and their weights in the calibration population (shapes (k,), (k,))."""
    from scipy.special import gammaincinv  # imported here: scipy is only needed while simulating

    q = (np.arange(CSAT_REF_POINTS) + 0.5) / CSAT_REF_POINTS
    shape, loc, scale = CSAT_REF_DELAY_GAMMA
    late = CSAT_DELAY_PER_DAY * np.minimum(1.0 + gammaincinv(shape, q) * scale + loc, CSAT_DELAY_CAP)
    on_time = 1.0 - CSAT_REF_LATE_SHARE - CSAT_REF_RETURN_SHARE
    pen = np.concatenate([[0.0, CSAT_RETURN_PENALTY], late])
    weight = np.concatenate([[on_time, CSAT_REF_RETURN_SHARE], np.full(len(q), CSAT_REF_LATE_SHARE / len(q))])
    return pen, weight


def solve_csat_cutpoints() -> np.ndarray:
    """Four cut-points (standard units) on the noisy experienced satisfaction that split it into 1★…5★.

    Solved on a grid so that the respondents of the calibration population (latent N(0.5, 1), minus the
    penalties of a typical mix of late and returned orders), after the extremity-driven response model and
    the answer noise, give the ``CSAT_TARGET`` marginal. Returns shape (4,), increasing.
    """
    from scipy.special import ndtr  # the standard normal CDF

    e = np.linspace(SAT_CENTER - 8.0, SAT_CENTER + 6.0, 1401)
    pen, weight = _reference_penalties()
    dens = np.exp(-0.5 * (e[:, None] + pen[None, :] - SAT_CENTER) ** 2) / np.sqrt(2.0 * np.pi) @ weight
    w = dens * expit(CSAT_RESPONSE[0] + CSAT_RESPONSE[1] * np.abs(e - SAT_CENTER))
    y = np.linspace(SAT_CENTER - 8.0, SAT_CENTER + 6.0, 701)
    cdf = ndtr((y[:, None] - e[None, :]) / CSAT_NOISE) @ w / w.sum()
    return np.interp(np.cumsum(items.CSAT_TARGET)[:-1], cdf, y)


def _ordinal(x: np.ndarray, *, mean: float, sd: float, lo: int, hi: int) -> np.ndarray:
    """Round ``mean + sd·x`` to an integer answer in [lo, hi] (int64, same shape as ``x``)."""
    return np.clip(np.rint(mean + sd * x), lo, hi).astype(np.int64)


def _indicator(construct: np.ndarray, loading: float, rng: np.random.Generator) -> np.ndarray:
    """A standardised indicator: ``loading·construct + sqrt(1 − loading²)·noise`` (shape of ``construct``)."""
    return loading * construct + np.sqrt(1.0 - loading**2) * rng.standard_normal(construct.shape)


def _response_ts(sent: np.ndarray, answers: np.ndarray, end: np.datetime64,
                 rng: np.random.Generator) -> np.ndarray:
    """Answer times (datetime64[s]; NaT unless ``answers`` and received within the window and before ``end``)."""
    lag = rng.exponential(RESPONSE_DAYS, len(sent))
    ts = sent + np.rint(lag * 86_400).astype("timedelta64[s]")
    ok = answers & (lag < MAX_RESPONSE_DAYS) & (ts < end)
    return np.where(ok, ts, np.datetime64("NaT")).astype("datetime64[s]")


def _csat_surveys(orders: pd.DataFrame, end: np.datetime64, rng: np.random.Generator) -> pd.DataFrame:
    """Post-delivery CSAT invitations: one row per invited delivered order, ``csat`` NA if unanswered."""
    delivered = orders["delivered_ts"].to_numpy().astype("datetime64[s]")
    ok = ~np.isnat(delivered) & (orders["customer_id"].to_numpy() >= 0)
    o = orders[ok]
    n = len(o)
    invited = rng.random(n) < CSAT_INVITE_SHARE
    sent = delivered[ok] + np.rint(rng.uniform(*CSAT_SEND_DAYS, n) * 86_400).astype("timedelta64[s]")
    delay = np.nan_to_num(o["delay_days"].to_numpy(dtype=float), nan=0.0)
    experienced = (o["satisfaction"].to_numpy(dtype=float)
                   - CSAT_DELAY_PER_DAY * np.clip(delay, 0.0, CSAT_DELAY_CAP)
                   - CSAT_RETURN_PENALTY * (o["status"].to_numpy() == "returned"))
    answers = rng.random(n) < expit(CSAT_RESPONSE[0] + CSAT_RESPONSE[1] * np.abs(experienced - SAT_CENTER))
    score = 1 + np.searchsorted(np.asarray(CSAT_CUTPOINTS), experienced + CSAT_NOISE * rng.standard_normal(n))
    responded = _response_ts(sent, answers, end, rng)
    keep = invited & (sent < end)
    out = pd.DataFrame({"customer_id": o["customer_id"].to_numpy(np.int64), "shop_id": o["shop_id"].to_numpy(np.int64),
                        "order_id": o["order_id"].to_numpy(np.int64), "type": "csat", "sent_ts": sent,
                        "responded_ts": responded})[keep]
    out["csat"] = pd.arrays.IntegerArray(score[keep].astype(np.int64), mask=np.isnat(responded[keep]))
    return out


def _relationship_invitations(customers: pd.DataFrame, end: np.datetime64,
                              rng: np.random.Generator) -> pd.DataFrame:
    """Relationship-survey invitations: per wave, a random share of the customers signed up by then."""
    signup = customers["signup_date"].to_numpy().astype("datetime64[s]")
    if len(customers) == 0:
        return pd.DataFrame({"customer_id": np.empty(0, np.int64), "shop_id": np.empty(0, np.int64),
                             "sent_ts": np.empty(0, "datetime64[s]")})
    first_year = int(pd.Timestamp(signup.min()).year)
    waves = [np.datetime64(f"{y}-{m:02d}-{d:02d}", "s") for y in range(first_year, int(str(end)[:4]) + 1)
             for m, d in REL_WAVES]
    parts = []
    for wave in waves:
        eligible = signup + REL_MIN_TENURE_DAYS * DAY <= wave
        chosen = eligible & (rng.random(len(customers)) < REL_INVITE_SHARE)
        k = int(chosen.sum())
        offset = rng.integers(0, 14, k) * 86_400 + 9 * 3600 + rng.integers(0, 3 * 3600, k)
        parts.append(pd.DataFrame({"customer_id": customers["customer_id"].to_numpy(np.int64)[chosen],
                                   "shop_id": customers["shop_id"].to_numpy(np.int64)[chosen],
                                   "sent_ts": wave + offset.astype("timedelta64[s]")}))
    inv = pd.concat(parts, ignore_index=True)
    return inv[inv["sent_ts"].to_numpy() < end].reset_index(drop=True)


def _latest(left: pd.DataFrame, right: pd.DataFrame, *, left_on: str, right_on: str) -> pd.DataFrame:
    """For each row of ``left``, the customer's latest ``right`` row with ``right_on`` ≤ ``left_on`` (or NaN)."""
    lt = left.reset_index().sort_values(left_on, kind="stable")
    rt = right.sort_values(right_on, kind="stable")
    m = pd.merge_asof(lt, rt, left_on=left_on, right_on=right_on, by="customer_id", direction="backward")
    return m.set_index("index").sort_index()


def _relationship_state(inv: pd.DataFrame, sat_monthly: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """Per invitation: the month's latent ``z`` (centred), ``alive``, ``stage`` and the recent-delay salience."""
    month = inv["sent_ts"].to_numpy().astype("datetime64[M]").astype("datetime64[s]")
    left = pd.DataFrame({"customer_id": inv["customer_id"].to_numpy(), "month": month,
                         "sent_ts": inv["sent_ts"].to_numpy()})
    snap = sat_monthly[["customer_id", "month", "satisfaction", "stage"]].rename(columns={"month": "snap_month"})
    snap = snap.astype({"customer_id": np.int64, "snap_month": "datetime64[s]"})
    m = _latest(left, snap, left_on="month", right_on="snap_month")
    alive = (m["snap_month"] == m["month"]).to_numpy()
    z = np.nan_to_num(m["satisfaction"].to_numpy(dtype=float) - SAT_CENTER, nan=0.0)
    d = orders.loc[orders["delivered_ts"].notna(), ["customer_id", "delivered_ts", "delay_days"]]
    d = d.astype({"customer_id": np.int64, "delivered_ts": "datetime64[s]"})
    r = _latest(left, d, left_on="sent_ts", right_on="delivered_ts")
    known = r["delivered_ts"].notna().to_numpy()
    age = np.zeros(len(r))
    age[known] = (r["sent_ts"] - r["delivered_ts"]).to_numpy()[known].astype("timedelta64[s]").astype(float) / 86_400
    late = np.clip(np.nan_to_num(r["delay_days"].to_numpy(dtype=float), nan=0.0), 0.0, CSAT_DELAY_CAP)
    salience = np.where(known, RECENT_DELAY_PER_DAY * late * np.exp(-age / RECENT_DELAY_DAYS), 0.0)
    stage = m["stage"].astype(object).where(m["stage"].notna(), "decline").to_numpy()
    return pd.DataFrame({"z": z - salience, "alive": alive, "stage": stage})


@lru_cache(maxsize=1)
def _acsi_conditional() -> tuple[np.ndarray, np.ndarray]:
    """Regression weights (3,) and Cholesky factor (3, 3) of (EX, PQ, PV) given SAT, from ``ACSI_PATHS``."""
    b = ACSI_PATHS
    cov = np.zeros((4, 4))
    for k in range(4):  # construct k = b[k]·(earlier constructs) + residual sized for unit variance
        cov[k, :k] = cov[:k, :k] @ b[k, :k]
        cov[:k, k] = cov[k, :k]
        cov[k, k] = 1.0
    weights = cov[:3, 3] / cov[3, 3]
    cond = cov[:3, :3] - np.outer(cov[:3, 3], cov[3, :3]) / cov[3, 3]
    return weights, np.linalg.cholesky(cond)


def _relationship_answers(state: pd.DataFrame, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Answers of the relationship respondents: {column: int64 array (n,)} for every answer column but csat."""
    z = state["z"].to_numpy()
    n = len(z)
    weights, chol = _acsi_conditional()
    constructs = np.column_stack([z[:, None] * weights + rng.standard_normal((n, 3)) @ chol.T, z])
    out = {col: _ordinal(_indicator(constructs[:, k], lam, rng), mean=mu, sd=sd, lo=1, hi=10)
           for col, (k, mu, sd, lam) in ACSI_MEASURES.items()}
    mu, sd, lam = NPS_MEASURE
    out["nps"] = _ordinal(_indicator(z, lam, rng), mean=mu, sd=sd, lo=0, hi=10)
    mu, sd, lam = ATTITUDE_MEASURE
    shift = pd.Series(state["stage"].to_numpy()).map(STAGE_ATTITUDE).fillna(0.0).to_numpy(dtype=float)
    out["attitude_score"] = _ordinal(_indicator(z, lam, rng) + shift, mean=mu, sd=sd, lo=1, hi=7)
    dims = list(items.SERVQUAL_E_MEAN)
    dim_of = np.array([dims.index(SERVQUAL_DIMENSIONS[i]) for i in range(1, 23)])
    for prefix, (sd, lam, lam_dim), means, k in (("e", SERVQUAL_E, items.SERVQUAL_E_MEAN, 0),
                                                 ("p", SERVQUAL_P, items.SERVQUAL_P_MEAN, 1)):
        factor = rng.standard_normal((n, len(dims)))[:, dim_of]
        noise = np.sqrt(max(1.0 - lam**2 - lam_dim**2, 0.0)) * rng.standard_normal((n, 22))
        x = lam * constructs[:, k:k + 1] + lam_dim * factor + noise
        mean = np.array([means[d] for d in dims])[dim_of]
        ans = np.clip(np.rint(mean + sd * x), 1, 7).astype(np.int64)
        out.update({f"servqual_{prefix}{i + 1}": ans[:, i] for i in range(22)})
    return out


def _kano(resp: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Kano answers of a random ``KANO_SHARE`` of the respondents ``resp`` (columns survey_id, customer_id)."""
    resp = resp[rng.random(len(resp)) < KANO_SHARE]
    answers = np.array(KANO_ANSWERS, dtype=object)
    table = np.array(items.KANO_TABLE)
    cell_w = np.array(items.KANO_CELL_WEIGHT)
    cols = {"survey_id": [], "customer_id": [], "feature": [], "functional": [], "dysfunctional": []}
    for feature, truth in KANO_TRUTH.items():
        mix = dict(zip(items.KANO_CATEGORIES, items.KANO_PERSONAL_MIX[truth], strict=True))
        p = np.zeros(25)
        for cat, share in mix.items():
            w = np.where(table == cat, cell_w, 0.0).ravel()
            p += share * w / w.sum()
        cell = rng.choice(25, size=len(resp), p=p / p.sum())
        cols["survey_id"].append(resp["survey_id"].to_numpy(np.int64))
        cols["customer_id"].append(resp["customer_id"].to_numpy(np.int64))
        cols["feature"].append(np.full(len(resp), feature, dtype=object))
        cols["functional"].append(answers[cell // 5])
        cols["dysfunctional"].append(answers[cell % 5])
    out = pd.DataFrame({k: np.concatenate(v) for k, v in cols.items()})
    order = np.argsort(out["survey_id"].to_numpy(), kind="stable")
    out = out.iloc[order].reset_index(drop=True)
    for col in ("feature", "functional", "dysfunctional"):
        out[col] = out[col].astype("str")
    return out.astype({"survey_id": np.int64, "customer_id": np.int64})


def _sorted_surveys(csat: pd.DataFrame, inv: pd.DataFrame, responded: np.ndarray,
                    answers: dict[str, np.ndarray]) -> pd.DataFrame:
    """CSAT and relationship rows in one frame sorted by customer, send time and type (stable), with a
    block-local ``survey_id``; built column by column, in sorted row order and the schema's column order,
    rather than sorting a wide frame."""
    n_csat, n_rel = len(csat), len(inv)
    cust = np.concatenate([csat["customer_id"].to_numpy(np.int64), inv["customer_id"].to_numpy(np.int64)])
    sent = np.concatenate([csat["sent_ts"].to_numpy().astype("datetime64[s]"),
                           inv["sent_ts"].to_numpy().astype("datetime64[s]")])
    kind = np.repeat(np.array([0, 1], dtype=np.int64), [n_csat, n_rel])  # csat sorts before relationship
    order = np.lexsort((kind, sent.astype(np.int64), cust))
    out = {"survey_id": np.arange(n_csat + n_rel, dtype=np.int64), "customer_id": cust[order],
           "shop_id": np.concatenate([csat["shop_id"].to_numpy(np.int64), inv["shop_id"].to_numpy(np.int64)])[order],
           "order_id": np.concatenate([csat["order_id"].to_numpy(np.int64), np.full(n_rel, -1, np.int64)])[order],
           "type": str_take(("csat", "relationship"), kind[order]), "sent_ts": sent[order],
           "responded_ts": np.concatenate([csat["responded_ts"].to_numpy().astype("datetime64[s]"),
                                           responded.astype("datetime64[s]")])[order]}
    got = ~np.isnat(responded)
    csat_answers = csat["csat"].array
    for col in ANSWER_COLUMNS:
        if col == "csat":
            values = np.concatenate([csat_answers.to_numpy(dtype=np.int64, na_value=0), np.zeros(n_rel, np.int64)])
            mask = np.concatenate([csat_answers.isna(), np.ones(n_rel, bool)])
        elif col in answers:
            values = np.concatenate([np.zeros(n_csat, np.int64), answers[col]])
            mask = np.concatenate([np.ones(n_csat, bool), ~got])
        else:
            values, mask = np.zeros(n_csat + n_rel, np.int64), np.ones(n_csat + n_rel, bool)
        out[col] = pd.arrays.IntegerArray(values[order], mask=mask[order])
    return pd.DataFrame(out)


def render_surveys(*, orders: pd.DataFrame, sat_monthly: pd.DataFrame, customers: pd.DataFrame,
                   end: pd.Timestamp, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Render one block's survey invitations and answers from the hidden satisfaction.

    Parameters
    ----------
    orders : DataFrame
        ``order_id``, ``customer_id``, ``shop_id`` (int64), ``status``, ``delivered_ts`` and the truth
        columns ``satisfaction`` (standard units) and ``delay_days`` (days late; NaN if not delivered).
    sat_monthly : DataFrame
        ``customer_id``, ``month`` (first of month), ``satisfaction``, ``stage``: one row per customer and
        month while alive.
    customers : DataFrame
        ``customer_id``, ``shop_id`` (int64) and ``signup_date``.
    end : Timestamp
        The horizon (exclusive): no invitation or answer at or after it.
    rng : numpy.random.Generator
        Source of every random draw.

    Returns
    -------
    surveys : DataFrame
        The columns of ``schema.OBSERVED["surveys"]``, one row per invitation in (customer_id, sent_ts)
        order: int64 ``survey_id`` (block-local, 0…), ``customer_id``, ``shop_id``, ``order_id`` (−1 for
        relationship surveys); ``type`` csat | relationship; ``sent_ts``, ``responded_ts`` (NaT if not
        answered); nullable Int64 answers, NA when not answered or not asked in that survey type.
    kano_answers : DataFrame
        ``survey_id``, ``customer_id`` (int64), ``feature``, ``functional``, ``dysfunctional`` (str): one
        row per feature for a ``KANO_SHARE`` subset of the relationship respondents.
    """
    end64 = np.datetime64(pd.Timestamp(end), "s")
    csat = _csat_surveys(orders, end64, rng)
    inv = _relationship_invitations(customers, end64, rng)
    state = _relationship_state(inv, sat_monthly, orders)
    z, alive = state["z"].to_numpy(), state["alive"].to_numpy()
    p_answer = np.where(alive, expit(REL_RESPONSE[0] + REL_RESPONSE[1] * np.abs(z)), REL_DEAD_RESPONSE)
    responded = _response_ts(inv["sent_ts"].to_numpy(), rng.random(len(inv)) < p_answer, end64, rng)
    answers = _relationship_answers(state, rng)
    surveys = _sorted_surveys(csat, inv, responded, answers)
    respondents = surveys[(surveys["type"] == "relationship") & surveys["responded_ts"].notna()]
    return surveys, _kano(respondents, rng)
