"""ticket_events: each ticket's status history agrees with ``tickets``, follows ``schema.CASE_TRANSITIONS`` but
for the injected violations, and the truth names exactly those."""

import numpy as np
import pandas as pd
import pytest
from crmlab.simulator import schema, ticket_events as te
from worlds import world_fixture  # noqa: F401  (session fixture world)


@pytest.fixture(scope="module")
def ev(world):
    e = world.ticket_events.copy()
    tr = world.truth.ticket_events
    assert (e["ticket_id"].to_numpy() == tr["ticket_id"].to_numpy()).all()
    assert (e["seq"].to_numpy() == tr["seq"].to_numpy()).all()
    e["valid"], e["injected"] = tr["valid"].to_numpy(), tr["injected"].to_numpy()
    first = e["seq"].to_numpy() == 1
    e["prev_to"] = np.where(first, "", e["to_status"].shift(fill_value="").to_numpy())
    return e


def test_sequence_and_times(world, ev):
    assert set(ev["ticket_id"]) == set(world.tickets["ticket_id"])
    n = ev.groupby("ticket_id", sort=False).size()
    assert (ev.groupby("ticket_id", sort=False)["seq"].max() == n).all()
    assert (ev.groupby("ticket_id", sort=False)["event_ts"].diff().dropna() >= pd.Timedelta(0)).all()
    assert (ev["event_ts"] < pd.Timestamp(world.truth.params["config"]["end"])).all()
    assert set(ev["to_status"]) == set(schema.CASE_STATUSES)
    assert {"", "Open_New", "Open_Assigned", "Open_Pending Input", "Closed_Closed"} <= set(ev["from_status"])
    assert set(ev["from_status"]) <= {"", *schema.CASE_STATUSES}


def test_history_agrees_with_the_ticket(world, ev):
    t = world.tickets.set_index("ticket_id")
    first = ev[ev["seq"] == 1].set_index("ticket_id")
    assert (first["from_status"] == "").all() and (first["to_status"] == "Open_New").all()
    assert (first["event_ts"] == t["opened_ts"].reindex(first.index)).all() and (first["agent_id"] == "").all()
    last = ev.groupby("ticket_id").tail(1).set_index("ticket_id")
    closed = (t["status"] == "closed").reindex(last.index)
    assert (last["to_status"].str.startswith("Closed_") == closed).all()
    assert (last.loc[closed, "event_ts"] == t.loc[closed[closed].index, "resolved_ts"]).all()
    reopen = ev[ev["from_status"].str.startswith("Closed_") & ev["to_status"].str.startswith("Open_")]
    assert set(reopen["ticket_id"]) == set(t.index[t["reopened"]])
    assign = ev[(ev["from_status"] == "Open_New") & (ev["to_status"] == "Open_Assigned")].drop_duplicates("ticket_id")
    assert (assign["event_ts"].to_numpy() <= t["first_response_ts"].reindex(assign["ticket_id"]).to_numpy()).all()
    never = t.index.difference(assign["ticket_id"])
    how = ev[ev["ticket_id"].isin(never) & (ev["from_status"] == "Open_New")].drop_duplicates("ticket_id")
    first_touch = how["to_status"].isin(["Closed_Duplicate", "Closed_Rejected"]).to_numpy()
    assert ((how["injected"] == "skip_assign").to_numpy() | first_touch).all() and len(how) == len(never)
    assert (t.loc[how["ticket_id"][first_touch], "resolved_ts"].to_numpy()
            == t.loc[how["ticket_id"][first_touch], "first_response_ts"].to_numpy()).all()
    owner = t["agent_id"].reindex(ev["ticket_id"]).to_numpy()
    assert ((ev["agent_id"].to_numpy() == owner) | (ev["to_status"] == "Open_New").to_numpy()).all()


def test_truth_names_every_violation(ev):
    pairs = list(zip(ev["from_status"], ev["to_status"], strict=True))
    assert (ev["valid"].to_numpy() == np.array([p in schema.CASE_TRANSITIONS for p in pairs])).all()
    assert set(ev["injected"]) == set(te.INJECTED)
    broken = ev["from_status"] != ev["prev_to"]  # the chain breaks only at a duplicated event's copy
    assert (broken == (ev["injected"] == "duplicate")).all()
    assert ((ev["injected"] == "") == (ev["valid"] & ~broken)).all() and not (~ev["valid"] & broken).any()
    shape = {"skip_assign": ("Open_New", "Closed_Closed"), "closed_to_pending": ("Closed_Closed", "Open_Pending Input"),
             "pending_to_closed": ("Open_Pending Input", "Closed_Closed")}
    for kind, (a, b) in shape.items():
        rows = ev[ev["injected"] == kind]
        assert len(rows) and (rows["from_status"] == a).all() and (rows["to_status"] == b).all(), kind
    copies = np.flatnonzero((ev["injected"] == "duplicate").to_numpy())
    cols = ["ticket_id", "event_ts", "from_status", "to_status", "agent_id"]
    assert (ev.iloc[copies][cols].to_numpy() == ev.iloc[copies - 1][cols].to_numpy()).all()
    assert ev.groupby("ticket_id")["injected"].agg(lambda s: (s != "").sum()).max() == 1  # one per ticket


def test_violations_are_a_few_percent_and_cluster_by_agent(world, ev):
    hit = ev.loc[ev["injected"] != "", "ticket_id"]
    assert 0.03 <= len(hit) / len(world.tickets) <= 0.065
    by_agent = world.tickets.assign(v=world.tickets["ticket_id"].isin(hit)).groupby("agent_id")["v"]
    rate = by_agent.mean()[by_agent.size() >= 200]
    assert rate.max() >= 2 * rate.median()


def test_agent_multipliers_pick_one_careless_agent_of_the_busiest_queue(world):
    from crmlab.simulator import engine
    from crmlab.simulator.seeding import stream

    ctx = engine.build_context(engine.make_config(seed=7))
    mult = te.agent_multipliers(agents=ctx.agents, shops=ctx.shops, rng=stream(7, "ticket_agents"))
    careless = np.flatnonzero(np.isin(mult, [te.CARELESS_AGENT_MULT, te.CARELESS_AGENT_MULT * te.NEW_AGENT_MULT]))
    assert len(careless) == 1 and ctx.agents.loc[careless[0], "queue"] == "domestic_zh"
    new = ctx.agents["tenure_months"].to_numpy() < te.NEW_AGENT_MONTHS
    assert (mult[new] >= te.NEW_AGENT_MULT).all() and (mult[~new] != te.NEW_AGENT_MULT).all()


def test_empty_block_has_no_events():
    from crmlab import simulator

    w = simulator.simulate(n_customers=2, n_shops=1, seed=1, end="2024-04-15")
    assert len(w.tickets) == 0 and len(w.ticket_events) == 0 and len(w.truth.ticket_events) == 0
