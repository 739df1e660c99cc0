"""Voice-of-customer layer: schema, timing, the J-shaped CSAT, links to the latent truth, Kano recovery."""

import numpy as np
import pandas as pd
import pytest
from crmlab.simulator import schema, voice

END = pd.Timestamp("2026-01-01")
T0 = np.datetime64("2024-01-01", "s")
DAY = np.timedelta64(86_400, "s")
STAGES = np.array(["exploration", "formation", "stability", "decline"], dtype=object)


def _world(n=6000, *, seed=0, late_share=0.15):
    """Synthetic block inputs: customers, monthly truth (some churn) and orders with latent satisfaction."""
    rng = np.random.default_rng(seed)
    ids = np.arange(n, dtype=np.int64)
    signup = T0 + (rng.uniform(0, 365, n) * 86_400).astype("timedelta64[s]")
    base = rng.normal(0.5, 0.8, n)
    life = rng.integers(3, 30, n)  # months alive after the signup month
    customers = pd.DataFrame({"customer_id": ids, "shop_id": ids % 3, "signup_date": signup,
                              "customer_type": "B2C", "locale": "zh_CN"})
    months = np.arange(np.datetime64("2024-01"), np.datetime64("2026-01"))
    cid, mm = np.repeat(ids, len(months)), np.tile(months, n)
    k = (mm - signup.astype("datetime64[M]")[cid]).astype(int)
    keep = (k >= 0) & (k < life[cid])
    sat = pd.DataFrame({"customer_id": cid[keep], "month": mm[keep].astype("datetime64[s]"),
                        "satisfaction": base[cid[keep]] + rng.normal(0, 0.6, keep.sum()),
                        "stage": STAGES[rng.integers(0, 4, keep.sum())]})
    m = 3 * n
    ocid = np.sort(rng.integers(0, n, m))
    ots = signup[ocid] + (rng.uniform(0, 600, m) * 86_400).astype("timedelta64[s]")
    late = rng.random(m) < late_share
    delay = np.where(late, 1 + rng.gamma(1.5, 1.5, m), -rng.uniform(0, 1.5, m))
    status = rng.choice(["delivered", "shipped", "cancelled", "returned"], m, p=[0.85, 0.03, 0.05, 0.07])
    deliv = ots + ((4 + delay) * 86_400).astype("timedelta64[s]")
    ok_deliv = np.isin(status, ["delivered", "returned"]) & (deliv < np.datetime64(END, "s"))
    ok = ots < np.datetime64(END, "s")
    orders = pd.DataFrame({"order_id": np.arange(ok.sum(), dtype=np.int64), "customer_id": ocid[ok],
                           "shop_id": ocid[ok] % 3, "order_ts": ots[ok], "status": status[ok],
                           "delivered_ts": np.where(ok_deliv, deliv, np.datetime64("NaT"))[ok],
                           "satisfaction": base[ocid[ok]] + rng.normal(0, 0.6, ok.sum()),
                           "delay_days": np.where(ok_deliv, delay, np.nan)[ok]})
    return {"orders": orders, "sat_monthly": sat, "customers": customers, "end": END}


def _orders_population(n, *, seed, late_share=0.10, return_share=0.04):
    """Delivered orders of distinct customers whose latent satisfaction is N(0.5, 1)."""
    rng = np.random.default_rng(seed)
    late = rng.random(n) < late_share
    ts = np.datetime64("2024-06-01", "s") + (rng.uniform(0, 365, n) * 86_400).astype("timedelta64[s]")
    return pd.DataFrame({
        "order_id": np.arange(n, dtype=np.int64), "customer_id": np.arange(n, dtype=np.int64),
        "shop_id": np.zeros(n, np.int64), "order_ts": ts,
        "status": np.where(rng.random(n) < return_share, "returned", "delivered"),
        "delivered_ts": ts + 3 * DAY, "satisfaction": rng.normal(0.5, 1.0, n),
        "delay_days": np.where(late, 1 + rng.gamma(1.5, 1.5, n), -rng.uniform(0, 1.5, n))})


def _render(inputs, seed=1):
    return voice.render_surveys(**inputs, rng=np.random.default_rng(seed))


@pytest.fixture(scope="module")
def inputs():
    return _world()


@pytest.fixture(scope="module")
def rendered(inputs):
    return _render(inputs)


@pytest.fixture(scope="module")
def respondents(inputs, rendered):
    """Answered relationship surveys joined to the truth of their month (satisfaction NaN if churned)."""
    surveys, _ = rendered
    rel = surveys[(surveys["type"] == "relationship") & surveys["responded_ts"].notna()].copy()
    rel["month"] = rel["sent_ts"].to_numpy().astype("datetime64[M]").astype("datetime64[s]")
    return rel.merge(inputs["sat_monthly"], on=["customer_id", "month"], how="left")


def test_kano_category_implements_the_evaluation_table():
    table = {"like": "QAAAO", "must-be": "RIIIM", "neutral": "RIIIM", "live-with": "RIIIM", "dislike": "RRRRQ"}
    for f, row in table.items():
        for d, expected in zip(schema.KANO_ANSWERS, row, strict=True):
            assert voice.kano_category(f, d) == expected, (f, d)


def test_kano_truth_is_fixed_and_matches_the_schema():
    truth = voice.kano_features_truth()
    assert list(truth.columns) == list(schema.TRUTH["kano_features"])
    assert all(str(truth[c].dtype) == "str" for c in truth.columns)
    assert dict(zip(truth["feature"], truth["true_category"], strict=True)) == voice.KANO_TRUTH
    assert {"free_returns", "live_chat", "same_day_delivery", "gift_wrap", "price_match",
            "loyalty_points"} <= set(voice.KANO_TRUTH)
    assert set(voice.KANO_TRUTH.values()) == {"A", "O", "M", "I", "R"}


def test_columns_dtypes_and_ids(rendered):
    surveys, kano = rendered
    assert list(surveys.columns) == list(schema.OBSERVED["surveys"])
    for col, (dtype, _) in schema.OBSERVED["surveys"].items():
        want = {"str": "int64"}.get(dtype, dtype) if col.endswith("_id") else dtype
        assert str(surveys[col].dtype) == want, col
    assert surveys["survey_id"].tolist() == list(range(len(surveys)))
    order = surveys.sort_values(["customer_id", "sent_ts"], kind="stable").index
    assert (surveys.loc[order, "customer_id"].to_numpy() == surveys["customer_id"].to_numpy()).all()
    assert set(surveys["type"]) == {"csat", "relationship"}
    rel = surveys["type"] == "relationship"
    assert (surveys.loc[rel, "order_id"] == -1).all() and (surveys.loc[~rel, "order_id"] >= 0).all()
    assert list(kano.columns) == list(schema.OBSERVED["kano_answers"])
    assert [str(kano[c].dtype) for c in kano.columns] == ["int64", "int64", "str", "str", "str"]
    answered_rel = surveys[rel & surveys["responded_ts"].notna()]
    assert set(kano["survey_id"]) <= set(answered_rel["survey_id"])
    ids = answered_rel.set_index("survey_id")["customer_id"]
    assert (ids.loc[kano["survey_id"]].to_numpy() == kano["customer_id"].to_numpy()).all()
    assert (kano.groupby("survey_id").size() == len(voice.KANO_TRUTH)).all()
    assert set(kano["functional"]) | set(kano["dysfunctional"]) <= set(schema.KANO_ANSWERS)


def test_timing_and_answer_masks(inputs, rendered):
    surveys, _ = rendered
    end = np.datetime64(END, "s")
    sent, resp = surveys["sent_ts"].to_numpy(), surveys["responded_ts"].to_numpy()
    got = ~np.isnat(resp)
    assert (sent < end).all() and (resp[got] < end).all() and (resp[got] >= sent[got]).all()
    assert (resp[got] - sent[got]).max() < np.timedelta64(21, "D")
    csat = surveys[surveys["type"] == "csat"].merge(inputs["orders"], on="order_id", suffixes=("", "_o"))
    lag = (csat["sent_ts"] - csat["delivered_ts"]).dt.total_seconds() / 86_400
    assert lag.between(1, 4).all()
    assert (csat["customer_id"] == csat["customer_id_o"]).all() and (csat["shop_id"] == csat["shop_id_o"]).all()
    rel = surveys[surveys["type"] == "relationship"].merge(inputs["customers"], on="customer_id")
    assert (rel["sent_ts"] >= rel["signup_date"] + pd.Timedelta(days=14)).all()
    answers = surveys[voice.ANSWER_COLUMNS].notna().to_numpy()
    assert not answers[~got].any()
    is_csat = (surveys["type"] == "csat").to_numpy()
    assert answers[got & is_csat, 0].all() and not answers[got & is_csat, 1:].any()
    assert answers[got & ~is_csat, 1:].all() and not answers[got & ~is_csat, 0].any()
    ranges = {"csat": (1, 5), "nps": (0, 10), "acsi_sat": (1, 10), "attitude_score": (1, 7),
              "servqual_e5": (1, 7), "servqual_p22": (1, 7)}
    for col, (lo, hi) in ranges.items():
        assert surveys[col].dropna().between(lo, hi).all(), col


def test_invitation_and_response_rates(inputs, rendered):
    surveys, _ = rendered
    delivered = inputs["orders"]["delivered_ts"].notna().sum()
    csat = surveys[surveys["type"] == "csat"]
    assert 0.35 <= len(csat) / delivered <= 0.50
    assert 0.3 <= csat["responded_ts"].notna().mean() <= 0.6
    rel = surveys[surveys["type"] == "relationship"]
    per_year = len(rel) / len(inputs["customers"]) / 2
    assert 0.3 <= per_year <= 0.6  # two waves a year, ~25 % sampled in each


def test_csat_marginal_is_j_shaped():
    orders = _orders_population(200_000, seed=3)
    surveys, _ = voice.render_surveys(orders=orders, sat_monthly=pd.DataFrame(
        {"customer_id": np.empty(0, np.int64), "month": np.empty(0, "datetime64[s]"),
         "satisfaction": np.empty(0), "stage": np.empty(0, object)}), customers=pd.DataFrame(
        {"customer_id": np.empty(0, np.int64), "shop_id": np.empty(0, np.int64),
         "signup_date": np.empty(0, "datetime64[s]")}), end=END, rng=np.random.default_rng(4))
    share = surveys["csat"].dropna().value_counts(normalize=True).reindex([5, 4, 3, 2, 1]).to_numpy()
    assert np.abs(share - [0.58, 0.19, 0.08, 0.03, 0.12]).max() < 0.02


def test_stored_csat_cutpoints_are_the_solved_ones():
    """``CSAT_CUTPOINTS`` is a cache of the calibration: change a CSAT parameter and this says to re-solve."""
    solved = voice.solve_csat_cutpoints()
    assert np.allclose(solved, voice.CSAT_CUTPOINTS, rtol=0, atol=1e-12), (
        f"re-solve: set voice.CSAT_CUTPOINTS = {tuple(float(x) for x in solved)}")
    assert np.all(np.diff(solved) > 0)


def test_csat_monotone_in_latent_and_informative_nonresponse():
    orders = _orders_population(60_000, seed=5, late_share=0.0, return_share=0.0)
    csat = voice._csat_surveys(orders, np.datetime64(END, "s"), np.random.default_rng(6))
    df = csat.merge(orders[["order_id", "satisfaction"]], on="order_id")
    df["bin"] = pd.qcut(df["satisfaction"], 5, labels=False)
    means = df.groupby("bin")["csat"].mean().to_numpy(dtype=float)
    assert (np.diff(means) > 0).all() and means[-1] - means[0] > 1.5
    rate = df.groupby("bin")["responded_ts"].apply(lambda s: s.notna().mean()).to_numpy()
    assert rate[0] > rate[2] + 0.1 and rate[4] > rate[2] + 0.05


def test_delay_lowers_csat_and_nps():
    n = 20_000
    rng = np.random.default_rng(7)
    ids = np.arange(n, dtype=np.int64)
    late = ids % 2 == 1
    customers = pd.DataFrame({"customer_id": ids, "shop_id": np.zeros(n, np.int64),
                              "signup_date": np.full(n, np.datetime64("2024-06-01", "s"))})
    months = np.arange(np.datetime64("2024-06"), np.datetime64("2026-01")).astype("datetime64[s]")
    sat = pd.DataFrame({"customer_id": np.repeat(ids, len(months)), "month": np.tile(months, n),
                        "satisfaction": 0.5, "stage": "formation"})
    delivered = np.datetime64("2025-02-25T12:00", "s")
    orders = pd.DataFrame({"order_id": ids, "customer_id": ids, "shop_id": 0, "order_ts": delivered - 5 * DAY,
                           "status": "delivered", "delivered_ts": delivered,
                           "satisfaction": rng.normal(0.5, 1.0, n), "delay_days": np.where(late, 8.0, -0.5)})
    surveys, _ = voice.render_surveys(orders=orders, sat_monthly=sat, customers=customers, end=END,
                                      rng=np.random.default_rng(8))
    is_late = late[surveys["customer_id"].to_numpy()]
    csat = surveys["csat"].astype(float)
    assert csat[is_late].mean() < csat[~is_late].mean() - 1.0
    spring = (surveys["type"] == "relationship") & (surveys["sent_ts"] < np.datetime64("2025-04-01", "s"))
    nps = surveys["nps"].astype(float)
    assert nps[spring & is_late].mean() < nps[spring & ~is_late].mean() - 0.5


def test_relationship_answers_follow_the_latent_satisfaction(respondents):
    alive = respondents[respondents["satisfaction"].notna()]
    corr = alive[[*voice.ANSWER_COLUMNS[1:], "satisfaction"]].astype(float).corr()["satisfaction"]
    for col in ("acsi_sat", "acsi_disconf", "acsi_ideal", "nps"):
        assert corr[col] > 0.6, col
    assert corr["perceived_quality"] > corr["expectation"] > 0.1
    assert corr["perceived_value"] > 0.3 and corr["attitude_score"] > 0.4
    att = alive.groupby("stage")["attitude_score"].mean()
    assert att["stability"] > att["formation"] > att["decline"]
    nps = alive["nps"].astype(float)
    score = 100 * ((nps >= 9).mean() - (nps <= 6).mean())
    acsi = (alive[["acsi_sat", "acsi_disconf", "acsi_ideal"]].astype(float).mean().mean() - 1) / 9 * 100
    assert -20 < score < 50 and 55 < acsi < 85


def test_servqual_perceptions_fall_short_of_expectations(respondents):
    dims = pd.Series(schema.SERVQUAL_DIMENSIONS)
    e = respondents[[f"servqual_e{i}" for i in dims.index]].astype(float)
    p = respondents[[f"servqual_p{i}" for i in dims.index]].astype(float)
    gap = pd.Series(p.to_numpy().mean(axis=0) - e.to_numpy().mean(axis=0), index=dims.index)
    by_dim = gap.groupby(dims).mean()
    assert (by_dim < 0).all()
    assert min(by_dim["reliability"], by_dim["responsiveness"]) < by_dim[["tangibles", "assurance"]].min() - 0.3
    assert e.to_numpy().mean() > 5.8
    low = (respondents["satisfaction"] < respondents["satisfaction"].median()).to_numpy()
    person_gap = (p.to_numpy() - e.to_numpy()).mean(axis=1)
    assert person_gap[low].mean() < person_gap[~low].mean() - 0.3


def test_churned_customers_rarely_answer(inputs, rendered):
    surveys, _ = rendered
    rel = surveys[surveys["type"] == "relationship"].copy()
    rel["month"] = rel["sent_ts"].to_numpy().astype("datetime64[M]").astype("datetime64[s]")
    alive = rel.merge(inputs["sat_monthly"][["customer_id", "month"]].assign(alive=True),
                      on=["customer_id", "month"], how="left")["alive"].fillna(False).to_numpy(dtype=bool)
    answered = rel["responded_ts"].notna().to_numpy()
    assert (~alive).sum() > 300 and answered[~alive].mean() < 0.08 < 0.3 < answered[alive].mean()


def test_kano_modal_category_recovers_the_truth():
    _, kano = _render(_world(30_000, seed=9), seed=10)
    assert kano["survey_id"].nunique() > 2500
    cat = pd.Series([voice.kano_category(f, d) for f, d in zip(kano["functional"], kano["dysfunctional"], strict=True)])
    counts = pd.crosstab(kano["feature"], cat)
    for feature, truth in voice.KANO_TRUTH.items():
        assert counts.loc[feature].idxmax() == truth, feature
        assert counts.loc[feature, truth] / counts.loc[feature].sum() < 0.7  # noisy, not degenerate
    assert (counts["Q"] > 0).all() and (counts["R"] > 0).all()


def test_deterministic_given_the_generator(inputs, rendered):
    again = _render(inputs)
    pd.testing.assert_frame_equal(again[0], rendered[0])
    pd.testing.assert_frame_equal(again[1], rendered[1])
    other = _render(inputs, seed=2)
    assert not other[0]["sent_ts"].equals(rendered[0]["sent_ts"])


def test_empty_block():
    empty = {k: v.iloc[:0] for k, v in _world(20).items() if k != "end"}
    surveys, kano = voice.render_surveys(**empty, end=END, rng=np.random.default_rng(0))
    assert surveys.empty and kano.empty
    assert list(surveys.columns) == list(schema.OBSERVED["surveys"]) and str(surveys["csat"].dtype) == "Int64"
