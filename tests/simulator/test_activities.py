"""activities: every polymorphic parent resolves in its table, activities fall inside the parent's life, the
status fits the type and the date, opportunities' activities follow the sales stages in order."""

import numpy as np
import pandas as pd
import pytest
from crmlab.simulator import activities as act
from crmlab.simulator.data import activity_words as words
from worlds import world_fixture  # noqa: F401  (session fixture world)


@pytest.fixture(scope="module")
def acts(world):
    return world.activities


@pytest.fixture(scope="module")
def end(world):
    return pd.Timestamp(world.truth.params["config"]["end"])


def test_parents_resolve_by_type(world, acts):
    assert set(acts["parent_type"]) == {"Leads", "Opportunities", "Accounts", "Contacts"}
    assert set(acts["activity_type"]) == set(words.ACTIVITY_TYPES)
    b2b = world.customers.loc[world.customers["customer_type"] == "B2B", ["customer_id", "shop_id"]]
    tables = {"Leads": world.leads[["lead_id", "shop_id"]], "Opportunities": world.opportunities[["opportunity_id",
                                                                                                   "shop_id"]],
              "Accounts": b2b, "Contacts": b2b}
    for kind, table in tables.items():
        rows = acts[acts["parent_type"] == kind]
        shop = table.set_index(table.columns[0])["shop_id"].reindex(rows["parent_id"])
        assert shop.notna().all(), kind
        assert (shop.to_numpy() == rows["shop_id"].to_numpy()).all(), kind


def test_dates_inside_the_parents_life(world, acts, end):
    planned = acts["status"] == "Planned"
    assert (acts.loc[~planned, "date_start"] < end).all()
    assert acts.loc[planned, "date_start"].between(end, end + pd.Timedelta(days=words.NEXT_STEP_DAYS + 1)).all()
    leads = world.leads.set_index("lead_id")
    la = acts[(acts["parent_type"] == "Leads")]
    lead = leads.reindex(la["parent_id"])
    assert (la["date_start"].to_numpy() >= lead["created_ts"].to_numpy()).all()
    conv = lead["converted"].to_numpy()
    assert (la["date_start"].to_numpy()[conv] <= lead["converted_ts"].to_numpy()[conv]).all()
    assert lead.loc[planned[la.index].to_numpy(), "status"].isin(act.OPEN_LEADS).all()
    oa = acts[acts["parent_type"] == "Opportunities"]
    opp = world.opportunities.set_index("opportunity_id").reindex(oa["parent_id"])
    closed = opp["sales_stage"].str.startswith("Closed").to_numpy()
    assert (oa["date_start"].to_numpy() >= opp["created_ts"].to_numpy()).all()
    assert (oa["date_start"].to_numpy()[closed] <= opp["close_date"].to_numpy()[closed]).all()
    assert not (planned[oa.index].to_numpy() & closed).any()
    aa = acts[acts["parent_type"].isin(["Accounts", "Contacts"])]
    since = world.leads[world.leads["converted"]].set_index("customer_id")["converted_ts"].reindex(aa["parent_id"])
    assert (aa["date_start"].to_numpy() >= since.to_numpy()).all()


def test_status_fits_type_and_date(acts):
    talk = acts["activity_type"].isin(["Call", "Meeting"])
    planned = acts["status"] == "Planned"
    assert (acts.loc[~planned & talk, "status"].isin(["Held", "Not Held"])).all()
    assert (acts.loc[~planned & ~talk, "status"] == "Completed").all()
    assert acts.loc[planned, "activity_type"].isin(["Call", "Meeting", "Task"]).all() and planned.any()
    assert 0.05 <= (acts.loc[talk & ~planned, "status"] == "Not Held").mean() <= 0.35
    assert acts["activity_id"].is_monotonic_increasing and acts["date_start"].is_monotonic_increasing


def test_more_activities_for_worked_and_won_parents(world, acts):
    n = acts.groupby("parent_id").size()
    leads = world.leads.assign(n=n.reindex(world.leads["lead_id"]).fillna(0).to_numpy())
    by = leads.groupby("status")["n"].mean()
    assert by["In Process"] > by["New"] and by["Converted"] > by["Assigned"]
    opps = world.opportunities.assign(n=n.reindex(world.opportunities["opportunity_id"]).fillna(0).to_numpy())
    by = opps.groupby("sales_stage")["n"].mean()
    assert by["Closed Won"] > by["Closed Lost"] and (opps["n"] >= 1).all()


def test_opportunity_stages_in_order(acts):
    oa = acts[(acts["parent_type"] == "Opportunities")]
    names = {**{s: i for i, s in enumerate(act.OPEN_STAGES)}, **{z: i for i, z in enumerate(words.STAGES_ZH.values())}}
    stage = oa["subject"].str.split(r"｜| \| ", regex=True).str[0].map(names)
    assert stage.notna().all()
    steps = stage.groupby(oa["parent_id"].to_numpy()).diff().dropna()
    assert (steps >= 0).all()


def test_small_teams_and_owners(acts):
    team = acts.groupby("shop_id")["assigned_user"].nunique()
    assert team.between(*words.TEAM_SIZE).all()
    many = acts.groupby("parent_id").filter(lambda g: len(g) >= 4)
    top = many.groupby("parent_id")["assigned_user"].agg(lambda s: s.value_counts().iloc[0] / len(s))
    assert top.mean() >= 0.75


def test_office_hours(acts):
    hour = acts["date_start"].dt.hour
    assert hour.between(*np.array(act.WORK_HOURS) - (0, 1)).mean() >= 0.97
