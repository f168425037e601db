"""Reads of a portal's tickets for a reader who is not one of its agents (another app showing
the tickets of one of its customers): tickets of a set of contacts, accounts, addresses or
ticket ids, their figures, one ticket by id. Desk does not know who asks; the caller says which
departments the reader may see (None: all)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tandem.desk.models import Account, Agent, Contact, Ticket
from tandem.desk.queries.tickets import VIEWS, _int
from tandem.web.errors import Problem


def customer_tickets(
    portal_id: int,
    *,
    contact_ids: Iterable[int] = (),
    account_ids: Iterable[int] = (),
    emails: Iterable[str] = (),
    account_emails: Iterable[str] = (),
    ticket_ids: Iterable[int] = (),
    department_ids: Iterable[int] | None = None,
    view: str = "all",
) -> QuerySet[Ticket]:
    """Tickets of any of these contacts or accounts, customer addresses, accounts with these
    addresses, or ids: one query, newest first. `department_ids` None: every department."""
    match = Q(pk__in=[])
    if contact_ids := sorted(set(contact_ids)):
        match |= Q(contact_id__in=contact_ids)
    if account_ids := sorted(set(account_ids)):
        match |= Q(account_id__in=account_ids)
    if emails := sorted({e.strip().lower() for e in emails if e and e.strip()}):
        match |= Q(email__in=emails)
    if account_emails := sorted({e.strip().lower() for e in account_emails if e and e.strip()}):
        by_email = Account.objects.filter(portal_id=portal_id, email__in=account_emails)
        match |= Q(account_id__in=by_email.values("id"))
    if ticket_ids := sorted(set(ticket_ids)):
        match |= Q(pk__in=ticket_ids)
    if view not in VIEWS:
        raise Problem.invalid(
            {"view": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(VIEWS)}]}
        )
    # `portal_id + 0`: still refuses another portal's tickets, but keeps the planner on the
    # customer's (contact, id) / (account, id) index instead of walking the portal's tickets.
    qs = (
        Ticket.objects.alias(in_portal=F("portal_id") + 0)
        .filter(match, in_portal=portal_id)
        .filter(VIEWS[view])
    )
    if department_ids is not None:
        qs = qs.filter(department_id__in=sorted(department_ids))
    return qs.order_by("-id")


def customer_ticket_rows(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """List rows with what a row shows (contact, department, assignee) in the same query."""
    return qs.select_related("contact", "assignee__user", "department").defer("description")


def tickets_stats(qs: QuerySet[Ticket], *, rated_limit: int = 100) -> dict:
    """Desk's `stats` figures for a set of tickets (one aggregate query) plus the rated tickets
    (`rated`: id, number, subject, rating; newest first; one more query)."""
    figures = qs.order_by().aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(is_open=True)),
        overdue=Count("id", filter=Q(is_open=True, is_overdue=True)),
        closed=Count("id", filter=Q(status=Ticket.Status.CLOSED)),
        first=Avg("first_response_seconds"),
        resolution=Avg("resolution_seconds"),
        good=Count("id", filter=Q(rating="good")),
        okay=Count("id", filter=Q(rating="okay")),
        bad=Count("id", filter=Q(rating="bad")),
    )
    rated = qs.filter(rating__isnull=False).values("id", "number", "subject", "rating")
    return {
        "total": figures["total"],
        "open": figures["open"],
        "overdue": figures["overdue"],
        "closed": figures["closed"],
        "avg_first_response_seconds": _rounded(figures["first"]),
        "avg_resolution_seconds": _rounded(figures["resolution"]),
        "ratings": {k: figures[k] for k in ("good", "okay", "bad")},
        "rated": [
            {
                "ticket_id": r["id"],
                "number": r["number"],
                "subject": r["subject"],
                "rating": r["rating"],
            }
            for r in rated.order_by("-id")[:rated_limit]
        ],
    }


def _rounded(value) -> int | None:
    return round(value) if value is not None else None


def portal_ticket(portal_id: int, ticket_id, department_ids: Iterable[int] | None = None) -> Ticket:
    """One ticket of the portal (in `department_ids` when given); anything else is a 404."""
    qs = Ticket.objects.select_related(
        "contact", "account", "product", "assignee__user", "department", "portal"
    ).filter(portal_id=portal_id, pk=_int(ticket_id, "ticket_id"))
    if department_ids is not None:
        qs = qs.filter(department_id__in=sorted(department_ids))
    ticket = qs.first()
    if ticket is None:
        raise Problem(404, _("No such ticket in this portal."))
    return ticket


def find_contacts(portal_id: int, q: str, limit: int = 10) -> list[Contact]:
    """Contacts whose name or address starts with `q` (a picker's search)."""
    q = " ".join((q or "").split())[:100]
    if not q:
        return []
    match = (
        Q(email__istartswith=q)
        | Q(last_name__istartswith=q)
        | Q(first_name__istartswith=q)
        | Q(secondary_email__istartswith=q)
    )
    return list(
        Contact.objects.filter(match, portal_id=portal_id).order_by("last_name", "id")[:limit]
    )


def rating_url(ticket: Ticket) -> str:
    from tandem.desk import links

    return links.rating_url(ticket)


def assignable_agents(portal_id: int) -> list[Agent]:
    """The portal's active agents (an Update Field dropdown)."""
    return list(
        Agent.objects.filter(portal_id=portal_id, state=Agent.State.ACTIVE)
        .select_related("user")
        .order_by("user__name", "id")
    )
