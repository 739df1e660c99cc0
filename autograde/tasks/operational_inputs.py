"""The inputs of notebook 09's graded calls, derived from the student's own observed world.

* :func:`touchpoints` — the contact centre's log as the channels see it (task 7): an e-mail ticket knows the
  sender's address (as the mail server writes it: lower case, no spaces), a chat or social-media ticket the
  logged-in shop account, a phone call the caller's number
  as the switch presents it (E.164). The customer record behind a touch is not in the log: stitching it back
  to a person is the task.
* :func:`assignment_inputs` — the cases to distribute in task 6: the tickets of the busiest queue opened on its
  busiest day, that queue's agents, the moment the day starts, the queue's ticket log, and the agent who
  received the queue's last case before it (the round-robin pointer).

Both are deterministic functions of the observed tables, so the student and the grader build the same inputs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CALLING_CODES = {"CN": "86", "US": "1", "GB": "44", "DE": "49", "FR": "33", "JP": "81", "AU": "61"}
TOUCH_COLUMNS = ["touch_id", "channel", "ts", "handle_type", "handle"]
HANDLE_OF = {"email": "email", "chat": "account", "social": "account"}  # ticket channel -> what it knows


def e164(phone: pd.Series, country: pd.Series) -> pd.Series:
    """Lecture 01's phone rule: '+' + calling code + the number's digits without leading zeros (a number that
    already starts with its country's code keeps it); '' when fewer than 7 digits remain."""
    digits = (phone.astype(object).where(phone.notna(), "").astype(str)
              .str.replace(r"[^0-9]", "", regex=True).str.lstrip("0"))
    code = country.astype(object).map(CALLING_CODES).fillna("").astype(str)
    has = pd.Series([d.startswith(c) for d, c in zip(digits, code, strict=True)], index=phone.index)
    out = "+" + digits.where(has, code + digits)
    return out.where(digits.str.len() >= 7, "")


def touches(world) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`touchpoints` and, per touch, the ``customer_id`` of the record that produced it (the grader's
    side uses it to look up the true person; it is not part of the log)."""
    cu = world.customers.set_index("customer_id")
    t = world.tickets[world.tickets["channel"].isin(list(HANDLE_OF))]
    kind = t["channel"].map(HANDLE_OF).to_numpy(dtype=object)
    email = cu["email"].reindex(t["customer_id"]).fillna("").str.strip().str.lower().to_numpy(dtype=object)
    handle = np.where(kind == "email", email, t["customer_id"].to_numpy(dtype=object))
    tickets = pd.DataFrame({"channel": t["channel"].to_numpy(dtype=object), "ts": t["opened_ts"].to_numpy(),
                            "handle_type": kind, "handle": handle, "source": t["customer_id"].to_numpy(dtype=object)})
    tickets = tickets[tickets["handle"] != ""]
    k = world.calls[(world.calls["customer_id"] != "").to_numpy()]
    phone = e164(cu["phone"].reindex(k["customer_id"]), cu["country"].reindex(k["customer_id"]))
    calls = pd.DataFrame({"channel": "phone", "ts": k["arrival_ts"].to_numpy(), "handle_type": "phone",
                          "handle": phone.to_numpy(dtype=object), "source": k["customer_id"].to_numpy(dtype=object)})
    calls = calls[calls["handle"] != ""]
    log = pd.concat([tickets, calls], ignore_index=True)
    log = log.sort_values(["ts", "channel", "handle"], kind="stable").reset_index(drop=True)
    log.insert(0, "touch_id", [f"TP{i:06d}" for i in range(1, len(log) + 1)])
    return log[TOUCH_COLUMNS], log["source"].to_numpy(dtype=object)


def touchpoints(world) -> pd.DataFrame:
    """The contact log of task 7: [touch_id, channel (email | chat | social | phone), ts, handle_type (email |
    account | phone), handle], in time order. Tickets by phone are not in it (their calls are); a touch
    whose channel knows nothing (an e-mail ticket from a record without an address) is left out."""
    return touches(world)[0]


def assignment_inputs(world) -> dict:
    """Task 6's inputs: ``cases`` (ticket ids of the busiest queue's busiest opening day, by ``opened_ts`` then
    ``ticket_id``), ``agents`` (that queue's agent ids, sorted), ``at`` (that day's 00:00), ``tickets`` (the
    queue's tickets) and ``last`` (the owner of the queue's latest ticket opened before ``at``; None if none)."""
    queue_of = world.agents.set_index("agent_id")["queue"]
    t = world.tickets.assign(queue=world.tickets["agent_id"].map(queue_of).to_numpy())
    sizes = t["queue"].value_counts()
    queue = sorted(sizes.index[sizes == sizes.max()])[0]
    mine = t[t["queue"] == queue].sort_values(["opened_ts", "ticket_id"], kind="stable")
    days = mine["opened_ts"].dt.normalize()
    per_day = days.value_counts()
    day = min(per_day.index[per_day == per_day.max()])
    before = mine[mine["opened_ts"] < day]
    return {"cases": mine.loc[days == day, "ticket_id"].astype(str).tolist(),
            "agents": sorted(world.agents.loc[world.agents["queue"] == queue, "agent_id"].astype(str)),
            "at": pd.Timestamp(day), "tickets": mine.drop(columns="queue").reset_index(drop=True),
            "last": str(before["agent_id"].iloc[-1]) if len(before) else None}
