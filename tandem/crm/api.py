"""The CRM REST API (/api/crm/v1/): parse, authorize, delegate to actions/queries, shape."""

from tandem.crm import queries
from tandem.crm.schemas import MeOut, OrgUserOut
from tandem.identity.api_auth import tenant_auth
from tandem.web.api import new_api, page_of, paginate

api = new_api(
    title="Tandem CRM API",
    namespace="crm_api",
    auth=tenant_auth("crm"),
    description="Orgs, modules, records and the Desk integration. Authenticate with "
    "`Authorization: Bearer <token>` (a token of one org) or a browser session with CSRF.",
)


@api.get("/me", response=MeOut, tags=["Identity"], summary="Who the caller is, in which org")
def me(request):
    member = request.member
    profile = member.profile
    features = list(profile.FEATURES) if profile.is_administrator else list(profile.features)
    return {
        "user_id": member.user_id,
        "email": member.user.email,
        "name": member.user.name,
        "profile": profile.name,
        "permissions": features,
        "org": member.org,
    }


@api.get("/users", response=page_of(OrgUserOut), tags=["Users"], summary="The org's users")
def list_users(request, cursor: str | None = None, limit: int | None = None):
    return paginate(request, queries.members_of(request.member.org), order=("user_id",))


@api.get("/users/{user_id}", response=OrgUserOut, tags=["Users"])
def get_user(request, user_id: int):
    return queries.member_for(request.member.org, user_id)
