"""Setup writes: portals, departments, agents and invitations, the ZSC key, SLA, custom fields."""

from __future__ import annotations

import hashlib
import math
import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from tandem.desk import hooks
from tandem.desk.actions._base import me, require_admin
from tandem.desk.ids import as_id
from tandem.desk.models import Agent, Department, Portal, SlaPolicy, TicketField
from tandem.desk.models.tenancy import PRIORITIES
from tandem.identity import invitations
from tandem.web.errors import Problem
from tandem.web.slugs import unique_slug

INVITATION_SALT = "desk.invitation"
INVITATION_MAX_AGE = invitations.VALID_DAYS * 24 * 3600
ZSC_PREFIX = "zsc_"


@transaction.atomic
def do_create_portal(*, actor, name: str, slug: str | None = None) -> Portal:
    """A new portal; its creator is its first Admin and it starts with one department."""
    name = (name or "").strip()
    if not name:
        raise Problem.invalid({"portal_name": [_("A portal needs a name.")]})
    if slug and Portal.objects.filter(slug=slug).exists():
        raise Problem(
            409,
            _("The portal address %(slug)s is taken.") % {"slug": repr(slug)},
            {"slug": [_("Already taken.")]},
        )
    portal = Portal.objects.create(
        name=name, slug=unique_slug(Portal.objects.all(), name, slug, "portal")
    )
    department = Department.objects.create(portal=portal, name="Support")
    admin = Agent.objects.create(portal=portal, user=actor, role=Agent.Role.ADMIN)
    admin.departments.add(department)
    return portal


def _name(value: str, field: str = "name", refusal=None) -> str:
    value = (value or "").strip()
    if not value:
        raise Problem.invalid({field: [refusal or _("A department needs a name.")]})
    return value


@transaction.atomic
def do_create_department(*, actor, portal: Portal, name: str) -> Department:
    require_admin(me(portal, actor), _("add departments"))
    department, _created = Department.objects.get_or_create(portal=portal, name=_name(name))
    return department


@transaction.atomic
def do_rename_department(*, actor, department: Department, name: str) -> Department:
    require_admin(me(department.portal_id, actor), _("rename departments"))
    name = _name(name)
    clash = Department.objects.filter(portal=department.portal_id, name=name)
    if clash.exclude(pk=department.pk).exists():
        raise Problem(
            409,
            _("There is already a department named %(name)s.") % {"name": repr(name)},
            {"name": [_("Already used.")]},
        )
    department.name = name
    department.save(update_fields=["name"])
    return department


@transaction.atomic
def do_delete_department(*, actor, department: Department) -> None:
    require_admin(me(department.portal_id, actor), _("delete departments"))
    if Department.objects.filter(portal=department.portal_id).count() == 1:
        raise Problem(409, _("A portal needs at least one department."))
    if department.tickets.exists():
        raise Problem(409, _("Move this department's tickets to another department first."))
    department.delete()


def _role(role: str) -> str:
    if role not in Agent.Role.values:
        roles = ", ".join(Agent.Role.values)
        raise Problem.invalid({"role": [_("Role must be one of %(roles)s.") % {"roles": roles}]})
    return role


def _departments(portal_id: int, department_ids) -> list[Department]:
    wanted = {as_id(pk) for pk in department_ids or []}
    # None: junk or beyond a 64-bit column, where `pk__in` makes the database raise.
    found = (
        [] if None in wanted else list(Department.objects.filter(portal=portal_id, pk__in=wanted))
    )
    if None in wanted or len(found) != len(wanted):
        raise Problem.invalid({"department_ids": [_("Unknown department in this portal.")]})
    return found


@transaction.atomic
def do_add_agent(
    *, actor, portal: Portal, user, role: str = Agent.Role.AGENT, departments=()
) -> Agent:
    """Add an existing person as an active agent at once (the demo, tests, scripts)."""
    require_admin(me(portal, actor), _("add agents"))
    role = _role(role)
    agent, created = Agent.objects.get_or_create(portal=portal, user=user, defaults={"role": role})
    if not created:
        agent.role, agent.state = role, Agent.State.ACTIVE
        agent.save(update_fields=["role", "state"])
    agent.departments.set([d for d in departments if d.portal_id == portal.id])
    hooks.portal_changed(portal.id)
    return agent


def invitation_token(agent: Agent) -> str:
    return signing.dumps({"a": agent.id, "t": agent.invited_at.timestamp()}, salt=INVITATION_SALT)


@transaction.atomic
def do_invite_agent(
    *, actor, portal: Portal, email: str, role: str, department_ids=(), name: str = ""
) -> Agent:
    """Invite someone by email. A person new to Tandem gets an account to activate; an
    existing person just accepts. The email goes out after commit."""
    inviter = me(portal, actor)
    require_admin(inviter, _("invite agents"))
    role = _role(role)
    departments = _departments(portal.id, department_ids)
    user = invitations.invitee(email, name)
    agent = Agent.objects.filter(portal=portal, user=user).first()
    if agent is not None and agent.state == Agent.State.ACTIVE:
        detail = _("%(email)s is already an agent of this portal.") % {"email": user.email}
        raise Problem(409, detail, {"email": [detail]})
    agent = agent or Agent(portal=portal, user=user)
    agent.role, agent.state = role, Agent.State.INVITED
    agent.invited_at, agent.invited_by = timezone.now(), inviter
    agent.save()
    agent.departments.set(departments)
    from tandem.desk import tasks
    from tandem.web.tasks import enqueue_on_commit

    # Never raises; no automatic retry: inviting the same person again sends it again.
    enqueue_on_commit(tasks.send_invitation, agent.id)
    return agent


def invited_agent(token: str) -> Agent:
    """The invitation a link stands for, if still valid."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:
        raise Problem(404, _("This invitation link is invalid or has expired.")) from None
    agent = Agent.objects.select_related("portal", "user").filter(pk=data.get("a")).first()
    if (
        agent is None
        or agent.state != Agent.State.INVITED
        or agent.invited_at is None
        or abs(agent.invited_at.timestamp() - data.get("t", 0)) > 0.001
    ):
        raise Problem(404, _("This invitation link is invalid, expired or already used."))
    return agent


@transaction.atomic
def do_accept_invitation(*, token: str, user=None, password: str = "", name: str = "") -> Agent:
    """Accept by the invited person: signed in as them, or (a new person) setting a password."""
    agent = invited_agent(token)
    invitations.accept_as(agent.user, user=user, password=password, name=name)
    agent.state, agent.joined_at = Agent.State.ACTIVE, timezone.now()
    agent.save(update_fields=["state", "joined_at"])
    return agent


AGENT_STATES = {"active": Agent.State.ACTIVE, "deactivated": Agent.State.DEACTIVATED}


@transaction.atomic
def do_update_agent(
    *, actor, agent: Agent, role: str | None = None, department_ids=None, state: str | None = None
) -> Agent:
    """Change an agent's role, departments and state ("active" or "deactivated") together:
    every part is checked before anything is written, so a refused part changes nothing."""
    admin = me(agent.portal_id, actor)
    require_admin(admin, _("change agents"))
    role = _role(role) if role is not None else None
    if state is not None and state not in AGENT_STATES:
        raise Problem.invalid({"state": [_("Choose active or deactivated.")]})
    departments = None
    if department_ids is not None:
        departments = _departments(agent.portal_id, department_ids)
    stays_admin = (role or agent.role) == Agent.Role.ADMIN and state != "deactivated"
    if agent.is_admin and not stays_admin:
        _keep_an_admin(agent)
    if role is not None:
        agent.role = role
        agent.save(update_fields=["role"])
    if departments is not None:
        agent.departments.set(departments)
    if state is not None:
        agent.state = AGENT_STATES[state]
        agent.save(update_fields=["state"])
    hooks.portal_changed(agent.portal_id)
    return agent


def _keep_an_admin(agent: Agent) -> None:
    others = Agent.objects.filter(
        portal=agent.portal_id, role=Agent.Role.ADMIN, state=Agent.State.ACTIVE
    ).exclude(pk=agent.pk)
    if not others.exists():
        raise Problem(409, _("A portal needs at least one active administrator."))


@transaction.atomic
def do_set_agent_state(*, actor, agent: Agent, active: bool) -> Agent:
    """Deactivate (keeps history, frees nothing) or reactivate an agent."""
    require_admin(me(agent.portal_id, actor), _("deactivate agents"))
    if not active and agent.is_admin:
        _keep_an_admin(agent)
    agent.state = Agent.State.ACTIVE if active else Agent.State.DEACTIVATED
    agent.save(update_fields=["state"])
    hooks.portal_changed(agent.portal_id)
    return agent


def zsc_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def do_generate_zsc_key(*, actor, portal: Portal) -> str:
    """A new ZSC key for the portal, returned once; the previous key stops working now."""
    admin = me(portal, actor)
    require_admin(admin, _("generate the ZSC key"))
    raw = ZSC_PREFIX + secrets.token_urlsafe(32)
    Portal.objects.filter(pk=portal.pk).update(
        zsc_key_hash=zsc_digest(raw),
        zsc_key_prefix=raw[:10],
        zsc_key_created_at=timezone.now(),
        zsc_key_admin=admin,
    )
    portal.refresh_from_db()
    hooks.portal_changed(portal.id)
    return raw


PORTAL_SETTINGS = ("name", "acknowledge_new_tickets", "customer_language")


@transaction.atomic
def do_update_portal(*, actor, portal: Portal, data: dict) -> Portal:
    """The portal's own settings: its name, whether customers who write in get an
    acknowledgement, and the language customers are written to in. All or nothing."""
    admin = me(portal, actor)
    require_admin(admin, _("change the portal's settings"))
    unknown = sorted(set(data) - set(PORTAL_SETTINGS))
    errors: dict = {field: [_("This setting does not exist.")] for field in unknown}
    clean: dict = {}
    if "name" in data:
        name = " ".join(str(data["name"] or "").split())
        if not name:
            errors["name"] = [_("A portal needs a name.")]
        clean["name"] = name[:120]
    if "acknowledge_new_tickets" in data:
        if not isinstance(data["acknowledge_new_tickets"], bool):
            errors["acknowledge_new_tickets"] = [_("Give true or false.")]
        clean["acknowledge_new_tickets"] = data["acknowledge_new_tickets"]
    if "customer_language" in data:
        codes = [code for code, _name in settings.LANGUAGES]
        if data["customer_language"] not in codes:
            choices = ", ".join(codes)
            errors["customer_language"] = [_("Choose one of: %(choices)s.") % {"choices": choices}]
        clean["customer_language"] = data["customer_language"]
    if errors:
        raise Problem.invalid(errors)
    for field, value in clean.items():
        setattr(portal, field, value)
    if clean:
        portal.save(update_fields=list(clean))
    return portal


MAX_SLA_HOURS = 87600  # ten years: beyond that a date overflows, and no promise means it


def _hours(raw: dict | None, field: str) -> dict:
    clean = {}
    for priority, value in (raw or {}).items():
        if priority not in PRIORITIES:
            unknown = _("Unknown priority %(priority)s.") % {"priority": repr(priority)}
            raise Problem.invalid({field: [unknown]})
        if value in (None, ""):
            continue
        try:
            hours = float(value)
        except (TypeError, ValueError, OverflowError):
            message = _("%(priority)s: hours must be a number.") % {"priority": priority}
            raise Problem.invalid({field: [message]}) from None
        if not math.isfinite(hours) or not 0 < hours <= MAX_SLA_HOURS:
            message = _("%(priority)s: hours must be more than 0 and at most %(max)s.") % {
                "priority": priority,
                "max": MAX_SLA_HOURS,
            }
            raise Problem.invalid({field: [message]})
        clean[priority] = hours
    return clean


def _escalate_hours(value) -> int | None:
    """Whole hours, 0 to MAX_SLA_HOURS; None or "" for no escalation by time."""
    if value in (None, ""):
        return None
    whole = _("Whole hours from 0 to %(max)s.") % {"max": MAX_SLA_HOURS}
    error = Problem.invalid({"escalate_after_hours": [whole]})
    if isinstance(value, str):
        if not (value.strip().isascii() and value.strip().isdigit()):
            raise error
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise error
    if not 0 <= value <= MAX_SLA_HOURS or value != int(value):  # NaN and ±inf fail the range
        raise error
    return int(value)


@transaction.atomic
def do_set_sla(
    *,
    actor,
    department: Department,
    first_response_hours: dict | None,
    resolution_hours: dict | None,
    escalate_after_hours: int | str | None = None,
) -> SlaPolicy:
    require_admin(me(department.portal_id, actor), _("change SLA policies"))
    escalate_after_hours = _escalate_hours(escalate_after_hours)
    policy, _created = SlaPolicy.objects.update_or_create(
        department=department,
        defaults={
            "first_response_hours": _hours(first_response_hours, "first_response_hours"),
            "resolution_hours": _hours(resolution_hours, "resolution_hours"),
            "escalate_after_hours": escalate_after_hours,
        },
    )
    return policy


@transaction.atomic
def do_add_ticket_field(
    *, actor, portal: Portal, label: str, type: str, choices=(), name: str = ""
) -> TicketField:
    require_admin(me(portal, actor), _("add ticket fields"))
    label = _name(label, "label", _("A field needs a name."))
    if type not in TicketField.Type.values:
        types = ", ".join(TicketField.Type)
        raise Problem.invalid({"type": [_("Type must be one of %(types)s.") % {"types": types}]})
    choices = [str(c).strip() for c in choices or [] if str(c).strip()]
    if type == TicketField.Type.PICKLIST and not choices:
        raise Problem.invalid({"choices": [_("A picklist needs at least one choice.")]})
    name = slugify(name or label).replace("-", "_")[:50] or "field"
    if TicketField.objects.filter(portal=portal, name=name).exists():
        detail = _("There is already a field named %(name)s.") % {"name": repr(name)}
        raise Problem(409, detail, {"name": [_("Used.")]})
    return TicketField.objects.create(
        portal=portal, name=name, label=label, type=type, choices=choices
    )


@transaction.atomic
def do_delete_ticket_field(*, actor, field: TicketField) -> None:
    require_admin(me(field.portal_id, actor), _("delete ticket fields"))
    field.delete()
