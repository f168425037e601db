"""A ticket's deadlines from its department's SLA policy: set at creation, and followed when
its priority or department changes — unless an agent set the due date by hand."""

from __future__ import annotations

from datetime import timedelta

from tandem.desk.models import Ticket

DEADLINES = (("resolution", "due_date"), ("response", "response_due_at"))


def sla_deadlines(ticket: Ticket) -> dict:
    """What the department's policy makes of the ticket's deadlines at its priority, counted
    from creation: {"due_date": …, "response_due_at": …}, None where the policy sets none."""
    policy = getattr(ticket.department, "sla", None) if ticket.department_id else None
    out = {}
    for kind, attr in DEADLINES:
        hours = policy.hours(kind, ticket.priority) if policy else None
        out[attr] = ticket.created_at + timedelta(hours=hours) if hours else None
    return out


def set_deadlines(ticket: Ticket) -> None:
    """At creation: the policy's deadlines, where none was given."""
    # The department was read with its policy (select_related): no query here.
    for attr, due in sla_deadlines(ticket).items():
        if due and getattr(ticket, attr) is None:
            setattr(ticket, attr, due)


def renew_deadlines(ticket: Ticket, changes: dict) -> None:
    """After a change of priority or department, the deadlines follow the new policy (none if
    it sets none). A due date an agent set by hand stays, and so does one given in this same
    change. Only the due date goes into `changes` (the history): the response deadline is
    internal."""
    if not ticket.is_open:
        return
    for attr, due in sla_deadlines(ticket).items():
        if attr == "due_date" and ("due_date" in changes or ticket.due_date_by_hand):
            continue
        current = getattr(ticket, attr)
        if current != due:
            setattr(ticket, attr, due)
            if attr == "due_date":
                changes[attr] = (current, due)
