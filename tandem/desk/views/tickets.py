"""The ticket list (views, filters, search, sorting, pages) and the New Ticket form."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tandem.desk import actions, queries
from tandem.desk.ids import as_id
from tandem.desk.models import Ticket
from tandem.desk.views._common import FIELD_LABELS, attempt, desk_view, refusal_text
from tandem.web.api import keyset_page
from tandem.web.csvexport import csv_download
from tandem.web.errors import Problem
from tandem.web.render import page

VIEW_LABELS = [
    ("all", gettext_lazy("All")),
    ("open", gettext_lazy("Open")),
    ("overdue", gettext_lazy("Overdue")),
    ("closed", gettext_lazy("Closed")),
    ("escalated", gettext_lazy("Escalated")),
    ("high_priority", gettext_lazy("High priority")),
    ("linked_open_deals", gettext_lazy("Linked to open deals")),
]
# Every order the API's `sort` takes (queries.SORTS), in the list's words.
SORT_LABELS = [
    ("-created_at", gettext_lazy("Newest first")),
    ("created_at", gettext_lazy("Oldest first")),
    ("-number", gettext_lazy("Number, highest first")),
    ("number", gettext_lazy("Number, lowest first")),
    ("due_date", gettext_lazy("Due soonest")),
    ("-due_date", gettext_lazy("Due latest")),
]
# Filters set by a link from a contact's, an account's or a product's page: shown above the
# list (by their FIELD_LABELS label) with a way to clear each, carried in the form as hidden
# fields.
RECORD_FILTERS = ("contact_id", "account_id", "product_id")
PAGE_SIZE = 50


def rows_html(rows, ticket_url: str) -> str:
    """The table rows, built in Python: with 50 rows and 8 columns the template engine's
    per-variable lookups were most of the page's time (the list is the hot page). Text is
    escaped with `html.escape`, exactly as Django's `escape` does, without its lazy-string
    wrapping per value."""
    # Each label translated and escaped once per page, not once per row (100 lookups).
    statuses = {value: escape(str(label)) for value, label in Ticket.Status.choices}
    priorities = {value: escape(str(label)) for value, label in Ticket.Priority.choices}
    overdue = f' <span class="badge text-bg-danger">{escape(_("Overdue"))}</span>'
    escalated = f' <span class="badge text-bg-warning">{escape(_("Escalated"))}</span>'
    url = escape(ticket_url)
    now = timezone.now()
    out = []
    for t in rows:  # queries.for_list's dicts
        name = f"{t['contact__first_name'] or ''} {t['contact__last_name'] or ''}".strip()
        contact = escape(name or t["email"])
        user = t["assignee__user__name"] or t["assignee__user__email"]  # no assignee: neither
        assignee = escape(user) if user else "—"
        due_date = t["due_date"]
        due = escape(date_format(localtime(due_date), "SHORT_DATETIME_FORMAT")) if due_date else "—"
        late = Ticket.overdue_at(t["is_overdue"], t["is_open"], due_date, now)
        out.append(
            f'<tr data-ticket="{t["id"]}"><td>{t["number"]}</td><td><a href="{url}{t["id"]}/">'
            f"{escape(t['subject'])}</a>{overdue if late else ''}"
            f"{escalated if t['is_escalated'] else ''}</td><td>{contact}</td>"
            f"<td>{statuses[t['status']]}</td><td>{priorities[t['priority']]}</td>"
            f"<td>{escape(t['department__name'])}</td><td>{assignee}</td><td>{due}</td></tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 (every value above is escaped)


def _params(request) -> dict:
    params = {
        k: request.GET.get(k, "")
        for k in (
            "view", "q", "email", "department_id", "assignee_id", "contact_id", "account_id",
            "product_id", "sort",
        )
    }  # fmt: skip
    params["view"] = params["view"] or "all"
    return params


def _tickets(me, request, params):
    """The agent's tickets in the view and filters of the list's address."""
    ids = ("department_id", "assignee_id", "contact_id", "account_id", "product_id")
    return queries.tickets(
        me,
        view=params["view"],
        q=params["q"],
        email=params["email"],
        **{k: params[k] for k in ids},
    )


def _record_filters(me, params) -> list[dict]:
    """The contact, account or product the list is narrowed to: its name (one query per
    kind set, none when no such filter is) and the list's address without it."""
    base = reverse("desk:tickets", args=[me.portal.slug])
    wanted = {k: {pk} for k in RECORD_FILTERS if (pk := as_id(params[k])) is not None}
    names = queries.names_for(me.portal_id, wanted) if wanted else {}
    active = []
    for key in RECORD_FILTERS:
        if not params[key]:
            continue
        rest = {k: v for k, v in params.items() if v and k not in (key, "error")}
        pk = as_id(params[key])
        active.append(
            {
                "key": key,
                "label": FIELD_LABELS[key],
                "name": names.get(key, {}).get(pk) or f"#{params[key]}",
                "clear": f"{base}?{urlencode(rest)}",
            }
        )
    return active


@desk_view
def ticket_list(request):
    me = request.member
    params = _params(request)
    cursor = request.GET.get("cursor") or None
    try:
        qs, order = (
            queries.for_list(_tickets(me, request, params)),
            queries.sort_order(params["sort"]),
        )
        try:
            rows, next_cursor = keyset_page(qs, order=order, cursor=cursor, limit=PAGE_SIZE)
        except Problem as exc:
            if "cursor" not in exc.errors:
                raise
            # A link to a later page that is not one of ours (cut short, edited, from another
            # order): the list from its start, said so, rather than an API's words and nothing.
            rows, next_cursor = keyset_page(qs, order=order, cursor=None, limit=PAGE_SIZE)
            params["error"] = _("That link to a later page is not valid: here is the first page.")
    except Problem as exc:
        rows, next_cursor, params["error"] = [], None, refusal_text(request, exc)
    context = {
        "portal": me.portal,
        "me": me,
        "tickets": rows,
        "rows_html": rows_html(rows, reverse("desk:tickets", args=[me.portal.slug])),
        "next_cursor": next_cursor,
        "params": params,
        "export_query": urlencode({k: v for k, v in params.items() if v and k != "error"}),
        "record_filters": _record_filters(me, params),
        "views": VIEW_LABELS,
        "sorts": SORT_LABELS,
        "departments": queries.department_choices(me.portal),
        "agents": queries.assignee_choices(me.portal),
    }
    return page(request, "desk/tickets.html", context, partial="desk/_ticket_rows.html")


@desk_view
def export_csv(request):
    """The list as it is filtered, every page of it: what the agent sees, nothing more."""
    me = request.member
    params = _params(request)
    try:
        qs, order = _tickets(me, request, params), queries.sort_order(params["sort"])
    except Problem as exc:
        messages.error(request, refusal_text(request, exc))
        return redirect("desk:tickets", me.portal.slug)
    return csv_download(request, queries.export_tickets(qs, order), f"{me.portal.slug}-tickets.csv")


@desk_view
@require_http_methods(["GET", "POST"])
def new_ticket(request):
    me = request.member
    # A light agent may not open tickets: told so (a 403 page) before filling in the form.
    actions.require_can_work(me)
    if request.method == "POST":
        data = {
            k: request.POST[k].strip()
            for k in ("subject", "description", "priority", "channel", "department_id")
            if request.POST.get(k, "").strip()
        }
        data.setdefault("subject", "")
        data.setdefault("channel", Ticket.Channel.WEB)
        if request.POST.get("contact_id"):
            data["contact_id"] = request.POST["contact_id"]
        elif request.POST.get("email") or request.POST.get("last_name"):
            data["contact"] = {
                "email": request.POST.get("email", ""),
                "last_name": request.POST.get("last_name", ""),
                "first_name": request.POST.get("first_name", ""),
            }
        ticket = attempt(
            request,
            actions.do_create_ticket,
            success=_("Ticket created."),
            actor=me,
            portal=me.portal,
            data=data,
        )
        if ticket:
            return redirect("desk:ticket", me.portal.slug, ticket.pk)
    context = {
        "portal": me.portal,
        "me": me,
        "departments": queries.departments_of(me.portal),
        "priorities": Ticket.Priority.choices,
        "channels": Ticket.Channel.choices,
        "form": request.POST,
        "cancel": reverse("desk:tickets", args=[me.portal.slug]),
    }
    return render(request, "desk/new_ticket.html", context)
