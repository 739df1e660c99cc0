"""The call centre: agents on shifts, the call log of each block, and the ACD queue that sets waits.

Calls arrive per block: the calls of phone tickets and their follow-ups, chasers for e-mail and chat
tickets, general calls (order status, delivery, account) at a small rate per active customer (from
signup until the customer's true churn), and a few outbound calls, all while the lines are open
(08:00–22:00) with a late-morning and an evening peak.
Waits are set once for the whole world (:func:`queue_calls`): per queue and 30-minute interval the
offered load A = arrivals × mean handle time / 1800 s meets the N agents on shift; a call waits with the
Erlang-C probability C(N, A) and then an exponential time with rate (N − A)/AHT (Gans, Koole & Mandelbaum
2003, MSOM 5(2)); a caller whose patience runs out first abandons. Parameters are invented for teaching.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import identities

SHIFTS = {"early": (7, 15), "day": (9, 18), "late": (14, 22)}  # agent shifts, hours [start, end)
OPEN_HOURS = (8, 22)                                           # lines open, hours [start, end)
# relative inbound volume per open hour 08..21 (late-morning and evening peaks) and per weekday Mon..Sun
CALL_HOUR_PROFILE = np.array([0.7, 1.0, 1.35, 1.4, 1.1, 0.95, 1.0, 1.05, 1.0, 0.95, 1.05, 1.3, 1.4, 1.0])
CALL_DOW_PROFILE = np.array([1.15, 1.05, 1.0, 1.0, 0.95, 0.9, 0.95])
GENERAL_CALLS_PER_YEAR = 4.0   # calls not tied to a ticket, per active customer-year (signup → churn)
OUTBOUND_SHARE = 0.08          # share of the general calls that the centre places (outbound)
PHONE_FOLLOWUP_P = 0.35        # extra calls of a phone ticket not solved at once ~ Binomial(2, p)
CHASER_P = 0.15                # P(an e-mail/chat/social ticket not solved at once is chased by phone)
FOLLOWUP_DAYS = (1, 4)         # follow-up calls come this many days later, [lo, hi)
IVR_P = 0.30                   # share of inbound calls not tied to a ticket that finish in the IVR
UNIDENTIFIED_P = 0.03          # share of calls the CTI could not link to a customer
ANI_FORMAT_P = (0.6, 0.2, 0.2)  # ANI as stored | with the country code (+86 …) | digits only
TALK_MEDIAN_S = {"inbound": 190.0, "outbound": 150.0}
TALK_SIGMA = 0.5               # lognormal sigma of talk time
HOLD_P, HOLD_MEAN_S = 0.3, 40.0  # share of calls with hold, and mean hold seconds (exponential)
WRAP_SHAPE, WRAP_SCALE_S = 4.0, 8.0  # after-call work ~ Gamma (mean 32 s)
AHT_S = 255.0                  # expected handle time, for staffing
PATIENCE_S = 150.0             # mean caller patience (exponential)
INTERVAL_S = 1800              # ACD reporting interval
AGENT_CALLS_PER_YEAR = 2.7     # expected agent-handled inbound calls per active customer-year, for staffing
# staffing plans for this share of all customers being active (signed up, not churned): the share measured
# at about 60 % of a default 2-year world (0.24–0.39 active from mid-horizon to the end in lifecycle
# mode), per generative mode
ACTIVE_SHARE = {"lifecycle": 0.32, "btyd": 0.58, "mixed": 0.45}
STAFFING_BETA = 0.5            # square-root staffing N = A + β√A per hour


def queue_of(locale: np.ndarray) -> np.ndarray:
    """ACD queue serving each customer locale's language: ``domestic_zh`` or ``cross_border_<lang>``."""
    lang = pd.Series(np.asarray(locale, dtype=object)).astype(str).str[:2].to_numpy(dtype=object)
    return np.where(lang == "zh", "domestic_zh", "cross_border_" + lang).astype(object)


def erlang_c(A: float, N: int) -> float:
    """P(wait) of an M/M/N queue with offered load ``A`` Erlangs; 1.0 when N ≤ A (unstable)."""
    if N <= A:
        return 1.0
    b = 1.0
    for k in range(1, int(N) + 1):
        b = A * b / (k + A * b)  # Erlang B recursion
    return N * b / (N - A * (1 - b))


def service_level(A: float, N: int, aht_s: float, t_s: float) -> float:
    """Share of calls answered within ``t_s`` seconds: 1 − C(N, A)·exp(−(N − A)·t/AHT); 0.0 if N ≤ A."""
    if N <= A:
        return 0.0
    return 1.0 - erlang_c(A, N) * math.exp(-(N - A) * t_s / aht_s)


def _erlang_c_vec(A: np.ndarray, N: np.ndarray) -> np.ndarray:
    """Erlang C over arrays of loads and agent counts (1.0 where N ≤ A)."""
    out = np.ones(len(A))
    ok = N > A
    if ok.any():
        a, target = A[ok], N[ok].astype(int)
        b, bn = np.ones(len(a)), np.ones(len(a))
        for k in range(1, int(target.max()) + 1):
            b = a * b / (k + a * b)
            bn = np.where(target == k, b, bn)
        out[ok] = target * bn / (target - a * (1 - bn))
    return out


def _queue_shares(shops: pd.DataFrame) -> dict[str, tuple[str, float]]:
    """Queue → (locale for agent names, approximate share of customers); domestic shops count 1.5×."""
    kind = shops["kind"].to_numpy()
    weight = np.where(kind == "domestic", 1.5, 1.0)
    shares: dict[str, list] = {"domestic_zh": ["zh_CN", float(weight[kind == "domestic"].sum())]}
    cross = kind == "cross_border"
    locales = shops["buyer_locales"][cross]
    weights = (shops["buyer_weights"][cross] if "buyer_weights" in shops
               else locales.map(lambda locs: (1.0 / len(locs),) * len(locs)))
    for locs, ws, w in zip(locales, weights, weight[cross], strict=True):
        for loc, lw in zip(locs, ws, strict=True):
            entry = shares.setdefault(str(queue_of(np.array([loc]))[0]), [loc, 0.0])
            entry[1] += float(w * lw)
    total = max(sum(v[1] for v in shares.values()), 1e-9)
    return {q: (loc, s / total) for q, (loc, s) in shares.items()}


def staffing_plan(*, n_customers: float, share: float, mode: str = "lifecycle") -> dict[str, int]:
    """Agents per shift for a queue serving ``share`` of ``n_customers`` (square-root staffing).

    The hourly load forecast A_h (Erlangs; ``ACTIVE_SHARE[mode]`` of the customers active, as planned
    in mid-horizon, on the busiest weekday) needs N_h = max(1, ⌈A_h + β√A_h⌉) agents; the early shift
    covers 08:00, the late shift the evening, and the day shift tops up the middle of the day.
    Returns ``{"early": e, "day": d, "late": l}`` (agents per shift).
    """
    customers = n_customers * share * ACTIVE_SHARE[mode]
    calls_per_day = customers * AGENT_CALLS_PER_YEAR / 365.0 * CALL_DOW_PROFILE.max() / CALL_DOW_PROFILE.mean()
    load = calls_per_day * CALL_HOUR_PROFILE / CALL_HOUR_PROFILE.sum() * AHT_S / 3600.0
    need = np.maximum(1, np.ceil(load + STAFFING_BETA * np.sqrt(load))).astype(int)
    hours = np.arange(*OPEN_HOURS)
    covers = {s: (hours >= h0) & (hours < h1) for s, (h0, h1) in SHIFTS.items()}
    early = int(need[covers["early"] & ~covers["day"]].max())
    late = int(need[covers["late"] & ~covers["day"]].max())
    rest = need - early * covers["early"] - late * covers["late"]
    return {"early": early, "day": int(max(0, rest[covers["day"]].max())), "late": late}


def make_agents(*, shops: pd.DataFrame, n_customers: int, pools, rng: np.random.Generator,
                mode: str = "lifecycle") -> pd.DataFrame:
    """The agents: per queue and shift as many as :func:`staffing_plan` says.

    A queue's share of ``n_customers`` is estimated from the shops (domestic shops count 1.5×, a
    cross-border shop's customers split by its buyer locales). Staffing is sized for the customers
    active in mid-horizon, so the last months, the evening peak and 11.11 run short.
    A default world (10k customers) gets one early and one late agent per queue.

    Parameters
    ----------
    shops : DataFrame
        ``kind``, ``buyer_locales`` and ``buyer_weights`` (tuples) of every shop.
    n_customers : int
        Customers in the world.
    pools : Pools
        Identity pools for :func:`simulator.identities.render_people` (the queues' locales).
    rng : Generator
        Source of every random draw.
    mode : {"lifecycle", "btyd", "mixed"}, default="lifecycle"
        The world's generative mode, which sets the share of customers active (``ACTIVE_SHARE``).

    Returns
    -------
    DataFrame
        One row per agent, the columns of ``schema.OBSERVED["agents"]``: int64 ``agent_id`` 0..n−1,
        ``name``, ``queue`` (``domestic_zh`` or ``cross_border_<lang>``), ``language``,
        ``tenure_months`` (int64), ``shift`` (early | day | late).
    """
    frames = []
    for queue, (locale, share) in _queue_shares(shops).items():
        plan = staffing_plan(n_customers=n_customers, share=share, mode=mode)
        k = sum(plan.values())
        people = identities.render_people(n=k, locale=locale, pools=pools, rng=rng)
        frames.append(pd.DataFrame({"name": people["name"].to_numpy(dtype=object), "queue": queue,
                                    "language": locale[:2], "tenure_months": rng.integers(1, 72, k),
                                    "shift": np.repeat(np.asarray(list(plan), dtype=object), list(plan.values()))}))
    agents = pd.concat(frames, ignore_index=True)
    agents.insert(0, "agent_id", np.arange(len(agents), dtype=np.int64))
    return agents.astype({"tenure_months": np.int64})


def pick_on_shift(*, queue: np.ndarray, hour: np.ndarray, agents: pd.DataFrame, u: np.ndarray,
                  any_shift: bool = False) -> np.ndarray:
    """An agent of each row's queue whose shift covers ``hour`` (chosen by the uniform ``u``).

    With ``any_shift`` a row no shift covers gets any agent of its queue, and a queue without agents
    any agent at all; otherwise such rows get −1. Returns int64 agent ids, shape (n,).
    Rows are grouped by (queue, hour) with one sort, so the cost does not grow with queues × hours.
    """
    out = np.full(len(queue), -1, dtype=np.int64)
    a_queue = agents["queue"].to_numpy(dtype=object)
    a_id = agents["agent_id"].to_numpy(dtype=np.int64)
    start = agents["shift"].map({s: h[0] for s, h in SHIFTS.items()}).to_numpy()
    stop = agents["shift"].map({s: h[1] for s, h in SHIFTS.items()}).to_numpy()
    code, names = pd.factorize(np.asarray(queue, dtype=object))
    key = code.astype(np.int64) * 24 + np.asarray(hour, dtype=np.int64)
    order = np.argsort(key, kind="stable")
    bounds = np.flatnonzero(np.diff(key[order])) + 1
    for rows in np.split(order, bounds) if len(order) else []:
        q, h = str(names[code[rows[0]]]), int(hour[rows[0]])
        staff = a_queue == q
        pool = a_id[staff & (start <= h) & (h < stop)]
        if not len(pool) and any_shift:
            pool = a_id[staff] if staff.any() else a_id
        if len(pool):
            out[rows] = pool[np.minimum((u[rows] * len(pool)).astype(int), len(pool) - 1)]
    return out


def _times_on_days(day: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A time on each given day (datetime64[D]) in opening hours, by the hour-of-day call profile."""
    cdf = np.cumsum(CALL_HOUR_PROFILE) / CALL_HOUR_PROFILE.sum()
    hour = OPEN_HOURS[0] + np.searchsorted(cdf, rng.random(len(day)), side="right")
    secs = hour * 3600 + rng.integers(0, 3600, len(day))
    return day.astype("datetime64[s]") + secs.astype("timedelta64[s]")


def _ticket_calls(tickets: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The opening call of each phone ticket, follow-ups for unsolved ones, and phone chasers."""
    n = len(tickets)
    phone = tickets["channel"].to_numpy() == "phone"
    first = tickets["first_response_ts"].to_numpy().astype("datetime64[s]")
    resolved_ts = tickets["resolved_ts"].to_numpy().astype("datetime64[s]")
    solved_at_once = resolved_ts == first
    extra = np.where(solved_at_once, 0, rng.binomial(2, PHONE_FOLLOWUP_P, n))
    n_calls = np.where(phone, 1 + extra, (~solved_at_once & (rng.random(n) < CHASER_P)).astype(int))
    tix = np.repeat(np.arange(n), n_calls)
    rank = np.arange(len(tix)) - np.repeat(np.cumsum(n_calls) - n_calls, n_calls)
    opened = tickets["opened_ts"].to_numpy().astype("datetime64[s]")[tix]
    lag = rank + rng.integers(*FOLLOWUP_DAYS, len(tix))  # later calls of a ticket come later
    later = _times_on_days(opened.astype("datetime64[D]") + lag.astype("timedelta64[D]"), rng)
    arrival = np.where(phone[tix] & (rank == 0), opened, later)
    keep = (rank == 0) & phone[tix] | np.isnat(resolved_ts[tix]) | (arrival < resolved_ts[tix])
    return pd.DataFrame({"customer_id": tickets["customer_id"].to_numpy(dtype=np.int64)[tix],
                         "ticket_id": tickets["ticket_id"].to_numpy(dtype=np.int64)[tix],
                         "arrival_ts": arrival, "direction": "inbound"})[keep]


def _general_calls(customers: pd.DataFrame, until: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Calls not tied to a ticket: Poisson per active customer-year, from signup to ``until`` (churn or
    horizon, datetime64[s] per customer, exclusive), thinned by weekday."""
    signup = customers["signup_date"].to_numpy().astype("datetime64[s]")
    first_day = signup.astype("datetime64[D]")
    last_day = until.astype("datetime64[D]")
    days = np.maximum((last_day - first_day).astype(np.int64) + (until > last_day), 0)
    accept_max = CALL_DOW_PROFILE.max() / CALL_DOW_PROFILE.mean()
    k = rng.poisson(GENERAL_CALLS_PER_YEAR * days / 365.25 * accept_max)
    who = np.repeat(np.arange(len(customers)), k)
    day = first_day[who] + (rng.random(len(who)) * days[who]).astype("timedelta64[D]")
    dow = (day.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    keep = rng.random(len(who)) < CALL_DOW_PROFILE[dow] / CALL_DOW_PROFILE.max()
    arrival = _times_on_days(day, rng)
    keep &= (arrival >= signup[who]) & (arrival < until[who])
    direction = np.where(rng.random(len(who)) < OUTBOUND_SHARE, "outbound", "inbound")
    return pd.DataFrame({"customer_id": customers["customer_id"].to_numpy(dtype=np.int64)[who], "ticket_id": -1,
                         "arrival_ts": arrival, "direction": direction})[keep]


def _ani(phone: np.ndarray, locale: np.ndarray, pos: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Caller numbers as the switch presents them: as stored, with +86, or digits only.

    ``phone`` and ``locale`` are per customer; ``pos`` (int, shape (n_calls,)) is each call's customer
    position, so the strings are rewritten once per customer, not once per call. Returns object (n_calls,).
    """
    fmt = np.searchsorted(np.cumsum(ANI_FORMAT_P), rng.random(len(pos)), side="right")
    s = pd.Series(phone, dtype=object).astype(str)
    digits = s.str.replace(r"[^0-9+]", "", regex=True)
    plus86 = np.where(locale == "zh_CN", "+86" + digits, digits)
    forms = (s.to_numpy(dtype=object), np.asarray(plus86, dtype=object), digits.to_numpy(dtype=object))
    return np.select([fmt == 1, fmt == 2], [forms[1][pos], forms[2][pos]], forms[0][pos]).astype(object)


def render_calls(*, tickets: pd.DataFrame, customers: pd.DataFrame, end: pd.Timestamp,
                 rng: np.random.Generator, churn_ts: np.ndarray | None = None) -> pd.DataFrame:
    """The block's call log before queueing (``wait_s`` NaN, ``abandoned`` False, ``agent_id`` −1).

    Parameters
    ----------
    tickets : DataFrame
        From :func:`simulator.service.render_tickets` (block-local ``ticket_id``).
    customers : DataFrame
        int64 ``customer_id``; ``locale``, ``phone``, ``signup_date``.
    end : Timestamp
        Horizon (exclusive).
    rng : Generator
        Source of every random draw.
    churn_ts : ndarray of datetime64[s], shape (len(customers),), optional
        Each customer's true churn time (NaT: active at the horizon); general calls stop there. Default:
        nobody churns. Calls about a ticket still follow their ticket.

    Returns
    -------
    DataFrame
        The columns of ``schema.OBSERVED["calls"]``, ordered by customer then ``arrival_ts``: int64
        ``call_id`` 0..n−1 (block-local), ``customer_id`` (−1: caller not identified), ``ticket_id``
        (−1: none), ``agent_id`` (−1 until :func:`queue_calls`); ``ani`` the customer's phone in one of
        a few formats; ``queue`` by language; talk/hold/wrap in seconds (0 for IVR-contained calls).
    """
    end64 = np.datetime64(end, "s")
    until = np.full(len(customers), end64)
    if churn_ts is not None:
        churn = np.asarray(churn_ts).astype("datetime64[s]")
        until = np.where(np.isnat(churn), end64, np.minimum(churn, end64))
    calls = pd.concat([_ticket_calls(tickets, rng), _general_calls(customers, until, rng)], ignore_index=True)
    calls = calls[calls["arrival_ts"] < end64]
    calls = calls.sort_values(["customer_id", "arrival_ts"], kind="stable").reset_index(drop=True)
    n = len(calls)
    pos = pd.Index(customers["customer_id"]).get_indexer(calls["customer_id"])
    c_locale = customers["locale"].to_numpy(dtype=object)
    inbound = calls["direction"].to_numpy() == "inbound"
    ivr = inbound & (calls["ticket_id"].to_numpy() < 0) & (rng.random(n) < IVR_P)
    median = np.where(inbound, TALK_MEDIAN_S["inbound"], TALK_MEDIAN_S["outbound"])
    talk = np.where(ivr, 0.0, np.round(median * np.exp(rng.normal(0.0, TALK_SIGMA, n))))
    hold = np.where(ivr | (rng.random(n) >= HOLD_P), 0.0, np.round(rng.exponential(HOLD_MEAN_S, n)))
    wrap = np.where(ivr, 0.0, np.round(rng.gamma(WRAP_SHAPE, WRAP_SCALE_S, n)))
    unknown = rng.random(n) < UNIDENTIFIED_P
    return pd.DataFrame({
        "call_id": np.arange(n, dtype=np.int64),
        "customer_id": np.where(unknown, -1, calls["customer_id"].to_numpy()).astype(np.int64),
        "ticket_id": calls["ticket_id"].to_numpy().astype(np.int64),
        "ani": _ani(customers["phone"].to_numpy(dtype=object), c_locale, pos, rng),
        "queue": queue_of(c_locale)[pos], "direction": calls["direction"].to_numpy(dtype=object),
        "arrival_ts": calls["arrival_ts"].to_numpy().astype("datetime64[s]"), "ivr_contained": ivr,
        "abandoned": np.zeros(n, dtype=bool), "wait_s": np.full(n, np.nan), "talk_s": talk, "hold_s": hold,
        "wrap_s": wrap, "agent_id": np.full(n, -1, dtype=np.int64),
    })


def _queue_codes(queue: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct queue names (str) and each row's index into them (categoricals read as codes)."""
    if isinstance(queue.dtype, pd.CategoricalDtype):
        cats = np.asarray(queue.cat.categories).astype(str)
        names, remap = np.unique(cats, return_inverse=True)
        codes = queue.cat.codes.to_numpy()
        return names, np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
    names, code = np.unique(queue.to_numpy(dtype=object).astype(str), return_inverse=True)
    return names, code


def queue_calls(calls: pd.DataFrame, agents: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
    """Waits, abandonment and agents for every call of the world (same rows, same order).

    Per queue and 30-minute interval, A = arrivals × the queue's mean handle time / 1800 s, with the
    arrivals of an interval averaged over the same half hour of the seven days of its (Monday-based)
    week: a small centre's forecast, so that a lone call does not count as load on itself; N = agents
    whose shift covers the interval's hour. A call waits with probability
    C(N, A), then Exp((N − A)/AHT) seconds (a long wait when N ≤ A); if that exceeds the caller's
    patience (exponential, mean ``PATIENCE_S``) it is abandoned: ``wait_s`` = patience, talk, hold and
    wrap 0, no agent. IVR-contained calls wait 0 with no agent; outbound calls wait 0 and get an
    on-shift agent.

    Returns
    -------
    DataFrame
        ``calls`` with ``wait_s`` (float64 seconds), ``abandoned`` (bool), ``agent_id`` (int64, −1:
        none) and talk/hold/wrap filled.
    """
    out = calls.copy()
    n = len(out)
    ts = out["arrival_ts"].to_numpy().astype("datetime64[s]")
    hour = (ts - ts.astype("datetime64[D]")).astype(np.int64) // 3600
    day = ts.astype("datetime64[D]").astype(np.int64)
    slot = (day + 3) // 7 * 86_400 + (ts.astype(np.int64) % 86_400) // INTERVAL_S  # Monday-based week × slot
    names, code = _queue_codes(out["queue"])
    inbound = out["direction"].to_numpy() == "inbound"
    to_agent = inbound & ~out["ivr_contained"].to_numpy(dtype=bool)
    handle = (out["talk_s"] + out["hold_s"] + out["wrap_s"]).to_numpy(dtype=float)
    u, patience, expo, pick = rng.random(n), rng.exponential(PATIENCE_S, n), rng.exponential(1.0, n), rng.random(n)
    start = agents["shift"].map({s: h[0] for s, h in SHIFTS.items()}).to_numpy()
    stop = agents["shift"].map({s: h[1] for s, h in SHIFTS.items()}).to_numpy()
    wait = np.zeros(n)
    for k, q in enumerate(names):
        sel = np.flatnonzero((code == k) & to_agent)
        if not len(sel):
            continue
        staff = (agents["queue"] == q).to_numpy()
        on_shift = np.array([(staff & (start <= h) & (h < stop)).sum() for h in range(24)])
        _, inv, cnt = np.unique(slot[sel], return_inverse=True, return_counts=True)
        aht = max(float(handle[sel].mean()), 1.0)
        load = (cnt / 7.0 * aht / INTERVAL_S)[inv]
        n_on = on_shift[hour[sel]].astype(float)
        rate = np.maximum(n_on - load, 0.1 * np.maximum(n_on, 1.0)) / aht
        waits = np.where(u[sel] < _erlang_c_vec(load, n_on), expo[sel] / rate, 0.0)
        wait[sel] = np.where(n_on > 0, waits, np.inf)
    abandoned = to_agent & (wait > patience)
    wait = np.round(np.where(abandoned, patience, wait), 1)
    served = (to_agent & ~abandoned) | ~inbound
    agent = pick_on_shift(queue=np.where(served, names[code], ""), hour=hour, agents=agents, u=pick)
    out["wait_s"] = wait
    out["abandoned"] = abandoned
    out["agent_id"] = np.where(served, agent, -1).astype(np.int64)
    for col in ("talk_s", "hold_s", "wrap_s"):
        out[col] = np.where(abandoned, 0.0, out[col].to_numpy(dtype=float))
    return out
