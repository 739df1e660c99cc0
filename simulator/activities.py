"""SuiteCRM-style sales activities (calls, meetings, tasks, e-mails, notes) with polymorphic parents.

Each activity hangs off one parent record, named by ``parent_type`` and ``parent_id`` as SuiteCRM's
``parent_type``/``parent_id`` pair does: a lead (follow-up calls and e-mails while it is worked, more for a
lead in process or converted), an opportunity (one or more activities per sales stage it went through —
more for won deals, the subject naming the stage at the time), or, after the first won deal, the account
(``Accounts``: the B2B customer) and its contact person (``Contacts``: the same customer record's ``name``).
Activities are dated inside the parent's life: a lead from creation to conversion (or, closed unconverted,
a few weeks), an opportunity from creation to its close date, an account from conversion to the horizon.
An open lead or opportunity often has one ``Planned`` next step dated in the two weeks after the horizon;
every other activity is before it. Each shop has a small sales team; a parent's activities are mostly done
by its owner. Words and numbers: ``simulator.data.activity_words``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import assemble, identities, schema
from .data import activity_words as words

OPEN_STAGES = tuple(s for s in schema.SALES_STAGES if not s.startswith("Closed"))
OPEN_LEADS = ("New", "Assigned", "In Process")
DAY, WEEK = 86_400, 7 * 86_400
MONTH = 30.44 * DAY
WORK_HOURS = (9, 18)  # an activity starts in these hours [start, end) unless its parent's life is shorter


def _secs(t) -> np.ndarray:
    return np.asarray(t).astype("datetime64[s]").astype(np.int64)


def _teams(shops: pd.DataFrame, pools, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Sales reps of each shop (distinct zh_CN names, ``TEAM_SIZE`` of them)."""
    out = {}
    for shop in shops["shop_id"].to_numpy(dtype=object):
        k = int(rng.integers(words.TEAM_SIZE[0], words.TEAM_SIZE[1] + 1))
        names = identities.render_people(n=4 * k, locale="zh_CN", pools=pools, rng=rng)["name"].to_numpy(dtype=object)
        out[shop] = pd.unique(names)[:k]
    return out


def _lead_parents(leads: pd.DataFrame, end_s: int, rng: np.random.Generator) -> pd.DataFrame:
    status = leads["status"].to_numpy(dtype=object)
    lo = _secs(leads["created_ts"].to_numpy())
    worked = lo + (rng.uniform(*words.LEAD_DEAD_WEEKS, len(leads)) * WEEK).astype(np.int64)
    hi = np.where(leads["converted"].to_numpy(dtype=bool), _secs(leads["converted_ts"].to_numpy()),
                  np.where(np.isin(status, OPEN_LEADS), end_s, np.minimum(worked, end_s)))
    bounds = np.array([words.LEAD_COUNT[s] for s in status]).reshape(-1, 2)
    is_open = np.isin(status, OPEN_LEADS)
    return pd.DataFrame({"parent_type": "Leads", "parent_id": leads["lead_id"].to_numpy(dtype=object),
                         "shop_id": leads["shop_id"].to_numpy(dtype=object),
                         "who": leads["company"].to_numpy(dtype=object), "lo": lo, "hi": np.maximum(hi, lo),
                         "n": rng.integers(bounds[:, 0], bounds[:, 1] + 1), "stages": 0,
                         "next": is_open & (rng.random(len(leads)) < words.NEXT_STEP_P["Leads"]),
                         "not_held": [words.NOT_HELD_P.get(s, words.NOT_HELD_P[""]) for s in status]})


def _opportunity_parents(opps: pd.DataFrame, end_s: int, rng: np.random.Generator) -> pd.DataFrame:
    stage = opps["sales_stage"].to_numpy(dtype=object)
    won, lost = stage == "Closed Won", stage == "Closed Lost"
    k = np.where(won, len(OPEN_STAGES), np.where(lost, rng.integers(1, len(OPEN_STAGES) + 1, len(opps)),
                                                 [OPEN_STAGES.index(s) + 1 if s in OPEN_STAGES else 1 for s in stage]))
    rate = np.where(won, words.OPP_PER_STAGE["won"], np.where(lost, words.OPP_PER_STAGE["lost"],
                                                              words.OPP_PER_STAGE["open"]))
    lo = _secs(opps["created_ts"].to_numpy())
    hi = np.where(won | lost, _secs(opps["close_date"].to_numpy()), end_s)
    return pd.DataFrame({"parent_type": "Opportunities", "parent_id": opps["opportunity_id"].to_numpy(dtype=object),
                         "shop_id": opps["shop_id"].to_numpy(dtype=object), "who": opps["name"].to_numpy(dtype=object),
                         "lo": lo, "hi": np.minimum(np.maximum(hi, lo), end_s), "n": 1 + rng.poisson(rate * k),
                         "stages": k.astype(np.int64),
                         "next": ~(won | lost) & (rng.random(len(opps)) < words.NEXT_STEP_P["Opportunities"]),
                         "not_held": np.where(lost, words.NOT_HELD_P["Closed Lost"], words.NOT_HELD_P[""])})


def _account_parents(leads: pd.DataFrame, end_s: int, rng: np.random.Generator) -> pd.DataFrame:
    """The converted leads' accounts and contact persons, from conversion (the first won deal) to the horizon."""
    conv = leads[leads["converted"].to_numpy(dtype=bool)]
    lo = _secs(conv["converted_ts"].to_numpy())
    months = (end_s - lo) / MONTH
    frames = []
    for kind, share, who in (("Accounts", 1 - words.CONTACT_SHARE, "company"),
                             ("Contacts", words.CONTACT_SHARE, "contact_name")):
        frames.append(pd.DataFrame({
            "parent_type": kind, "parent_id": conv["customer_id"].to_numpy(dtype=object),
            "shop_id": conv["shop_id"].to_numpy(dtype=object), "who": conv[who].to_numpy(dtype=object), "lo": lo,
            "hi": np.full(len(conv), end_s, dtype=np.int64),
            "n": rng.poisson(words.ACCOUNT_PER_MONTH * share * months), "stages": 0, "next": False,
            "not_held": words.NOT_HELD_P[""]}))
    return pd.concat(frames, ignore_index=True)


def make_activities(*, leads: pd.DataFrame, opportunities: pd.DataFrame, shops: pd.DataFrame, pools, end,
                    rng: np.random.Generator) -> pd.DataFrame:
    """Every sales activity of the world.

    Parameters
    ----------
    leads, opportunities, shops : DataFrame
        The world's observed tables with string ids (``kind`` of ``shops`` sets the subjects' language:
        Chinese for domestic shops, English for cross-border ones).
    pools : Pools
        Identity pools (``simulator.identities``) for the sales reps' names.
    end : Timestamp
        The horizon: past activities are before it, planned next steps within ``NEXT_STEP_DAYS`` after it.
    rng : Generator
        The world's ``activities`` stream.

    Returns
    -------
    DataFrame
        ``schema.OBSERVED["activities"]``, ids ``E0000001`` … in ``date_start`` order.
    """
    leads = assemble.conform(leads, schema.OBSERVED["leads"])
    opps = assemble.conform(opportunities, schema.OBSERVED["opportunities"])
    shops = assemble.conform(shops, schema.OBSERVED["shops"])
    end_s = int(_secs(np.datetime64(pd.Timestamp(end), "s")))
    team = _teams(shops, pools, rng)
    par = pd.concat([_lead_parents(leads, end_s, rng), _opportunity_parents(opps, end_s, rng),
                     _account_parents(leads, end_s, rng)], ignore_index=True)
    par["n"] = par["n"].astype(np.int64)
    size = par["shop_id"].map({s: len(v) for s, v in team.items()}).to_numpy(dtype=np.int64)
    par["owner"] = (rng.random(len(par)) * size).astype(np.int64)

    past = np.repeat(np.arange(len(par)), par["n"].to_numpy())
    nxt = np.flatnonzero(par["next"].to_numpy(dtype=bool))
    row = np.concatenate([past, nxt])
    planned = np.arange(len(row)) >= len(past)
    lo, hi = par["lo"].to_numpy()[row], par["hi"].to_numpy()[row]
    frac = rng.random(len(row))
    date = np.where(planned, end_s + (frac * words.NEXT_STEP_DAYS * DAY).astype(np.int64),
                    lo + (frac * (hi - lo)).astype(np.int64))
    clock = WORK_HOURS[0] * 3600 + (rng.random(len(row)) * (WORK_HOURS[1] - WORK_HOURS[0]) * 3600).astype(np.int64)
    date = date - date % DAY + clock  # during office hours, then kept inside the parent's life
    date = np.where(planned, np.maximum(date, end_s), np.clip(date, lo, np.minimum(hi, end_s - 1)))
    kinds = par["parent_type"].to_numpy(dtype=object)[row]
    cdf = np.cumsum(np.array([words.TYPE_P[k] for k in kinds]).reshape(-1, len(words.ACTIVITY_TYPES)), axis=1)
    type_ix = (cdf < rng.random(len(row))[:, None] * cdf[:, -1:]).sum(axis=1)
    type_ix = np.where(planned, np.minimum(type_ix % 3, 2), np.minimum(type_ix, len(words.ACTIVITY_TYPES) - 1))
    a_type = np.asarray(words.ACTIVITY_TYPES, dtype=object)[type_ix]
    talk = np.isin(a_type, ("Call", "Meeting"))
    held = rng.random(len(row)) >= par["not_held"].to_numpy(dtype=float)[row]
    status = np.where(planned, "Planned", np.where(talk, np.where(held, "Held", "Not Held"), "Completed"))

    k = par["stages"].to_numpy()[row]
    at = (date - lo) / np.maximum(hi - lo, 1)  # share of the parent's life gone by at the activity
    stage_ix = np.where(planned, k - 1, np.clip((at * k).astype(np.int64), 0, k - 1))
    lang = par["shop_id"].map(shops.set_index("shop_id")["kind"]).to_numpy(dtype=object)[row]
    lang = np.where(lang == "domestic", "zh", "en")
    who = par["who"].to_numpy(dtype=object)[row]
    pick = rng.random(len(row))
    subject = [_subject(lng, p, t, w, OPEN_STAGES[s] if kk else "", u)
               for lng, p, t, w, s, kk, u in zip(lang, kinds, a_type, who, stage_ix, k, pick, strict=True)]
    shop = par["shop_id"].to_numpy(dtype=object)[row]
    own = rng.random(len(row)) < words.OWNER_SHARE
    member = np.where(own, par["owner"].to_numpy()[row], (rng.random(len(row)) * size[row]).astype(np.int64))
    user = [team[s][m] for s, m in zip(shop, member, strict=True)]

    out = pd.DataFrame({"activity_type": a_type, "parent_type": kinds,
                        "parent_id": par["parent_id"].to_numpy(dtype=object)[row], "shop_id": shop,
                        "subject": subject, "date_start": date, "status": status, "assigned_user": user,
                        "key": rng.random(len(row))})
    out = out.sort_values(["date_start", "key"], kind="stable").reset_index(drop=True)
    out.insert(0, "activity_id", assemble.format_ids(np.arange(len(out)), *schema.ID_FORMATS["activity_id"]))
    out["date_start"] = out["date_start"].to_numpy(dtype=np.int64).astype("datetime64[s]")
    return assemble.conform(out, schema.OBSERVED["activities"])


def _subject(lang: str, parent: str, kind: str, who: str, stage: str, u: float) -> str:
    options = words.SUBJECTS[lang][parent, kind]
    label = words.STAGES_ZH.get(stage, stage) if lang == "zh" else stage
    return options[min(int(u * len(options)), len(options) - 1)].format(who=who, stage=label)
