"""The status history of each ticket (SuiteCRM case statuses), with a few process violations and their truth.

A ticket's history follows the state machine ``schema.CASE_TRANSITIONS`` and agrees with ``tickets``: it
opens (""→Open_New) at ``opened_ts``; is assigned to its owner at or before ``first_response_ts``; may
wait for the customer (Open_Assigned ⇄ Open_Pending Input, more often by e-mail and social media); closes
at ``resolved_ts`` — Closed_Rejected for a complaint answered with an explanation only (sometimes),
Closed_Duplicate for a second ticket about the same order while the first was still open (closed at first
touch), Closed_Closed otherwise; and, when ``tickets.reopened``, is closed, reopened (Closed_Closed →
Open_Assigned) and closed again at ``resolved_ts``. An open ticket ends in Open_Assigned or
Open_Pending Input. Tickets closed at first touch as duplicate or rejected are never assigned.

A few tickets carry a process violation (the truth names it, ``INJECTED``): the agent closed without
assigning (Open_New→Closed_Closed), reopened into the wrong status (Closed_Closed→Open_Pending Input),
closed while waiting for the customer (Open_Pending Input→Closed_Closed), or one event was logged twice
(same transition, time and agent: a pair from the allowed set whose ``from_status`` is not the status the
ticket was in). The chance is ``VIOLATION_P`` per eligible ticket times its owner's multiplier
(:func:`agent_multipliers`): three times for one careless agent of the largest queue, twice for an agent
in their first ``NEW_AGENT_MONTHS`` months, so the violations cluster by agent (a finding, not noise).
All numbers are invented for teaching.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .callcentre import _queue_shares as queue_shares
from .schema import CASE_STATUSES, CASE_TRANSITIONS

NEW, ASSIGNED, PENDING, CLOSED, REJECTED, DUPLICATE = range(6)  # positions in schema.CASE_STATUSES
INJECTED = ("", "skip_assign", "closed_to_pending", "pending_to_closed", "duplicate")
PENDING_P = {"email": (0.30, 0.08), "chat": (0.10, 0.02), "phone": (0.08, 0.01), "social": (0.25, 0.06)}
# ^ P(one, two waits for the customer) of a ticket not closed at first touch, by channel
OPEN_ENDS_PENDING_P = 0.45  # an open ticket that waited for the customer is still waiting at the horizon
REJECT_P = 0.35  # a complaint resolved by an explanation only is closed as rejected
DUPLICATE_CLOSE_P = 0.9  # a second ticket about an order with an open ticket, closed at first touch: duplicate
# P(violation | eligible ticket) before the agent multiplier, in the order they are tried
VIOLATION_P = {"closed_to_pending": 0.12, "pending_to_closed": 0.08, "skip_assign": 0.012, "duplicate": 0.006}
CARELESS_AGENT_MULT = 3.0
NEW_AGENT_MULT, NEW_AGENT_MONTHS = 2.0, 12
_STEPS = 11  # columns of the path matrix (see _paths)


def agent_multipliers(*, agents: pd.DataFrame, shops: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Violation multiplier of each agent (indexed by int ``agent_id``): ``CARELESS_AGENT_MULT`` for one
    agent of the busiest queue (the largest share of customers, ``callcentre``'s staffing estimate, so the
    finding has tickets behind it), ``NEW_AGENT_MULT`` for tenure under ``NEW_AGENT_MONTHS`` (they multiply).

    ``rng`` is a world-level stream, so every customer block sees the same careless agent.
    """
    out = np.ones(int(agents["agent_id"].max()) + 1 if len(agents) else 0)
    if not len(agents):
        return out
    ids = agents["agent_id"].to_numpy(dtype=np.int64)
    out[ids] = np.where(agents["tenure_months"].to_numpy() < NEW_AGENT_MONTHS, NEW_AGENT_MULT, 1.0)
    shares = queue_shares(shops)
    queue = agents["queue"].to_numpy(dtype=object)
    staffed = [q for q in sorted(shares, key=lambda q: -shares[q][1]) if (queue == q).any()]
    pool = ids[queue == staffed[0]] if staffed else ids
    out[pool[rng.integers(len(pool))]] *= CARELESS_AGENT_MULT
    return out


def _second_while_open(t: pd.DataFrame) -> np.ndarray:
    """Tickets opened while the previous ticket of the same customer about the same order was open."""
    key = t[["customer_id", "order_id"]].assign(opened=t["opened_ts"], resolved=t["resolved_ts"])
    key = key[key["order_id"].to_numpy() >= 0].sort_values(["customer_id", "order_id", "opened"], kind="stable")
    same = (key["customer_id"].shift().eq(key["customer_id"]) & key["order_id"].shift().eq(key["order_id"]))
    prev_res = key["resolved"].shift()
    still_open = prev_res.isna() | (prev_res > key["opened"])
    out = np.zeros(len(t), dtype=bool)
    out[key.index[(same & still_open).to_numpy()]] = True
    return out


def _paths(*, resolved, reopened, assigned, n_pend, ends_pending, close, kind) -> np.ndarray:
    """Status codes per ticket and step, shape (n, ``_STEPS``); −1 where the ticket has no event.

    Steps: open, assign, two wait cycles (to pending, back), first close, reopen, back from pending
    after a reopen into pending, final close.
    """
    n = len(resolved)
    p = np.full((n, _STEPS), -1, dtype=np.int64)
    p[:, 0] = NEW
    p[assigned, 1] = ASSIGNED
    for k in (1, 2):
        waits = n_pend >= k
        last = n_pend == k
        p[waits, 2 * k] = PENDING
        back = waits & ~(last & ((kind == INJECTED.index("pending_to_closed")) | ends_pending))
        p[back, 2 * k + 1] = ASSIGNED
    p[reopened, 6] = CLOSED
    into_pending = reopened & (kind == INJECTED.index("closed_to_pending"))
    p[reopened, 7] = np.where(into_pending[reopened], PENDING, ASSIGNED)
    p[into_pending, 8] = ASSIGNED
    p[resolved, 10] = close[resolved]
    return p


def make_ticket_events(*, tickets: pd.DataFrame, multiplier: np.ndarray, end: pd.Timestamp,
                       rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Status events of one block's tickets, and their truth.

    Parameters
    ----------
    tickets : DataFrame
        The block's tickets (``service.render_tickets``): int64 ``ticket_id``, ``customer_id``,
        ``order_id`` (−1: none), ``agent_id``; ``kind``, ``channel``, ``resolution``, ``status``,
        ``reopened``; ``opened_ts`` ≤ ``first_response_ts`` ≤ ``resolved_ts`` (datetime64[s], NaT: open).
    multiplier : ndarray
        Violation multiplier per int agent id (:func:`agent_multipliers`).
    end : Timestamp
        The horizon (exclusive): every event is before it.
    rng : Generator
        The block's ``ticket_events`` stream.

    Returns
    -------
    events : DataFrame
        ``schema.OBSERVED["ticket_events"]`` with int64 ``ticket_id`` and ``agent_id`` (−1: none), ordered by
        ticket then ``seq`` (1, 2, …); ``event_ts`` non-decreasing within a ticket.
    truth : DataFrame
        ``schema.TRUTH["ticket_events"]``: ``ticket_id``, ``seq``, ``valid`` (the pair is in
        ``CASE_TRANSITIONS``), ``injected`` (the violation a row carries, "" for none).
    """
    n = len(tickets)
    resolved = (tickets["status"] == "closed").to_numpy()
    opened = tickets["opened_ts"].to_numpy().astype("datetime64[s]").astype(np.int64)
    first = tickets["first_response_ts"].to_numpy().astype("datetime64[s]").astype(np.int64)
    res_ts = tickets["resolved_ts"].to_numpy().astype("datetime64[s]")
    res = np.where(resolved, res_ts.astype(np.int64), 0)
    fcr = resolved & (res == first)
    reopened = tickets["reopened"].to_numpy(dtype=bool) & resolved
    channel = tickets["channel"].to_numpy(dtype=object)
    agent = tickets["agent_id"].to_numpy(dtype=np.int64)

    u = rng.random((n, 4))
    dup = _second_while_open(tickets) & fcr & ~reopened & (u[:, 0] < DUPLICATE_CLOSE_P)
    explained = (tickets["kind"] == "complaint").to_numpy() & (tickets["resolution"] == "explain").to_numpy()
    reject = explained & ~reopened & ~dup & (u[:, 1] < REJECT_P)
    close = np.select([dup, reject], [DUPLICATE, REJECTED], CLOSED)
    assigned = ~(fcr & (dup | reject))  # closed at first touch as a duplicate or rejected: never assigned
    p1 = pd.Series(channel).map({c: v[0] for c, v in PENDING_P.items()}).to_numpy(dtype=float)
    p2 = pd.Series(channel).map({c: v[1] for c, v in PENDING_P.items()}).to_numpy(dtype=float)
    n_pend = np.where(fcr, 0, (u[:, 2] < p1 + p2).astype(np.int64) + (u[:, 2] < p2))
    ends_pending = ~resolved & (n_pend > 0) & (u[:, 3] < OPEN_ENDS_PENDING_P)

    eligible = {"closed_to_pending": reopened,
                "pending_to_closed": resolved & ~reopened & (n_pend > 0) & (close == CLOSED),
                "skip_assign": resolved & ~reopened & (close == CLOSED) & assigned,
                "duplicate": np.ones(n, dtype=bool)}
    m = multiplier[agent] if len(multiplier) else np.ones(n)
    v = rng.random(n)
    kind = np.zeros(n, dtype=np.int64)
    edge = np.zeros(n)
    for name, p in VIOLATION_P.items():
        edge = edge + eligible[name] * p * m
        kind = np.where((kind == 0) & (v < edge), INJECTED.index(name), kind)
    skip = kind == INJECTED.index("skip_assign")
    assigned &= ~skip
    n_pend = np.where(skip, 0, n_pend)

    paths = _paths(resolved=resolved, reopened=reopened, assigned=assigned, n_pend=n_pend,
                   ends_pending=ends_pending, close=close, kind=kind)
    row, step = np.nonzero(paths >= 0)  # row-major: tickets in order, steps in order
    status = paths[row, step]
    ts = _times(row=row, step=step, opened=opened, first=first, hi=np.where(resolved, res, _secs(end) - 1),
                rng=rng)
    prev_same = np.r_[False, row[1:] == row[:-1]]
    from_code = np.where(prev_same, np.r_[-1, status[:-1]], -1)

    copy = np.zeros(len(row), dtype=np.int64)  # the duplicated event of each "duplicate" ticket
    dup_t = np.flatnonzero(kind == INJECTED.index("duplicate"))
    starts = np.searchsorted(row, np.arange(n))
    counts = np.bincount(row, minlength=n)
    copy[starts[dup_t] + (rng.random(len(dup_t)) * counts[dup_t]).astype(np.int64)] = 1
    take = np.repeat(np.arange(len(row)), 1 + copy)
    is_copy = np.r_[False, take[1:] == take[:-1]]
    row, status, from_code, ts = row[take], status[take], from_code[take], ts[take]
    seq = np.arange(len(row)) - np.searchsorted(row, row) + 1

    labels = np.asarray(("", *CASE_STATUSES), dtype=object)
    from_s, to_s = labels[from_code + 1], labels[status + 1]
    valid = np.fromiter(((a, b) in CASE_TRANSITIONS for a, b in zip(from_s, to_s, strict=True)), bool, len(row))
    injected = np.where(is_copy, INJECTED.index("duplicate"), np.where(valid, 0, kind[row]))
    ids = tickets["ticket_id"].to_numpy(dtype=np.int64)[row]
    events = pd.DataFrame({"ticket_id": ids, "seq": seq.astype(np.int64),
                           "event_ts": ts.astype("datetime64[s]"), "from_status": from_s, "to_status": to_s,
                           "agent_id": np.where(status == NEW, -1, agent[row]).astype(np.int64)})
    truth = pd.DataFrame({"ticket_id": ids, "seq": seq.astype(np.int64), "valid": valid,
                          "injected": np.asarray(INJECTED, dtype=object)[injected]})
    return events, truth


def _secs(t) -> int:
    return int(np.datetime64(pd.Timestamp(t), "s").astype(np.int64))


def _times(*, row, step, opened, first, hi, rng) -> np.ndarray:
    """Event times (int64 seconds): open at ``opened``, assignment uniformly in [opened, first response],
    the final close at ``hi`` (resolution), the steps between at sorted uniform times in [assignment, hi]."""
    n = len(opened)
    t_assign = opened + (rng.random(n) * (first - opened)).astype(np.int64)
    t_assign = np.minimum(t_assign, hi)
    ts = np.where(step == 0, opened[row], np.where(step == 1, t_assign[row], hi[row]))
    mid = (step > 1) & (step < _STEPS - 1)
    u = rng.random(len(row))
    lo_mid = np.where(np.bincount(row[step == 1], minlength=n) > 0, t_assign, opened)
    order = np.lexsort((u, row))  # u sorted within each ticket
    u_sorted = np.empty_like(u)
    u_sorted[np.flatnonzero(mid)] = u[order][np.isin(order, np.flatnonzero(mid))]
    ts_mid = lo_mid[row] + (u_sorted * (hi[row] - lo_mid[row])).astype(np.int64)
    return np.where(mid, ts_mid, ts)
