"""Orgs: creating one seeds its profiles and standard modules."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tandem.crm import standard
from tandem.crm.models import Org, OrgUser, Profile
from tandem.web.errors import Problem, require
from tandem.web.slugs import unique_slug

STANDARD_FEATURES: list[str] = []


@transaction.atomic
def do_create_org(*, actor, name: str, slug: str | None = None) -> Org:
    """A new org with its standard profiles; the creator is its first Administrator."""
    name = (name or "").strip()
    if not name:
        raise Problem.invalid({"name": [_("An org needs a name.")]})
    if slug and Org.objects.filter(slug=slug).exists():
        taken = _("The org address '%(slug)s' is taken.") % {"slug": slug}
        raise Problem(409, taken, {"slug": [_("Already taken.")]})
    org = Org.objects.create(name=name, slug=unique_slug(Org.objects.all(), name, slug, "org"))
    admin = Profile.objects.create(
        org=org, name="Administrator", is_administrator=True, features=list(Profile.FEATURES)
    )
    Profile.objects.create(
        org=org,
        name="Standard",
        features=STANDARD_FEATURES,
        module_permissions={
            spec["api_name"]: list(Profile.RECORD_ACTIONS) for spec in standard.STANDARD_MODULES
        },
    )
    standard.seed(org)
    OrgUser.objects.create(org=org, user=actor, profile=admin)
    return org


def _member(org: Org, user) -> OrgUser | None:
    return OrgUser.objects.select_related("profile").filter(org=org, user=user).first()


@transaction.atomic
def do_add_member(*, actor, org: Org, user, profile_name: str = "Standard") -> OrgUser:
    """Add an existing person to the org with a profile (Administrator or manage_users only)."""
    me = _member(org, actor)
    require(
        me is not None and me.can("manage_users"), "Only users who may manage users can add people."
    )
    profile = Profile.objects.filter(org=org, name=profile_name).first()
    if profile is None:
        unknown = _("No profile named '%(name)s'.") % {"name": profile_name}
        raise Problem.invalid({"profile": [unknown]})
    member, created = OrgUser.objects.get_or_create(
        org=org, user=user, defaults={"profile": profile}
    )
    if not created and (member.profile_id != profile.id or member.state != OrgUser.State.ACTIVE):
        member.profile = profile
        member.state = OrgUser.State.ACTIVE
        member.save(update_fields=["profile", "state"])
    return member
