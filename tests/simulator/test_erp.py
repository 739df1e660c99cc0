"""erp_invoices: the ERP invoices the won deals to the cent except for the mismatches truth/erp_issues lists, and
every listed mismatch is what its kind says."""

import numpy as np
import pandas as pd
import pytest
from crmlab.simulator import erp
from worlds import world_fixture  # noqa: F401  (session fixture world)


@pytest.fixture(scope="module")
def parts(world):
    inv, iss, opp = world.erp_invoices, world.truth.erp_issues, world.opportunities
    won = opp[opp["sales_stage"] == "Closed Won"].set_index("opportunity_id")
    live = inv[inv["status"] != "cancelled"]
    return inv, iss.set_index("crm_ref"), won, live.groupby("crm_ref")["amount"].sum()


def test_clean_deals_are_invoiced_to_the_cent(world, parts):
    inv, iss, won, live_sum = parts
    clean = won.index.difference(iss.index)
    assert np.allclose(live_sum.reindex(clean).to_numpy(), won.loc[clean, "amount"].to_numpy(), atol=0.001, rtol=0)
    mine = inv[inv["crm_ref"].isin(clean)]
    per_deal = mine[mine["status"] != "cancelled"].groupby("crm_ref").size()
    assert per_deal.between(1, 3).all() and set(per_deal) == {1, 2, 3}
    close_day = won["close_date"].dt.normalize().reindex(mine["crm_ref"]).to_numpy()
    assert (mine["invoice_date"].to_numpy() >= close_day).all()
    assert (mine["customer_id"].to_numpy() == won["customer_id"].reindex(mine["crm_ref"]).to_numpy()).all()
    redone = mine[mine["status"] == "cancelled"]  # a clean deal's cancelled invoice was re-issued
    assert len(redone)
    for ref, amount, day in redone[["crm_ref", "amount", "invoice_date"]].itertuples(index=False):
        again = mine[(mine["crm_ref"] == ref) & (mine["status"] != "cancelled") & (mine["amount"] == amount)]
        assert (again["invoice_date"] >= day).any(), ref


def test_invoice_columns(world):
    inv = world.erp_invoices
    end = pd.Timestamp(world.truth.params["config"]["end"])
    assert (inv["invoice_date"] < end).all() and (inv["invoice_date"] == inv["invoice_date"].dt.normalize()).all()
    assert inv["invoice_id"].is_monotonic_increasing and inv["invoice_date"].is_monotonic_increasing
    assert set(inv["status"]) == {"paid", "open", "cancelled"} and (inv["amount"] > 0).all()
    assert np.allclose(inv["amount"], inv["amount"].round(2), atol=1e-9, rtol=0)
    currency = world.shops.set_index("shop_id")["currency"]
    assert (inv["currency"].to_numpy() == currency.reindex(inv["shop_id"]).to_numpy()).all()


def test_every_issue_is_what_it_says(world, parts):
    inv, iss, won, live_sum = parts
    assert np.allclose(iss["erp_amount"], live_sum.reindex(iss.index).fillna(0.0), atol=0.001, rtol=0)
    deals = iss[iss["issue"] != "orphan"]
    assert np.array_equal(deals["crm_amount"].to_numpy(), won.loc[deals.index, "amount"].to_numpy())
    assert iss.loc[iss["issue"] == "orphan", "crm_amount"].isna().all()
    by_ref = {ref: g for ref, g in inv.groupby("crm_ref")}
    for ref, row in iss.iterrows():
        g = by_ref.get(ref, inv.iloc[:0])
        live = g[g["status"] != "cancelled"]
        twice = live.duplicated(["amount", "invoice_date"], keep=False).any()
        if row["issue"] == "missing":
            assert g.empty, ref
        elif row["issue"] == "amount":
            assert abs(live["amount"].sum() - row["crm_amount"]) >= 0.01 and len(live) == len(g) and not twice, ref
        elif row["issue"] == "duplicate":
            assert twice and live["amount"].sum() > row["crm_amount"] and len(live) == len(g), ref
        elif row["issue"] == "cancelled":
            gone = g[g["status"] == "cancelled"]
            assert len(gone) == 1 and live["amount"].sum() < row["crm_amount"] - 0.001, ref  # not re-issued
            assert abs(live["amount"].sum() + gone["amount"].sum() - row["crm_amount"]) < 0.001, ref
        else:
            assert ref not in won.index and len(g), ref


def test_every_invoice_is_a_won_deal_or_a_listed_orphan(world, parts):
    inv, iss, won, _ = parts
    orphans = set(iss.index[iss["issue"] == "orphan"])
    assert set(inv["crm_ref"]) <= set(won.index) | orphans
    ids = set(world.opportunities["opportunity_id"])
    assert any(r in ids for r in orphans) and any(r not in ids for r in orphans)  # both kinds of orphan


def test_mismatches_are_frequent_enough_to_count(parts):
    _, iss, won, _ = parts
    counts = iss["issue"].value_counts()
    assert set(counts.index) == {"missing", "amount", "duplicate", "cancelled", "orphan"}
    assert counts.min() >= 5
    assert 0.08 <= counts.drop("orphan").sum() / len(won) <= 0.17


def test_instalments_add_up_exactly():
    rng = np.random.default_rng(0)
    cents = rng.integers(100, 10**9, 500)
    k = rng.integers(1, 4, 500)
    row, part, pos = erp._split(cents, k, rng)
    assert np.array_equal(np.bincount(row, weights=part).astype(np.int64), cents) and (part > 0).all()
    assert np.array_equal(np.bincount(row), k) and (pos < k[row]).all()


def test_typo_amounts_always_differ():
    cents = np.array([100, 1100, 12345, 98765400, 5500, 10])
    assert (erp._typo_amount(cents, np.random.default_rng(1)) != cents).all()
