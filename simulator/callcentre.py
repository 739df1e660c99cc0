"""The call centre: agents on shifts, the call log of each block, and the ACD queue that sets waits.

Calls arrive per block (phone tickets and their follow-ups, chasers for e-mail/chat tickets, general
enquiries, a few outbound calls). Waits are set once for the whole world: per queue and 30-minute
interval the offered load A = arrivals × mean handle time / 1800 s meets the agents on shift N; a call
waits with the Erlang-C probability and then an exponential time with rate (N − A)/AHT (Gans, Koole &
Mandelbaum 2003); a caller whose patience runs out first abandons.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .calendar import random_seconds_in_days
from .service import _queue_of

SHIFTS = {"early": (7, 15), "day": (9, 18), "late": (14, 22)}
LANGUAGES = {"zh": "zh_CN", "en": "en_US", "de": "de_DE", "fr": "fr_FR", "ja": "ja_JP"}
PATIENCE_S = 120.0          # mean caller patience (exponential)
INTERVAL_S = 1800
TALK_MEDIAN_S = {"inbound": 190.0, "outbound": 150.0}


def erlang_c(A: float, N: int) -> float:
    """P(wait) in an M/M/N queue with offered load ``A`` Erlangs; 1.0 when N ≤ A (unstable)."""
    if N <= A:
        return 1.0
    b = 1.0
    for k in range(1, N + 1):
        b = A * b / (k + A * b)  # Erlang B recursion
    return N * b / (N - A * (1 - b))


def service_level(A: float, N: int, aht_s: float, t_s: float) -> float:
    """Share of calls answered within ``t_s`` seconds: 1 − C(N, A)·exp(−(N − A)·t/AHT)."""
    if N <= A:
        return 0.0
    return 1.0 - erlang_c(A, N) * math.exp(-(N - A) * t_s / aht_s)


def make_agents(*, shops: pd.DataFrame, n_customers: int, pools, rng: np.random.Generator) -> pd.DataFrame:
    """Agents per queue: ``domestic_zh`` plus ``cross_border_<lang>`` for each cross-border language.

    Staffing scales with the customers a queue serves (about one agent per shift per 20,000 customers,
    at least one), so a default world sees a realistic service level with understaffed peaks.
    """
    langs = {"zh": 1.0}
    for locs, weights, kind in zip(shops["buyer_locales"], shops["buyer_weights"], shops["kind"]):
        if kind == "cross_border":
            for loc, w in zip(locs, weights):
                langs[loc[:2]] = langs.get(loc[:2], 0.0) + 0.15 * w
    rows = []
    for lang, share in langs.items():
        queue = "domestic_zh" if lang == "zh" else f"cross_border_{lang}"
        per_shift = max(1, int(round(n_customers * share / 20_000)))
        for shift in SHIFTS:
            k = per_shift + (1 if shift == "day" else 0)
            people = _people(k, LANGUAGES[lang], pools, rng)
            for name in people:
                rows.append({"name": name, "queue": queue, "language": lang,
                             "tenure_months": int(rng.integers(1, 60)), "shift": shift})
    agents = pd.DataFrame(rows)
    agents.insert(0, "agent_id", np.arange(len(agents), dtype=np.int64))
    return agents


def _people(k: int, locale: str, pools, rng) -> np.ndarray:
    from .identities import render_people

    try:
        return render_people(n=k, locale=locale, pools=pools, rng=rng)["name"].to_numpy()
    except KeyError:  # no pool for that locale in this world: English names
        return render_people(n=k, locale="zh_CN", pools=pools, rng=rng)["name"].to_numpy()


def render_calls(*, tickets: pd.DataFrame, customers: pd.DataFrame, end: pd.Timestamp,
                 rng: np.random.Generator) -> pd.DataFrame:
    """The block's calls before queueing (``wait_s`` NaN, ``abandoned`` False, ``agent_id`` −1).

    Returns every column of ``schema.OBSERVED["calls"]`` with int64 ids (``call_id`` block-local).
    """
    end64 = np.datetime64(end, "s")
    cust = customers.set_index("customer_id")
    # ticket calls: 1–3 per phone ticket, sometimes one chaser for email/chat tickets
    phone = tickets["channel"].to_numpy() == "phone"
    n_calls = np.where(phone, 1 + rng.binomial(2, 0.3, len(tickets)), rng.binomial(1, 0.12, len(tickets)))
    tix = np.repeat(np.arange(len(tickets)), n_calls)
    rank = np.arange(len(tix)) - np.repeat(np.cumsum(n_calls) - n_calls, n_calls)
    t_open = tickets["opened_ts"].to_numpy().astype("datetime64[s]")[tix]
    later = np.round(rng.uniform(2, 72, len(tix)) * 3600).astype("timedelta64[s]")
    arrival_t = np.where((rank == 0) & phone[tix], t_open, t_open + later)
    t_calls = pd.DataFrame({"customer_id": tickets["customer_id"].to_numpy()[tix],
                            "ticket_id": tickets["ticket_id"].to_numpy()[tix], "arrival_ts": arrival_t,
                            "direction": "inbound"})
    # general enquiries: ~1 per customer-year while a customer; some outbound calls
    signup = cust["signup_date"].to_numpy().astype("datetime64[s]")
    years = (end64 - signup).astype(np.int64) / (365.25 * 86400)
    k = rng.poisson(1.0 * years)
    who = np.repeat(cust.index.to_numpy(), k)
    span = np.repeat((end64 - signup).astype(np.int64), k)
    day = (rng.random(len(who)) * span // 86400).astype(np.int64)
    start_day = np.repeat(signup.astype("datetime64[D]"), k).astype("datetime64[s]")
    g_arrival = start_day + (day * 86400 + random_seconds_in_days(len(who), rng=rng)).astype("timedelta64[s]")
    direction = np.where(rng.random(len(who)) < 0.1, "outbound", "inbound")
    g_calls = pd.DataFrame({"customer_id": who, "ticket_id": -1, "arrival_ts": g_arrival, "direction": direction})
    calls = pd.concat([t_calls, g_calls], ignore_index=True)
    calls["arrival_ts"] = _opening_hours(calls["arrival_ts"].to_numpy().astype("datetime64[s]"), rng)
    calls = calls[(calls["arrival_ts"] < end64)]
    calls = calls.sort_values(["customer_id", "arrival_ts"], kind="stable").reset_index(drop=True)
    n = len(calls)
    locale = cust["locale"].reindex(calls["customer_id"]).to_numpy()
    phone_no = cust["phone"].reindex(calls["customer_id"]).to_numpy()
    code = np.where(locale == "zh_CN", "+86 ", "")
    ani = np.where(rng.random(n) < 0.3, code + phone_no, phone_no)
    unknown = rng.random(n) < 0.03
    inbound = calls["direction"].to_numpy() == "inbound"
    ivr = inbound & (calls["ticket_id"].to_numpy() < 0) & (rng.random(n) < 0.3)
    talk = np.where(ivr, 0.0, np.round(np.where(inbound, TALK_MEDIAN_S["inbound"], TALK_MEDIAN_S["outbound"])
                                        * np.exp(rng.normal(0, 0.5, n))))
    hold = np.where(ivr | (rng.random(n) < 0.7), 0.0, np.round(rng.exponential(40, n)))
    wrap = np.where(ivr, 0.0, np.round(rng.gamma(4.0, 8.0, n)))
    return pd.DataFrame({
        "call_id": np.arange(n, dtype=np.int64),
        "customer_id": np.where(unknown, -1, calls["customer_id"].to_numpy()).astype(np.int64),
        "ticket_id": calls["ticket_id"].to_numpy().astype(np.int64), "ani": ani.astype(object),
        "queue": _queue_of(locale), "direction": calls["direction"].to_numpy(),
        "arrival_ts": calls["arrival_ts"].to_numpy().astype("datetime64[s]"), "ivr_contained": ivr,
        "abandoned": False, "wait_s": np.nan, "talk_s": talk, "hold_s": hold, "wrap_s": wrap,
        "agent_id": np.full(n, -1, dtype=np.int64),
    })


def _opening_hours(ts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Move calls placed while the lines are closed (22:00–08:00) to the next opening, 08:00–10:00."""
    day = ts.astype("datetime64[D]")
    hour = (ts - day.astype("datetime64[s]")).astype(np.int64) // 3600
    next_day = np.where(hour >= 22, day + np.timedelta64(1, "D"), day).astype("datetime64[s]")
    morning = next_day + (8 * 3600 + rng.integers(0, 7200, len(ts))).astype("timedelta64[s]")
    return np.where((hour < 8) | (hour >= 22), morning, ts)


def queue_calls(calls: pd.DataFrame, agents: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
    """Waits, abandonment and answering agents for every call of the world (same rows, same order)."""
    out = calls.copy()
    n = len(out)
    ts = out["arrival_ts"].to_numpy().astype("datetime64[s]")
    hour = (ts.astype("datetime64[h]") - ts.astype("datetime64[D]")).astype(int)
    interval = ts.astype(np.int64) // INTERVAL_S
    queue = out["queue"].astype(str).to_numpy()
    needs_agent = ~out["ivr_contained"].to_numpy() & (out["direction"].to_numpy() == "inbound")
    handle = (out["talk_s"] + out["hold_s"] + out["wrap_s"]).to_numpy()
    wait = np.zeros(n)
    agent = np.full(n, -1, dtype=np.int64)
    abandoned = np.zeros(n, dtype=bool)
    u, patience = rng.random(n), rng.exponential(PATIENCE_S, n)
    expo = rng.exponential(1.0, n)
    pick = rng.random(n)
    for q in np.unique(queue):
        sel = np.flatnonzero((queue == q) & needs_agent)
        if not len(sel):
            continue
        staff = agents[agents["queue"] == q]
        on = np.zeros(24)
        for shift, (h0, h1) in SHIFTS.items():
            on[h0:h1] += (staff["shift"] == shift).sum()
        ids_by_hour = [staff["agent_id"].to_numpy()[[SHIFTS[s][0] <= h < SHIFTS[s][1] for s in staff["shift"]]]
                       for h in range(24)]
        _, inv, cnt = np.unique(interval[sel], return_inverse=True, return_counts=True)
        aht = max(float(handle[sel].mean()), 1.0)
        A = cnt * aht / INTERVAL_S
        N = on[hour[sel]]
        Ai = A[inv]
        pwait = _erlang_c_vec(Ai, N)
        rate = np.maximum(N - Ai, 0.02) / aht
        w = np.where(u[sel] < pwait, expo[sel] / rate, 0.0)
        w = np.where(N == 0, 600.0 + expo[sel] * 900.0, w)  # after hours: nobody answers soon
        gone = w > patience[sel]
        wait[sel] = np.round(np.where(gone, patience[sel], w), 1)
        abandoned[sel] = gone
        h = hour[sel]
        for hh in np.unique(h):
            ids = ids_by_hour[hh]
            m = (h == hh) & ~gone
            if len(ids) and m.any():
                agent[sel[m]] = ids[(pick[sel[m]] * len(ids)).astype(int)]
        unanswered = ~gone & (agent[sel] < 0)
        abandoned[sel[unanswered]] = True
    out["wait_s"] = wait
    out["abandoned"] = abandoned
    out["agent_id"] = agent
    for col in ("talk_s", "hold_s", "wrap_s"):
        out[col] = np.where(abandoned, 0.0, out[col].to_numpy())
    return out


def _erlang_c_vec(A: np.ndarray, N: np.ndarray) -> np.ndarray:
    """Vectorised Erlang C over arrays of loads and agent counts (1.0 where N ≤ A)."""
    out = np.ones(len(A))
    ok = N > A
    if not ok.any():
        return out
    a, nmax = A[ok], int(N[ok].max())
    b = np.ones(len(a))
    bn = np.ones(len(a))
    target = N[ok].astype(int)
    for k in range(1, nmax + 1):
        b = a * b / (k + a * b)
        bn = np.where(target == k, b, bn)
    out[ok] = target * bn / (target - a * (1 - bn))
    return out
