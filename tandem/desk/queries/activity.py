"""What happened on a portal's tickets, for a reader outside Desk that follows the change log
(e.g. notifications in another app): the ticket history events behind change-log rows, with who
wrote them (the customer, an agent or the system), and a ticket's short summary for a reader
who is not an agent."""

from __future__ import annotations

from datetime import timedelta

from tandem.desk.models import Change, Comment, Thread, Ticket, TicketEvent

# A history event is written in the same transaction as its change-log row, just before it:
# the events behind a batch of rows are those of its tickets since a little before the first.
LOOK_BACK = timedelta(minutes=10)
# The history kinds a follower may care about (created, a customer's message, changes).
ACTIVITY_KINDS = ("created", "customer_replied", "updated", "closed")
TICKET_STATUSES = Ticket.Status.choices
TICKET_PRIORITIES = Ticket.Priority.choices
EXCERPT_CHARS = 500


def change_sequence_before(portal_id: int, when) -> int:
    """The last change-log sequence written before `when` (0: none): where a reader that
    starts following the portal at `when` begins."""
    seq = (
        Change.objects.filter(portal_id=portal_id, created_at__lt=when)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    return seq or 0


def _author(event: TicketEvent) -> str:
    if event.actor_id is not None:
        return "agent"
    # Without an acting user: the SLA clock ("SLA"/"System"), or the customer (their address).
    return "system" if event.actor_label in ("SLA", "System", "") else "customer"


def _ticket(ticket: Ticket) -> dict:
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "department_id": ticket.department_id,
        "contact_id": ticket.contact_id,
        "account_id": ticket.account_id,
        "email": ticket.email,
        "crm_deal": ticket.crm_deal,
    }


def ticket_activity_after(portal_id: int, after: int, *, limit: int = 200):
    """(events, last): the ticket history events behind the portal's change-log rows after
    sequence `after` (at most `limit` rows read; `last` is the last sequence read, store it and
    pass it back). Each event: {"id", "kind", "author": "customer"|"agent"|"system",
    "author_label", "changes", "created_at", "ticket": {...}, "text"}, oldest first; `text` is
    what the customer wrote (a new ticket's description, a reply) as stored HTML, else "".
    An event may come again in a later call (events are found by ticket and time): readers
    keep the ids they handled."""
    rows = list(
        Change.objects.filter(portal_id=portal_id, seq__gt=after)
        .order_by("seq")
        .values_list("seq", "entity", "entity_id", "op", "created_at")[: max(1, limit)]
    )
    if not rows:
        return [], after
    last = rows[-1][0]
    touched = [(pk, at) for _s, entity, pk, op, at in rows if entity == "ticket" and op != "delete"]
    if not touched:
        return [], last
    since = min(at for _pk, at in touched) - LOOK_BACK
    events = list(
        TicketEvent.objects.filter(
            ticket_id__in=sorted({pk for pk, _at in touched}),
            ticket__portal_id=portal_id,
            kind__in=ACTIVITY_KINDS,
            created_at__gte=since,
        )
        .select_related("ticket")
        .order_by("id")
    )
    return [_event(e) for e in events], last


def _event(event: TicketEvent) -> dict:
    text = ""
    if event.kind == "created":
        text = event.ticket.description[:20000]
    elif event.kind == "customer_replied":
        # The customer's message is written just before its history line.
        thread = (
            Thread.objects.filter(
                ticket_id=event.ticket_id,
                action=Thread.Action.INCOMING,
                created_at__lte=event.created_at,
            )
            .order_by("-id")
            .values_list("content", flat=True)
            .first()
        )
        text = (thread or "")[:20000]
    return {
        "id": event.pk,
        "kind": event.kind,
        "author": _author(event),
        "author_label": event.actor_label,
        "changes": event.changes,
        "created_at": event.created_at,
        "ticket": _ticket(event.ticket),
        "text": text,
    }


def ticket_summary(portal_id: int, ticket_id) -> dict | None:
    """A ticket's summary and its latest message (an email either way, or a comment), for a
    reader who is not an agent (checked by the caller); None when not in this portal."""
    ticket = (
        Ticket.objects.select_related("department", "contact", "assignee__user")
        .filter(portal_id=portal_id, pk=ticket_id)
        .first()
    )
    if ticket is None:
        return None
    thread = Thread.objects.filter(ticket=ticket).select_related("author").order_by("-id").first()
    comment = Comment.objects.filter(ticket=ticket).select_related("author").order_by("-id").first()
    latest = None
    if thread is not None and (comment is None or thread.created_at >= comment.created_at):
        who = thread.author.display_name if thread.author else thread.from_email
        latest = {"kind": "thread", "by": who, "at": thread.created_at, "html": thread.content}
    elif comment is not None:
        who = comment.author_name  # "Ana Díaz (CRM)" for a comment from outside Desk
        latest = {"kind": "comment", "by": who, "at": comment.created_at, "html": comment.content}
    elif ticket.description:
        who = ticket.email
        latest = {"kind": "thread", "by": who, "at": ticket.created_at, "html": ticket.description}
    assignee = ticket.assignee.user.display_name if ticket.assignee_id else ""
    contact = ticket.contact
    return {
        **_ticket(ticket),
        "status_label": ticket.get_status_display(),
        "priority_label": ticket.get_priority_display(),
        "department": ticket.department.name,
        "contact_name": (f"{contact.first_name} {contact.last_name}".strip() if contact else ""),
        "assignee": assignee,
        "due_date": ticket.due_date,
        "is_overdue": ticket.overdue_now,
        "is_escalated": ticket.is_escalated,
        "rating": ticket.rating,
        "latest": latest,
    }
