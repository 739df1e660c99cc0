"""The lead-conversion role-play of lecture 9: work a lead card from the student's own data with their own code.

A salesperson's lead card (company, contact, job title, stated need, budget in the shop's currency, the MAN
answers) with four buttons — Qualify, Assign (to a rep), Convert, Mark Dead. Every button calls the
STUDENT's state machine ``lead_next(status, action, man)``; Convert calls their ``convert_lead(con, lead_id,
when)``. The view then shows the rows the lead now has in SQLite (the lead, and after a conversion its account,
contact and opportunity). An illegal move shows the state machine's own error. A checkbox makes the next
conversion fail part-way (a temporary trigger aborts the opportunity's INSERT), so the student sees whether
their transaction leaves partial rows behind.

Pure functions (:func:`apply_action`, :func:`card_html`, :func:`rows_html`, :func:`left_behind`) do the work on a
lecture database (:func:`crmlab.labs.lead_db.lead_database`); :class:`LeadConversionLab` only wires them to
ipywidgets and runs headless.
"""

from __future__ import annotations

import html
import sqlite3

import ipywidgets as widgets
from crmlab.labs.lead_db import lead_card, lead_database, open_leads

ACTIONS = {"qualify": "Qualify 资格审查 (MAN)", "assign": "Assign 分配", "convert": "Convert 转化",
           "dead": "Mark Dead 作废"}
REPS = ("王芳 Wang Fang", "李强 Li Qiang", "Emma Clark")  # the lab's sales reps (invented)
WHEN = "2026-01-05 10:00:00"  # the conversion time the lab passes
FAIL_TRIGGER = ("CREATE TEMP TRIGGER lab_forced_failure BEFORE INSERT ON main.opportunities "
                "BEGIN SELECT RAISE(ABORT, 'simulated failure: the opportunity could not be saved'); END")


def _man(card: dict) -> tuple[bool, bool, bool]:
    return bool(card["man_money"]), bool(card["man_authority"]), bool(card["man_need"])


def left_behind(con: sqlite3.Connection, lead_id: str) -> int:
    """Rows that a conversion of ``lead_id`` would create and that exist now: an account or contact with the
    lecture's ids, an opportunity of the lead."""
    return sum(int(con.execute(f"SELECT COUNT(*) FROM {table} WHERE {key} = ?", (value,)).fetchone()[0])
               for table, key, value in (("accounts", "account_id", f"{lead_id}-A"),
                                         ("contacts", "contact_id", f"{lead_id}-C"),
                                         ("opportunities", "lead_id", lead_id)))


def apply_action(con: sqlite3.Connection, lead_id: str, action: str, *, lead_next, convert_lead, rep: str = REPS[0],
                 fail: bool = False, when: str = WHEN) -> dict:
    """Run ``action`` on the lead with the student's functions.

    Returns
    -------
    dict
        ``ok`` (the move happened), ``before`` and ``after`` (the lead's status), ``message`` (what happened,
        or the state machine's error), ``left`` (for a failed conversion: rows it left behind).
    """
    card = lead_card(con, lead_id)
    if card is None:
        return {"ok": False, "before": None, "after": None, "message": f"没有线索 no lead {lead_id}", "left": 0}
    before, out = card["status"], {"ok": False, "before": card["status"], "left": 0}
    try:
        if action == "convert":
            if fail:
                con.execute(FAIL_TRIGGER)
            try:
                ids = convert_lead(con, lead_id, when)
            finally:
                if fail:
                    con.execute("DROP TRIGGER IF EXISTS temp.lab_forced_failure")
            message = f"转化完成 converted: (contact_id, account_id, opportunity_id) = {tuple(ids)}"
        else:
            new = lead_next(before, action, _man(card))
            con.execute("UPDATE leads SET status = ?, assigned_user = CASE WHEN ? = 'assign' THEN ? "
                        "ELSE assigned_user END WHERE lead_id = ?", (new, action, rep, lead_id))
            con.commit()
            message = f"{before} → {new}"
        out.update(ok=True, message=message)
    except Exception as err:  # noqa: BLE001 - the student's error is the lesson: show it
        out["message"] = f"{type(err).__name__}: {err}"
        if action == "convert":
            out["left"] = left_behind(con, lead_id)
    out["after"] = lead_card(con, lead_id)["status"]
    return out


def card_html(card: dict, currency: str) -> str:
    """The lead card: every fact a salesperson's judgement needs."""
    man = "".join(f"<li>{name}: {'是 yes' if card[col] else '否 no'}</li>" for name, col in (
        ("M 有购买力 money", "man_money"), ("A 有决策权 authority", "man_authority"), ("N 有需求 need", "man_need")))
    rows = [("线索 lead", card["lead_id"]), ("状态 status", card["status"]),
            ("公司 company", card["company"]), ("联系人 contact", f"{card['contact_name']}（{card['job_title']}）"),
            ("需求 stated need", card["stated_need"]), ("来源 source", card["lead_source"]),
            ("预算 budget", f"{card['budget']:,.0f} {currency}/年" if card["budget"] > 0 else "未知 unknown"),
            ("负责人 rep", card["assigned_user"] or "—")]
    body = "".join(f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
    return f"<h4>线索卡片 lead card</h4><table>{body}</table><p>MAN 问题的回答：</p><ul>{man}</ul>"


def _table(con, sql: str, params) -> str:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    if not rows:
        return "<i>（无 none）</i>"
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def rows_html(con: sqlite3.Connection, lead_id: str) -> str:
    """The lead's rows in SQLite: the lead, and any account, contact and opportunity a conversion created."""
    parts = [("leads", "SELECT lead_id, status, contact_id, assigned_user FROM leads WHERE lead_id = ?", lead_id),
             ("accounts", "SELECT account_id, shop_id, name FROM accounts WHERE account_id = ?", f"{lead_id}-A"),
             ("contacts", "SELECT contact_id, account_id, name, customer_type FROM contacts WHERE contact_id = ?",
              f"{lead_id}-C"),
             ("opportunities", "SELECT opportunity_id, account_id, sales_stage, amount, created_at, close_date "
                               "FROM opportunities WHERE lead_id = ?", lead_id)]
    return "".join(f"<p><b>{t}</b></p>{_table(con, sql, (value,))}" for t, sql, value in parts)


class LeadConversionLab(widgets.VBox):
    """The lab's container; controls and outputs are attributes so tests can drive them."""

    def __init__(self, con: sqlite3.Connection, *, lead_next, convert_lead, leads: list[str]):
        self.con, self.lead_next, self.convert_lead = con, lead_next, convert_lead
        self.lead = widgets.Dropdown(options=leads, value=leads[0], description="线索 lead")
        self.rep = widgets.Dropdown(options=REPS, value=REPS[0], description="销售 rep")
        self.fail = widgets.Checkbox(value=False,
                                     description="下一次转化在插入商机时失败 make the next conversion fail",
                                     layout=widgets.Layout(width="95%"))
        self.buttons = {a: widgets.Button(description=label, layout=widgets.Layout(width="auto"))
                        for a, label in ACTIONS.items()}
        self.card, self.message, self.rows = widgets.HTML(), widgets.HTML(), widgets.HTML()
        for action, button in self.buttons.items():
            button.on_click(lambda _b, a=action: self.press(a))
        self.lead.observe(lambda _c: self.show(), names="value")
        super().__init__([self.lead, self.card, widgets.HBox(list(self.buttons.values())), self.rep, self.fail,
                          self.message, self.rows])
        self.show()

    def press(self, action: str) -> dict:
        """Run ``action`` on the selected lead with the student's functions, then redraw."""
        out = apply_action(self.con, self.lead.value, action, lead_next=self.lead_next,
                           convert_lead=self.convert_lead, rep=self.rep.value, fail=self.fail.value)
        color = "#1a7f37" if out["ok"] else "#b42318"
        extra = ""
        if action == "convert" and not out["ok"]:
            extra = (f"<br>转化失败后留下的记录 rows left behind: <b>{out['left']}</b>"
                     + ("（事务已回滚 rolled back）" if out["left"] == 0 else "（没有回滚！ not rolled back）"))
        self.fail.value = False
        self.show()
        self.message.value = f"<p style='color:{color}'>{html.escape(out['message'])}{extra}</p>"
        return out

    def show(self) -> None:
        """Redraw the card and the rows of the selected lead."""
        card = lead_card(self.con, self.lead.value)
        currency = self.con.execute("SELECT currency FROM shops WHERE shop_id = ?", (card["shop_id"],)).fetchone()[0]
        self.card.value = card_html(card, currency)
        self.rows.value = rows_html(self.con, self.lead.value)
        self.message.value = ""


def build_ui(world, *, lead_next, convert_lead, n_leads: int = 12) -> LeadConversionLab:
    """The role-play on a fresh lead database of ``world`` (the most recent open leads); pass it to ``display``."""
    con = lead_database(world)
    return LeadConversionLab(con, lead_next=lead_next, convert_lead=convert_lead, leads=open_leads(con, limit=n_leads))
