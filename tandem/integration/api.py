"""The integration's REST endpoints: the CRM side (`/api/crm/v1/integrations/desk…`) and the
Desk side (`/api/desk/v1/integrations/crm`). Parse, delegate to actions/queries, shape."""

from __future__ import annotations

from ninja import Router
from ninja.responses import Status

from tandem.desk import queries as desk
from tandem.integration import actions, queries
from tandem.integration.schemas import (
    ConnectIn,
    CrmLinkOut,
    DeskUserList,
    IntegrationOut,
    InvitationsIn,
    PortalList,
    ReauthorizeIn,
)

crm_router = Router(tags=["Desk integration"])
desk_router = Router(tags=["CRM integration"])


def _member(request):
    """The caller (an OrgUser), once their profile allows the Desk integration (I1)."""
    actions.require_permission(request.member)
    return request.member


@crm_router.get("/integrations/desk", response=IntegrationOut)
def integration(request):
    """The org's link to Desk: state, portal, who authorized it, and why it needs attention."""
    member = _member(request)
    return queries.describe(queries.integration_of(member.org_id))


@crm_router.get("/integrations/desk/portals", response=PortalList)
def my_portals(request):
    """Portals where the caller is a Desk administrator (set up with "own_portal")."""
    _member(request)
    return {"data": desk.admin_portals(request.user)}


@crm_router.post("/integrations/desk", response={201: IntegrationOut})
def connect(request, body: ConnectIn):
    """Link the org to a portal: one of mine, a new one, or another user's (email + ZSC key).
    409 while a link is on; a wrong email/key pair is a 400 and links nothing."""
    link = actions.do_connect(actor=_member(request), **body.dict())
    return Status(201, queries.describe(link))


@crm_router.post("/integrations/desk/reauthorize", response=IntegrationOut)
def reauthorize(request, body: ReauthorizeIn | None = None):
    """Back to `active`: as a Desk admin of the portal (empty body), or with an admin's email
    and the portal's ZSC key."""
    data = body.dict() if body is not None else {}
    return queries.describe(actions.do_reauthorize(actor=_member(request), **data))


@crm_router.delete("/integrations/desk", response={204: None})
def deactivate(request):
    """Deactivate: sync stops, Desk panels and the Desk tab leave the CRM; nothing is deleted."""
    actions.do_deactivate(actor=_member(request))
    return Status(204, None)


@crm_router.get("/integrations/desk/users", response=DeskUserList)
def users(request):
    """CRM users and their place in the portal: mutual (agents), invited, or none."""
    member = _member(request)
    return {"data": queries.users(member.org, queries.active_integration(member.org_id))}


@crm_router.post("/integrations/desk/invitations", response={201: DeskUserList})
def invite(request, body: InvitationsIn):
    """Invite CRM users into the portal with a role; each gets an email with an activation link."""
    invited = actions.do_invite_users(actor=_member(request), **body.dict())
    return Status(201, {"data": invited})


@desk_router.get("/integrations/crm", response=CrmLinkOut)
def crm_link(request):
    """The CRM org this portal is linked to, its state and who authorized it."""
    return queries.describe_for_desk(queries.integration_for_portal(request.member.portal_id))


@desk_router.delete("/integrations/crm", response={204: None})
def delete_crm_link(request):
    """Delete the integration (Desk administrators only): the CRM then reads `deactivated`."""
    actions.do_delete_from_desk(actor=request.member)
    return Status(204, None)
