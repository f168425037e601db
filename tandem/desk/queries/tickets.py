"""Tenant-scoped reads of tickets and their conversation, as one agent may see them."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Substr
from django.db.models.query import ValuesListIterable
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.desk import search
from tandem.desk.models import Agent, Attachment, Comment, Thread, Ticket
from tandem.web.errors import Problem
from tandem.web.prepared import Prepared

VIEWS = {
    "all": Q(),
    "open": Q(is_open=True),
    "overdue": Q(is_overdue=True),  # cleared when a ticket closes
    "closed": Q(status=Ticket.Status.CLOSED),
    "escalated": Q(is_escalated=True),
    "high_priority": Q(is_high_priority=True),
    # `crm_deal` is written by whoever links tickets to deals (the CRM integration), with
    # `open` while the deal is: support prioritises those tickets. Desk knows no more of it
    # (`has_open_deal` is that "open", kept by Ticket.sync_flags).
    "linked_open_deals": Q(has_open_deal=True),
}
SORTS = {
    "-created_at": ("-id",),
    "created_at": ("id",),
    "-number": ("-id",),
    "number": ("id",),
    "due_date": ("due_date", "id"),
    "-due_date": ("-due_date", "-id"),
}
FILTERS = ("contact_id", "account_id", "product_id", "department_id", "assignee_id")


def visible_tickets(agent: Agent) -> QuerySet[Ticket]:
    """The tickets `agent` may see: all of the portal for an Admin, else its departments."""
    qs = Ticket.objects.filter(portal_id=agent.portal_id)
    if not agent.is_admin:
        qs = qs.filter(department_id__in=sorted(agent.department_ids()))
    return qs


MAX_ID = 2**63 - 1  # a 64-bit integer column: beyond it SQLite raises OverflowError


def _int(value, field: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise Problem.invalid({field: [_("Give a number.")]}) from None
    if not -MAX_ID <= number <= MAX_ID:
        raise Problem.invalid({field: [_("This number is out of range.")]})
    return number


def _customer_scoped(portal_id, departments, filters) -> QuerySet[Ticket] | None:
    """For a contact's, an account's or a product's tickets: check it is this portal's, then
    query by it alone, so the database walks its (…, id) index whatever the statistics say
    (with the portal in the WHERE clause SQLite may walk the portal's)."""
    from tandem.desk.models import Account, Contact, Product

    for field, model in (("contact_id", Contact), ("account_id", Account), ("product_id", Product)):
        value = filters.get(field)
        if value not in (None, ""):
            if not model.objects.filter(pk=_int(value, field), portal_id=portal_id).exists():
                return Ticket.objects.none()
            qs = Ticket.objects.filter(**{field: int(value)})
            if departments is not None:
                qs = qs.filter(department_id__in=sorted(departments))
            return qs
    return None


# A department or an assignee holds anywhere from none to most of a portal's tickets, and SQLite
# plans as if each held its average share. For an agent of one department it read that
# department's 500,000 tickets through their index and sorted them, for each page (1-2.6 s at
# 1,000,000 tickets); for an assignee with no open ticket it walked every open one (0.4 s).
# So a list first counts at most FEW + 1 of the set's tickets in its index: a set that
# small is read by id and sorted; a larger one is checked row by row while the view's index is
# walked in the list's order, as for an admin, reading at most a portal's size / FEW rows per row
# shown (the break-even of the two is near the square root of 50 rows times the portal's size).
FEW = 2_000


def within(qs: QuerySet[Ticket], field: str, values) -> QuerySet[Ticket]:
    """`qs` narrowed to tickets whose `field` is one of `values`, planned by the set's size."""
    if qs.query.is_empty():  # e.g. a filter naming another portal's: nothing to plan
        return qs
    values = sorted(set(values))
    # Counted in the set's own index, up to FEW + 1 and in SQL: a large set costs no rows in
    # Python. No portal in this read, so that no other index serves it: the callers pass only
    # their portal's departments and agents (_names_another_portals), and `qs` keeps its scope.
    in_set = Ticket.objects.filter(**{f"{field}__in": values}).order_by().values("id")
    if in_set[: FEW + 1].count() <= FEW:
        return qs.filter(pk__in=in_set)  # the ids by the set's index, then each ticket by id
    # `+ 0` makes a condition no index answers: the list's order index is walked instead.
    alias = f"{field}_plus_zero"
    return qs.alias(**{alias: F(field) + 0}).filter(**{f"{alias}__in": values})


def _names_another_portals(portal_id: int, filters: dict) -> bool:
    """A Department or Assignee filter naming another portal's department or agent: the list is
    empty, and that portal's tickets are not read (not even counted by `within`)."""
    from tandem.desk.models import Department

    for field, model in (("department_id", Department), ("assignee_id", Agent)):
        value = filters.get(field)
        if value in (None, ""):
            continue
        if not model.objects.filter(pk=_int(value, field), portal_id=portal_id).exists():
            return True
    return False


def _departments_asked(departments, filters: dict):
    """A reader limited to some departments who filters by one: that one if it is theirs, else
    none, decided here rather than by reading the portal's tickets to find none of them."""
    asked = filters.get("department_id")
    if departments is None or asked in (None, ""):
        return departments, filters
    return {_int(asked, "department_id")} & set(departments), {**filters, "department_id": None}


def tickets(
    agent: Agent, *, view: str = "all", q: str = "", email: str = "", **filters
) -> QuerySet[Ticket]:
    """One of the list views, narrowed by filters and a search on subject or number."""
    departments = None if agent.is_admin else agent.department_ids()
    departments, filters = _departments_asked(departments, filters)
    base = _customer_scoped(agent.portal_id, departments, filters)
    if _names_another_portals(agent.portal_id, filters):
        base = Ticket.objects.none()
    if base is None:
        base = Ticket.objects.filter(portal_id=agent.portal_id)
        if departments is not None:
            base = within(base, "department_id", departments)
    return narrow(base, view=view, q=q, email=email, **filters)


def portal_tickets(
    portal_id: int, *, department_ids=None, view: str = "all", email: str = "", **filters
) -> QuerySet[Ticket]:
    """Tickets of a portal for a reader who is not an agent (the integration showing tickets
    on CRM records): all departments, or only `department_ids`."""
    department_ids, filters = _departments_asked(department_ids, filters)
    qs = _customer_scoped(portal_id, department_ids, filters)
    if _names_another_portals(portal_id, filters):
        qs = Ticket.objects.none()
    if qs is None:
        qs = Ticket.objects.filter(portal_id=portal_id)
        if department_ids is not None:
            qs = within(qs, "department_id", department_ids)
    return narrow(qs, view=view, email=email, **filters)


def narrow(qs, *, view: str = "all", q: str = "", email: str = "", **filters):
    if view not in VIEWS:
        raise Problem.invalid(
            {"view": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(VIEWS)}]}
        )
    qs = qs.filter(VIEWS[view])
    for field in FILTERS:
        value = filters.get(field)
        if value not in (None, ""):
            value = _int(value, field)
            coarse = field in ("department_id", "assignee_id")
            qs = within(qs, field, [value]) if coarse else qs.filter(**{field: value})
    if email:
        qs = qs.filter(email=email.strip().lower())
    q = (q or "").strip().lstrip("#")
    if q:
        # "²".isdigit() is True, yet int("²") fails: only ASCII digits are a ticket number.
        is_number = q.isascii() and q.isdigit() and int(q) <= MAX_ID
        qs = qs.filter(number=int(q)) if is_number else search.subject_contains(qs, q)
    return qs


def sort_order(sort: str | None) -> tuple[str, ...]:
    if sort in (None, ""):
        return SORTS["-created_at"]
    if sort not in SORTS:
        raise Problem.invalid(
            {"sort": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(SORTS)}]}
        )
    return SORTS[sort]


# What a row of the agents' list shows, read as plain values: as models (a ticket, its contact,
# department and assignee's user) the 150 instances of a page were a sixth of its time.
LIST_COLUMNS = (
    "id", "number", "subject", "status", "priority", "email", "due_date", "is_overdue", "is_open",
    "is_escalated", "contact__first_name", "contact__last_name", "department__name",
    "assignee__user__name", "assignee__user__email",
)  # fmt: skip


def for_list(qs: QuerySet[Ticket]) -> QuerySet:
    """The list's rows: a dict of LIST_COLUMNS per ticket."""
    return qs.values(*LIST_COLUMNS)


PREVIEW_CHARS = 200

# What an API list row carries (schemas.TicketRowOut), and what its computed fields read:
# `is_open` (is_overdue), `portal_id` (rating_url).
ROW_COLUMNS = (
    "id", "number", "subject", "status", "priority", "channel", "department_id", "contact_id",
    "account_id", "product_id", "assignee_id", "email", "due_date", "is_overdue", "is_open",
    "is_escalated", "created_at", "first_response_at", "closed_at", "rating", "crm_deal", "cf",
    "portal_id", "description_preview",
)  # fmt: skip


class TicketRow:
    """A ticket of a list, as the values of ROW_COLUMNS: read as models, the 50 Ticket
    instances of an API page (every field, its state and descriptors) were a fifth of it."""

    @property
    def pk(self) -> int:
        return self.id

    @property
    def overdue_now(self) -> bool:
        return Ticket.overdue_at(self.is_overdue, self.is_open, self.due_date, timezone.now())


class _TicketRows(ValuesListIterable):
    def __iter__(self):
        new = object.__new__
        for values in super().__iter__():
            row = new(TicketRow)
            row.__dict__.update(zip(ROW_COLUMNS, values, strict=True))
            yield row


def light_rows(qs: QuerySet[Ticket]) -> QuerySet:
    """List rows (TicketRow) without the description (up to 100,000 characters each: a page
    of 50 once weighed 37 MB) but with its first characters, `description_preview`."""
    qs = qs.annotate(description_preview=Substr("description", 1, PREVIEW_CHARS))
    qs = qs.values_list(*ROW_COLUMNS)
    qs._iterable_class = _TicketRows  # still a queryset: the page filters and slices it
    return qs


# Every open of a ticket reads it and its conversation: compiled once (web.prepared).
_ticket_by_id = Prepared(
    lambda portal_id, pk: Ticket.objects.select_related(
        "contact", "account", "product", "assignee__user", "department", "portal"
    ).filter(portal_id=portal_id, pk=pk)[:1]
)
_threads = Prepared(
    lambda ticket_id: Thread.objects.select_related("author").filter(ticket_id=ticket_id)
    .order_by("id")
)  # fmt: skip
_comments = Prepared(
    lambda ticket_id: Comment.objects.select_related("author").filter(ticket_id=ticket_id)
    .order_by("id")
)  # fmt: skip
_attachments = Prepared(
    lambda ticket_id: Attachment.objects.select_related("uploaded_by").filter(ticket_id=ticket_id)
    .order_by("id")
)  # fmt: skip


def ticket_for(agent: Agent, ticket_id) -> Ticket:
    """One ticket the agent may see; another portal's or another department's is a 404."""
    ticket = next(iter(_ticket_by_id(agent.portal_id, _int(ticket_id, "ticket_id"))), None)
    if ticket is not None and not agent.is_admin:  # as visible_tickets: its departments only
        ticket = ticket if ticket.department_id in agent.department_ids() else None
    if ticket is None:
        raise Problem(404, _("No such ticket in this portal."))
    return ticket


def conversation_parts(ticket: Ticket) -> tuple[list, list, list]:
    """The ticket page's reads: (attachments, emails, comments) of the ticket, each in the
    order they came, each knowing its ticket; an email's files are in its `attachments`."""
    attachments = _attachments(ticket.pk)
    threads, comments = _threads(ticket.pk), _comments(ticket.pk)
    for part in (*attachments, *threads, *comments):
        part.ticket = ticket
    for thread in threads:  # read once with the ticket's, not once per email
        thread._prefetched_objects_cache = {
            "attachments": [a for a in attachments if a.thread_id == thread.pk]
        }
    return attachments, threads, comments


def threads_of(ticket: Ticket):
    return ticket.threads.select_related("author").prefetch_related("attachments").order_by("id")


def comments_of(ticket: Ticket, *, public_only: bool = False):
    qs = ticket.comments.select_related("author").order_by("id")
    return qs.filter(is_public=True) if public_only else qs


def attachments_of(ticket: Ticket):
    return ticket.attachments.select_related("uploaded_by").order_by("id")


def events_of(ticket: Ticket):
    return ticket.events.select_related("actor").order_by("id")


# What a page names by id (a history line, a list filter), and how: (model, the columns
# read, the name shown).
NAMED = {
    "assignee_id": ("Agent", ("id", "user__name", "user__email"), lambda r: r[1] or r[2]),
    "department_id": ("Department", ("id", "name"), lambda r: r[1]),
    "contact_id": (
        "Contact",
        ("id", "first_name", "last_name", "email"),
        lambda r: f"{r[1]} {r[2]}".strip() or r[3],
    ),
    "account_id": ("Account", ("id", "account_name"), lambda r: r[1]),
    "product_id": ("Product", ("id", "product_name"), lambda r: r[1]),
}


def names_for(portal_id: int, ids: dict[str, set[int]]) -> dict[str, dict[int, str]]:
    """The names behind ids a page shows, e.g. {"assignee_id": {4: "Ann"}}: one query per
    kind of id present, however many events or filters name them. Only this portal's rows
    are named; an id of a deleted row (or of another portal) is simply absent."""
    from tandem.desk import models

    names: dict[str, dict[int, str]] = {}
    for field, wanted in ids.items():
        if field not in NAMED or not wanted:
            continue
        model, columns, name = NAMED[field]
        rows = getattr(models, model).objects.filter(portal_id=portal_id, pk__in=sorted(wanted))
        names[field] = {r[0]: name(r) for r in rows.values_list(*columns)}
    return names


def attachment_for(agent: Agent, attachment_id) -> Attachment:
    attachment = (
        Attachment.objects.filter(ticket__in=visible_tickets(agent), pk=_int(attachment_id, "id"))
        .select_related("ticket")
        .first()
    )
    if attachment is None:
        raise Problem(404, _("No such attachment in this portal."))
    return attachment


STATS_SQL = """
    SELECT COUNT(*),
           COUNT(*) FILTER (WHERE is_open),
           COUNT(*) FILTER (WHERE is_overdue AND is_open),
           COUNT(*) FILTER (WHERE status = 'Closed'),
           AVG(first_response_seconds),
           AVG(resolution_seconds),
           COUNT(*) FILTER (WHERE rating = 'good'),
           COUNT(*) FILTER (WHERE rating = 'okay'),
           COUNT(*) FILTER (WHERE rating = 'bad')
    FROM desk_ticket
    WHERE {customer} = %s AND +portal_id = %s {departments}
"""


def stats(agent: Agent, *, contact_id=None, account_id=None) -> dict:
    """Ticket figures for one contact or account, from one covering index (desk_t_*_s).

    Plain SQL on purpose: building this aggregate through the ORM costs ~2 ms of Python,
    the query itself ~0.1 ms. `+portal_id` keeps the planner on the customer's index while
    still refusing another portal's customer (portable: SQLite and PostgreSQL)."""
    from django.db import connection

    if contact_id not in (None, ""):
        customer, value = "contact_id", _int(contact_id, "contact_id")
    elif account_id not in (None, ""):
        customer, value = "account_id", _int(account_id, "account_id")
    else:
        raise Problem.invalid({"contact_id": [_("Give contact_id or account_id.")]})
    params: list = [value, agent.portal_id]
    departments = ""
    if not agent.is_admin:
        ids = sorted(agent.department_ids()) or [0]
        departments = f"AND department_id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    with connection.cursor() as cursor:
        cursor.execute(STATS_SQL.format(customer=customer, departments=departments), params)
        row = cursor.fetchone()
    total, open_, overdue, closed, avg_first, avg_resolution, good, okay, bad = row
    return {
        "total": total,
        "open": open_,
        "overdue": overdue,
        "closed": closed,
        "avg_first_response_seconds": round(avg_first) if avg_first is not None else None,
        "avg_resolution_seconds": round(avg_resolution) if avg_resolution is not None else None,
        "ratings": {"good": good, "okay": okay, "bad": bad},
    }


def monthly_tickets(agent: Agent, *, months: int = 12, **customer) -> list[tuple]:
    """Tickets opened per month by one contact or account (`contact_id=` or `account_id=`),
    the last `months` months, oldest first, empty months included: (first day, count)."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    today = timezone.localdate()
    first = today.replace(day=1)
    for _month in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    since = timezone.make_aware(datetime.combine(first, time.min))
    counted = (
        tickets(agent, **customer)
        .filter(created_at__gte=since)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_month = {(row["month"].year, row["month"].month): row["n"] for row in counted}
    series, month = [], first
    while month <= today:
        series.append((month, by_month.get((month.year, month.month), 0)))
        month = (month + timedelta(days=32)).replace(day=1)
    return series
