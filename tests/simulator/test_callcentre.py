"""Call centre: Erlang C anchors, agents and staffing, the block call log, and the ACD queue step."""

import types

import numpy as np
import pandas as pd
import pytest
from crmlab.simulator import callcentre, schema, service
from crmlab.simulator.callcentre import SHIFTS, erlang_c, service_level

START, END = pd.Timestamp("2024-01-01"), pd.Timestamp("2026-01-01")
LOCALES = np.array(["zh_CN"] * 6 + ["en_US", "en_GB", "de_DE", "fr_FR", "ja_JP"], dtype=object)
PHONES = {"zh_CN": "138{:08d}", "en_US": "+1 555 {:07d}", "en_GB": "+44 20 {:07d}", "de_DE": "+49 30 {:07d}",
          "fr_FR": "+33 1 {:07d}", "ja_JP": "+81 3 {:07d}"}


def _render_people(*, n, locale, pools, rng):
    """Stand-in for ``simulator.identities.render_people``."""
    first = np.array(["Wei", "Na", "Anna", "John"], dtype=object)[rng.integers(4, size=n)]
    last = np.array(["Zhang", "Li", "Smith"], dtype=object)[rng.integers(3, size=n)]
    return pd.DataFrame({"name": first + " " + last, "first_name": first, "last_name": last,
                         "gender": np.full(n, "U", dtype=object)})


@pytest.fixture(autouse=True)
def stand_in_identities(monkeypatch):
    monkeypatch.setattr(callcentre, "identities", types.SimpleNamespace(render_people=_render_people))


def make_shops() -> pd.DataFrame:
    """Four domestic shops and two cross-border shops selling to five foreign locales."""
    return pd.DataFrame({"shop_id": np.arange(6, dtype=np.int64), "kind": ["domestic"] * 4 + ["cross_border"] * 2,
                         "buyer_locales": [("zh_CN",)] * 4 + [("en_US", "de_DE", "ja_JP"), ("fr_FR", "en_GB")],
                         "buyer_weights": [(1.0,)] * 4 + [(0.5, 0.2, 0.3), (0.6, 0.4)]})


def agents_for(n_customers: int, seed: int = 0) -> pd.DataFrame:
    return callcentre.make_agents(shops=make_shops(), n_customers=n_customers, pools=None,
                                  rng=np.random.default_rng(seed))


def make_customers(n: int = 2000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    locale = LOCALES[rng.integers(len(LOCALES), size=n)]
    signup = np.datetime64(START, "s") + (rng.random(n) * (END - START).total_seconds()).astype("timedelta64[s]")
    return pd.DataFrame({"customer_id": np.arange(n, dtype=np.int64) + 7_000, "shop_id": np.int64(0),
                         "locale": locale, "phone": [PHONES[loc].format(i) for i, loc in enumerate(locale)],
                         "customer_type": "B2C", "signup_date": signup})


def make_tickets(customers: pd.DataFrame, agents: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Tickets from ``service.render_tickets`` for random complaints of ``customers`` (no enquiries)."""
    rng = np.random.default_rng(seed)
    who = rng.integers(len(customers), size=len(customers) // 2)
    c = customers.iloc[who]
    left = (np.datetime64(END, "s") - c["signup_date"].to_numpy()).astype(np.int64)
    opened = c["signup_date"].to_numpy() + (rng.random(len(c)) * left).astype("timedelta64[s]")
    complaints = pd.DataFrame({"customer_id": c["customer_id"].to_numpy(), "order_id": np.int64(-1),
                               "shop_id": c["shop_id"].to_numpy(), "opened_ts": opened,
                               "category": "damaged", "resolved": rng.random(len(c)) < 0.8})
    orders = pd.DataFrame({"order_id": pd.Series([], dtype=np.int64), "customer_id": pd.Series([], dtype=np.int64),
                           "shop_id": pd.Series([], dtype=np.int64), "order_ts": pd.Series([], dtype="datetime64[s]")})
    return service.render_tickets(complaints=complaints, orders=orders, customers=customers, agents=agents,
                                  end=END, rng=rng)


@pytest.fixture(scope="module")
def world_parts():
    monkey = pytest.MonkeyPatch()
    monkey.setattr(callcentre, "identities", types.SimpleNamespace(render_people=_render_people))
    agents = agents_for(10_000)
    monkey.undo()
    customers = make_customers()
    tickets = make_tickets(customers, agents)
    calls = callcentre.render_calls(tickets=tickets, customers=customers, end=END, rng=np.random.default_rng(5))
    return {"agents": agents, "customers": customers, "tickets": tickets, "calls": calls,
            "queued": callcentre.queue_calls(calls, agents, rng=np.random.default_rng(6))}


def synthetic_weeks(agents: pd.DataFrame, *, calls_per_day: float, weeks: int, seed: int = 0) -> pd.DataFrame:
    """Poisson inbound calls to ``domestic_zh`` for ``weeks`` weeks, by the hour-of-day profile."""
    rng = np.random.default_rng(seed)
    n = rng.poisson(calls_per_day * 7 * weeks)
    day = np.datetime64("2025-03-03") + rng.integers(0, 7 * weeks, n).astype("timedelta64[D]")
    ts = np.sort(callcentre._times_on_days(day, rng))
    return pd.DataFrame({"call_id": np.arange(n, dtype=np.int64), "customer_id": np.int64(1), "ticket_id": np.int64(-1),
                         "ani": "13800000000", "queue": "domestic_zh", "direction": "inbound", "arrival_ts": ts,
                         "ivr_contained": False, "abandoned": False, "wait_s": np.nan,
                         "talk_s": np.round(190 * np.exp(rng.normal(0, 0.5, n))), "hold_s": 0.0,
                         "wrap_s": np.round(rng.gamma(4.0, 8.0, n)), "agent_id": np.int64(-1)})


def sl20(queued: pd.DataFrame) -> float:
    offered = queued[(queued["direction"] == "inbound") & ~queued["ivr_contained"]]
    return float((offered["wait_s"] <= 20).mean())


@pytest.mark.parametrize(("A", "N", "pwait", "sl"), [(5.0, 6, 0.5875, 0.4743), (5.0, 7, 0.3241, 0.7404),
                                                     (5.0, 8, 0.1673, 0.8801), (5.0, 9, 0.0805, 0.9484)])
def test_erlang_c_and_service_level_anchors(A, N, pwait, sl):
    assert erlang_c(A, N) == pytest.approx(pwait, abs=1e-4)
    assert service_level(A, N, 180.0, 20.0) == pytest.approx(sl, abs=1e-4)


def test_erlang_c_edge_cases_and_vector_form():
    assert erlang_c(48.0, 55) == pytest.approx(0.2387, abs=1e-4)
    assert service_level(48.0, 55, 240.0, 15.0) == pytest.approx(0.8459, abs=1e-4)
    assert erlang_c(5.0, 5) == 1.0 and service_level(5.0, 4, 180.0, 20.0) == 0.0
    A = np.array([0.2, 1.5, 5.0, 3.0, 7.5])
    N = np.array([1.0, 2.0, 6.0, 3.0, 12.0])
    assert np.allclose(callcentre._erlang_c_vec(A, N), [erlang_c(a, int(n)) for a, n in zip(A, N, strict=True)])


def test_agents_follow_the_schema_and_the_shops_languages():
    agents = agents_for(10_000)
    assert list(agents.columns) == list(schema.OBSERVED["agents"])
    assert agents["agent_id"].dtype == np.int64 and agents["tenure_months"].dtype == np.int64
    assert (agents["agent_id"].to_numpy() == np.arange(len(agents))).all()
    assert set(agents["queue"]) == {"domestic_zh", "cross_border_en", "cross_border_de", "cross_border_fr",
                                    "cross_border_ja"}
    assert (agents["queue"].str[-2:] == agents["language"]).all()
    assert agents["shift"].isin(list(SHIFTS)).all()
    hours = np.arange(8, 22)
    for _, staff in agents.groupby("queue"):
        on = [sum(SHIFTS[s][0] <= h < SHIFTS[s][1] for s in staff["shift"]) for h in hours]
        assert min(on) >= 1  # every open hour is covered


def test_staffing_grows_with_the_customer_base():
    small, big = agents_for(10_000), agents_for(200_000)
    n_small = small.groupby("queue").size()
    n_big = big.groupby("queue").size()
    assert (n_big >= n_small).all() and n_big["domestic_zh"] > 3 * n_small["domestic_zh"]
    assert (big["shift"] == "day").any()


def test_call_log_columns_dtypes_and_placeholders(world_parts):
    calls = world_parts["calls"]
    assert list(calls.columns) == list(schema.OBSERVED["calls"])
    for col in ("call_id", "customer_id", "ticket_id", "agent_id"):
        assert calls[col].dtype == np.int64, col
    assert str(calls["arrival_ts"].dtype) == "datetime64[s]"
    for col in ("wait_s", "talk_s", "hold_s", "wrap_s"):
        assert calls[col].dtype == np.float64, col
    assert (calls["call_id"].to_numpy() == np.arange(len(calls))).all()
    assert calls["wait_s"].isna().all() and not calls["abandoned"].any() and (calls["agent_id"] == -1).all()


def test_calls_happen_in_opening_hours_after_signup_and_before_the_horizon(world_parts):
    calls, customers = world_parts["calls"], world_parts["customers"]
    assert (calls["arrival_ts"] < END).all()
    hour = calls["arrival_ts"].dt.hour
    assert hour.between(8, 21).all()
    known = calls[calls["customer_id"] >= 0]
    signup = customers.set_index("customer_id")["signup_date"].reindex(known["customer_id"]).to_numpy()
    assert (known["arrival_ts"].to_numpy() >= signup).all()
    counts = hour.value_counts()
    assert counts[20] > 1.2 * counts[8] and counts[11] > 1.2 * counts[8]  # evening and late-morning peaks
    dow = calls["arrival_ts"].dt.day_of_week.value_counts()
    assert dow[0] > dow[5]


def test_ticket_calls_follow_their_tickets(world_parts):
    calls, tickets = world_parts["calls"], world_parts["tickets"].set_index("ticket_id")
    tc = calls[calls["ticket_id"] >= 0]
    opened = tickets.loc[tc["ticket_id"], "opened_ts"].to_numpy()
    assert (tc["arrival_ts"].to_numpy() >= opened).all()
    phone = tickets[tickets["channel"] == "phone"]
    first_call = tc.groupby("ticket_id")["arrival_ts"].min()
    assert (first_call.reindex(phone.index).to_numpy() == phone["opened_ts"].to_numpy()).all()
    per_ticket = tc.groupby("ticket_id").size().reindex(phone.index)
    assert per_ticket.between(1, 3).all() and per_ticket.mean() > 1.05
    others = tickets[tickets["channel"] != "phone"]
    chased = others.index.isin(tc["ticket_id"])
    assert 0.02 < chased.mean() < 0.25
    assert (tc["direction"] == "inbound").all() and not tc["ivr_contained"].any()


def test_ani_ivr_unidentified_and_handle_times(world_parts):
    calls, customers = world_parts["calls"], world_parts["customers"].set_index("customer_id")
    known = calls[calls["customer_id"] >= 0]
    digits = known["ani"].str.replace(r"\D", "", regex=True).str[-9:]
    phone = customers["phone"].reindex(known["customer_id"]).str.replace(r"\D", "", regex=True).str[-9:]
    assert (digits.to_numpy() == phone.to_numpy()).all()
    assert 0.1 < (known["ani"].to_numpy() != customers["phone"].reindex(known["customer_id"]).to_numpy()).mean() < 0.6
    assert 0.015 < (calls["customer_id"] == -1).mean() < 0.05
    general = calls[(calls["direction"] == "inbound") & (calls["ticket_id"] < 0)]
    assert 0.2 < general["ivr_contained"].mean() < 0.35
    assert 0.02 < (calls["direction"] == "outbound").mean() < 0.15
    ivr = calls["ivr_contained"]
    assert (calls.loc[ivr, ["talk_s", "hold_s", "wrap_s"]] == 0).all().all()
    aht = (calls["talk_s"] + calls["hold_s"] + calls["wrap_s"])[~ivr]
    assert 180 < aht.mean() < 300 and (aht > 0).all()


def test_queue_step_keeps_rows_and_fills_consistent_outcomes(world_parts):
    calls, q, agents = world_parts["calls"], world_parts["queued"], world_parts["agents"]
    assert list(q.columns) == list(calls.columns) and len(q) == len(calls)
    for col in ("call_id", "customer_id", "ticket_id", "ani", "queue", "direction", "arrival_ts", "ivr_contained"):
        assert q[col].equals(calls[col]), col
    assert q["wait_s"].notna().all() and (q["wait_s"] >= 0).all()
    ab = q["abandoned"]
    assert (q.loc[ab, ["talk_s", "hold_s", "wrap_s"]] == 0).all().all() and (q.loc[ab, "agent_id"] == -1).all()
    assert (q.loc[ab, "wait_s"] > 0).all()
    ivr = q["ivr_contained"]
    assert (q.loc[ivr, "wait_s"] == 0).all() and (q.loc[ivr, "agent_id"] == -1).all() and not ab[ivr].any()
    out = q["direction"] == "outbound"
    assert (q.loc[out, "wait_s"] == 0).all() and not ab[out].any()
    served = q[~ab & ~ivr]
    assert (served["agent_id"] >= 0).all()
    a = agents.set_index("agent_id").loc[served["agent_id"]]
    assert (a["queue"].to_numpy() == served["queue"].to_numpy()).all()
    hour = served["arrival_ts"].dt.hour.to_numpy()
    start = a["shift"].map(lambda s: SHIFTS[s][0]).to_numpy()
    stop = a["shift"].map(lambda s: SHIFTS[s][1]).to_numpy()
    assert ((start <= hour) & (hour < stop)).all()


def test_default_like_load_gets_a_realistic_service_level():
    agents = agents_for(10_000)
    per_day = 10_000 * 0.75 * callcentre.ACTIVE_SHARE["lifecycle"] * callcentre.AGENT_CALLS_PER_YEAR / 365  # domestic
    q = callcentre.queue_calls(synthetic_weeks(agents, calls_per_day=per_day, weeks=8), agents,
                               rng=np.random.default_rng(1))
    assert 0.70 < sl20(q) < 0.92
    assert 0.02 < q["abandoned"].mean() < 0.2
    answered = q[~q["abandoned"]]
    assert answered["wait_s"].mean() < 60


def test_service_level_falls_and_abandonment_rises_when_agents_are_removed():
    agents = agents_for(100_000)
    calls = synthetic_weeks(agents, calls_per_day=450, weeks=4)
    full = callcentre.queue_calls(calls, agents, rng=np.random.default_rng(2))
    dom = agents[agents["queue"] == "domestic_zh"]
    fewer = agents.drop(dom.groupby("shift").head(1).index)  # one agent fewer on every shift
    short = callcentre.queue_calls(calls, fewer, rng=np.random.default_rng(2))
    assert short["abandoned"].mean() > full["abandoned"].mean() + 0.02
    assert sl20(short) < sl20(full) - 0.05


def test_littles_law_holds_on_the_queued_log():
    agents = agents_for(10_000)
    q = callcentre.queue_calls(synthetic_weeks(agents, calls_per_day=60, weeks=8, seed=3), agents,
                               rng=np.random.default_rng(4))
    t0 = q["arrival_ts"].min().floor("D").to_datetime64().astype("datetime64[s]").astype(np.int64)
    arrive = q["arrival_ts"].to_numpy().astype(np.int64) - t0
    leave = arrive + q["wait_s"].to_numpy()
    horizon = 8 * 7 * 86_400
    grid = np.arange(0, horizon, 5.0)
    in_queue = (np.searchsorted(np.sort(arrive), grid, side="right")
                - np.searchsorted(np.sort(leave), grid, side="right"))
    lam = len(q) / horizon
    assert q["wait_s"].mean() > 5
    assert in_queue.mean() == pytest.approx(lam * q["wait_s"].mean(), rel=0.05)


def test_same_seed_same_log(world_parts):
    again = callcentre.render_calls(tickets=world_parts["tickets"], customers=world_parts["customers"], end=END,
                                    rng=np.random.default_rng(5))
    pd.testing.assert_frame_equal(world_parts["calls"], again)
    queued = callcentre.queue_calls(again, world_parts["agents"], rng=np.random.default_rng(6))
    pd.testing.assert_frame_equal(world_parts["queued"], queued)
    other = callcentre.queue_calls(again, world_parts["agents"], rng=np.random.default_rng(7))
    assert not other["wait_s"].equals(queued["wait_s"])


def test_general_calls_stop_at_churn_and_ticket_calls_do_not(world_parts):
    customers, tickets = world_parts["customers"], world_parts["tickets"]
    rng = np.random.default_rng(9)
    churn = np.where(rng.random(len(customers)) < 0.5, customers["signup_date"].to_numpy()
                     + np.timedelta64(90, "D"), np.datetime64("NaT")).astype("datetime64[s]")
    calls = callcentre.render_calls(tickets=tickets, customers=customers, end=END, rng=np.random.default_rng(5),
                                    churn_ts=churn)
    by_id = pd.Series(churn, index=customers["customer_id"])
    general = calls[(calls["ticket_id"] < 0) & (calls["customer_id"] >= 0)]
    c = by_id.reindex(general["customer_id"]).to_numpy()
    assert not (~np.isnat(c) & (general["arrival_ts"].to_numpy() >= c)).any()
    before = world_parts["calls"]
    assert len(general) < 0.8 * ((before["ticket_id"] < 0) & (before["customer_id"] >= 0)).sum()
    ticket_calls = calls.loc[calls["ticket_id"] >= 0, "ticket_id"].value_counts().sort_index()
    before_calls = before.loc[before["ticket_id"] >= 0, "ticket_id"].value_counts().sort_index()
    assert ticket_calls.index.equals(before_calls.index)


def test_agents_without_buyer_weights_split_cross_border_customers_evenly():
    shops = make_shops().drop(columns="buyer_weights")
    agents = callcentre.make_agents(shops=shops, n_customers=10_000, pools=None, rng=np.random.default_rng(0))
    assert set(agents["queue"]) == set(agents_for(10_000)["queue"])
