"""The LAST complaint role-play: its pure scoring functions, the case drawn from the data, and the widget."""

import itertools
import math

import pandas as pd
import pytest
from crmlab.labs.complaint_roleplay import (
    DEFAULT_PATH,
    LAST,
    REPLIES,
    Scenario,
    build_ui,
    card_html,
    result_html,
    rules_html,
    scenario_from,
    score_path,
    start_mood,
)

CASE = Scenario("T9", "damaged", 320.0, 2.5, 6.0, "domestic")


def test_last_in_order_is_the_best_four_step_path():
    paths = itertools.product(REPLIES, repeat=4)
    best = max(paths, key=lambda p: score_path(p, CASE)["mood"])
    assert best == LAST
    result = score_path(LAST, CASE)
    assert result["skipped"] == [] and result["out_of_order"] == []
    assert 1.0 <= result["satisfaction"] <= 5.0 and 0.0 < result["repurchase"] < 1.0


def test_order_matters_and_skips_are_named():
    solve_first = score_path(("solve", "listen", "apologise", "thank"), CASE)
    assert solve_first["mood"] < score_path(LAST, CASE)["mood"]
    assert set(solve_first["out_of_order"]) == {"solve", "listen", "apologise"}
    skipped = score_path(("listen", "apologise", "thank", "policy"), CASE)
    assert skipped["skipped"] == ["solve"] and "thank" in skipped["out_of_order"]


def test_blaming_costs_and_repeats_add_nothing():
    base = score_path(("listen",), CASE)["mood"]
    assert score_path(("listen", "defend"), CASE)["mood"] < score_path(("listen", "policy"), CASE)["mood"] < base
    assert score_path(("listen", "listen"), CASE)["mood"] == base
    with pytest.raises(ValueError):
        score_path(("shout",), CASE)


def test_default_path_starts_away_from_the_caps():
    result = score_path(DEFAULT_PATH, CASE)
    best = score_path(LAST, CASE)
    assert 1.5 < result["satisfaction"] < best["satisfaction"] - 1.0 and best["satisfaction"] < 4.9


def test_start_mood_worsens_with_severity_lateness_and_waiting():
    calm = Scenario("T1", "delivery_delay", 100.0, 0.0, 0.1, "domestic")
    assert start_mood(calm) > start_mood(CASE)
    assert start_mood(Scenario("T2", "damaged", 1.0, math.nan, 0.0, "cross_border")) > start_mood(CASE)
    assert start_mood(Scenario("T3", "damaged", 1.0, 99.0, 999.0, "domestic")) == pytest.approx(-0.6 - 0.8 - 0.5 - 0.48)


@pytest.fixture
def tables():
    t = pd.DataFrame({
        "ticket_id": ["T1", "T2", "T3", "T4"], "shop_id": ["S1", "S2", "S1", "S1"], "order_id": ["O1", "O2", "", "O1"],
        "kind": ["complaint", "complaint", "complaint", "enquiry"],
        "category": ["delivery_delay", "customs", "payment", "enquiry"],
        "opened_ts": pd.to_datetime(["2025-01-01 09:00", "2025-02-01 09:00", "2024-12-01 00:00", "2024-11-01 00:00"]),
        "first_response_ts": pd.to_datetime(["2025-01-01 13:00", "2025-02-01 10:30", "2024-12-01 00:00",
                                             "2024-11-01 00:00"]),
        "resolved_ts": pd.to_datetime(["2025-01-02", None, None, "2024-11-01"])})
    o = pd.DataFrame({"order_id": ["O1", "O2"], "items_subtotal": [100.0, 50.0], "discount": [10.0, 0.0],
                      "fx_rate_to_cny": [1.0, 7.0],
                      "promised_delivery_date": pd.to_datetime(["2024-12-28", "2025-01-20"]),
                      "delivered_ts": pd.to_datetime(["2024-12-31 12:00", None])})
    s = pd.DataFrame({"shop_id": ["S1", "S2"], "kind": ["domestic", "cross_border"]})
    return t, o, s


def test_scenario_from_takes_the_first_unresolved_complaint_about_an_order(tables):
    case = scenario_from(*tables)
    assert case.ticket_id == "T2" and case.category == "customs" and case.shop_kind == "cross_border"
    assert case.order_value_cny == 350.0 and math.isnan(case.late_days) and case.wait_hours == pytest.approx(1.5)
    chosen = scenario_from(*tables, ticket_id="T1")
    assert chosen.late_days == pytest.approx(3.5) and chosen.order_value_cny == 90.0


def test_html_shows_every_fact_and_the_rules():
    card = card_html(CASE)
    assert "damaged" in card and "320.00" in card and "2.5" in card and "6.0" in card and "不含运费与关税" in card
    rules = rules_html(CASE)
    assert f"{start_mood(CASE):.2f}" in rules and "+1.4" in rules and "-0.9" in rules
    assert "solve" in result_html(score_path(("listen",), CASE))


def test_widget_rescores_when_a_turn_changes(tables):
    lab = build_ui(tickets=tables[0], orders=tables[1], shops=tables[2])
    before = lab.result.value
    for turn, reply in zip(lab.turns, LAST, strict=True):
        turn.value = reply
    assert lab.result.value != before and "无 none" in lab.result.value
