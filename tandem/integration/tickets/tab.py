"""The Desk tab in the CRM (I25) and the ticket settings form of the integration page (I13,
I14). The tab is Desk's own ticket list (no second copy): it shows for people with an active
Desk account while the integration is on; an administrator deletes it in Setup > Modules
(`DELETE modules/Desk`) and adds it back on the integration page."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tandem.crm import actions as crm_actions
from tandem.crm import hooks as crm_hooks
from tandem.crm import queries as crm
from tandem.identity.decorators import tenant_view
from tandem.integration import queries as integration
from tandem.integration.tickets import setup
from tandem.integration.tickets.access import eligible_modules, reader, settings_of
from tandem.web.errors import Problem

log = logging.getLogger("tandem.integration")
TAB = "desk"


def _desk_agent(request, member):
    """The person's active Agent in the linked portal, or None; once per request (the
    navigation asks on every CRM page)."""
    try:
        return reader(member).agent
    except Problem:
        return None


def tab_visible(request, member) -> bool:
    return _desk_agent(request, member) is not None


def register() -> None:
    crm_hooks.register_web_tab(
        crm_hooks.WebTab(
            key=TAB,
            label="Desk",  # a product name; the module stores it as its label
            url=lambda slug: reverse("integration:tickets_tab", args=[slug]),
            visible=tab_visible,
            available=lambda org_id: integration.active_integration(org_id) is not None,
        )
    )


def has_tab(org) -> bool:
    return any(m.web_tab == TAB for m in crm.modules_of(org))


def add_tab(member) -> None:
    """Put the Desk tab in the org's navigation (an administrator; idempotent)."""
    crm_actions.do_add_web_tab(actor=member.user, org=member.org, key=TAB)


def add_tab_on_connect(member) -> None:
    """Linking the org brings the tab (back); someone who may not change modules links
    without it (an administrator adds it on the integration page)."""
    try:
        add_tab(member)
    except Problem as problem:
        log.info("Desk tab not added for org %s: %s", member.org_id, problem.detail)


@tenant_view("crm")
@require_GET
def desk_tab(request):
    """The tab opens Desk's own ticket list in the linked portal."""
    agent = _desk_agent(request, request.member)
    if agent is None:
        raise Http404(_("The Desk tab is for people with a Desk account in the linked portal."))
    return redirect("desk:tickets", agent.portal.slug)


def settings_context(member) -> dict:
    """What the integration page's ticket settings show (the include's context)."""
    link = integration.active_integration(member.org_id)
    if link is None:
        return {"tickets_on": False}
    settings = settings_of(link)
    modules = {m.api_name: m for m in crm.record_modules(member.org)}
    return {
        "tickets_on": True,
        "ticket_modules": [
            (modules[n], n in settings.modules) for n in eligible_modules(member.org)
        ],
        "ticket_visibility": settings.visibility,
        "desk_tab_missing": not has_tab(member.org),
    }


@tenant_view("crm")
@require_POST
def settings_form(request):
    """Saves the related lists or the visibility, or adds the Desk tab back."""
    member = request.member
    op = request.POST.get("op", "")
    try:
        if op == "related_lists":
            setup.do_set_related_lists(actor=member, modules=request.POST.getlist("modules"))
            messages.success(request, _("The Desk related list is shown on the chosen modules."))
        elif op == "visibility":
            setup.do_set_visibility(actor=member, tickets=request.POST.get("tickets", ""))
            messages.success(request, _("Ticket visibility saved."))
        elif op == "add_tab":
            setup.require_permission(member)
            add_tab(member)
            messages.success(request, _("The Desk tab is back in the navigation."))
        else:
            messages.error(request, _("Unknown action."))
    except Problem as problem:
        if problem.status == 404:
            raise Http404(problem.detail) from None
        messages.error(request, problem.text())
    return redirect(reverse("integration:crm_desk", args=[member.org.slug]) + "#desk-tickets")
