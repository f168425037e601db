"""Customer pages: contacts and accounts — list, search, detail with tickets and stats, edit."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tandem.desk import actions, queries
from tandem.desk.actions.customers import ACCOUNT_FIELDS, CONTACT_FIELDS
from tandem.desk.models import Ticket
from tandem.desk.views._common import FIELD_LABELS, attempt, desk_view
from tandem.web.api import keyset_page
from tandem.web.errors import Problem
from tandem.web.render import option_tags


def _fields(obj, names) -> list[dict]:
    """The form's fields, called what refusals call them (FIELD_LABELS)."""
    return [
        {"name": n, "label": FIELD_LABELS[n], "value": getattr(obj, n, "") or ""} for n in names
    ]


PAGE_SIZE = 50


def list_page(request, qs, *, order: tuple[str, ...]) -> tuple[list, str | None]:
    """The page of a list the address's cursor points at. A broken or tampered cursor is
    said in a message over the first page, not a 403."""
    try:
        return keyset_page(
            qs, order=order, cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE
        )
    except Problem:
        messages.error(request, _("That page link is broken: here is the first page."))
        return keyset_page(qs, order=order, cursor=None, limit=PAGE_SIZE)


def _list(request, kind: str):
    me = request.member
    q = request.GET.get("q", "")
    qs = queries.contacts(me.portal, q) if kind == "contact" else queries.accounts(me.portal, q)
    rows, next_cursor = list_page(request, qs, order=("-id",))
    context = {
        "portal": me.portal,
        "me": me,
        "kind": kind,
        "rows": rows,
        "q": q,
        "next_cursor": next_cursor,
        "new_fields": _fields(None, CONTACT_FIELDS if kind == "contact" else ACCOUNT_FIELDS),
    }
    return render(request, "desk/customers.html", context)


def _save(request, kind: str, obj=None):
    me = request.member
    names = CONTACT_FIELDS if kind == "contact" else ACCOUNT_FIELDS
    data = {n: request.POST.get(n, "") for n in names if n in request.POST}
    save = actions.do_save_contact if kind == "contact" else actions.do_save_account
    if kind == "contact" and "account_id" in request.POST:
        data["account_id"] = request.POST["account_id"] or None
    target = {kind: obj} if obj is not None else {}
    return attempt(
        request, save, success=_("Saved."), actor=me, portal=me.portal, data=data, **target
    )


@desk_view
@require_http_methods(["GET", "POST"])
def contacts(request):
    if request.method == "POST":
        saved = _save(request, "contact")
        if saved:
            return redirect("desk:contact", request.member.portal.slug, saved.pk)
    return _list(request, "contact")


@desk_view
@require_http_methods(["GET", "POST"])
def accounts(request):
    if request.method == "POST":
        saved = _save(request, "account")
        if saved:
            return redirect("desk:account", request.member.portal.slug, saved.pk)
    return _list(request, "account")


def _detail(request, kind: str, obj):
    me = request.member
    if request.method == "POST":
        if request.POST.get("delete"):
            if attempt(request, actions.do_delete_customer, actor=me, obj=obj):
                return redirect(f"desk:{kind}s", me.portal.slug)
        else:
            _save(request, kind, obj)
        return redirect(f"desk:{kind}", me.portal.slug, obj.pk)
    flt = {f"{kind}_id": obj.pk}
    stats = queries.stats(me, **flt)
    tickets = list(queries.tickets(me, **flt).only(*TICKET_COLUMNS).order_by("-id")[:TICKETS_SHOWN])
    context = {
        "portal": me.portal,
        "me": me,
        "kind": kind,
        "obj": obj,
        "fields": _fields(obj, CONTACT_FIELDS if kind == "contact" else ACCOUNT_FIELDS),
        "tickets": tickets,
        "ticket_rows": ticket_rows(me.portal, tickets),
        "tickets_shown": TICKETS_SHOWN,
        "all_tickets_url": all_tickets_url(me.portal, **flt),
        "stats": stats,
        "charts": _charts(stats, queries.monthly_tickets(me, **flt)),
        "chart_titles": [
            ("state", _("Tickets")),
            ("ratings", _("Ratings")),
            ("monthly", _("Tickets opened, last 12 months")),
        ],
        "account_options": _account_options(me.portal, obj) if kind == "contact" else "",
        "member_items": _member_items(me.portal, obj) if kind == "account" else "",
    }
    return render(request, "desk/customer.html", context)


@desk_view
@require_http_methods(["GET", "POST"])
def contact(request, contact_id: int):
    return _detail(request, "contact", queries.contact_for(request.member.portal, contact_id))


@desk_view
@require_http_methods(["GET", "POST"])
def account(request, account_id: int):
    return _detail(request, "account", queries.account_for(request.member.portal, account_id))


def _charts(stats: dict, monthly: list) -> dict:
    """What web/charts.js draws on a customer page: ticket states, ratings, tickets a month."""

    def chart(kind, labels, label, data, colors):
        return {"type": kind, "labels": labels, "series": [{"label": label, "data": data}],
                "colors": colors}  # fmt: skip

    ratings = stats["ratings"]
    return {
        "state": chart(
            "doughnut",
            [_("Open"), _("Overdue"), _("Closed")],
            _("Tickets"),
            [stats["open"] - stats["overdue"], stats["overdue"], stats["closed"]],
            ["#0d6efd", "#dc3545", "#6c757d"],
        ),
        "ratings": chart(
            "bar",
            [_("Good"), _("Okay"), _("Bad")],
            _("Ratings"),
            [ratings["good"], ratings["okay"], ratings["bad"]],
            ["#198754", "#ffc107", "#dc3545"],
        ),
        "monthly": chart(
            "bar",
            [date_format(month, "M Y") for month, _n in monthly],
            _("Tickets opened"),
            [n for _month, n in monthly],
            ["#0d6efd"],
        ),
    }


# The customer page lists up to 50 tickets, 200 accounts and 100 contacts: built in Python,
# as the ticket list is, because the template engine's per-item lookups were most of its time.
TICKET_COLUMNS = ["id", "number", "subject", "status", "created_at", "portal_id"]
TICKETS_SHOWN = 50  # the latest; "All tickets" opens the ticket list filtered to the record


def all_tickets_url(portal, **record) -> str:
    """The ticket list filtered to one contact, account or product (`contact_id=7`)."""
    return f"{reverse('desk:tickets', args=[portal.slug])}?{urlencode(record)}"


def ticket_rows(portal, tickets) -> str:
    base = reverse("desk:tickets", args=[portal.slug])
    statuses = dict(Ticket.Status.choices)
    return format_html_join(
        "\n",
        '<tr><td>#{}</td><td><a href="{}{}/">{}</a></td><td>{}</td><td>{}</td></tr>',
        (
            (t.number, base, t.id, t.subject, statuses[t.status],
             date_format(localtime(t.created_at), "SHORT_DATE_FORMAT"))
            for t in tickets
        ),
    )  # fmt: skip


def _account_options(portal, contact) -> str:
    """The account picker: the first 200 accounts by name, and always the contact's own (or
    saving the form would unlink a contact whose account is further down the alphabet)."""
    accounts = list(
        queries.accounts(portal).order_by("account_name").only("id", "account_name")[:200]
    )
    if contact.account_id and contact.account_id not in {a.id for a in accounts}:
        accounts.insert(0, contact.account)
    return option_tags(((a.id, a.account_name) for a in accounts), selected=contact.account_id)


def _member_items(portal, account) -> str:
    base = reverse("desk:contacts", args=[portal.slug])
    members = (
        queries.contacts(portal, account_id=account.pk)
        .select_related(None)
        .only("id", "first_name", "last_name", "email")[:100]
    )
    return format_html_join(
        "", '<li><a href="{}{}/">{}</a> {}</li>', ((base, c.id, c.name, c.email) for c in members)
    )
