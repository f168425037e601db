"""Reads of the integration, scoped by org or portal. What later parts (sync, tickets in
records, SalesSignals) ask: is this org linked, to which portal, with whose authority."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.crm import queries as crm
from tandem.desk import queries as desk
from tandem.integration.models import DeskIntegration, IntegrationEvent
from tandem.web.prepared import Prepared

# Why a link needs attention, by code; %(email)s is the admin who had authorized it.
REASONS = {
    "admin_inactive": _(
        "%(email)s, the Desk administrator who authorized the integration, is no longer "
        "active in Tandem."
    ),
    "admin_left": _(
        "%(email)s, the Desk administrator who authorized the integration, is no longer a "
        "member of the portal."
    ),
    "admin_deactivated": _(
        "%(email)s, the Desk administrator who authorized the integration, was deactivated in Desk."
    ),
    "admin_demoted": _(
        "%(email)s, who authorized the integration, is no longer a Desk administrator."
    ),
    "key_regenerated": _(
        "The portal's ZSC key was regenerated after %(email)s authorized the integration "
        "with the old one."
    ),
}
WHAT_TO_DO = _(
    "A Desk administrator of the portal can re-authorize it with one click, or anyone with the "
    "Desk integration permission with an administrator's email and the portal's ZSC key. You "
    "can also deactivate it and set it up again."
)

# Wrong email/ZSC key pairs an org may try in THROTTLE_WINDOW before it must wait.
THROTTLE_TRIES = 5
THROTTLE_WINDOW = timedelta(minutes=15)


def integration_of(org_id: int) -> DeskIntegration | None:
    """The org's link in any state (None: never set up)."""
    return (
        DeskIntegration.objects.select_related("portal", "authorized_by")
        .filter(org_id=org_id)
        .first()
    )


def active_integration(org_id: int) -> DeskIntegration | None:
    """The org's link while it is on (active or needing attention): what the sync, the Desk
    panels and the Desk tab need before they show anything."""
    found = integration_of(org_id)
    return found if found is not None and found.is_on else None


def _links_to(portal, *, on: bool):
    links = DeskIntegration.objects.select_related("org", "authorized_by").filter(portal_id=portal)
    if on:
        states = [DeskIntegration.State.ACTIVE, DeskIntegration.State.NEEDS_ATTENTION]
        return links.filter(state__in=states).order_by("pk")[:1]
    return links.order_by("-changed_at")[:1]


# Asked after every Desk write (is this portal linked?): compiled once (web.prepared).
_on_link_to = Prepared(lambda portal: _links_to(portal, on=True))
_latest_link_to = Prepared(lambda portal: _links_to(portal, on=False))


def integration_for_portal(portal_id: int) -> DeskIntegration | None:
    """The link that points at this portal: the one that is on, else the latest one."""
    found = _on_link_to(portal_id) or _latest_link_to(portal_id)
    return found[0] if found else None


def state_of(integration: DeskIntegration | None) -> str:
    return integration.state if integration is not None else "not_configured"


def reason_of(integration: DeskIntegration | None) -> str | None:
    """Why it needs attention, in the active language."""
    if integration is None or integration.state != DeskIntegration.State.NEEDS_ATTENTION:
        return None
    template = REASONS.get(integration.reason_code)
    return str(template % {"email": integration.reason_email}) if template else None


def describe(integration: DeskIntegration | None) -> dict:
    """The CRM's `GET integrations/desk` body."""
    portal = integration.portal if integration is not None else None
    who = integration.authorized_by if integration is not None else None
    return {
        "state": state_of(integration),
        "portal": {"slug": portal.slug, "name": portal.name} if portal is not None else None,
        "authorized_by": {"email": who.email} if who is not None else None,
        "reason": reason_of(integration),
    }


def describe_for_desk(integration: DeskIntegration | None) -> dict:
    """Desk's `GET integrations/crm` body."""
    org = integration.org if integration is not None else None
    who = integration.authorized_by if integration is not None else None
    return {
        "state": state_of(integration),
        "org": {"slug": org.slug, "name": org.name} if org is not None else None,
        "authorized_by": {"email": who.email} if who is not None else None,
    }


def authority_problem(integration: DeskIntegration) -> str:
    """The reason code why the authorizing admin's authority no longer holds, or ""."""
    user = integration.authorized_by
    if integration.portal_id is None:
        return "admin_left"
    if user is None or not user.is_active:
        return "admin_inactive"
    agent = desk.agent_of_user(integration.portal_id, user)
    if agent is None:
        return "admin_left"
    if not agent.is_active:
        return "admin_deactivated"
    if not agent.is_admin:
        return "admin_demoted"
    made = integration.zsc_key_created_at
    if made is not None and integration.portal.zsc_key_created_at != made:
        return "key_regenerated"
    return ""


def history(org_id: int, limit: int = 20) -> list[IntegrationEvent]:
    return list(IntegrationEvent.objects.filter(org_id=org_id).select_related("actor")[:limit])


def refused_key_tries(org_id: int, now=None) -> int:
    since = (now or timezone.now()) - THROTTLE_WINDOW
    return IntegrationEvent.objects.filter(
        org_id=org_id, kind=IntegrationEvent.Kind.KEY_REFUSED, at__gte=since
    ).count()


def users(org, integration: DeskIntegration | None) -> list[dict]:
    """The org's CRM users with their place in the linked portal: `mutual` (an active agent),
    `invited` (not yet accepted) or `none`. Two queries whatever the number of people."""
    agents = (
        desk.agents_by_user(integration.portal_id) if integration and integration.portal_id else {}
    )
    rows = []
    for member in crm.members_of(org):
        if member.state != "active":
            continue
        agent = agents.get(member.user_id)
        desk_state = "none"
        if agent is not None and agent.state == "active":
            desk_state = "mutual"
        elif agent is not None and agent.state == "invited":
            desk_state = "invited"
        rows.append(
            {
                "user_id": member.user_id,
                "email": member.user.email,
                "name": member.user.display_name,
                "desk": desk_state,
                "role": agent.role if agent is not None and desk_state != "none" else None,
            }
        )
    return rows
