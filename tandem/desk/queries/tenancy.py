"""Tenant-scoped reads of Desk. Everything outside Desk reads through here."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tandem.desk.ids import as_id
from tandem.desk.models import Agent, Department, Portal, TicketField
from tandem.identity.tenants import Membership
from tandem.web.errors import Problem
from tandem.web.prepared import Prepared


def _membership(agent: Agent) -> Membership:
    portal = agent.portal
    return Membership(
        kind="desk",
        tenant_id=portal.id,
        slug=portal.slug,
        name=portal.name,
        role=agent.get_role_display(),
        url=reverse("desk:home", args=[portal.slug]),
        member=agent,
    )


def _active_agents():
    return Agent.objects.select_related("portal").filter(state=Agent.State.ACTIVE)


# Every request reads these (web.prepared: compiled once, not per request).
_agents_of = Prepared(
    lambda user_id: _active_agents().filter(user_id=user_id).order_by("portal__name")
)
_agent_by_id = Prepared(
    lambda user_id, pk: _active_agents().filter(user_id=user_id, portal_id=pk)[:1]
)
_agent_by_slug = Prepared(
    lambda user_id, slug: _active_agents().filter(user_id=user_id, portal__slug=slug)[:1]
)


def memberships(user) -> list[Membership]:
    """Every page reads these (the tenant switcher): one narrow query, the person's own row
    reused rather than joined again."""
    if not user.is_active:
        return []
    found = []
    for agent in _agents_of(user.pk):
        agent.user = user
        found.append(_membership(agent))
    return found


def membership(user, tenant_id: int | None, slug: str | None) -> Membership | None:
    """The person's active membership of one portal. Runs on every request, so it is one
    narrow query: the caller has checked that `user` is active, and we reuse that object."""
    # Departments are read only when a role check needs them (Agent.department_ids).
    if tenant_id is not None:
        agents = _agent_by_id(user.pk, int(tenant_id))
        if slug is not None:
            agents = [a for a in agents if a.portal.slug == slug]
    elif slug is not None:
        agents = _agent_by_slug(user.pk, str(slug))
    else:
        agents = _active_agents().filter(user_id=user.pk)[:1]
    agent = next(iter(agents), None)
    if agent is None:
        return None
    agent.user = user
    return _membership(agent)


def portal_by_slug(slug: str) -> Portal | None:
    return Portal.objects.filter(slug=slug).first()


def agents_of(portal: Portal):
    return (
        Agent.objects.filter(portal=portal)
        .select_related("user")
        .prefetch_related("departments")
        .order_by("user__email")
    )


# The ticket list and the ticket page read these on every load: one narrow query each, no
# model objects, compiled once (web.prepared; building the queryset cost more than running it).
_assignees_of = Prepared(
    lambda portal_id, state: (
        Agent.objects.filter(portal_id=portal_id, state=state)
        .order_by("user__email")
        .values_list("id", "user__name", "user__email")
    )
)
_departments_of = Prepared(
    lambda portal_id: (
        Department.objects.filter(portal_id=portal_id)
        .order_by("name", "id")
        .values_list("id", "name")
    )
)


def assignee_choices(portal: Portal) -> list[tuple[int, str]]:
    """(agent id, name) of the portal's active agents, for a filter's or a form's options."""
    rows = _assignees_of(portal.pk, str(Agent.State.ACTIVE))
    return [(pk, name or email) for pk, name, email in rows]


def department_choices(portal: Portal) -> list[tuple[int, str]]:
    """(department id, name) of the portal's departments, by name, for a filter's options."""
    return _departments_of(portal.pk)


def departments_of(portal: Portal):
    return portal.departments.order_by("name")


def department_for(portal: Portal, department_id: int):
    """One department of this portal; another portal's id is a 404 like an unknown one."""
    pk = as_id(department_id)
    department = portal.departments.filter(pk=pk).first() if pk else None
    if department is None:
        raise Problem(404, _("No such department in this portal."))
    return department


def agent_for(portal: Portal, agent_id) -> Agent:
    pk = as_id(agent_id)
    agent = agents_of(portal).filter(pk=pk).first() if pk else None
    if agent is None:
        raise Problem(404, _("No such agent in this portal."))
    return agent


def ticket_fields(portal: Portal):
    return portal.ticket_fields.order_by("id")


# The ticket page reads them on every open: compiled once (web.prepared).
_ticket_fields_of = Prepared(
    lambda portal_id: TicketField.objects.filter(portal_id=portal_id).order_by("id")
)


def ticket_field_list(portal: Portal) -> list:
    """The portal's custom ticket fields, as a list (ticket_fields, read the fast way)."""
    return _ticket_fields_of(portal.pk)


def ticket_field_for(portal: Portal, field_id):
    """One custom ticket field of the portal; junk, unknown or another portal's id: 404."""
    pk = as_id(field_id)
    field = ticket_fields(portal).filter(pk=pk).first() if pk else None
    if field is None:
        raise Problem(404, _("No such ticket field in this portal."))
    return field


def sla_policies(portal: Portal) -> dict:
    """{department_id: SlaPolicy} for the portal's departments that have one."""
    from tandem.desk.models import SlaPolicy

    return {p.department_id: p for p in SlaPolicy.objects.filter(department__portal=portal)}


def verify_zsc_key(admin_email: str, key: str) -> Portal | None:
    """The portal whose current ZSC key is `key`, if `admin_email` is one of its active
    Desk administrators; else None. The integration's "configure another user's portal"."""
    from tandem.desk.actions.setup import zsc_digest
    from tandem.identity.models import normalize_email

    if not key or not admin_email:
        return None
    portal = Portal.objects.filter(zsc_key_hash=zsc_digest(key.strip())).first()
    if portal is None:
        return None
    is_admin = Agent.objects.filter(
        portal=portal,
        user__email=normalize_email(admin_email),
        user__is_active=True,
        role=Agent.Role.ADMIN,
        state=Agent.State.ACTIVE,
    ).exists()
    return portal if is_admin else None


def admin_portals(user) -> list[Portal]:
    """Portals where the person is an active Desk administrator (the integration's
    "pick one of my portals")."""
    return list(
        Portal.objects.filter(
            agents__user=user, agents__role=Agent.Role.ADMIN, agents__state=Agent.State.ACTIVE
        ).order_by("name")
    )


def agent_of_user(portal: Portal | int, user) -> Agent | None:
    """The person's Agent in the portal whatever its state (invited, active, deactivated)."""
    portal_id = portal if isinstance(portal, int) else portal.id
    return Agent.objects.select_related("user").filter(portal_id=portal_id, user=user).first()


def agents_by_user(portal: Portal | int) -> dict[int, Agent]:
    """{user id: Agent} of everyone the portal has, in one query (mutual-user lists)."""
    portal_id = portal if isinstance(portal, int) else portal.id
    return {a.user_id: a for a in Agent.objects.filter(portal_id=portal_id)}
