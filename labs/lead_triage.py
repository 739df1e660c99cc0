"""The MAN triage role-play of lecture 2: read a lead card, choose an action, get immediate feedback.

A card from ``world.leads`` shows the prospect's company, job title, stated need and budget, with the shop's
budget threshold for M (money) in the shop's currency, so every fact the judgement needs is on the card. The student
picks pursue now / contact / cultivate / drop; the lab compares that with the class the student's own
``man_class(money, authority, need)`` (task 7 of the notebook, passed in, so this module holds no answer)
gives for the lead's recorded M, A, N flags, reveals the flags, and keeps a running score.

Pure functions (:func:`draw_cards`, :func:`card_html`, :func:`score_action`, :func:`score_text`) do the
work; :func:`build_ui` only wires them to ipywidgets and runs headless (no waits).
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as widgets
import numpy as np
import pandas as pd

# ToggleButtons options: (label shown, man_class label it stands for)
ACTIONS = [("立即跟进 pursue now", "ideal"), ("联系 contact", "contact"),
           ("长期培养 cultivate", "cultivate"), ("放弃 drop", "drop")]
CARD_COLUMNS = ["lead_id", "shop_id", "company", "job_title", "stated_need", "budget", "man_money",
                "man_authority", "man_need"]


def draw_cards(leads: pd.DataFrame, *, rng: np.random.Generator, n_cards: int = 10) -> pd.DataFrame:
    """A random deck of ``n_cards`` leads (without replacement), rows in draw order.

    Parameters
    ----------
    leads : DataFrame
        ``world.leads`` (at least the columns in ``CARD_COLUMNS``).
    rng : numpy.random.Generator
        Source of randomness; the same state gives the same deck.
    n_cards : int, default=10
        Cards in the deck; capped at the number of leads.

    Returns
    -------
    DataFrame
        ``CARD_COLUMNS`` of the drawn leads, index 0..n_cards-1.
    """
    take = rng.choice(len(leads), size=min(n_cards, len(leads)), replace=False)
    return leads.iloc[take][CARD_COLUMNS].reset_index(drop=True)


def card_html(card: pd.Series, *, number: int, total: int, threshold: float | None = None,
              currency: str = "") -> str:
    """The lead card as HTML: company, job title, stated need, budget and the shop's M threshold (shop currency).

    A budget of 0 means unknown. ``threshold`` is the stated budget from which a lead counts as having the
    money (M: budget >= threshold); the card shows it so the judgement can be made from the card alone.
    """
    unit = f" {currency}" if currency else "（店铺币种 shop currency）"
    budget = "未知 unknown" if not card["budget"] else f"{card['budget']:,.0f}{unit}"
    fields = [("公司 company", card["company"]), ("职位 job title", card["job_title"]),
              ("需求 stated need", card["stated_need"]), ("年度预算 budget", budget)]
    if threshold is not None:
        fields.append(("本店 M 门槛 threshold", f"预算 ≥ {threshold:,.0f}{unit} 才算有购买力 (M)"))
    rows = "".join(f"<tr><td><b>{k}</b></td><td>{html.escape(str(v))}</td></tr>" for k, v in fields)
    return f"<h4>线索 lead {number}/{total} · {html.escape(str(card['lead_id']))}</h4><table>{rows}</table>"


def score_action(action: str, card: pd.Series, *, man_class: Callable) -> dict[str, object]:
    """Compare the chosen action with ``man_class`` applied to the card's M, A, N flags.

    Returns
    -------
    dict
        ``correct`` (bool, or None when ``man_class`` is not written yet or fails), ``want`` (the label,
        or None) and ``message`` (HTML feedback revealing the flags).
    """
    flags = (bool(card["man_money"]), bool(card["man_authority"]), bool(card["man_need"]))
    shown = " ".join(f"{c}{'✓' if f else '✗'}" for c, f in zip("MAN", flags, strict=True))
    try:
        want = man_class(*flags)
    except NotImplementedError:
        return {"correct": None, "want": None, "message": "先完成任务 7 的 man_class（finish task 7 first）"}
    except Exception as exc:  # noqa: BLE001 - the student's code may fail in any way; the lab must keep running
        return {"correct": None, "want": None, "message": f"man_class 出错 raised {type(exc).__name__}: {exc}"}
    label = dict((v, k) for k, v in ACTIONS).get(want, str(want))
    if action == want:
        return {"correct": True, "want": want, "message": f"✔ 正确 correct：{shown} → {html.escape(label)}"}
    return {"correct": False, "want": want,
            "message": f"✘ 记录的条件是 {shown}，按你的 man_class 应为 {html.escape(label)}"}


def score_text(right: int, answered: int) -> str:
    """Running score, e.g. '得分 score: 3 / 4'."""
    return f"得分 score: {right} / {answered}"


class LeadTriageLab(widgets.VBox):
    """The lab's container; controls and outputs are attributes so tests can drive and read them."""

    def __init__(self, deck: pd.DataFrame, man_class: Callable, *, thresholds: dict | None = None,
                 currencies: dict | None = None):
        self.deck, self.man_class = deck, man_class
        self.thresholds, self.currencies = dict(thresholds or {}), dict(currencies or {})
        self.position, self.right, self.answered = 0, 0, 0
        self.card = widgets.HTML()
        self.action = widgets.ToggleButtons(options=ACTIONS, value=None, description="行动 action")
        self.feedback = widgets.HTML()
        self.score = widgets.Label(value=score_text(0, 0))
        self.next = widgets.Button(description="下一条 next lead")
        self.action.observe(self.answer, names="value")
        self.next.on_click(self.advance)
        super().__init__([self.card, self.action, self.feedback, self.score, self.next])
        self.show()

    def show(self) -> None:
        """Show the current card with no action chosen."""
        card = self.deck.iloc[self.position]
        shop = str(card.get("shop_id", ""))
        self.card.value = card_html(card, number=self.position + 1, total=len(self.deck),
                                    threshold=self.thresholds.get(shop), currency=self.currencies.get(shop, ""))
        self.feedback.value = ""
        self.scored = False

    def answer(self, change=None) -> None:
        """Score the chosen action once per card (later changes only update the feedback)."""
        if self.action.value is None:
            return
        result = score_action(self.action.value, self.deck.iloc[self.position], man_class=self.man_class)
        self.feedback.value = result["message"]
        if result["correct"] is not None and not self.scored:
            self.scored = True
            self.answered += 1
            self.right += int(result["correct"])
            self.score.value = score_text(self.right, self.answered)

    def advance(self, button=None) -> None:
        """Move to the next card (wrapping round) and clear the action."""
        self.position = (self.position + 1) % len(self.deck)
        self.action.value = None
        self.show()


def build_ui(*, leads: pd.DataFrame, man_class: Callable, thresholds: dict | None = None,
             currencies: dict | None = None, seed: int = 0, n_cards: int = 10) -> LeadTriageLab:
    """The MAN triage lab: a lead card, action ToggleButtons, feedback, running score and a next button.

    Parameters
    ----------
    leads : DataFrame
        ``world.leads``.
    man_class : callable
        ``man_class(money, authority, need) -> str`` (the student's task 7), returning ideal / contact /
        cultivate / drop.
    thresholds, currencies : dict, optional
        ``{shop_id: M threshold}`` (a stated annual budget, shop currency) and ``{shop_id: ISO currency}``,
        shown on each card so the M judgement can be made from the card.
    seed : int, default=0
        Seed of the ``numpy.random.Generator`` that draws the deck.
    n_cards : int, default=10
        Cards in the deck.

    Returns
    -------
    LeadTriageLab
        An ``ipywidgets.VBox``; pass it to ``display``.
    """
    deck = draw_cards(leads, rng=np.random.default_rng(seed), n_cards=n_cards)
    return LeadTriageLab(deck, man_class, thresholds=thresholds, currencies=currencies)
