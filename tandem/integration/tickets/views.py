"""The Desk panel on CRM record pages and its popups (htmx partials): the ticket list with its
filters, New Ticket, a ticket with its conversation and actions, Link to Deals, Show Stats.
Thin: each request names the record or the ticket, an action does the work, the partial is
drawn again. A change answers `HX-Trigger: deskChanged` so the list reloads without a page
reload."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from tandem.crm import queries as crm
from tandem.desk import queries as desk
from tandem.identity.decorators import tenant_view
from tandem.integration.pages import refusals_as_pages
from tandem.integration.tickets import actions, deals, queries
from tandem.integration.tickets.access import Reader, reader, record_reader
from tandem.integration.tickets.forms import (
    CHANNELS,
    PRIORITIES,
    STATUSES,
    UPDATABLE,
    duration,
    new_ticket_data,
    ticket_ids,
    update_data,
    view_of,
)
from tandem.web.errors import Problem


def _changed(response: HttpResponse) -> HttpResponse:
    response["HX-Trigger"] = "deskChanged"
    return response


def panel_context(request, found: Reader, module, record, view: str = "all") -> dict:
    rows = list(
        desk.customer_ticket_rows(queries.record_tickets(found, module, record, view))[
            : queries.PANEL_ROWS
        ]
    )
    return {
        "org": found.member.org,
        "module": module,
        "record": record,
        "reader": found,
        "view": view,
        "views": FILTERS,
        "rows": rows,
        "can_work": not found.work_refusal(),
        "refusal": found.work_refusal(),
        "empty_why": found.sees_nothing_why,
        "is_deal": module.api_name == "Deals",
    }


FILTERS = [
    ("all", gettext_lazy("All")),
    ("overdue", gettext_lazy("Overdue")),
    ("closed", gettext_lazy("Closed")),
    ("escalated", gettext_lazy("Escalated")),
    ("high_priority", gettext_lazy("High priority")),
]


def render_panel(request, member, module, record) -> str:
    """The record panel hook: "" (no panel) while the integration is off or the module shows
    no Desk list; else the panel, its list in the All view."""
    # The CRM drew the record for this person (they may view it) and asked `applies` first.
    try:
        found = reader(member)
    except Problem:
        return ""
    if module.api_name not in found.settings.modules:
        return ""
    context = panel_context(request, found, module, record)
    return render_to_string("integration/tickets/panel.html", context, request=request)


@tenant_view("crm")
@refusals_as_pages
@require_GET
def panel(request, module: str, record_id: int):
    found, target, record = record_reader(request.member, module, record_id)
    view = view_of(request.GET.get("view"))
    context = panel_context(request, found, target, record, view)
    return render(request, "integration/tickets/_list.html", context)


@tenant_view("crm")
@refusals_as_pages
def new_ticket(request, module: str, record_id: int):
    found, target, record = record_reader(request.member, module, record_id)
    found.require_work()
    context = {
        "org": found.member.org,
        "module": target,
        "record": record,
        "departments": desk.departments_of(found.link.portal),
        "values": request.POST,
    }
    if request.method == "POST":
        try:
            data = new_ticket_data(request.POST)
            ticket = actions.do_create_ticket(
                reader=found,
                module=target,
                record=record,
                data=data,
                upload=request.FILES.get("file"),
            )
        except Problem as problem:
            if problem.status in (403, 404):
                raise
            context["error"] = problem.text()
        else:
            context = {"ticket": ticket, "created": True, "org": found.member.org}
            return _changed(render(request, "integration/tickets/_created.html", context))
    return render(request, "integration/tickets/_new.html", context)


@tenant_view("crm")
@refusals_as_pages
@require_GET
def contact_options(request):
    found = reader(request.member)
    contacts = desk.find_contacts(found.portal_id, request.GET.get("contact_q", ""))
    return render(request, "integration/tickets/_contact_options.html", {"contacts": contacts})


@tenant_view("crm")
@refusals_as_pages
@require_GET
def stats(request, module: str, record_id: int):
    found, target, record = record_reader(request.member, module, record_id)
    figures = queries.record_stats(found, target, record)
    context = {
        "figures": figures,
        "record": record,
        "charts": _charts(figures),
        "first_response": duration(figures["avg_first_response_seconds"]),
        "resolution": duration(figures["avg_resolution_seconds"]),
    }
    return render(request, "integration/tickets/_stats.html", context)


def _charts(figures: dict) -> dict:
    ratings = figures["ratings"]
    return {
        "status": {
            "type": "doughnut",
            "labels": [_("Open"), _("Overdue"), _("Closed")],
            "series": [
                {
                    "label": _("Tickets"),
                    "data": [
                        figures["open"] - figures["overdue"],
                        figures["overdue"],
                        figures["closed"],
                    ],
                }
            ],
            "colors": ["#0d6efd", "#dc3545", "#6c757d"],
        },
        "ratings": {
            "type": "bar",
            "labels": [_("Good"), _("Okay"), _("Bad")],
            "series": [
                {"label": _("Ratings"), "data": [ratings[k] for k in ("good", "okay", "bad")]}
            ],
            "colors": ["#198754", "#ffc107", "#dc3545"],
        },
    }


@tenant_view("crm")
@refusals_as_pages
@require_POST
def link_deal(request, module: str, record_id: int):
    """Link to Deals: the checked tickets of a record's list, to the chosen deal."""
    found = reader(request.member)
    try:
        deal = crm.record_for(
            request.member, crm.module_for(request.member.org, "Deals"), request.POST.get("deal_id")
        )
        linked = deals.do_link_deals(
            reader=found, deal=deal, ticket_ids=ticket_ids(request.POST.getlist("ticket_ids"))
        )
    except Problem as problem:
        if problem.status in (403,):
            raise
        return render(request, "integration/tickets/_note.html", {"error": problem.text()})
    message = _("%(count)s tickets linked to %(deal)s.") % {"count": len(linked), "deal": deal.name}
    return _changed(render(request, "integration/tickets/_note.html", {"message": message}))


@tenant_view("crm")
@refusals_as_pages
@require_GET
def deal_options(request):
    """The deals to choose from in Link to Deals (searched by name)."""
    member = request.member
    deals_module = crm.module_for(member.org, "Deals")
    qs, order = crm.records_of(member, deals_module, q=request.GET.get("deal_q") or None)
    options = list(qs.order_by(*order)[:50])
    return render(request, "integration/tickets/_deal_options.html", {"deals": options})


def _ticket_context(found: Reader, ticket, **extra) -> dict:
    conversation = sorted(
        [*desk.threads_of(ticket), *desk.comments_of(ticket)], key=lambda e: e.created_at
    )
    return {
        "org": found.member.org,
        "reader": found,
        "ticket": ticket,
        "conversation": conversation,
        "refusal": found.work_refusal(ticket),
        "can_work": not found.work_refusal(ticket),
        "is_admin": found.is_admin,
        "updatable": UPDATABLE,
        "priorities": PRIORITIES,
        "statuses": STATUSES,
        "channels": CHANNELS,
        "custom_fields": desk.ticket_fields(found.link.portal),
        "agents": desk.assignable_agents(found.portal_id) if found.is_admin else [],
        "departments": desk.departments_of(found.link.portal),
        **extra,
    }


@tenant_view("crm")
@refusals_as_pages
@require_GET
def ticket(request, ticket_id: int):
    found = reader(request.member)
    context = _ticket_context(found, queries.ticket_for(found, ticket_id))
    return render(request, "integration/tickets/_ticket.html", context)


OPS = ("comment", "reply_all", "forward", "update", "close", "delete", "unlink")


@tenant_view("crm")
@refusals_as_pages
@require_POST
def ticket_action(request, ticket_id: int, op: str):
    if op not in OPS:
        raise Http404("No such action.")
    found = reader(request.member)
    ticket = queries.ticket_for(found, ticket_id)
    post = request.POST
    try:
        if op == "comment":
            actions.do_comment(
                reader=found, ticket=ticket, content=post.get("content", ""),
                is_public=post.get("is_public") == "on",
            )  # fmt: skip
            done = _("Comment added.")
        elif op in ("reply_all", "forward"):
            actions.do_send_thread(
                reader=found, ticket=ticket, action=op, content=post.get("content", ""),
                to=[a for a in post.get("to", "").replace(";", ",").split(",") if a.strip()],
            )  # fmt: skip
            done = _("Email sent.") if op == "reply_all" else _("Forwarded.")
        elif op == "update":
            actions.do_update(reader=found, ticket=ticket, data=update_data(post, ticket))
            done = _("Ticket updated.")
        elif op == "close":
            actions.do_close(reader=found, ticket=ticket)
            done = _("Ticket closed.")
        elif op == "delete":
            actions.do_delete(reader=found, ticket=ticket)
            note = {"message": _("Ticket #%(number)s deleted.") % {"number": ticket.number}}
            return _changed(render(request, "integration/tickets/_note.html", note))
        else:
            deal = (ticket.crm_deal or {}).get("id")
            deals_module = crm.module_for(request.member.org, "Deals")
            record = crm.record_for(request.member, deals_module, deal)
            deals.do_unlink_deals(reader=found, deal=record, ticket_ids=[ticket.pk])
            done = _("Unlinked from the deal.")
    except Problem as problem:
        if problem.status in (403, 404):
            raise
        context = _ticket_context(found, ticket, error=problem.text(), op=op)
        return render(request, "integration/tickets/_ticket.html", context)
    fresh = queries.ticket_for(found, ticket_id)
    return _changed(
        render(
            request, "integration/tickets/_ticket.html", _ticket_context(found, fresh, message=done)
        )
    )


@tenant_view("crm")
@refusals_as_pages
@require_GET
def field_input(request, ticket_id: int):
    """Update Field: the value input for the field chosen in the dropdown."""
    found = reader(request.member)
    ticket = queries.ticket_for(found, ticket_id)
    context = _ticket_context(found, ticket, field=request.GET.get("field", "priority"))
    return render(request, "integration/tickets/_field_input.html", context)
