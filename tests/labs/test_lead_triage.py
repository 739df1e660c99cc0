"""The MAN triage lab: its pure functions, and the widget driven by setting control values."""

import numpy as np
import pandas as pd
import pytest
from crmlab.labs.lead_triage import ACTIONS, build_ui, card_html, draw_cards, score_action, score_text


def man_class(money, authority, need):
    """A test-side man_class: the number of conditions that hold picks the label."""
    return ["drop", "cultivate", "contact", "ideal"][int(money) + int(authority) + int(need)]


def not_done(money, authority, need):
    raise NotImplementedError()


@pytest.fixture
def leads():
    flags = [(True, True, True), (True, False, True), (False, False, True), (False, False, False)]
    return pd.DataFrame({
        "lead_id": ["L1", "L2", "L3", "L4"], "shop_id": ["S01", "S05", "S01", "S05"],
        "company": ["甲公司", "Beta GmbH", "丙科技", "Delta <Ltd>"],
        "job_title": ["总经理", "Buyer", "实习生", "Student"],
        "stated_need": ["年会礼品", "restock", "看看", "none"], "budget": [80000.0, 0.0, 500.0, 0.0],
        "man_money": [f[0] for f in flags], "man_authority": [f[1] for f in flags],
        "man_need": [f[2] for f in flags], "converted": [True, False, False, False]})


def test_draw_cards_is_reproducible_and_without_replacement(leads):
    a = draw_cards(leads, rng=np.random.default_rng(3), n_cards=3)
    b = draw_cards(leads, rng=np.random.default_rng(3), n_cards=3)
    assert a.equals(b) and a["lead_id"].is_unique and len(a) == 3
    assert "converted" not in a.columns
    assert len(draw_cards(leads, rng=np.random.default_rng(0), n_cards=99)) == 4


def test_card_html_shows_the_card_and_escapes(leads):
    text = card_html(leads.iloc[3], number=4, total=4)
    assert "Delta &lt;Ltd&gt;" in text and "4/4" in text and "未知" in text
    assert "80,000" in card_html(leads.iloc[0], number=1, total=4)


def test_card_shows_the_threshold_it_is_judged_by(leads):
    text = card_html(leads.iloc[0], number=1, total=4, threshold=50_000.0, currency="CNY")
    assert "80,000 CNY" in text and "≥ 50,000 CNY" in text
    ui = build_ui(leads=leads, man_class=man_class, thresholds={"S01": 50_000.0, "S05": 6_900.0},
                  currencies={"S01": "CNY", "S05": "USD"}, n_cards=4)
    for _ in range(4):
        shop = ui.deck.loc[ui.position, "shop_id"]
        assert ("6,900 USD" if shop == "S05" else "50,000 CNY") in ui.card.value
        ui.next.click()


@pytest.mark.parametrize(("row", "action", "correct", "want"), [
    (0, "ideal", True, "ideal"), (1, "ideal", False, "contact"),
    (2, "cultivate", True, "cultivate"), (3, "contact", False, "drop"),
])
def test_score_action(leads, row, action, correct, want):
    result = score_action(action, leads.iloc[row], man_class=man_class)
    assert result["correct"] is correct and result["want"] == want


def test_score_action_uses_the_given_function(leads):
    always_drop = score_action("drop", leads.iloc[0], man_class=lambda m, a, n: "drop")
    assert always_drop["correct"] is True
    assert "任务 7" in score_action("drop", leads.iloc[0], man_class=not_done)["message"]
    broken = score_action("drop", leads.iloc[0], man_class=lambda m, a, n: 1 / 0)
    assert broken["correct"] is None and "ZeroDivisionError" in broken["message"]


def test_widget_keeps_a_running_score(leads):
    ui = build_ui(leads=leads, man_class=man_class, seed=0, n_cards=4)
    deck = ui.deck
    assert deck.loc[0, "lead_id"] in ui.card.value and ui.action.value is None
    assert ui.score.value == score_text(0, 0)
    truth = [man_class(*deck.loc[i, ["man_money", "man_authority", "man_need"]]) for i in range(4)]
    ui.action.value = truth[0]
    assert "正确" in ui.feedback.value and ui.score.value == "得分 score: 1 / 1"
    ui.action.value = next(v for _, v in ACTIONS if v != truth[0])  # changing the answer does not rescore
    assert ui.score.value == "得分 score: 1 / 1" and "✘" in ui.feedback.value
    ui.next.click()
    assert deck.loc[1, "lead_id"] in ui.card.value and ui.action.value is None and ui.feedback.value == ""
    ui.action.value = next(v for _, v in ACTIONS if v != truth[1])
    assert ui.score.value == "得分 score: 1 / 2" and "M" in ui.feedback.value
    for _ in range(3):
        ui.next.click()
    assert deck.loc[0, "lead_id"] in ui.card.value  # wraps round


def test_widget_runs_before_task_four_is_done(leads):
    ui = build_ui(leads=leads, man_class=not_done, n_cards=2)
    ui.action.value = "ideal"
    assert "任务 7" in ui.feedback.value and ui.score.value == score_text(0, 0)
