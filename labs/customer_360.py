"""The customer-360 viewer of lecture 8: one search box over the student's own CRM database, one profile card and
one timeline that bring together what marketing, sales and service know about a customer.

This is the "centralised customer data repository" requirement of a CRM system made visible: the orders (the
shop), the cases and calls (service) and the deals (sales) of a customer sit in different tables, and only the
shared keys (``contact_id``, ``account_id``) put them on one screen. The search box runs a parameterised
``LIKE '%…%'`` over names and e-mails (the user's text is a parameter, never pasted into the SQL); the viewer
shows the SQL and SQLite's query plan for it — a pattern that starts with ``%`` cannot use an index, so every
search reads the whole ``contacts`` table (an exact e-mail lookup can use one: task 5 of the notebook).

Pure functions (:func:`like_pattern`, :func:`search`, :func:`timeline`, :func:`summary`, :func:`query_plan`,
:func:`card_html`, :func:`timeline_html`) do the work; :func:`build_ui` only wires them to ipywidgets and runs
headless (no waits). Amounts are in the customer's shop currency; an order's amount is its goods value after
discount (no shipping, duty or tax).
"""

from __future__ import annotations

import html
import sqlite3

import ipywidgets as widgets
import pandas as pd

SEARCH_SQL = ("SELECT contact_id, name, email, shop_id, customer_type FROM contacts "
              "WHERE name LIKE :pattern ESCAPE '\\' OR email LIKE :pattern ESCAPE '\\' "
              "ORDER BY name, contact_id LIMIT :limit")
TIMELINE_SQL = """
SELECT order_ts AS at, 'order' AS kind, order_id AS ref, status || ' · ' || channel AS detail, amount
FROM orders WHERE contact_id = :c
UNION ALL
SELECT opened_at, 'case', case_id, category || ' · ' || status || ' · ' || priority, NULL
FROM cases WHERE contact_id = :c
UNION ALL
SELECT date_start, 'call', call_id, direction || ' · ' || status || ' · ' || CAST(duration_s AS INTEGER) || ' s', NULL
FROM calls WHERE contact_id = :c
UNION ALL
SELECT close_date, 'deal', opportunity_id, sales_stage || ' · ' || name, amount
FROM opportunities WHERE account_id = :c
ORDER BY at DESC, kind, ref
"""
KINDS = {"order": "订单 order", "case": "工单 case", "call": "通话 call", "deal": "商机 deal"}
SHOWN = 40  # timeline rows drawn (the newest); the card counts all of them


def like_pattern(text: str) -> str:
    """``%text%`` with ``%``, ``_`` and ``\\`` escaped, so the user's text matches literally (``ESCAPE '\\'``)."""
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(con: sqlite3.Connection, text: str, limit: int = 20) -> pd.DataFrame:
    """Contacts whose name or e-mail contains ``text`` (case-insensitive for ASCII, SQLite's ``LIKE``), at most
    ``limit``, by name then id: [contact_id, name, email, shop_id, customer_type]. Empty text finds nobody."""
    if not text or not text.strip():
        return pd.DataFrame(columns=["contact_id", "name", "email", "shop_id", "customer_type"])
    return pd.read_sql_query(SEARCH_SQL, con, params={"pattern": like_pattern(text), "limit": int(limit)})


def query_plan(con: sqlite3.Connection, sql: str = SEARCH_SQL, params: dict | None = None) -> list[str]:
    """SQLite's ``EXPLAIN QUERY PLAN`` of ``sql``: one line per step (``SCAN contacts`` reads every row)."""
    params = params if params is not None else {"pattern": "%x%", "limit": 20}
    return [row[3] for row in con.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()]


def timeline(con: sqlite3.Connection, contact_id: str) -> pd.DataFrame:
    """Every order, case, call and (for a company) deal of ``contact_id``, newest first:
    [at, kind, ref, detail, amount] — amount for orders and deals, in the shop's currency."""
    return pd.read_sql_query(TIMELINE_SQL, con, params={"c": contact_id})


def profile(con: sqlite3.Connection, contact_id: str) -> dict:
    """The contact's own fields with its shop's currency and its company's name (B2B), or ``{}`` if unknown."""
    row = con.execute("SELECT c.contact_id, c.name, c.email, c.phone, c.customer_type, c.shop_id, s.currency, "
                      "a.name FROM contacts AS c JOIN shops AS s ON s.shop_id = c.shop_id "
                      "LEFT JOIN accounts AS a ON a.account_id = c.account_id WHERE c.contact_id = ?",
                      (contact_id,)).fetchone()
    keys = ("contact_id", "name", "email", "phone", "customer_type", "shop_id", "currency", "company")
    return dict(zip(keys, row, strict=True)) if row else {}


def summary(events: pd.DataFrame) -> dict:
    """The card's numbers from a timeline: orders (not cancelled), revenue (delivered or shipped orders), cases
    still open, calls, won deals' amount, and the last contact (the newest order, case or call)."""
    orders = events[events["kind"] == "order"]
    kept = orders[~orders["detail"].str.startswith("cancelled")]
    sold = orders[orders["detail"].str.startswith(("delivered", "shipped"))]
    cases = events[events["kind"] == "case"]
    deals = events[events["kind"] == "deal"]
    return {"orders": len(kept), "revenue": float(sold["amount"].sum()),
            "open_cases": int(cases["detail"].str.contains("· Open_").sum()),
            "calls": int((events["kind"] == "call").sum()),
            "won": float(deals.loc[deals["detail"].str.startswith("Closed Won"), "amount"].sum()),
            "last_contact": events.loc[events["kind"] != "deal", "at"].max() if (events["kind"] != "deal").any()
            else None}


def card_html(person: dict, numbers: dict) -> str:
    """The profile card: who the customer is and the numbers every department sees."""
    if not person:
        return "<p>没有找到这位客户 no such customer.</p>"
    cur = html.escape(person["currency"])
    company = f"，公司 company: {html.escape(person['company'])}" if person.get("company") else ""
    return (f"<div style='border:1px solid #999;padding:6px'><b>{html.escape(person['name'])}</b> "
            f"({html.escape(person['contact_id'])}, {html.escape(person['customer_type'])}{company})<br>"
            f"{html.escape(person['email'] or '')} · {html.escape(person['phone'] or '')} · 网店 shop "
            f"{html.escape(person['shop_id'])}（{cur}）<br>"
            f"订单 orders {numbers['orders']} · 收入 revenue {numbers['revenue']:,.2f} {cur} · "
            f"未结工单 open cases {numbers['open_cases']} · 通话 calls {numbers['calls']} · "
            f"赢单 won deals {numbers['won']:,.2f} {cur} · 最近接触 last contact {numbers['last_contact'] or '—'}"
            f"</div>")


def timeline_html(events: pd.DataFrame, shown: int = SHOWN) -> str:
    """The newest ``shown`` events as a table (when, what, reference, details, amount)."""
    rows = "".join(f"<tr><td>{html.escape(str(r.at))}</td><td>{KINDS[r.kind]}</td><td>{html.escape(r.ref)}</td>"
                   f"<td>{html.escape(str(r.detail))}</td>"
                   f"<td>{'' if pd.isna(r.amount) else f'{r.amount:,.2f}'}</td></tr>"
                   for r in events.head(shown).itertuples(index=False))
    more = f"<p>（只显示最近 {shown} 条，共 {len(events)} 条 newest {shown} of {len(events)}）</p>" \
        if len(events) > shown else ""
    return (f"<table><tr><th>时间 when</th><th>类型 kind</th><th>编号 ref</th><th>内容 detail</th>"
            f"<th>金额 amount</th></tr>{rows}</table>{more}")


def start_customer(con: sqlite3.Connection) -> str | None:
    """A customer with orders, cases and calls (the most events; ties by id), so the viewer opens on a full
    timeline rather than an empty one."""
    row = con.execute("""
        SELECT c.contact_id FROM contacts AS c
        JOIN (SELECT contact_id, COUNT(*) AS n FROM orders GROUP BY contact_id) AS o ON o.contact_id = c.contact_id
        JOIN (SELECT contact_id, COUNT(*) AS n FROM cases GROUP BY contact_id) AS k ON k.contact_id = c.contact_id
        JOIN (SELECT contact_id, COUNT(*) AS n FROM calls GROUP BY contact_id) AS t ON t.contact_id = c.contact_id
        ORDER BY o.n + k.n + t.n DESC, c.contact_id LIMIT 1""").fetchone()
    if row is None:
        row = con.execute("SELECT contact_id FROM contacts ORDER BY contact_id LIMIT 1").fetchone()
    return row[0] if row else None


def label(row) -> str:
    """The search box's option for one match: name, e-mail and id."""
    return f"{row.name} <{row.email}> · {row.contact_id}"


class Customer360(widgets.VBox):
    """The viewer; its controls and outputs are attributes so tests can drive and read them."""

    def __init__(self, con: sqlite3.Connection, contact_id: str | None = None):
        self.con = con
        self.ids: dict[str, str] = {}
        self.box = widgets.Combobox(placeholder="输入姓名或邮箱的一部分 type part of a name or e-mail",
                                    description="搜索 search", ensure_option=False,
                                    layout=widgets.Layout(width="95%"))
        self.sql_out = widgets.HTML()
        self.card = widgets.HTML()
        self.events = widgets.HTML()
        self.box.observe(self._typed, names="value")
        super().__init__([self.box, self.sql_out, self.card, self.events])
        first = contact_id or start_customer(con)
        if first is not None:
            person = profile(con, first)
            self.box.value = person["name"] if person else ""
            self.show(first)

    def _typed(self, change=None) -> None:
        text = self.box.value
        if text in self.ids:
            self.show(self.ids[text])
            return
        found = search(self.con, text)
        self.ids = {label(r): r.contact_id for r in found.itertuples(index=False)}
        self.box.options = tuple(self.ids)
        plan = "; ".join(query_plan(self.con))
        self.sql_out.value = (f"<pre>{html.escape(SEARCH_SQL)}\n-- pattern = {html.escape(like_pattern(text))!r}"
                              f"\n-- EXPLAIN QUERY PLAN: {html.escape(plan)}</pre>"
                              f"<p>找到 {len(found)} 位客户 matches（最多显示 20 位）；从下拉列表里选一位。</p>")

    def show(self, contact_id: str) -> None:
        """Draw the card and the timeline of ``contact_id``."""
        events = timeline(self.con, contact_id)
        self.card.value = card_html(profile(self.con, contact_id), summary(events))
        self.events.value = timeline_html(events)


def build_ui(con: sqlite3.Connection, contact_id: str | None = None) -> Customer360:
    """The customer-360 viewer on the database ``con``, opening on ``contact_id`` (default: a customer with
    orders, cases and calls)."""
    return Customer360(con, contact_id)
