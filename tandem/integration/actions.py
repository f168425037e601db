"""Every write of the integration: the acting CRM person (an OrgUser, checked for the Desk
integration permission here, so the page and the API can never disagree), one transaction,
one history entry. Desk is changed only through desk.actions, with the authority of the Desk
administrator who authorized the link."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.desk import actions as desk_actions
from tandem.desk import queries as desk
from tandem.identity.models import User, normalize_email
from tandem.integration import queries
from tandem.integration.models import DeskIntegration, IntegrationEvent
from tandem.web.errors import Problem

ORIGIN = "integration"  # the origin tag of writes the integration makes in CRM and Desk
State = DeskIntegration.State
Kind = IntegrationEvent.Kind
MODES = DeskIntegration.Mode.values


def require_permission(actor) -> None:
    """I1: only profiles with the Desk integration permission open or change the integration."""
    if not actor.can("desk_integration"):
        raise Problem(
            403,
            _(
                "Your profile (%(profile)s) does not have the Desk integration permission. "
                "Ask a CRM administrator."
            )
            % {"profile": actor.profile.name},
        )


def _event(org_id: int, kind: str, actor_user=None, portal=None, detail: str = "") -> None:
    IntegrationEvent.objects.create(
        org_id=org_id,
        kind=kind,
        actor=actor_user,
        portal_name=portal.name if portal is not None else "",
        detail=detail[:500],
    )


def _locked(org_id: int) -> DeskIntegration | None:
    return DeskIntegration.objects.select_for_update().filter(org_id=org_id).first()


def _portal_by_key(actor, admin_email: str, zsc_key: str):
    """The portal a Desk admin's email + ZSC key stand for; a wrong pair is recorded (in its
    own transaction, so the refusal keeps it) and refused; too many in a row must wait."""
    org_id = actor.org_id
    if queries.refused_key_tries(org_id) >= queries.THROTTLE_TRIES:
        minutes = int(queries.THROTTLE_WINDOW.total_seconds() // 60)
        raise Problem(
            429,
            _("Too many wrong email and ZSC key pairs. Try again in %(minutes)s minutes.")
            % {"minutes": minutes},
        )
    errors = {}
    if not (admin_email or "").strip():
        errors["admin_email"] = [_("Enter the portal administrator's email address.")]
    if not (zsc_key or "").strip():
        errors["zsc_key"] = [_("Enter the portal's ZSC key.")]
    if errors:
        raise Problem.invalid(errors)
    portal = desk.verify_zsc_key(admin_email, zsc_key)
    if portal is None:
        with transaction.atomic():
            _event(org_id, Kind.KEY_REFUSED, actor.user, detail=normalize_email(admin_email))
        message = _(
            "This email and ZSC key do not belong together: the email must be an active "
            "administrator of the portal whose current ZSC key you entered."
        )
        raise Problem(400, message, {"zsc_key": [message]})
    admin = User.objects.get(email=normalize_email(admin_email))
    return portal, admin


def _own_portal(actor, slug: str):
    portal = desk.portal_by_slug((slug or "").strip()) if slug else None
    agent = desk.agent_of_user(portal, actor.user) if portal is not None else None
    if agent is None or not (agent.is_active and agent.is_admin):
        message = _("Choose one of the portals where you are a Desk administrator.")
        raise Problem(400, message, {"portal": [message]})
    return portal


def _new_portal(actor, name: str):
    name = " ".join((name or "").split())
    if not name or len(name) > 120:
        message = _("Give the new portal a name of 1 to 120 characters.")
        raise Problem(400, message, {"portal_name": [message]})
    return desk_actions.do_create_portal(actor=actor.user, name=name)


def do_connect(
    *,
    actor,
    mode: str,
    portal: str = "",
    portal_name: str = "",
    admin_email: str = "",
    zsc_key: str = "",
) -> DeskIntegration:
    """Link the org to a portal (I2 to I5): one of mine, a new one, or another user's (email +
    ZSC key). Linking to another portal than the previous one dissociates that portal's
    tickets from the CRM; they stay in that portal."""
    require_permission(actor)
    if mode not in MODES:
        message = _("Choose one of: %(modes)s.") % {"modes": ", ".join(MODES)}
        raise Problem(400, message, {"mode": [message]})
    _refuse_if_linked(actor.org_id)
    key_made = None
    if mode == "other_portal":
        target, authorizer = _portal_by_key(actor, admin_email, zsc_key)
        key_made = target.zsc_key_created_at
    with transaction.atomic():
        if mode == "own_portal":
            target, authorizer = _own_portal(actor, portal), actor.user
        elif mode == "new_portal":
            target, authorizer = _new_portal(actor, portal_name), actor.user
        try:
            with transaction.atomic():
                return _link(actor, mode, target, authorizer, key_made)
        except IntegrityError:  # another request created the org's link this instant
            raise _already_linked() from None


def _already_linked() -> Problem:
    return Problem(
        409,
        _(
            "This CRM org is already linked to a Desk portal. Deactivate that integration "
            "before you set up another one."
        ),
    )


def _refuse_if_linked(org_id: int) -> None:
    link = queries.integration_of(org_id)
    if link is not None and link.is_on:
        raise _already_linked()


def _link(actor, mode, target, authorizer, key_made) -> DeskIntegration:
    org_id = actor.org_id
    link = _locked(org_id)
    if link is not None and link.is_on:
        raise _already_linked()
    taken = queries.integration_for_portal(target.id)
    if taken is not None and taken.is_on and taken.org_id != org_id:
        raise Problem(
            409,
            _("The portal %(portal)s is already linked to another CRM org.")
            % {"portal": target.name},
        )
    previous = link.portal if link is not None else None
    now = timezone.now()
    if link is None:
        link = DeskIntegration(org_id=org_id)
    link.portal, link.mode, link.state = target, mode, State.ACTIVE
    link.authorized_by, link.zsc_key_created_at = authorizer, key_made
    link.reason_code = link.reason_email = ""
    link.connected_at = link.changed_at = now
    link.save()
    if previous is not None and previous.id != target.id:
        forgotten = desk_actions.do_forget_crm_deals(portal_id=previous.id, origin=ORIGIN)
        detail = _("Tickets of %(old)s no longer show in the CRM (%(deals)s deal links removed).")
        _event(
            org_id,
            Kind.SWITCHED,
            actor.user,
            target,
            str(detail % {"old": previous.name, "deals": forgotten}),
        )
    _event(org_id, Kind.CONNECTED, actor.user, target, authorizer.email)
    from tandem.integration.tickets.tab import add_tab_on_connect

    add_tab_on_connect(actor)  # the Desk tab comes (back) with the link (issue 11)
    return link


def do_reauthorize(*, actor, admin_email: str = "", zsc_key: str = "") -> DeskIntegration:
    """I28: turn `needs_attention` back to `active` with a Desk admin's authority: the caller's
    own (one click, they are an admin of the portal) or an admin's email + the ZSC key."""
    require_permission(actor)
    link = queries.integration_of(actor.org_id)
    if link is None or not link.is_on:
        raise Problem(409, _("There is no integration to re-authorize. Set it up instead."))
    key_made = None
    if admin_email or zsc_key:
        portal, authorizer = _portal_by_key(actor, admin_email, zsc_key)
        if portal.id != link.portal_id:
            message = _("This ZSC key belongs to another portal than the linked one.")
            raise Problem(400, message, {"zsc_key": [message]})
        key_made = portal.zsc_key_created_at
    else:
        agent = desk.agent_of_user(link.portal_id, actor.user) if link.portal_id else None
        if agent is None or not (agent.is_active and agent.is_admin):
            raise Problem(
                403,
                _(
                    "Only a Desk administrator of the portal can re-authorize with one click. "
                    "Enter an administrator's email and the portal's ZSC key instead."
                ),
            )
        authorizer = actor.user
    with transaction.atomic():
        link = _locked(actor.org_id)
        if link is None or not link.is_on:
            raise Problem(409, _("There is no integration to re-authorize. Set it up instead."))
        link.authorized_by, link.zsc_key_created_at = authorizer, key_made
        link.state, link.reason_code, link.reason_email = State.ACTIVE, "", ""
        link.changed_at = timezone.now()
        link.save()
        _event(actor.org_id, Kind.REAUTHORIZED, actor.user, link.portal, authorizer.email)
    return link


@transaction.atomic
def do_deactivate(*, actor) -> DeskIntegration:
    """I26: stop the integration for both sides. Nothing is deleted on either side."""
    require_permission(actor)
    link = _locked(actor.org_id)
    if link is None or not link.is_on:
        raise Problem(409, _("The Desk integration is not active."))
    _turn_off(link, Kind.DEACTIVATED, actor.user)
    return link


@transaction.atomic
def do_delete_from_desk(*, actor) -> DeskIntegration:
    """I27: from Desk only a Desk administrator ends it; the CRM then reads `deactivated`."""
    if not (actor.is_active and actor.is_admin):
        raise Problem(
            403,
            _(
                "Only a Desk administrator can delete the integration. Contact your Desk "
                "administrator."
            ),
        )
    found = queries.integration_for_portal(actor.portal_id)
    link = _locked(found.org_id) if found is not None else None
    if link is None or not link.is_on or link.portal_id != actor.portal_id:
        raise Problem(404, _("This portal is not linked to a CRM org."))
    _turn_off(link, Kind.DELETED_IN_DESK, actor.user)
    return link


def _turn_off(link: DeskIntegration, kind: str, user) -> None:
    link.state, link.reason_code, link.reason_email = State.DEACTIVATED, "", ""
    link.changed_at = timezone.now()
    link.save(update_fields=["state", "reason_code", "reason_email", "changed_at"])
    _event(link.org_id, kind, user, link.portal)


@transaction.atomic
def do_check_authority(*, integration_id: int) -> str:
    """I28: an active link whose authorizing admin was deactivated, demoted, left, or whose
    ZSC key was regenerated turns `needs_attention` with the reason. Idempotent; run by the
    portal listener at once and by the periodic sweep. Returns the state."""
    link = DeskIntegration.objects.select_for_update().filter(pk=integration_id).first()
    if link is None:
        return "not_configured"
    if link.state != State.ACTIVE:
        return link.state
    code = queries.authority_problem(link)
    if code:
        link.state, link.reason_code = State.NEEDS_ATTENTION, code
        link.reason_email = link.authorized_by.email if link.authorized_by else ""
        link.changed_at = timezone.now()
        link.save(update_fields=["state", "reason_code", "reason_email", "changed_at"])
        _event(link.org_id, Kind.NEEDS_ATTENTION, None, link.portal, code)
    return link.state


@transaction.atomic
def do_invite_users(*, actor, user_ids, role: str, department_ids=()) -> list[dict]:
    """I6: invite chosen CRM users into the linked portal with a role (and departments).
    Desk sends each an email, in their language, with an activation link. All or nothing."""
    require_permission(actor)
    link = _locked(actor.org_id)
    if link is None or link.state != State.ACTIVE:
        raise Problem(409, _("Invite users once the Desk integration is active."))
    members = {row["user_id"]: row for row in queries.users(actor.org, link)}
    wanted = []
    for raw in user_ids or []:
        user_id = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
        if user_id not in members:
            message = _("Choose active users of this CRM org.")
            raise Problem(400, message, {"user_ids": [message]})
        if user_id not in wanted:
            wanted.append(user_id)
    if not wanted:
        message = _("Choose at least one user to invite.")
        raise Problem(400, message, {"user_ids": [message]})
    for user_id in wanted:
        row = members[user_id]
        desk_actions.do_invite_agent(
            actor=link.authorized_by,
            portal=link.portal,
            email=row["email"],
            role=role,
            department_ids=department_ids,
        )
    emails = ", ".join(members[u]["email"] for u in wanted)
    _event(actor.org_id, Kind.INVITED, actor.user, link.portal, f"{role}: {emails}")
    invited = set(wanted)
    return [row for row in queries.users(actor.org, link) if row["user_id"] in invited]
