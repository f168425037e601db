"""Request and response shapes of the integration's endpoints (CONTRACT §4, §5)."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema


class PortalRef(Schema):
    slug: str
    name: str


class OrgRef(Schema):
    slug: str
    name: str


class PersonRef(Schema):
    email: str


class IntegrationOut(Schema):
    state: Literal["not_configured", "active", "needs_attention", "deactivated"]
    portal: PortalRef | None
    authorized_by: PersonRef | None
    reason: str | None


class CrmLinkOut(Schema):
    state: Literal["not_configured", "active", "needs_attention", "deactivated"]
    org: OrgRef | None
    authorized_by: PersonRef | None


class PortalList(Schema):
    data: list[PortalRef]


class ConnectIn(Schema):
    mode: Literal["own_portal", "new_portal", "other_portal"]
    portal: str = Field("", max_length=50, description="own_portal: the portal's slug")
    portal_name: str = Field("", max_length=120, description="new_portal: its name")
    admin_email: str = Field("", max_length=254, description="other_portal: its admin's email")
    zsc_key: str = Field("", max_length=200, description="other_portal: the portal's ZSC key")


class ReauthorizeIn(Schema):
    admin_email: str = Field("", max_length=254)
    zsc_key: str = Field("", max_length=200)


class DeskUser(Schema):
    user_id: int
    email: str
    name: str
    desk: Literal["mutual", "invited", "none"]
    role: Literal["admin", "agent", "light_agent"] | None


class DeskUserList(Schema):
    data: list[DeskUser]


class InvitationsIn(Schema):
    user_ids: list[int] = Field(..., max_length=500)
    role: Literal["admin", "agent", "light_agent"]
    department_ids: list[int] = Field(default_factory=list, max_length=100)
