"""The complaint-handling role-play of lecture 5: answer an angry customer in four turns, scored by LAST.

LAST (Listen – Apologise – Solve – Thank) is the front-line script many service desks train: let the customer
finish and restate the problem, apologise for the trouble, offer a remedy that fits the problem, and thank the
customer for telling you. A case card comes from a real complaint in the student's own data (category, order
value in CNY without duty, how late the parcel was, how long the customer waited for a first answer). The
student picks a reply for each turn; :func:`score_path` turns the path into the customer's mood, a 1–5
satisfaction score and a repurchase probability, and names the LAST steps that were skipped or came in the
wrong order. The weights (``EFFECTS``) are teaching assumptions in the direction the service-recovery
literature reports (TARP; de Matos, Henrique & Rossi 2007), not measurements; the view prints them.

Pure functions (:func:`scenario_from`, :func:`start_mood`, :func:`score_path`, :func:`card_html`,
:func:`result_html`) do the work; :func:`build_ui` only wires them to ipywidgets and runs headless.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import ipywidgets as widgets
import pandas as pd

LAST = ("listen", "apologise", "solve", "thank")
REPLIES = {  # reply -> text shown to the student
    "listen": "倾听 Listen：请客户把经过说完，复述问题并确认",
    "apologise": "道歉 Apologise：为给您带来的麻烦真诚道歉",
    "solve": "解决 Solve：提出补救方案（退款 / 换货 / 补偿券），并说明时限",
    "thank": "感谢 Thank：感谢您告诉我们，我们会跟进并改进",
    "policy": "讲规定：这是平台规定，我们也没有办法",
    "defend": "辩解：物流 / 海关不归我们管",
    "transfer": "推给别人：请您另外联系售后部门",
}
# mood change of a reply: (in its place, out of place). A step is in its place when the step it needs came
# earlier (NEEDS) and the step it must precede has not come yet (BEFORE): listening after a remedy is too late,
# an apology lands after the customer was heard and before the remedy, a remedy works when the problem was
# heard, thanks close a case after the remedy. Repeating a step adds nothing. Non-LAST replies always cost mood.
EFFECTS = {"listen": (0.6, 0.2), "apologise": (0.5, 0.2), "solve": (1.4, 0.6), "thank": (0.4, 0.0),
           "policy": (-0.6, -0.6), "defend": (-0.9, -0.9), "transfer": (-0.5, -0.5)}
NEEDS = {"apologise": "listen", "solve": "listen", "thank": "solve"}
BEFORE = {"listen": "solve", "apologise": "solve"}
SEVERITY = {"damaged": 0.8, "wrong_size": 0.5, "plug_voltage": 0.6, "product_quality": 0.7, "customs": 0.7,
            "delivery_delay": 0.4, "refund": 0.6, "payment": 0.6}
BASE_MOOD = -0.6   # an ordinary complaint starts unhappy; severity, lateness and waiting make it worse
REPURCHASE = (0.10, 0.60)   # repurchase probability from a furious (mood → −∞) to a delighted customer (→ +∞)
DEFAULT_PATH = ("apologise", "policy", "solve", "thank")


@dataclass(frozen=True)
class Scenario:
    """The case card: what the agent knows when the customer calls."""

    ticket_id: str
    category: str
    order_value_cny: float   # items after discount, without shipping and duty/tax
    late_days: float         # delivered minus promised (≤ 0: on time; NaN: not delivered)
    wait_hours: float        # opened → first response
    shop_kind: str


def scenario_from(tickets: pd.DataFrame, orders: pd.DataFrame, shops: pd.DataFrame, *,
                  ticket_id: str | None = None) -> Scenario:
    """A case from the data: ``ticket_id``, else the first (by opened_ts, ticket_id) unresolved complaint about
    an order (any complaint about an order if none is unresolved)."""
    c = tickets[(tickets["kind"] == "complaint") & (tickets["order_id"] != "")]
    if ticket_id is not None:
        row = c[c["ticket_id"] == ticket_id].iloc[0]
    else:
        c = c.sort_values(["opened_ts", "ticket_id"])
        open_ = c[c["resolved_ts"].isna()]
        row = (open_ if len(open_) else c).iloc[0]
    order = orders.set_index("order_id").loc[row["order_id"]]
    value = float((order["items_subtotal"] - order["discount"]) * order["fx_rate_to_cny"])
    late = (order["delivered_ts"] - order["promised_delivery_date"]).total_seconds() / 86400.0 \
        if pd.notna(order["delivered_ts"]) else math.nan
    wait = (row["first_response_ts"] - row["opened_ts"]).total_seconds() / 3600.0
    kind = str(shops.set_index("shop_id").loc[row["shop_id"], "kind"])
    return Scenario(str(row["ticket_id"]), str(row["category"]), round(value, 2), late, wait, kind)


def start_mood(s: Scenario) -> float:
    """The customer's mood when the call starts: base, minus severity, lateness (≤ 10 days) and waiting (≤ 48 h)."""
    late = 0.0 if math.isnan(s.late_days) else min(max(s.late_days, 0.0), 10.0)
    return BASE_MOOD - SEVERITY.get(s.category, 0.5) - 0.05 * late - 0.01 * min(max(s.wait_hours, 0.0), 48.0)


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def score_path(path, scenario: Scenario) -> dict:
    """Score a sequence of replies (keys of ``REPLIES``) for ``scenario``.

    Returns
    -------
    dict
        ``mood`` (final), ``satisfaction`` (1–5), ``repurchase`` (probability), ``skipped`` (LAST steps never
        used), ``out_of_order`` (LAST steps used out of their place) and ``notes`` (one line per turn).
    """
    mood, done, notes, out_of_order = start_mood(scenario), [], [], []
    for reply in path:
        if reply not in REPLIES:
            raise ValueError(f"unknown reply {reply!r}; choose from {', '.join(REPLIES)}")
        if reply in LAST and reply in done:
            notes.append(f"{reply}: 重复，没有新的效果 repeated, no effect")
            continue
        ready = NEEDS.get(reply, reply) in [*done, reply] and BEFORE.get(reply) not in done
        delta = EFFECTS[reply][0 if ready else 1]
        if reply in LAST and not ready:
            out_of_order.append(reply)
        mood += delta
        notes.append(f"{reply}: {delta:+.1f}" + ("" if ready else "（时机不对，效果打折 out of place）"))
        done.append(reply)
    level = _logistic(mood)
    return {"mood": mood, "satisfaction": 1.0 + 4.0 * level,
            "repurchase": REPURCHASE[0] + (REPURCHASE[1] - REPURCHASE[0]) * level,
            "skipped": [step for step in LAST if step not in done], "out_of_order": out_of_order, "notes": notes}


def card_html(s: Scenario) -> str:
    """The case card: every fact the agent's judgement needs."""
    late = "未送达 not delivered" if math.isnan(s.late_days) else (
        f"晚了 {s.late_days:.1f} 天 late" if s.late_days > 0 else "按时 on time")
    rows = [("工单 ticket", s.ticket_id), ("投诉类别 category", s.category),
            ("订单金额 order value", f"{s.order_value_cny:,.2f} 元 CNY（不含运费与关税）"), ("送达 delivery", late),
            ("等待首次答复 waited", f"{s.wait_hours:.1f} 小时 hours"),
            ("店铺 shop", "跨境 cross-border" if s.shop_kind == "cross_border" else "国内 domestic")]
    body = "".join(f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
    return f"<h4>投诉来电 an angry customer</h4><table>{body}</table>"


def rules_html(s: Scenario) -> str:
    """The scoring rules, printed so that nothing the judgement depends on is hidden."""
    def when(r: str) -> str:
        parts = ([f"在 {NEEDS[r]} 之后"] if r in NEEDS else []) + ([f"在 {BEFORE[r]} 之前"] if r in BEFORE else [])
        return "，".join(parts)

    items = "".join(f"<li>{html.escape(REPLIES[r])}：{a:+.1f}"
                    + (f"（须{when(r)}，否则 {b:+.1f}）" if a != b else "") + "</li>" for r, (a, b) in EFFECTS.items())
    return (f"<details><summary>评分规则 scoring rules（教学假设 teaching assumptions）</summary>"
            f"<p>起始情绪 start mood = {BASE_MOOD} − 类别严重度 {SEVERITY.get(s.category, 0.5)} − 0.05 × 迟到天数(≤10)"
            f" − 0.01 × 等待小时(≤48) = {start_mood(s):.2f}。满意度 = 1 + 4·σ(情绪)，复购概率 = "
            f"{REPURCHASE[0]} + {REPURCHASE[1] - REPURCHASE[0]:.2f}·σ(情绪)。同一 LAST 步骤重复无效。</p>"
            f"<ul>{items}</ul></details>")


def result_html(result: dict) -> str:
    """Satisfaction, repurchase probability, and the LAST steps skipped or out of order."""
    skipped = "、".join(result["skipped"]) or "无 none"
    order = "、".join(result["out_of_order"]) or "无 none"
    notes = "<br>".join(html.escape(n) for n in result["notes"])
    return (f"<p><b>满意度 satisfaction</b> {result['satisfaction']:.2f} / 5 · <b>复购概率 repurchase</b> "
            f"{result['repurchase']:.0%}</p><p>跳过的 LAST 步骤 skipped: {html.escape(skipped)}；"
            f"顺序不当 out of order: {html.escape(order)}</p><p style='color:#555'>{notes}</p>")


class ComplaintRoleplay(widgets.VBox):
    """The lab's container; the four turn controls and the result are attributes so tests can drive them."""

    def __init__(self, scenario: Scenario, path=DEFAULT_PATH):
        self.scenario = scenario
        options = [(text, key) for key, text in REPLIES.items()]
        self.turns = [widgets.Dropdown(options=options, value=key, description=f"第 {i + 1} 句",
                                       layout=widgets.Layout(width="95%")) for i, key in enumerate(path)]
        self.result = widgets.HTML()
        for turn in self.turns:
            turn.observe(self.update, names="value")
        super().__init__([widgets.HTML(card_html(scenario)), *self.turns, self.result,
                          widgets.HTML(rules_html(scenario))])
        self.update()

    def update(self, change=None) -> None:
        """Re-score the current path."""
        self.result.value = result_html(score_path([t.value for t in self.turns], self.scenario))


def build_ui(*, tickets: pd.DataFrame, orders: pd.DataFrame, shops: pd.DataFrame,
             ticket_id: str | None = None) -> ComplaintRoleplay:
    """The role-play for a complaint of the student's data (see :func:`scenario_from`); pass it to ``display``."""
    return ComplaintRoleplay(scenario_from(tickets, orders, shops, ticket_id=ticket_id))
