"""The ERP's invoices for the CRM's won B2B deals, with the mismatches a reconciliation should find.

Finance invoices each Closed Won opportunity in one to three instalments (deposit and balance, or thirds)
that add up to the deal's ``amount`` to the cent, from a day or two to two weeks after the close date, a
month apart, never after the horizon (a late deal gets fewer instalments). The ERP keeps its own ids and
the deal's ``opportunity_id`` as typed into a reference field (``crm_ref``). A few invoices are
cancelled and re-issued (not an issue: the re-issue replaces them). Known mismatches, one kind per deal,
each listed in ``truth/erp_issues``:

* ``missing``: won in the CRM, never invoiced;
* ``amount``: the instalments add up to something else — a discount granted in the ERP only, or a typo in
  one instalment (two digits swapped, a zero too many or too few);
* ``duplicate``: one instalment posted twice (same amount and date; the copy stays unpaid);
* ``cancelled``: one instalment cancelled and never re-issued;
* ``orphan`` (an invoice, not a deal): its ``crm_ref`` is a deal that is not Closed Won (lost, or still
  open), or a mistyped id that matches no opportunity at all.

Rates are invented for teaching (``ISSUE_P``: about 12 % of won deals; orphans ``ORPHAN_P`` per won deal).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import assemble, schema
from .quality import typo_strings

ISSUE_P = {"missing": 0.030, "amount": 0.035, "duplicate": 0.025, "cancelled": 0.025}  # per won deal
ORPHAN_P = 0.025  # orphan invoices per won deal
ORPHAN_NOT_WON_SHARE = 0.5  # of orphans: a deal not won (else a mistyped reference)
INSTALMENTS_P = (0.55, 0.30, 0.15)  # P(1, 2, 3 instalments)
SPLITS = {1: ((1.0,),), 2: ((0.3, 0.7), (0.5, 0.5)), 3: ((0.3, 0.4, 0.3), (1 / 3, 1 / 3, 1 / 3))}
FIRST_LAG_DAYS = (1, 14)  # first invoice this many days after the close day (uniform, inclusive)
INSTALMENT_GAP_DAYS = 30
REISSUE_P = 0.04  # a deal without issue has one instalment cancelled and re-issued
DISCOUNT_SHARE = 0.6  # of amount issues: an ERP-only discount (else a typo)
DISCOUNTS = (0.02, 0.03, 0.05, 0.08, 0.10)  # share of the deal amount
PAY_MEDIAN_DAYS, PAY_LOG_SD = 25.0, 0.5  # days from invoice to payment (lognormal); unpaid at the horizon: open
DAY = np.int64(86_400)


def _day(ts) -> np.ndarray:
    """datetime64 → int64 seconds at midnight of its day."""
    s = np.asarray(ts).astype("datetime64[s]").astype(np.int64)
    return s - s % DAY


def _typo_amount(cents: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A mistyped amount (cents): the first two digits swapped, a zero added or a digit dropped."""
    kind = rng.integers(3, size=len(cents))
    text = [str(c) for c in cents]
    swapped = np.array([int(t[1] + t[0] + t[2:]) if len(t) > 2 and t[0] != t[1] and t[1] != "0" else c * 10
                        for t, c in zip(text, cents, strict=True)], dtype=np.int64)
    return np.select([kind == 0, kind == 1], [swapped, cents * 10], cents // 10)


def _split(cents: np.ndarray, k: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Instalments of each deal: ``(deal row, cents, position 0..k-1)``; a deal's cents sum exactly to its amount."""
    row = np.repeat(np.arange(len(cents)), k)
    pos = np.arange(len(row)) - np.repeat(np.cumsum(k) - k, k)
    pick = rng.integers(2, size=len(cents))
    frac = np.array([SPLITS[kk][min(p, len(SPLITS[kk]) - 1)][j] for kk, p, j in zip(k[row], pick[row], pos,
                                                                                    strict=True)])
    part = np.floor(cents[row] * frac).astype(np.int64)
    last = pos == k[row] - 1
    before = np.bincount(row, weights=np.where(last, 0, part), minlength=len(cents)).astype(np.int64)
    part[last] = cents[row[last]] - before[row[last]]
    return row, part, pos


def make_erp(*, opportunities: pd.DataFrame, shops: pd.DataFrame, end: pd.Timestamp,
             rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ERP's invoices and the truth of their mismatches with the CRM.

    Parameters
    ----------
    opportunities : DataFrame
        The world's ``opportunities`` with string ids (as observed).
    shops : DataFrame
        The world's ``shops`` (``shop_id``, ``currency``), string ids.
    end : Timestamp
        The horizon (exclusive): every ``invoice_date`` is before it.
    rng : Generator
        The world's ``erp`` stream.

    Returns
    -------
    invoices : DataFrame
        ``schema.OBSERVED["erp_invoices"]``, ids ``I0000001`` … in ``invoice_date`` order.
    issues : DataFrame
        ``schema.TRUTH["erp_issues"]``, one row per affected deal or orphan reference, ordered by ``crm_ref``.
    """
    opp = assemble.conform(opportunities, schema.OBSERVED["opportunities"])
    last_day = _day(np.datetime64(pd.Timestamp(end), "s") - np.timedelta64(1, "s"))[()]
    won = opp[(opp["sales_stage"] == "Closed Won").to_numpy()].reset_index(drop=True)
    n = len(won)
    cents = np.round(won["amount"].to_numpy(dtype=float) * 100).astype(np.int64)
    u = rng.random(n)
    edges = np.cumsum(list(ISSUE_P.values()))
    issue = np.where(u < edges[-1], np.searchsorted(edges, u, side="right") + 1, 0)  # 0: none, 1.. ISSUE_P order
    names = ("", *ISSUE_P)

    first = np.minimum(_day(won["close_date"].to_numpy()) + rng.integers(FIRST_LAG_DAYS[0], FIRST_LAG_DAYS[1] + 1,
                                                                         n) * DAY, last_day)
    room = (last_day - first) // (INSTALMENT_GAP_DAYS * DAY) + 1
    k = np.minimum(rng.choice(3, size=n, p=INSTALMENTS_P) + 1, room)
    row, part, pos = _split(cents, k, rng)
    date = first[row] + pos * INSTALMENT_GAP_DAYS * DAY
    status = np.full(len(row), "", dtype=object)

    one = np.cumsum(k) - k + (rng.random(n) * k).astype(np.int64)  # one instalment of each deal
    is_one = np.zeros(len(row), dtype=bool)
    is_one[one] = True
    amount_issue = (issue == names.index("amount"))[row] & is_one
    discount = rng.random(n) < DISCOUNT_SHARE
    disc_cut = np.round(cents * np.asarray(DISCOUNTS)[rng.integers(len(DISCOUNTS), size=n)]).astype(np.int64)
    typo = _typo_amount(part, rng)
    part = np.where(amount_issue, np.where(discount[row], np.maximum(part - disc_cut[row], 1), typo), part)
    status[(issue == names.index("cancelled"))[row] & is_one] = "cancelled"
    reissue = (issue == 0)[row] & is_one & (rng.random(len(row)) < REISSUE_P)
    status[reissue] = "cancelled"
    keep = ~(issue == names.index("missing"))[row]
    dup = (issue == names.index("duplicate"))[row] & is_one
    copy_of = np.concatenate([np.flatnonzero(keep), np.flatnonzero(reissue), np.flatnonzero(dup)])
    again = np.concatenate([np.zeros(keep.sum(), np.int64), np.ones(reissue.sum(), np.int64),
                            np.full(dup.sum(), 2, np.int64)])  # 0: as planned, 1: re-issue, 2: duplicate post
    later = np.minimum(date[copy_of] + rng.integers(1, 11, len(copy_of)) * DAY, last_day)
    inv = pd.DataFrame({"deal": row[copy_of], "cents": part[copy_of],
                        "date": np.where(again == 1, later, date[copy_of]),
                        "status": np.where(again == 0, status[copy_of], "").astype(object), "again": again})
    inv["crm_ref"] = won["opportunity_id"].to_numpy(dtype=object)[inv["deal"]]
    inv["customer_id"] = won["customer_id"].to_numpy(dtype=object)[inv["deal"]]
    inv["shop_id"] = won["shop_id"].to_numpy(dtype=object)[inv["deal"]]

    orphans = _orphans(opp=opp, won=won, clean=np.flatnonzero(issue == 0), n=int(rng.binomial(n, ORPHAN_P)),
                       last_day=last_day, rng=rng)
    inv = pd.concat([inv, orphans], ignore_index=True)
    paid = inv["date"].to_numpy() + (np.exp(rng.normal(np.log(PAY_MEDIAN_DAYS), PAY_LOG_SD, len(inv))) * DAY
                                     ).astype(np.int64) <= last_day
    inv["status"] = np.where(inv["status"] == "cancelled", "cancelled",
                             np.where(paid & (inv["again"] != 2), "paid", "open"))
    inv = inv.assign(key=rng.random(len(inv))).sort_values(["date", "key"], kind="stable").reset_index(drop=True)
    currency = shops.set_index("shop_id")["currency"].astype(str)
    invoices = pd.DataFrame({
        "invoice_id": assemble.format_ids(np.arange(len(inv)), *schema.ID_FORMATS["invoice_id"]),
        "crm_ref": inv["crm_ref"].astype("str"), "customer_id": inv["customer_id"].astype("str"),
        "shop_id": inv["shop_id"].astype("str"), "invoice_date": inv["date"].to_numpy().astype("datetime64[s]"),
        "amount": inv["cents"].to_numpy(dtype=np.int64) / 100.0,
        "currency": inv["shop_id"].map(currency).astype("str"), "status": inv["status"].astype("str")})
    return invoices, _issues(invoices, won, issue, names, orphans["crm_ref"])


def _orphans(*, opp, won, clean, n, last_day, rng) -> pd.DataFrame:
    """``n`` orphan invoices: a deal that is not won (invoiced anyway), or a won deal's id mistyped so that
    it matches no opportunity (a dropped, doubled or swapped character; a swap that hits a real id drops one)."""
    not_won = np.flatnonzero((opp["sales_stage"] != "Closed Won").to_numpy())
    n_nw = min(int(rng.binomial(n, ORPHAN_NOT_WON_SHARE)), len(not_won))
    n_ty = min(n - n_nw, len(clean))
    src_nw = opp.iloc[rng.choice(not_won, size=n_nw, replace=False)] if n_nw else opp.iloc[:0]
    src_ty = won.iloc[rng.choice(clean, size=n_ty, replace=False)] if n_ty else won.iloc[:0]
    typed = typo_strings(src_ty["opportunity_id"].to_numpy(dtype=str), rng=rng)
    hit = np.isin(typed, opp["opportunity_id"].to_numpy(dtype=str)) | (typed == src_ty["opportunity_id"].to_numpy())
    typed = np.where(hit, np.asarray([t[:-1] for t in typed], dtype=object), typed)
    src = pd.concat([src_nw, src_ty], ignore_index=True)
    lo = np.concatenate([_day(src_nw["created_ts"].to_numpy()), _day(src_ty["close_date"].to_numpy())])
    date = lo + (rng.random(len(src)) * (last_day - lo + DAY) // DAY).astype(np.int64) * DAY
    return pd.DataFrame({"deal": -1, "cents": np.round(src["amount"].to_numpy(dtype=float) * 100).astype(np.int64),
                         "date": np.minimum(date, last_day), "status": "", "again": 0,
                         "crm_ref": np.concatenate([src_nw["opportunity_id"].to_numpy(dtype=object),
                                                    typed.astype(object)]),
                         "customer_id": src["customer_id"].to_numpy(dtype=object),
                         "shop_id": src["shop_id"].to_numpy(dtype=object)})


def _issues(invoices, won, issue, names, orphan_refs) -> pd.DataFrame:
    """One row per affected deal (its CRM amount) or orphan reference (CRM amount NaN)."""
    live = invoices[(invoices["status"] != "cancelled").to_numpy()]
    erp = live.groupby("crm_ref")["amount"].sum()
    deals = pd.DataFrame({"crm_ref": won["opportunity_id"].to_numpy(dtype=object)[issue > 0],
                          "issue": np.asarray(names, dtype=object)[issue[issue > 0]],
                          "crm_amount": won["amount"].to_numpy(dtype=float)[issue > 0]})
    orphans = pd.DataFrame({"crm_ref": pd.unique(orphan_refs.to_numpy(dtype=object)), "issue": "orphan",
                            "crm_amount": np.nan})
    out = pd.concat([deals, orphans], ignore_index=True)
    out["erp_amount"] = np.round(erp.reindex(out["crm_ref"]).fillna(0.0).to_numpy(), 2)
    return out.sort_values("crm_ref", kind="stable").reset_index(drop=True)
