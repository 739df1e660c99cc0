"""The data dictionary of the tables issue 14 added for lectures 08-10: ticket status events, ticket messages,
ERP invoices and sales activities, with the case state machine ``CASE_TRANSITIONS`` notebooks import.

Kept apart from :mod:`simulator.schema` only for size; ``schema.OBSERVED`` and ``schema.TRUTH`` include
these tables (after the others, in this order) and ``schema`` re-exports ``CASE_STATUSES`` and
``CASE_TRANSITIONS``. Conventions (dtypes, "FK → " meanings) are ``schema``'s.
"""

from __future__ import annotations

Column = tuple[str, str]

# SuiteCRM case statuses (cases.status) and the state machine of lecture 09: (from, to) pairs a case may take;
# "" is the state before the case exists. ``ticket_events`` rows outside this set are process violations.
CASE_STATUSES = ("Open_New", "Open_Assigned", "Open_Pending Input", "Closed_Closed", "Closed_Rejected",
                 "Closed_Duplicate")
CASE_TRANSITIONS = frozenset({
    ("", "Open_New"), ("Open_New", "Open_Assigned"), ("Open_New", "Closed_Duplicate"),
    ("Open_New", "Closed_Rejected"), ("Open_Assigned", "Open_Pending Input"),
    ("Open_Pending Input", "Open_Assigned"), ("Open_Assigned", "Closed_Closed"),
    ("Open_Assigned", "Closed_Rejected"), ("Closed_Closed", "Open_Assigned"),
})

OBSERVED: dict[str, dict[str, Column]] = {
    "ticket_events": {
        "ticket_id": ("str", "FK → tickets.ticket_id"),
        "seq": ("int64", "1, 2, … within the ticket, in event order"),
        "event_ts": ("datetime64[s]", "status change; non-decreasing within a ticket. The first event is at "
                     "tickets.opened_ts, the assignment at or before first_response_ts, the last event of a "
                     "closed ticket at resolved_ts"),
        "from_status": ("str", "status before the change (\"\" for the first event)"),
        "to_status": ("str", "status after it: Open_New | Open_Assigned | Open_Pending Input | Closed_Closed | "
                      "Closed_Rejected | Closed_Duplicate (SuiteCRM case statuses; the allowed changes are "
                      "schema.CASE_TRANSITIONS). A reopen (Closed_* → Open_*) exactly when tickets.reopened; the "
                      "last status is Closed_* exactly when tickets.status is closed"),
        "agent_id": ("str", "FK → agents.agent_id who made the change (the ticket's owner), or empty (the "
                     "system opening the case)"),
    },
    "ticket_messages": {
        "ticket_id": ("str", "FK → tickets.ticket_id (one message per ticket: the customer's first)"),
        "sent_ts": ("datetime64[s]", "message received (= tickets.opened_ts)"),
        "language": ("str", "zh | en | de | fr | ja: the customer's locale's language"),
        "subject": ("str", "subject line; often generic (\"My order\", \"我的订单\")"),
        "body": ("str", "message text from category-specific phrases (simulator/data/ticket_text_*.py) with "
                 "realistic overlap: ≈ 35 % also borrow a phrase of a related category (truth/ticket_messages."
                 "ambiguous), ≈ 7 % are short and vague. The category to predict is tickets.category"),
    },
    "erp_invoices": {
        "invoice_id": ("str", "I0000001…, unique, in invoice_date order (the ERP's own numbering)"),
        "crm_ref": ("str", "the opportunity_id as typed into the ERP's reference field: usually a Closed Won "
                    "opportunity, but not always (an orphan: a deal not won, or a mistyped id matching nothing)"),
        "customer_id": ("str", "FK → customers.customer_id of the invoiced account, or empty (a prospect)"),
        "shop_id": ("str", "FK → shops.shop_id"),
        "invoice_date": ("datetime64[s]", "invoice day (midnight), on or after the deal's close day, before the "
                         "horizon; instalments 30 days apart"),
        "amount": ("float64", "invoiced amount (shop currency, 2 decimals); a deal's 1–3 instalments add up to its "
                   "amount to the cent unless truth/erp_issues says otherwise"),
        "currency": ("str", "ISO 4217, the shop's currency"),
        "status": ("str", "paid | open | cancelled. A cancelled invoice is usually re-issued (a new invoice of the "
                   "same amount a few days later); one that is not is an issue"),
    },
    "activities": {
        "activity_id": ("str", "E0000001…, unique, in date_start order"),
        "activity_type": ("str", "Call | Meeting | Task | Email | Note"),
        "parent_type": ("str", "Leads | Opportunities | Accounts | Contacts: the table parent_id points into "
                        "(SuiteCRM's polymorphic parent)"),
        "parent_id": ("str", "polymorphic key: leads.lead_id (Leads), opportunities.opportunity_id (Opportunities), "
                      "customers.customer_id (Accounts: the B2B account; Contacts: its contact person, the "
                      "customer record's name)"),
        "shop_id": ("str", "FK → shops.shop_id (the parent's shop)"),
        "subject": ("str", "subject line (Chinese for domestic shops, English for cross-border ones); an "
                    "opportunity's activity names the sales stage it was in then"),
        "date_start": ("datetime64[s]", "start, inside the parent's life (a lead: creation to conversion, or a few "
                       "weeks if closed unconverted; an opportunity: creation to close_date; an account: "
                       "conversion to the horizon); a Planned next step of an open lead or opportunity falls in "
                       "the 14 days after the horizon, every other activity before it"),
        "status": ("str", "Planned (after the horizon) | Held | Not Held (calls and meetings) | Completed "
                   "(tasks, e-mails, notes)"),
        "assigned_user": ("str", "sales rep's name (a team of 3–5 per shop; a parent's activities mostly by one "
                          "owner)"),
    },
}

TRUTH: dict[str, dict[str, Column]] = {
    "ticket_events": {
        "ticket_id": ("str", "FK → tickets.ticket_id"),
        "seq": ("int64", "the event's seq in ticket_events"),
        "valid": ("bool", "(from_status, to_status) is in schema.CASE_TRANSITIONS; a duplicated event's copy is a "
                  "valid pair that breaks the chain (its from_status is not the status the ticket was in)"),
        "injected": ("str", "process violation this row carries: \"\" (none) | skip_assign (Open_New → "
                     "Closed_Closed) | closed_to_pending (a reopen into Open_Pending Input) | pending_to_closed "
                     "(Open_Pending Input → Closed_Closed) | duplicate (the second copy of an event). ≈ 3–6 % of "
                     "tickets carry one; P × 3 for one careless agent of the largest queue, × 2 for agents in "
                     "their first 12 months"),
    },
    "ticket_messages": {
        "ticket_id": ("str", "FK → tickets.ticket_id"),
        "ambiguous": ("bool", "the body also holds a phrase of another category (RELATED in simulator/ticket_text.py)"),
        "vague": ("bool", "the message says nothing about the problem (a short generic text)"),
    },
    "erp_issues": {
        "crm_ref": ("str", "the won deal's opportunity_id (missing, amount, duplicate, cancelled) or the orphan "
                    "invoices' crm_ref as typed"),
        "issue": ("str", "missing (won, never invoiced) | amount (instalments add up to another amount: a discount "
                  "granted in the ERP only, or a typo) | duplicate (an instalment posted twice, same amount and "
                  "date) | cancelled (an instalment cancelled, not re-issued) | orphan (crm_ref is not a Closed Won "
                  "opportunity: a deal not won, or a mistyped id). About 12 % of won deals have one of the first "
                  "four; orphans ≈ 2.5 per 100 won deals"),
        "crm_amount": ("float64", "the Closed Won deal's amount in the CRM (NaN for an orphan)"),
        "erp_amount": ("float64", "sum of the reference's invoices that are not cancelled (0 if none)"),
    },
}
