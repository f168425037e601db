"""The integration's pages: CRM Setup > Marketplace > Desk ("Desk integration") and Desk
Setup > Integrations > CRM. Thin: each form posts an `op`, an action does it, a message says
how it went."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tandem.desk import queries as desk
from tandem.identity.decorators import tenant_view
from tandem.integration import actions, queries
from tandem.integration.pages import refusals_as_pages
from tandem.integration.sync import views as sync_views
from tandem.web.errors import Problem


def _attempt(request, action, success: str, **kwargs) -> bool:
    """Run an action; a refusal becomes a message naming what was wrong (403 stays a page)."""
    try:
        action(**kwargs)
    except Problem as problem:
        if problem.status == 403:
            raise
        messages.error(request, problem.text(FIELD_LABELS))
        return False
    messages.success(request, success)
    return True


FIELD_LABELS = {
    "portal": gettext_lazy("Portal"),
    "portal_name": gettext_lazy("Portal name"),
    "admin_email": gettext_lazy("Administrator's email"),
    "zsc_key": gettext_lazy("ZSC key"),
    "user_ids": gettext_lazy("Users"),
    "role": gettext_lazy("Role"),
    "department_ids": gettext_lazy("Departments"),
    "mode": gettext_lazy("Mode"),
}


def _ints(values) -> list[int]:
    return [int(v) for v in values if str(v).isascii() and str(v).isdigit() and len(v) < 18]


def _post(request):
    member, post = request.member, request.POST
    op = post.get("op", "")
    text = {key: post.get(key, "").strip() for key in ("portal", "portal_name")}
    key_pair = {"admin_email": post.get("admin_email", ""), "zsc_key": post.get("zsc_key", "")}
    if op in ("own_portal", "new_portal", "other_portal"):
        data = {
            "own_portal": {"portal": text["portal"]},
            "new_portal": {"portal_name": text["portal_name"]},
            "other_portal": key_pair,
        }[op]
        return _attempt(
            request,
            actions.do_connect,
            _("The Desk integration is active."),
            actor=member,
            mode=op,
            **data,
        )
    if op == "reauthorize":
        return _attempt(
            request, actions.do_reauthorize, _("The integration is active again."), actor=member
        )
    if op == "reauthorize_key":
        return _attempt(
            request,
            actions.do_reauthorize,
            _("The integration is active again."),
            actor=member,
            **key_pair,
        )
    if op == "deactivate":
        return _attempt(
            request,
            actions.do_deactivate,
            _("The Desk integration is deactivated."),
            actor=member,
        )
    if op == "invite":
        return _attempt(
            request,
            actions.do_invite_users,
            _("Invitations sent."),
            actor=member,
            user_ids=_ints(post.getlist("user_ids")),
            role=post.get("role", ""),
            department_ids=_ints(post.getlist("department_ids")),
        )
    messages.error(request, _("Unknown action."))
    return False


@tenant_view("crm")
@refusals_as_pages
@require_http_methods(["GET", "POST"])
def crm_desk(request):
    """Setup > Marketplace > Desk: the state, the three ways in, users, the way out."""
    member = request.member
    actions.require_permission(member)
    if request.method == "POST":
        _post(request)
        return redirect("integration:crm_desk", member.org.slug)
    link = queries.integration_of(member.org_id)
    on = link is not None and link.is_on
    people = queries.users(member.org, link if on else None)
    portal = link.portal if link is not None else None
    agent = desk.agent_of_user(portal, request.user) if on and portal else None
    context = {
        "org": member.org,
        "section": "marketplace",
        "link": link,
        "state": queries.state_of(link),
        "reason": queries.reason_of(link),
        "what_to_do": queries.WHAT_TO_DO,
        "my_portals": desk.admin_portals(request.user) if not on else [],
        "previous_portal": portal if link is not None and not on else None,
        "i_am_portal_admin": agent is not None and agent.is_active and agent.is_admin,
        "mutual": [p for p in people if p["desk"] == "mutual"],
        "others": [p for p in people if p["desk"] != "mutual"],
        "roles": [("agent", _("Agent")), ("light_agent", _("Light Agent")), ("admin", _("Admin"))],
        "departments": list(desk.departments_of(portal)) if on and portal else [],
        "history": queries.history(member.org_id),
        "sync_sections": sync_views.sections(link) if on else [],
    }
    return render(request, "integration/crm_desk.html", context)


@tenant_view("desk")
@refusals_as_pages
@require_http_methods(["GET", "POST"])
def desk_crm(request):
    """Desk Setup > Integrations > CRM: which org this portal is linked to; Delete (admins)."""
    agent = request.member
    if request.method == "POST":
        _attempt(
            request,
            actions.do_delete_from_desk,
            _("The integration is deleted. The CRM no longer syncs with this portal."),
            actor=agent,
        )
        return redirect("integration:desk_crm", agent.portal.slug)
    link = queries.integration_for_portal(agent.portal_id)
    context = {
        "portal": agent.portal,
        "me": agent,
        "link": link,
        "state": queries.state_of(link),
        "history": queries.history(link.org_id, 10) if link is not None else [],
    }
    return render(request, "integration/desk_crm.html", context)
