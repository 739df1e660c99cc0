"""The pipeline board of lecture 7: a sales force automation (SFA) view over the student's own CRM database.

Each column of the board is an open stage of SuiteCRM's ladder, with its default win probability; each card an
open opportunity (amount in its shop's currency). "推进到下一阶段 move to next stage" runs an ``UPDATE`` on the
lab's SQLite file, so the student sees the data model respond: the row's stage, the stage totals and the
weighted pipeline Σ amount × probability / 100 before and after — every fact the judgement needs is shown (the
stage probabilities, the currency, the SQL that ran). Nothing about the customer changed: only a record did.

Pure functions (:func:`next_stage`, :func:`board`, :func:`stage_summary`, :func:`advance`, :func:`mark_lost`,
:func:`lab_copy`, :func:`moved_deals`) do the work; :func:`build_ui` only wires them to ipywidgets and runs
headless (no waits). Every connection turns foreign keys on (:func:`crmlab.labs.crm_db.connect`).
"""

from __future__ import annotations

import html
import sqlite3

import ipywidgets as widgets
import pandas as pd

from .crm_db import connect

LADDER = ("Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
          "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won")
UPDATE_SQL = "UPDATE opportunities SET sales_stage = ? WHERE opportunity_id = ?"


def lab_copy(con: sqlite3.Connection, path: str) -> sqlite3.Connection:
    """A copy of the database of ``con`` at ``path`` (a file, replaced, or ``":memory:"``), for the lab to change
    freely while ``con`` stays as it was."""
    out = connect(path)
    con.backup(out)
    out.execute("PRAGMA foreign_keys = ON")  # a backup copies the data, not the connection's settings
    return out


def next_stage(stage: str) -> str:
    """The stage after ``stage`` on the ladder (Negotiation/Review → Closed Won); a closed deal has none."""
    if stage not in LADDER[:-1]:
        raise ValueError(f"no next stage after {stage!r}: only open stages move on")
    return LADDER[LADDER.index(stage) + 1]


def board(con: sqlite3.Connection, shop_id: str) -> pd.DataFrame:
    """Open opportunities of ``shop_id``: [opportunity_id, name, sales_stage, probability, amount, weighted],
    ordered along the ladder, then by amount (largest first) and id."""
    return pd.read_sql_query(
        "SELECT o.opportunity_id, o.name, o.sales_stage, st.probability, o.amount, "
        "o.amount * st.probability / 100.0 AS weighted "
        "FROM opportunities AS o JOIN sales_stages AS st ON st.sales_stage = o.sales_stage "
        "WHERE o.shop_id = ? AND st.is_closed = 0 "
        "ORDER BY st.position, o.amount DESC, o.opportunity_id", con, params=(shop_id,))


def stage_summary(con: sqlite3.Connection, shop_id: str) -> pd.DataFrame:
    """Every open stage (empty ones too) of ``shop_id``: [sales_stage, probability, n, amount, weighted]."""
    return pd.read_sql_query(
        "SELECT st.sales_stage, st.probability, COUNT(o.opportunity_id) AS n, COALESCE(SUM(o.amount), 0) AS amount, "
        "COALESCE(SUM(o.amount * st.probability / 100.0), 0) AS weighted "
        "FROM sales_stages AS st LEFT JOIN opportunities AS o ON o.sales_stage = st.sales_stage AND o.shop_id = ? "
        "WHERE st.is_closed = 0 GROUP BY st.sales_stage, st.probability, st.position ORDER BY st.position",
        con, params=(shop_id,))


def _stage_of(con: sqlite3.Connection, opportunity_id: str) -> str:
    row = con.execute("SELECT sales_stage FROM opportunities WHERE opportunity_id = ?", (opportunity_id,)).fetchone()
    if row is None:
        raise KeyError(f"no opportunity {opportunity_id!r}")
    return row[0]


def advance(con: sqlite3.Connection, opportunity_id: str) -> tuple[str, str, str]:
    """Move one opportunity to the next stage with an UPDATE (committed); returns (SQL, before, after)."""
    before = _stage_of(con, opportunity_id)
    after = next_stage(before)
    con.execute(UPDATE_SQL, (after, opportunity_id))
    con.commit()
    return UPDATE_SQL, before, after


def mark_lost(con: sqlite3.Connection, opportunity_id: str) -> tuple[str, str, str]:
    """Close one open opportunity as lost with an UPDATE (committed); returns (SQL, before, after)."""
    before = _stage_of(con, opportunity_id)
    next_stage(before)  # raises for a deal that is already closed
    con.execute(UPDATE_SQL, ("Closed Lost", opportunity_id))
    con.commit()
    return UPDATE_SQL, before, "Closed Lost"


def summary_html(table: pd.DataFrame, currency: str, total_before: float | None = None) -> str:
    """The board's stage table: probability, count, amount and weighted amount per open stage, and the total."""
    rows = "".join(f"<tr><td>{html.escape(r.sales_stage)}</td><td>{r.probability}%</td><td>{r.n}</td>"
                   f"<td>{r.amount:,.0f}</td><td>{r.weighted:,.0f}</td></tr>" for r in table.itertuples(index=False))
    total = float(table["weighted"].sum())
    change = ("" if total_before is None
              else f"（操作前 before: {total_before:,.0f}，变化 change: {total - total_before:+,.0f}）")
    return (f"<table><tr><th>阶段 stage</th><th>默认赢单概率</th><th>商机数</th><th>金额 {currency}</th>"
            f"<th>加权金额 {currency}</th></tr>{rows}</table>"
            f"<p>加权管道 weighted pipeline = Σ 金额 × 概率 / 100 = <b>{total:,.0f} {currency}</b>{change}</p>")


class PipelineBoard(widgets.VBox):
    """The lab's container; its controls and outputs are attributes so tests can drive and read them."""

    def __init__(self, con: sqlite3.Connection, shop_id: str | None = None):
        self.con = con
        shops = pd.read_sql_query("SELECT shop_id, currency FROM shops ORDER BY shop_id", con)
        self.currency = dict(zip(shops["shop_id"], shops["currency"], strict=True))
        counts = pd.read_sql_query("SELECT o.shop_id, COUNT(*) AS n FROM opportunities AS o JOIN sales_stages AS st "
                                   "ON st.sales_stage = o.sales_stage WHERE st.is_closed = 0 GROUP BY o.shop_id", con)
        start = shop_id or (counts.sort_values(["n", "shop_id"], ascending=[False, True])["shop_id"].iloc[0]
                            if len(counts) else shops["shop_id"].iloc[0])
        self.shop = widgets.Dropdown(options=[(f"{s}（{c}）", s) for s, c in self.currency.items()], value=start,
                                     description="网店 shop")
        self.deal = widgets.Dropdown(description="商机 deal", layout=widgets.Layout(width="95%"))
        self.move = widgets.Button(description="推进到下一阶段 move to next stage", button_style="primary",
                                   layout=widgets.Layout(width="auto"))
        self.lose = widgets.Button(description="丢单 mark lost", layout=widgets.Layout(width="auto"))
        self.sql_out = widgets.HTML()
        self.table = widgets.HTML()
        self.shop.observe(self._shop_changed, names="value")
        self.move.on_click(lambda _: self._act(advance))
        self.lose.on_click(lambda _: self._act(mark_lost))
        super().__init__([self.shop, self.deal, widgets.HBox([self.move, self.lose]), self.sql_out, self.table])
        self._shop_changed()

    def _options(self, keep: str | None = None) -> None:
        cards = board(self.con, self.shop.value)
        self.deal.options = [(f"{r.opportunity_id} · {r.name[:28]} · {r.sales_stage} ({r.probability}%) · "
                              f"{r.amount:,.0f}", r.opportunity_id) for r in cards.itertuples(index=False)]
        ids = list(cards["opportunity_id"])
        if keep in ids:
            self.deal.value = keep
        elif ids:  # start away from the ends of the ladder: a deal in the middle stages if there is one
            middle = cards[cards["sales_stage"].isin(LADDER[2:6])]
            self.deal.value = (middle if len(middle) else cards)["opportunity_id"].iloc[0]
        self.move.disabled = self.lose.disabled = not ids

    def _shop_changed(self, change=None) -> None:
        self._options()
        self.sql_out.value = "<p>选一个商机，点按钮：下面会显示执行的 SQL 和表的变化。</p>"
        self.table.value = summary_html(stage_summary(self.con, self.shop.value), self.currency[self.shop.value])

    def _act(self, action) -> None:
        oid = self.deal.value
        if oid is None:
            return
        before_total = float(stage_summary(self.con, self.shop.value)["weighted"].sum())
        sql, before, after = action(self.con, oid)
        row = self.con.execute("SELECT opportunity_id, sales_stage, amount FROM opportunities WHERE opportunity_id = ?",
                               (oid,)).fetchone()
        self.sql_out.value = (f"<pre>{html.escape(sql)}\n-- 参数 parameters: ({after!r}, {oid!r})</pre>"
                          f"<p>{html.escape(oid)}：{html.escape(before)} → <b>{html.escape(after)}</b>；"
                          f"表里现在是 the row now reads: {html.escape(str(row))}</p>")
        self._options(keep=oid)
        self.table.value = summary_html(stage_summary(self.con, self.shop.value), self.currency[self.shop.value],
                                        before_total)


MOVED_COLUMNS = ["opportunity_id", "name", "amount", "stage_before", "stage_now"]


def moved_deals(lab: sqlite3.Connection, original: sqlite3.Connection) -> pd.DataFrame:
    """The opportunities whose stage in ``lab`` differs from ``original`` (what the board's UPDATEs changed):
    [opportunity_id, name, amount, stage_before, stage_now]; empty if nothing moved or the tables are missing."""
    if not (is_ready(lab) and is_ready(original)):
        return pd.DataFrame(columns=MOVED_COLUMNS)
    now = pd.read_sql_query("SELECT opportunity_id, name, amount, sales_stage AS stage_now FROM opportunities", lab)
    before = pd.read_sql_query("SELECT opportunity_id, sales_stage AS stage_before FROM opportunities", original)
    both = now.merge(before, on="opportunity_id")
    return both.loc[both["stage_now"] != both["stage_before"], MOVED_COLUMNS].reset_index(drop=True)


NOT_READY = ("<p>看板需要一个建好表、装好数据的 CRM 数据库 the board needs a loaded CRM database：先完成任务 3（建表）"
             "和任务 4（装载），再运行这个单元 then run this cell again。</p>")


def is_ready(con: sqlite3.Connection) -> bool:
    """Whether ``con`` holds the tables the board reads, with at least one shop and one opportunity."""
    try:
        shops = con.execute("SELECT COUNT(*) FROM shops").fetchone()[0]
        opps = con.execute("SELECT COUNT(*) FROM opportunities AS o JOIN sales_stages AS st "
                           "ON st.sales_stage = o.sales_stage").fetchone()[0]
    except sqlite3.Error:
        return False
    return shops > 0 and opps > 0


def build_ui(con: sqlite3.Connection, shop_id: str | None = None) -> widgets.Widget:
    """The pipeline board on the lab's database ``con`` (a copy: :func:`lab_copy`), starting on ``shop_id``
    (default: the shop with the most open opportunities); a note saying which tasks to finish first if ``con``
    has no loaded CRM tables yet (an unfinished notebook)."""
    if not is_ready(con):
        return widgets.HTML(NOT_READY)
    return PipelineBoard(con, shop_id)
