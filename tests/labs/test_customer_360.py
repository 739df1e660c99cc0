"""The customer-360 viewer lab: the LIKE search (escaped, parameterised, limited), the timeline and the card's
numbers on the lecture's three example customers, the query plan it shows, and the widget driven by its box."""

import pytest
from crmlab.autograde.tasks.crm_functions_db import example_database
from crmlab.autograde.tasks.crm_functions_examples import VIEW_ROWS, VIEW_WANT
from crmlab.labs.customer_360 import (
    build_ui,
    card_html,
    label,
    like_pattern,
    profile,
    query_plan,
    search,
    start_customer,
    summary,
    timeline,
    timeline_html,
)


@pytest.fixture
def con():
    return example_database(VIEW_ROWS)


def test_like_pattern_escapes_wildcards():
    assert like_pattern(" lee ") == "%lee%"
    assert like_pattern("50%_off\\") == "%50\\%\\_off\\\\%"


def test_search_finds_names_and_emails_case_insensitively(con):
    assert list(search(con, "LEE")["contact_id"]) == ["A1"]
    assert list(search(con, "mail.cn")["contact_id"]) == ["A1", "N1"]  # by name: Ann Lee, Nina Xu
    assert search(con, "%").empty  # a literal percent sign matches nobody here
    assert search(con, "   ").empty
    assert list(search(con, "a", limit=2)["name"]) == ["Ann Lee", "Bo Wang"]
    assert search(con, "x' OR 1=1 --").empty  # the text is a parameter, never SQL


def test_timeline_and_card_numbers_match_the_view_definition(con):
    events = timeline(con, "A1")
    assert list(events["kind"]) == ["order", "call", "call", "case", "call", "case", "order", "order"]
    assert events["at"].is_monotonic_decreasing
    for cid, (orders, revenue, open_cases, calls, won, last) in VIEW_WANT.items():
        numbers = summary(timeline(con, cid))
        assert (numbers["orders"], numbers["revenue"], numbers["open_cases"], numbers["calls"], numbers["won"],
                numbers["last_contact"]) == (orders, revenue, open_cases, calls, won, last)
    b1 = timeline(con, "B1")
    assert set(b1["kind"]) == {"call", "deal"} and len(b1) == 5
    card = card_html(profile(con, "B1"), summary(b1))
    assert "Beta Trading" in card and "8,000.00 CNY" in card
    assert profile(con, "nobody") == {} and "没有找到" in card_html({}, {})
    html = timeline_html(events, shown=3)
    assert html.count("<tr>") == 4 and "newest 3 of 8" in html


def test_search_plan_scans_contacts(con):
    assert any(step.startswith("SCAN contacts") for step in query_plan(con))


def test_widget_opens_on_a_full_customer_and_follows_the_box(con):
    assert start_customer(con) == "A1"  # orders, cases and calls
    ui = build_ui(con)
    assert "Ann Lee" in ui.card.value and "O3" in ui.events.value and "%Ann Lee%" in ui.sql_out.value
    ui.box.value = "wang"
    assert ui.box.options == ("Bo Wang <bo@beta.cn> · B1",) and "找到 1 位" in ui.sql_out.value
    ui.box.value = ui.box.options[0]
    assert "Beta Trading" in ui.card.value and "Y1" in ui.events.value
    row = next(search(con, "nina").itertuples(index=False))
    ui.box.value = "nina"
    ui.box.value = label(row)
    assert "Nina Xu" in ui.card.value and "最近接触 last contact —" in ui.card.value
