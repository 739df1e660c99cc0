"""B2B sales for one customer block: leads with observable MAN flags, and the opportunities behind accounts.

Every B2B customer came from a lead: one converted lead plus three to six prospects that never converted.
A lead's source and MAN vector (Money, Authority, Need) are drawn together from a source-quality prior
weighted by the chance of converting, so converted leads meet more MAN conditions and come from better
sources (referral > trade_show > web_form > cold_call). The flags are then *rendered* into observable
fields — stated budget against the shop's threshold, job title, stated need — so the MAN rule can be
applied to the text and has real value. Opportunities follow SuiteCRM's ``sales_stage`` ladder with the
stage probabilities of ``schema.SALES_STAGES``. Word lists and numbers: ``simulator.data.sales_words``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import identities, schema
from .data import sales_words as words

SOURCES = tuple(words.LEAD_SOURCES)
OPEN_STAGES = tuple(s for s in schema.SALES_STAGES if not s.startswith("Closed"))
DAY_S = 86_400
WEEK_S = 7 * DAY_S
ACCOUNT_OPPS_P = (0.45, 0.35, 0.20)  # P(1, 2, 3 opportunities over an account's life)
LEAD_OPP_P = 0.6  # P(an "In Process" lead already has an open opportunity)
CYCLE_MEDIAN_DAYS, CYCLE_LOG_SD = 45.0, 0.6  # sales cycle, created → closed (lognormal)
CAMPAIGN_REACH_WEEKS = 11  # a campaign-sourced lead is tied to a campaign running within this span
OPEN_MEAN_WEEKS = 8.0  # an unconverted lead is still open with probability exp(−age / this)
DEAD_P = (0.85, 0.70, 0.55, 0.45)  # P(Dead rather than Recycled) of a closed lead, by MAN count
BLOCK_INT_DTYPES = {"lead_id": "int64", "shop_id": "int64", "campaign_id": "int64", "customer_id": "int64",
                    "opportunity_id": "int64", "probability": "int64"}  # integer keys of block frames


def money_threshold(shops: pd.DataFrame) -> np.ndarray:
    """The MAN "money" threshold of each shop: a stated annual budget, in the shop's currency.

    ``MONEY_THRESHOLD_CNY`` converted with ``fx_rate_to_cny`` and rounded to two significant digits.

    Returns
    -------
    ndarray of shape (len(shops),)
        Thresholds in row order of ``shops``; ``budget >= threshold`` ⇔ ``man_money``.
    """
    raw = words.MONEY_THRESHOLD_CNY / shops["fx_rate_to_cny"].to_numpy(dtype=float)
    unit = 10.0 ** (np.floor(np.log10(raw)) - 1)
    return np.round(raw / unit) * unit


def make_sales(*, customers: pd.DataFrame, shops: pd.DataFrame, campaigns: pd.DataFrame, end,
               pools: object, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Leads and opportunities of one customer block.

    Parameters
    ----------
    customers : DataFrame
        The block's customers: int64 ``customer_id`` (global), int64 ``shop_id``, ``customer_type``
        (B2C/B2B), ``company``, ``name``, ``locale``, ``signup_date``.
    shops : DataFrame
        int64 ``shop_id``, ``fx_rate_to_cny``, ``launch_date`` (one row per shop).
    campaigns : DataFrame
        int64 ``campaign_id``, int64 ``shop_id``, ``start_date``, ``end_date`` (response window).
    end : Timestamp
        The horizon (exclusive): every ``created_ts`` is before it.
    pools : object
        Identity pools for ``simulator.identities.render_people`` / ``render_companies``.
    rng : Generator
        The block's ``sales`` stream.

    Returns
    -------
    leads : DataFrame of shape (n_leads, 17)
        Columns of ``schema.OBSERVED["leads"]``; int64 block-local ``lead_id`` (0.. in ``created_ts``
        order), ``shop_id``, ``campaign_id`` and ``customer_id`` (−1 when missing).
    opportunities : DataFrame of shape (n_opportunities, 10)
        Columns of ``schema.OBSERVED["opportunities"]``; int64 block-local ``opportunity_id``, global
        ``customer_id`` (−1 for a prospect's opportunity) and block-local ``lead_id`` (−1: none).
    """
    end64 = np.datetime64(pd.Timestamp(end), "s")
    b2b = customers[customers["customer_type"].to_numpy() == "B2B"].reset_index(drop=True)
    if len(b2b) == 0:
        return _empty("leads"), _empty("opportunities")
    leads, conv_lead = _make_leads(b2b=b2b, customers=customers, shops=shops, campaigns=campaigns,
                                   end64=end64, pools=pools, rng=rng)
    opps = _make_opportunities(b2b=b2b, leads=leads, conv_lead=conv_lead, shops=shops, end64=end64, rng=rng)
    return leads.drop(columns="_lang"), opps


def _empty(table: str) -> pd.DataFrame:
    """A zero-row block frame with the table's columns (integer ids as int64)."""
    cols = schema.OBSERVED[table]
    return pd.DataFrame({c: pd.Series(dtype=BLOCK_INT_DTYPES.get(c, d)) for c, (d, _) in cols.items()})


def _secs(t: np.ndarray) -> np.ndarray:
    """datetime64 → int64 seconds since the epoch."""
    return np.asarray(t).astype("datetime64[s]").astype(np.int64)


def _joint_probs() -> tuple[np.ndarray, np.ndarray]:
    """P(source, MAN vector) for converted and for unconverted leads, each of shape (6 * 8,).

    Cell ``s * 8 + v`` holds source ``SOURCES[s]`` and MAN bits ``v`` (M = 4, A = 2, N = 1). Each MAN
    condition holds independently with the source's quality; the cell is then weighted by the chance of
    converting (``CONVERT_WEIGHT`` by the number of conditions met) or of not converting.
    """
    share = np.array([words.LEAD_SOURCES[s][0] for s in SOURCES])
    quality = np.array([words.LEAD_SOURCES[s][1] for s in SOURCES])
    k = ((np.arange(8)[:, None] >> np.array([2, 1, 0])) & 1).sum(axis=1)
    prior = share[:, None] * quality[:, None] ** k * (1 - quality[:, None]) ** (3 - k)
    w = np.asarray(words.CONVERT_WEIGHT)[k]
    conv, unconv = (prior * w).ravel(), (prior * (1 - w)).ravel()
    return conv / conv.sum(), unconv / unconv.sum()


def _campaign_windows(*, shop_id: np.ndarray, lo: np.ndarray, hi: np.ndarray, campaigns: pd.DataFrame,
                      rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Tie campaign-sourced leads to a campaign of their shop whose window overlaps ``[lo, hi)`` (seconds).

    Returns ``(campaign_id, created)``: a random overlapping campaign and a time drawn uniformly in the
    overlap, or −1 and −1 where the shop ran no such campaign.
    """
    cid = np.full(len(shop_id), -1, dtype=np.int64)
    ts = np.full(len(shop_id), -1, dtype=np.int64)
    if len(shop_id) == 0 or len(campaigns) == 0:
        return cid, ts
    m = pd.DataFrame({"row": np.arange(len(shop_id)), "shop_id": shop_id, "lo": lo, "hi": hi}).merge(
        pd.DataFrame({"shop_id": campaigns["shop_id"].to_numpy(), "cid": campaigns["campaign_id"].to_numpy(),
                      "a": _secs(campaigns["start_date"].to_numpy()),
                      "b": _secs(campaigns["end_date"].to_numpy())}), on="shop_id")
    a, b = np.maximum(m["a"].to_numpy(), m["lo"].to_numpy()), np.minimum(m["b"].to_numpy(), m["hi"].to_numpy())
    m = m.assign(a=a, b=b)[a < b]
    m = m.assign(key=rng.random(len(m))).sort_values(["row", "key"]).drop_duplicates("row")
    rows = m["row"].to_numpy()
    cid[rows] = m["cid"].to_numpy()
    ts[rows] = m["a"].to_numpy() + (rng.random(len(m)) * (m["b"] - m["a"]).to_numpy()).astype(np.int64)
    return cid, ts


def _render_text(*, lang: np.ndarray, authority: np.ndarray, need: np.ndarray, rng: np.random.Generator):
    """Job titles and stated needs: decision-maker titles ⇔ authority, concrete needs ⇔ need."""
    title = np.empty(len(lang), dtype=object)
    stated = np.empty(len(lang), dtype=object)
    for key in ("zh", "en"):
        sel = lang == key
        n = int(sel.sum())
        pairs = ((title, authority, words.DECISION_TITLES[key], words.OTHER_TITLES[key]),
                 (stated, need, words.CONCRETE_NEEDS[key], words.VAGUE_NEEDS[key]))
        for out, flag, yes, no in pairs:
            y = np.asarray(yes, dtype=object)[rng.integers(len(yes), size=n)]
            o = np.asarray(no, dtype=object)[rng.integers(len(no), size=n)]
            out[sel] = np.where(flag[sel], y, o)
    return title, stated


def _budgets(*, money: np.ndarray, threshold: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Stated budgets: ≥ threshold with the money, else below it or 0 (unknown); round numbers."""
    unit = 10.0 ** (np.floor(np.log10(threshold)) - 1)
    high = np.ceil(threshold * np.exp(rng.uniform(0.0, 1.5, len(money))) / unit) * unit
    low = np.floor(threshold * rng.uniform(0.1, 0.95, len(money)) / unit) * unit
    known = rng.random(len(money)) < 0.55
    return np.where(money, high, np.where(known, low, 0.0))


def _make_leads(*, b2b, customers, shops, campaigns, end64, pools, rng):
    """All leads of the block; also returns the lead id of each B2B customer's converted lead."""
    end_s = int(_secs(end64))
    nb = len(b2b)
    shop_index = pd.Index(shops["shop_id"].to_numpy())
    launch = _secs(shops["launch_date"].to_numpy())
    lo_shop = np.maximum(launch, _secs(customers["signup_date"].to_numpy()).min())
    signup = _secs(b2b["signup_date"].to_numpy())
    b_shop = shop_index.get_indexer(b2b["shop_id"].to_numpy())

    created_c = signup - (rng.uniform(1.0, 12.0, nb) * WEEK_S).astype(np.int64)
    created_c = np.maximum(created_c, np.minimum(launch[b_shop], signup - WEEK_S))
    k = rng.integers(3, 7, size=nb)
    src = np.repeat(np.arange(nb), k)
    lo_u = lo_shop[b_shop[src]]
    created_u = lo_u + (rng.random(len(src)) * (end_s - lo_u)).astype(np.int64)

    row = np.concatenate([np.arange(nb), src])
    conv = np.arange(len(row)) < nb
    shop_pos = b_shop[row]
    created = np.concatenate([created_c, created_u])
    p_conv, p_unconv = _joint_probs()
    cell = np.empty(len(row), dtype=np.int64)
    cell[conv] = rng.choice(len(p_conv), size=nb, p=p_conv)
    cell[~conv] = rng.choice(len(p_unconv), size=len(src), p=p_unconv)
    source = np.asarray(SOURCES, dtype=object)[cell // 8]
    man = ((cell % 8)[:, None] >> np.array([2, 1, 0])) & 1 == 1

    shop_ids = shops["shop_id"].to_numpy()[shop_pos]
    want = np.flatnonzero(source == "campaign")
    half = CAMPAIGN_REACH_WEEKS * WEEK_S // 2  # same reach for converted and unconverted leads
    lo = np.where(conv, np.maximum(signup[row] - 12 * WEEK_S, np.minimum(launch[shop_pos], signup[row] - WEEK_S)),
                  np.maximum(created - half, lo_shop[shop_pos]))
    hi = np.where(conv, signup[row] - WEEK_S, np.minimum(created + half, end_s))
    campaign_id = np.full(len(row), -1, dtype=np.int64)
    campaign_id[want], ts = _campaign_windows(shop_id=shop_ids[want], lo=lo[want], hi=hi[want],
                                              campaigns=campaigns, rng=rng)
    created[want] = np.where(ts >= 0, ts, created[want])
    source = np.where((source == "campaign") & (campaign_id < 0), "web_form", source)

    locale = b2b["locale"].to_numpy()[row].astype(object)
    lang = np.where(pd.Series(locale, dtype="str").str.startswith("zh").to_numpy(), "zh", "en")
    title, stated = _render_text(lang=lang, authority=man[:, 1], need=man[:, 2], rng=rng)
    company = np.empty(len(row), dtype=object)
    contact = np.empty(len(row), dtype=object)
    company[:nb] = b2b["company"].to_numpy()
    contact[:nb] = b2b["name"].to_numpy()
    for loc in np.unique(locale[nb:]):  # loop over locales (a handful)
        sel = np.flatnonzero((locale == loc) & ~conv)
        contact[sel] = identities.render_people(n=len(sel), locale=loc, pools=pools, rng=rng)["name"].to_numpy()
        company[sel] = identities.render_companies(n=len(sel), locale=loc, pools=pools, rng=rng)
    budget = _budgets(money=man[:, 0], threshold=money_threshold(shops)[shop_pos], rng=rng)

    status = _lead_status(age_w=(end_s - created) / WEEK_S, converted=conv, n_man=man.sum(axis=1), rng=rng)

    order = np.argsort(created, kind="stable")
    lead_id = np.empty(len(row), dtype=np.int64)
    lead_id[order] = np.arange(len(row), dtype=np.int64)
    converted_ts = np.full(len(row), np.datetime64("NaT"), dtype="datetime64[s]")
    converted_ts[:nb] = signup.astype("datetime64[s]")
    frame = pd.DataFrame({
        "lead_id": lead_id, "shop_id": shop_ids.astype(np.int64), "created_ts": created.astype("datetime64[s]"),
        "source": source, "campaign_id": campaign_id, "company": company, "contact_name": contact,
        "job_title": title, "stated_need": stated, "budget": budget, "man_money": man[:, 0],
        "man_authority": man[:, 1], "man_need": man[:, 2], "status": status, "converted": conv,
        "converted_ts": converted_ts,
        "customer_id": np.where(conv, b2b["customer_id"].to_numpy()[row], -1).astype(np.int64),
        "_lang": lang,
    })
    frame = frame.iloc[order].reset_index(drop=True)
    for col in ("source", "status", "company", "contact_name", "job_title", "stated_need", "_lang"):
        frame[col] = frame[col].astype("str")
    return frame, lead_id[:nb]


def _lead_status(*, age_w: np.ndarray, converted: np.ndarray, n_man: np.ndarray,
                 rng: np.random.Generator) -> np.ndarray:
    """Lead status at the horizon: recent unconverted leads are more likely still open.

    Open leads move New → Assigned → In Process with age (weeks); closed ones are Dead or Recycled, Dead
    more often when fewer MAN conditions hold.
    """
    is_open = rng.random(len(age_w)) < np.exp(-age_w / OPEN_MEAN_WEEKS)
    a = age_w * rng.uniform(0.5, 1.5, len(age_w))
    open_status = np.select([a < 1.0, a < 4.0], ["New", "Assigned"], "In Process")
    dead = rng.random(len(age_w)) < np.asarray(DEAD_P)[n_man]
    return np.where(converted, "Converted", np.where(is_open, open_status, np.where(dead, "Dead", "Recycled")))


def _stage_from_progress(progress: np.ndarray) -> np.ndarray:
    """Open stage reached after ``progress`` (0–1) of the sales cycle: Prospecting … Negotiation/Review."""
    idx = np.clip((progress * len(OPEN_STAGES)).astype(np.int64), 0, len(OPEN_STAGES) - 1)
    return np.asarray(OPEN_STAGES, dtype=object)[idx]


def _make_opportunities(*, b2b, leads, conv_lead, shops, end64, rng) -> pd.DataFrame:
    """Opportunities: each account's winning first deal, its later deals, and prospects' open deals."""
    end_s = int(_secs(end64))
    nb = len(b2b)
    acct_lead = leads.iloc[conv_lead]  # lead_id equals the row position in ``leads``
    signup = _secs(b2b["signup_date"].to_numpy())
    lead_created = _secs(acct_lead["created_ts"].to_numpy())
    n_man_acct = acct_lead[["man_money", "man_authority", "man_need"]].to_numpy().sum(axis=1)

    first_created = lead_created + (rng.uniform(0.2, 0.8, nb) * (signup - lead_created)).astype(np.int64)
    extra = rng.choice(3, size=nb, p=ACCOUNT_OPPS_P)
    er = np.repeat(np.arange(nb), extra)
    e_created = signup[er] + (rng.random(len(er)) * (end_s - signup[er])).astype(np.int64)
    cycle = (np.exp(rng.normal(np.log(CYCLE_MEDIAN_DAYS), CYCLE_LOG_SD, len(er))) * DAY_S).astype(np.int64)
    closed = e_created + cycle < end_s
    won = rng.random(len(er)) < np.asarray(words.WIN_PROBABILITY)[n_man_acct[er]]
    e_stage = np.where(closed, np.where(won, "Closed Won", "Closed Lost"),
                       _stage_from_progress((end_s - e_created) / cycle))
    slip = np.exp(rng.normal(0.0, 0.25, len(er)))
    e_close = np.where(closed, e_created + cycle, e_created + (cycle * slip).astype(np.int64))

    lp = np.flatnonzero((leads["status"] == "In Process").to_numpy())
    lp = lp[rng.random(len(lp)) < LEAD_OPP_P]
    l_start = _secs(leads["created_ts"].to_numpy()[lp])
    l_created = l_start + (rng.uniform(0.1, 0.9, len(lp)) * (end_s - l_start)).astype(np.int64)
    progress = rng.uniform(0.05, 0.95, len(lp))
    l_cycle = (end_s - l_created) / progress
    l_close = l_created + (l_cycle * np.exp(rng.normal(0.0, 0.25, len(lp)))).astype(np.int64)

    acct = np.concatenate([np.arange(nb), er])
    money = np.concatenate([acct_lead["man_money"].to_numpy()[acct], leads["man_money"].to_numpy()[lp]])
    shop_id = np.concatenate([b2b["shop_id"].to_numpy()[acct], leads["shop_id"].to_numpy()[lp]])
    fx = shops["fx_rate_to_cny"].to_numpy(dtype=float)[pd.Index(shops["shop_id"]).get_indexer(shop_id)]
    base = np.exp(rng.normal(np.log(words.DEAL_MEDIAN_CNY), words.DEAL_LOG_SD, len(shop_id)))
    amount = np.round(base * np.where(money, words.DEAL_MONEY_FACTOR, 1.0) / fx, 0)
    company = np.concatenate([b2b["company"].to_numpy(dtype=object)[acct],
                              leads["company"].to_numpy(dtype=object)[lp]])
    lang = np.concatenate([acct_lead["_lang"].to_numpy(dtype=object)[acct],
                           leads["_lang"].to_numpy(dtype=object)[lp]])
    deal = np.empty(len(lang), dtype=object)
    for key in ("zh", "en"):
        sel = lang == key
        deal[sel] = np.asarray(words.DEAL_NAMES[key], dtype=object)[rng.integers(len(words.DEAL_NAMES[key]),
                                                                                 size=int(sel.sum()))]
    stage = np.concatenate([np.full(nb, "Closed Won", dtype=object), e_stage, _stage_from_progress(progress)])
    created = np.concatenate([first_created, e_created, l_created])
    order = np.argsort(created, kind="stable")
    out = pd.DataFrame({
        "opportunity_id": np.arange(len(created), dtype=np.int64),
        "shop_id": shop_id.astype(np.int64),
        "customer_id": np.concatenate([b2b["customer_id"].to_numpy()[acct],
                                       np.full(len(lp), -1)]).astype(np.int64),
        "lead_id": np.concatenate([conv_lead, np.full(len(er), -1), lp]).astype(np.int64),
        "name": pd.Series(company, dtype="str") + " – " + pd.Series(deal, dtype="str"),
        "sales_stage": pd.Series(stage, dtype="str"),
        "amount": amount,
        "probability": pd.Series(stage).map(schema.SALES_STAGES).to_numpy().astype(np.int64),
        "created_ts": created.astype("datetime64[s]"),
        "close_date": np.concatenate([signup, e_close, l_close]).astype("datetime64[s]"),
    }).iloc[order]
    out["opportunity_id"] = np.arange(len(out), dtype=np.int64)
    return out.reset_index(drop=True)
