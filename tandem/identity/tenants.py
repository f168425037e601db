"""The tenant directory: CRM orgs and Desk portals register here, so identity and the shell can
list a person's memberships and resolve tokens without importing either domain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Membership:
    """One person's place in one tenant, as the home page and the API see it."""

    kind: str  # "crm" | "desk"
    tenant_id: int
    slug: str
    name: str
    role: str  # profile name (CRM) or role label (Desk)
    url: str
    member: Any  # the domain's own membership object (OrgUser, Agent)


@dataclass(frozen=True)
class TenantKind:
    kind: str
    label: str
    # All active memberships of a person, for the home page and the tenant switcher.
    memberships: Callable[[Any], list[Membership]]
    # The person's active membership in a tenant (by id or slug), or None.
    membership: Callable[[Any, int | None, str | None], Membership | None]


_kinds: dict[str, TenantKind] = {}


def register(kind: TenantKind) -> None:
    _kinds[kind.kind] = kind


def kinds() -> list[TenantKind]:
    return list(_kinds.values())


def get(kind: str) -> TenantKind:
    return _kinds[kind]


def memberships(user) -> list[Membership]:
    if not user.is_authenticated:
        return []
    found: list[Membership] = []
    for kind in _kinds.values():
        found.extend(kind.memberships(user))
    return found


def membership(user, kind: str, *, tenant_id: int | None = None, slug: str | None = None):
    if kind not in _kinds or not user.is_authenticated or not user.is_active:
        return None
    return _kinds[kind].membership(user, tenant_id, slug)
