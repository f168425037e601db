"""Every write to Desk goes through here: explicit actor, permission check, one transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from tandem.desk.models import Agent, Department, Portal
from tandem.web.errors import Problem, require


def _unique_slug(name: str, slug: str | None) -> str:
    base = slugify(slug or name)[:40] or "portal"
    candidate, n = base, 1
    while Portal.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def do_create_portal(*, actor, name: str, slug: str | None = None) -> Portal:
    """A new portal; its creator is its first Admin and it starts with one department."""
    name = (name or "").strip()
    if not name:
        raise Problem.invalid({"portal_name": ["A portal needs a name."]})
    if slug and Portal.objects.filter(slug=slug).exists():
        raise Problem(409, f"The portal address {slug!r} is taken.", {"slug": ["Already taken."]})
    portal = Portal.objects.create(name=name, slug=_unique_slug(name, slug))
    department = Department.objects.create(portal=portal, name="Support")
    admin = Agent.objects.create(portal=portal, user=actor, role=Agent.Role.ADMIN)
    admin.departments.add(department)
    return portal


def _agent(portal: Portal, user) -> Agent | None:
    return Agent.objects.filter(portal=portal, user=user, state=Agent.State.ACTIVE).first()


@transaction.atomic
def do_create_department(*, actor, portal: Portal, name: str) -> Department:
    me = _agent(portal, actor)
    require(me is not None and me.is_admin, "Only a Desk administrator can add departments.")
    name = (name or "").strip()
    if not name:
        raise Problem.invalid({"name": ["A department needs a name."]})
    department, _created = Department.objects.get_or_create(portal=portal, name=name)
    return department


@transaction.atomic
def do_rename_department(*, actor, department: Department, name: str) -> Department:
    me = _agent(department.portal, actor)
    require(me is not None and me.is_admin, "Only a Desk administrator can rename departments.")
    name = (name or "").strip()
    if not name:
        raise Problem.invalid({"name": ["A department needs a name."]})
    clash = Department.objects.filter(portal=department.portal, name=name).exclude(pk=department.pk)
    if clash.exists():
        raise Problem(
            409, f"There is already a department named {name!r}.", {"name": ["Already used."]}
        )
    department.name = name
    department.save(update_fields=["name"])
    return department


@transaction.atomic
def do_delete_department(*, actor, department: Department) -> None:
    me = _agent(department.portal, actor)
    require(me is not None and me.is_admin, "Only a Desk administrator can delete departments.")
    if department.portal.departments.count() == 1:
        raise Problem(409, "A portal needs at least one department.")
    department.delete()


@transaction.atomic
def do_add_agent(
    *, actor, portal: Portal, user, role: str = Agent.Role.AGENT, departments=()
) -> Agent:
    """Add an existing person as an active agent (Desk administrators only)."""
    me = _agent(portal, actor)
    require(me is not None and me.is_admin, "Only a Desk administrator can add agents.")
    if role not in Agent.Role.values:
        raise Problem.invalid({"role": [f"Role must be one of {', '.join(Agent.Role.values)}."]})
    agent, created = Agent.objects.get_or_create(portal=portal, user=user, defaults={"role": role})
    if not created:
        agent.role, agent.state = role, Agent.State.ACTIVE
        agent.save(update_fields=["role", "state"])
    agent.departments.set([d for d in departments if d.portal_id == portal.id])
    return agent
