"""Tenant-scoped reads of the CRM. Everything outside the CRM reads through here."""

from __future__ import annotations

from django.urls import reverse

from tandem.crm.models import Org, OrgUser
from tandem.identity.tenants import Membership


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


def memberships(user) -> list[Membership]:
    """Every page reads these (the tenant switcher): one narrow query, the person's own row
    reused rather than joined again."""
    if not user.is_active:
        return []
    members = OrgUser.objects.select_related("org", "profile").filter(
        user=user, state=OrgUser.State.ACTIVE
    )
    found = []
    for member in members.order_by("org__name"):
        member.user = user
        found.append(_membership(member))
    return found


def membership(user, tenant_id: int | None, slug: str | None) -> Membership | None:
    """The person's active membership of one org. Runs on every request, so it is one
    narrow query: the caller has checked that `user` is active, and we reuse that object."""
    members = OrgUser.objects.select_related("org", "profile").filter(
        user=user, state=OrgUser.State.ACTIVE
    )
    if tenant_id is not None:
        members = members.filter(org_id=tenant_id)
    if slug is not None:
        members = members.filter(org__slug=slug)
    member = next(iter(members[:1]), None)
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
    from tandem.web.errors import Problem

    member = members_of(org).filter(user_id=user_id).first()
    if member is None:
        raise Problem(404, "No such user in this org.")
    return member


def profiles_of(org: Org):
    from tandem.crm.models import Profile

    return Profile.objects.filter(org=org).order_by("-is_administrator", "name")
