"""Setup (Desk administrators): departments, agents and invitations, SLA, custom fields, ZSC key."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tandem.desk import actions, hooks, queries
from tandem.desk.ids import as_id
from tandem.desk.models import Agent, Ticket, TicketField
from tandem.desk.models.tenancy import PRIORITIES
from tandem.desk.views._common import attempt, desk_view
from tandem.web.errors import Problem


def _ids(values) -> list[int]:
    return [pk for pk in map(as_id, values) if pk is not None]


def _hours(post, prefix: str) -> dict:
    return {p: post.get(f"{prefix}_{p}", "") for p in PRIORITIES}


def _handle(request, op: str):
    me, post = request.member, request.POST
    portal = me.portal
    if op == "add_department":
        return attempt(
            request,
            actions.do_create_department,
            success=_("Department added."),
            actor=me,
            portal=portal,
            name=post.get("name", ""),
        )
    if op in ("rename_department", "delete_department"):
        department = queries.department_for(portal, post.get("department_id"))
        if op == "delete_department":
            return attempt(
                request,
                actions.do_delete_department,
                success=_("Removed."),
                actor=me,
                department=department,
            )
        return attempt(
            request,
            actions.do_rename_department,
            success=_("Saved."),
            actor=me,
            department=department,
            name=post.get("name", ""),
        )
    if op == "invite":
        return attempt(
            request,
            actions.do_invite_agent,
            success=_("Invitation sent."),
            actor=me,
            portal=portal,
            email=post.get("email", ""),
            role=post.get("role", "agent"),
            department_ids=_ids(post.getlist("department_ids")),
        )
    if op in ("agent", "agent_state"):
        agent = queries.agent_for(portal, post.get("agent_id"))
        if op == "agent_state":
            return attempt(
                request,
                actions.do_set_agent_state,
                success=_("Saved."),
                actor=me,
                agent=agent,
                active=post.get("active") == "1",
            )
        return attempt(
            request,
            actions.do_update_agent,
            success=_("Saved."),
            actor=me,
            agent=agent,
            role=post.get("role"),
            department_ids=_ids(post.getlist("department_ids")),
        )
    if op == "sla":
        escalate = post.get("escalate_after_hours", "").strip()
        return attempt(
            request,
            actions.do_set_sla,
            success=_("SLA saved."),
            actor=me,
            department=queries.department_for(portal, post.get("department_id")),
            first_response_hours=_hours(post, "response"),
            resolution_hours=_hours(post, "resolution"),
            escalate_after_hours=escalate or None,
        )
    if op == "customer_emails":
        return attempt(
            request,
            actions.do_update_portal,
            success=_("Saved."),
            actor=me,
            portal=portal,
            data={
                "acknowledge_new_tickets": post.get("acknowledge_new_tickets") == "1",
                **(
                    {"customer_language": post["customer_language"]}
                    if "customer_language" in post
                    else {}
                ),
            },
        )
    if op == "add_field":
        return attempt(
            request,
            actions.do_add_ticket_field,
            success=_("Field added."),
            actor=me,
            portal=portal,
            label=post.get("label", ""),
            type=post.get("type", ""),
            choices=[c.strip() for c in post.get("choices", "").split(",")],
        )
    if op == "delete_field":
        try:
            field = queries.ticket_field_for(portal, post.get("field_id"))
        except Problem as exc:
            messages.error(request, str(exc.detail))
            return None
        return attempt(
            request, actions.do_delete_ticket_field, success=_("Removed."), actor=me, field=field
        )
    return None


@desk_view
@require_http_methods(["GET", "POST"])
def setup(request):
    me = request.member
    if not me.is_admin:
        raise PermissionDenied(_("Only a Desk administrator can open Setup."))
    new_key = None
    if request.method == "POST":
        op = request.POST.get("op", "")
        if op == "zsc":
            new_key = attempt(request, actions.do_generate_zsc_key, actor=me, portal=me.portal)
        else:
            _handle(request, op)
            return redirect("desk:setup", me.portal.slug)
    policies = queries.sla_policies(me.portal)
    departments = list(queries.departments_of(me.portal))
    sla_rows = [
        {
            "department": d,
            "policy": policies.get(d.id),
            "hours": [
                (
                    p,
                    Ticket.Priority(p).label,  # the name in the person's language
                    (policies[d.id].first_response_hours.get(p, "") if d.id in policies else ""),
                    (policies[d.id].resolution_hours.get(p, "") if d.id in policies else ""),
                )
                for p in PRIORITIES
            ],
        }
        for d in departments
    ]
    context = {
        "portal": me.portal,
        "me": me,
        "departments": departments,
        "agents": queries.agents_of(me.portal),
        "roles": Agent.Role.choices,
        "sla_rows": sla_rows,
        "fields": queries.ticket_fields(me.portal),
        "field_types": TicketField.Type.choices,
        "new_key": new_key if isinstance(new_key, str) else None,
        "languages": settings.LANGUAGES,
        # Pages other apps add to Setup (the integration's Integrations: CRM).
        "extra_pages": [(p.label, p.url(me.portal.slug)) for p in hooks.setup_pages.values()],
    }
    return render(request, "desk/setup.html", context)
