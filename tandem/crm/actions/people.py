"""People in an org: invitations by email, accepting them, deactivation, profiles."""

from __future__ import annotations

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.crm.actions.common import member_of, require_feature
from tandem.crm.models import Module, Org, OrgUser, Profile
from tandem.identity import invitations
from tandem.web.errors import Problem
from tandem.web.tasks import enqueue_on_commit

INVITE_SALT = "tandem.crm.invitation"
INVITE_MAX_AGE = invitations.VALID_DAYS * 24 * 3600


def _require_manager(org: Org, actor) -> OrgUser:
    member = member_of(org, actor)
    require_feature(member, "manage_users", _("Only users who may manage users can do that."))
    return member


def _require_admin_for(me: OrgUser, profile: Profile) -> None:
    """Only an administrator hands out the Administrator profile: a user who may merely manage
    users must not be able to make anyone (an address of their own included) an administrator."""
    if profile.is_administrator and not me.profile.is_administrator:
        raise Problem(403, _("Only an administrator can assign the Administrator profile."))


def _require_within_own(me: OrgUser, features: list, module_permissions: dict) -> None:
    """A profile may grant only what the actor's own profile grants, unless they are an
    administrator: managing users must not become a way to give oneself more permissions."""
    own = me.profile
    if own.is_administrator:
        return
    beyond = [str(Profile.FEATURES[f]) for f in features if f not in own.features]
    for name, acts in module_permissions.items():
        mine = own.module_permissions.get(name, ())
        beyond += [f"{name}: {a}" for a in acts if a not in mine]
    if beyond:
        raise Problem(
            403,
            _(
                "Only an administrator can grant permissions your own profile does not have "
                "(%(perms)s)."
            )
            % {"perms": ", ".join(beyond)},
        )


def invitation_token(member: OrgUser) -> str:
    # Binding the membership's state stops a link from reviving a deactivated membership.
    return signing.dumps({"m": member.pk, "u": member.user_id}, salt=INVITE_SALT)


def _profile(org: Org, profile_id) -> Profile:
    profile = Profile.objects.filter(org=org, pk=profile_id).first()
    if profile is None:
        raise Problem.invalid({"profile_id": [_("Choose a profile of this org.")]})
    return profile


@transaction.atomic
def do_invite_user(*, actor, org: Org, email: str, profile_id: int, name: str = "") -> OrgUser:
    """Invite a person by email. A person new to Tandem gets an account without a password,
    set when they activate; an existing person just accepts. The email goes out after commit."""
    me = _require_manager(org, actor)
    profile = _profile(org, profile_id)
    _require_admin_for(me, profile)
    user = invitations.invitee(email, name)
    member = OrgUser.objects.filter(org=org, user=user).first()
    if member and member.state == OrgUser.State.ACTIVE:
        raise Problem(409, _("%(email)s is already a user of this org.") % {"email": user.email})
    if member is None:
        member = OrgUser(org=org, user=user)
    member.profile = profile
    member.state = OrgUser.State.INVITED
    member.invited_by = actor
    member.save()
    from tandem.crm.tasks import send_invitation

    enqueue_on_commit(send_invitation, member.pk)
    return member


def invitation_for(token: str) -> OrgUser:
    try:
        payload = signing.loads(token, salt=INVITE_SALT, max_age=INVITE_MAX_AGE)
    except signing.BadSignature:
        raise Problem(404, _("This invitation link is not valid or has expired.")) from None
    member = (
        OrgUser.objects.select_related("org", "user", "profile")
        .filter(pk=payload.get("m"), user_id=payload.get("u"), state=OrgUser.State.INVITED)
        .first()
    )
    if member is None:
        raise Problem(404, _("This invitation has been used or withdrawn."))
    return member


@transaction.atomic
def do_accept_invitation(*, token: str, user=None, name: str = "", password: str = "") -> OrgUser:
    """Activate an invitation. A signed-in person must be the one invited; a new person sets
    their name and password here (the link itself proves they own the address)."""
    member = invitation_for(token)
    invitations.accept_as(member.user, user=user, password=password, name=name)
    member.state = OrgUser.State.ACTIVE
    member.save(update_fields=["state"])
    return member


def _other_active_admins(org: Org, member: OrgUser) -> bool:
    return (
        OrgUser.objects.filter(org=org, state=OrgUser.State.ACTIVE, profile__is_administrator=True)
        .exclude(pk=member.pk)
        .exists()
    )


@transaction.atomic
def do_deactivate_user(*, actor, org: Org, member: OrgUser) -> OrgUser:
    me = _require_manager(org, actor)
    if member.pk == me.pk:
        raise Problem(409, _("You cannot deactivate yourself."))
    if member.profile.is_administrator and not _other_active_admins(org, member):
        raise Problem(409, _("An org keeps at least one active administrator."))
    member.state = OrgUser.State.DEACTIVATED
    member.save(update_fields=["state"])
    return member


@transaction.atomic
def do_reactivate_user(*, actor, org: Org, member: OrgUser) -> OrgUser:
    _require_manager(org, actor)
    if member.state != OrgUser.State.DEACTIVATED:
        raise Problem(409, _("Only a deactivated user can be reactivated."))
    member.state = OrgUser.State.ACTIVE
    member.save(update_fields=["state"])
    return member


@transaction.atomic
def do_change_profile(*, actor, org: Org, member: OrgUser, profile_id: int) -> OrgUser:
    me = _require_manager(org, actor)
    profile = _profile(org, profile_id)
    if not me.profile.is_administrator:
        if member.pk == me.pk:
            raise Problem(403, _("You cannot change your own profile; ask an administrator."))
        if member.profile.is_administrator:
            raise Problem(403, _("Only an administrator can change an administrator's profile."))
    _require_admin_for(me, profile)
    demoted = member.profile.is_administrator and not profile.is_administrator
    if demoted and not _other_active_admins(org, member):
        raise Problem(409, _("An org keeps at least one active administrator."))
    member.profile = profile
    member.save(update_fields=["profile"])
    return member


@transaction.atomic
def do_update_user(
    *, actor, org: Org, member: OrgUser, profile_id: int | None = None, state: str | None = None
) -> OrgUser:
    """Apply a change of profile and/or state as one: if any part is refused, nothing changes."""
    if state not in (None, "active", "deactivated"):
        raise Problem.invalid({"state": [_("Use active or deactivated.")]})
    if profile_id is not None:
        member = do_change_profile(actor=actor, org=org, member=member, profile_id=profile_id)
    if state == "deactivated":
        member = do_deactivate_user(actor=actor, org=org, member=member)
    elif state == "active":
        member = do_reactivate_user(actor=actor, org=org, member=member)
    return member


def _clean_permissions(org: Org, features, module_permissions) -> tuple[list, dict]:
    errors: dict[str, list[str]] = {}
    features = list(dict.fromkeys(features or []))
    unknown = [f for f in features if f not in Profile.FEATURES]
    if unknown:
        errors["features"] = [_("Unknown permission: %(f)s.") % {"f": ", ".join(unknown)}]
    modules = set(Module.objects.filter(org=org).values_list("api_name", flat=True))
    clean: dict[str, list[str]] = {}
    for name, actions in (module_permissions or {}).items():
        if name not in modules or not isinstance(actions, list):
            errors[f"module_permissions.{name}"] = [_("No such module.")]
            continue
        bad = [a for a in actions if a not in Profile.RECORD_ACTIONS]
        if bad:
            errors[f"module_permissions.{name}"] = [_("Use view, create, edit, delete.")]
            continue
        # Creating, editing or deleting what one cannot see makes no sense.
        clean[name] = (
            [a for a in Profile.RECORD_ACTIONS if a in actions or a == "view"] if actions else []
        )
    if errors:
        raise Problem.invalid(errors)
    return features, clean


@transaction.atomic
def do_create_profile(
    *, actor, org: Org, name: str, features=None, module_permissions=None
) -> Profile:
    me = _require_manager(org, actor)
    name = (name or "").strip()
    if not name:
        raise Problem.invalid({"name": [_("A profile needs a name.")]})
    if Profile.objects.filter(org=org, name=name).exists():
        raise Problem(409, _("There is already a profile %(n)s.") % {"n": name})
    features, perms = _clean_permissions(org, features, module_permissions)
    _require_within_own(me, features, perms)
    return Profile.objects.create(org=org, name=name, features=features, module_permissions=perms)


@transaction.atomic
def do_update_profile(
    *, actor, org: Org, profile: Profile, name=None, features=None, module_permissions=None
) -> Profile:
    me = _require_manager(org, actor)
    if profile.is_administrator:
        raise Problem(409, _("The Administrator profile always has every permission."))
    if name is not None and name.strip() and name.strip() != profile.name:
        if Profile.objects.filter(org=org, name=name.strip()).exists():
            raise Problem(409, _("There is already a profile %(n)s.") % {"n": name.strip()})
        profile.name = name.strip()
    f, perms = _clean_permissions(
        org,
        profile.features if features is None else features,
        profile.module_permissions if module_permissions is None else module_permissions,
    )
    _require_within_own(me, f, perms)
    profile.features, profile.module_permissions = f, perms
    profile.save()
    return profile


@transaction.atomic
def do_delete_profile(*, actor, org: Org, profile: Profile) -> None:
    _require_manager(org, actor)
    if profile.name in ("Administrator", "Standard"):
        raise Problem(409, _("The Administrator and Standard profiles cannot be deleted."))
    if profile.members.exists():
        raise Problem(409, _("Move this profile's users to another profile first."))
    profile.delete()
