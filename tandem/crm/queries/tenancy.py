"""Tenant-scoped reads of the CRM. Everything outside the CRM reads through here."""

from __future__ import annotations

from django.urls import reverse

from tandem.crm.models import Org, OrgUser
from tandem.identity.tenants import Membership
from tandem.web.prepared import Prepared


def _membership(member: OrgUser) -> Membership:
    org = member.org
    return Membership(
        kind="crm",
        tenant_id=org.id,
        slug=org.slug,
        name=org.name,
        role=member.profile.title,
        url=reverse("crm:home", args=[org.slug]),
        member=member,
    )


def _active_members():
    return OrgUser.objects.select_related("org", "profile").filter(state=OrgUser.State.ACTIVE)


# Every request reads these (web.prepared: compiled once, not per request).
_members_of = Prepared(
    lambda user_id: _active_members().filter(user_id=user_id).order_by("org__name")
)
_member_by_id = Prepared(
    lambda user_id, pk: _active_members().filter(user_id=user_id, org_id=pk)[:1]
)
_member_by_slug = Prepared(
    lambda user_id, slug: _active_members().filter(user_id=user_id, org__slug=slug)[:1]
)


def memberships(user) -> list[Membership]:
    """Every page reads these (the tenant switcher): one narrow query, the person's own row
    reused rather than joined again."""
    if not user.is_active:
        return []
    found = []
    for member in _members_of(user.pk):
        member.user = user
        found.append(_membership(member))
    return found


def membership(user, tenant_id: int | None, slug: str | None) -> Membership | None:
    """The person's active membership of one org. Runs on every request, so it is one
    narrow query: the caller has checked that `user` is active, and we reuse that object."""
    if tenant_id is not None:
        members = _member_by_id(user.pk, int(tenant_id))
        if slug is not None:
            members = [m for m in members if m.org.slug == slug]
    elif slug is not None:
        members = _member_by_slug(user.pk, str(slug))
    else:
        members = _active_members().filter(user_id=user.pk)[:1]
    member = next(iter(members), None)
    if member is None:
        return None
    member.user = user
    return _membership(member)


def org_by_slug(slug: str) -> Org | None:
    return Org.objects.filter(slug=slug).first()


def members_of(org: Org):
    return OrgUser.objects.filter(org=org).select_related("user", "profile").order_by("user__email")


def member_for(org: Org, user_id: int) -> OrgUser:
    """One person of this org by their user id; anyone else is a 404."""
    from django.utils.translation import gettext as _

    from tandem.web.errors import Problem

    member = members_of(org).filter(user_id=user_id).first()
    if member is None:
        raise Problem(404, _("No such user in this org."))
    return member


def profiles_of(org: Org):
    from tandem.crm.models import Profile

    return Profile.objects.filter(org=org).order_by("-is_administrator", "name")
