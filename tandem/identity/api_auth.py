"""Authentication for the REST APIs: a bearer token bound to one tenant, or the browser session
(with CSRF) acting in the tenant the person last opened in the UI."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from tandem.identity import tenants, tokens


def remember_tenant(request: HttpRequest, membership: tenants.Membership) -> None:
    """The UI calls this when a person opens a tenant, so session API calls act there."""
    key = f"tenant:{membership.kind}"
    if request.session.get(key) != membership.tenant_id:
        request.session[key] = membership.tenant_id


def _attach(request: HttpRequest, user, membership: tenants.Membership) -> tenants.Membership:
    request.user = user
    request.membership = membership
    request.member = membership.member
    return membership


class TenantBearer(HttpBearer):
    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind

    def authenticate(self, request: HttpRequest, token: str):
        api_token = tokens.authenticate(token)
        if api_token is None or api_token.tenant_kind != self.kind:
            return None
        # A token of someone who has since left the tenant is dead, not a back door.
        membership = tenants.membership(api_token.user, self.kind, tenant_id=api_token.tenant_id)
        if membership is None:
            return None
        request.api_token = api_token
        return _attach(request, api_token.user, membership)


class TenantSession(APIKeyCookie):
    """Session cookie auth; ninja checks the CSRF token on unsafe methods (csrf=True)."""

    param_name = "sessionid"

    def __init__(self, kind: str):
        super().__init__(csrf=True)
        self.kind = kind

    def _get_key(self, request: HttpRequest) -> str | None:
        # No session cookie, or a bearer token was sent: this scheme does not apply, and a
        # CSRF refusal would hide the real answer (401 for a bad token).
        if self.param_name not in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        tenant_id = request.session.get(f"tenant:{self.kind}")
        membership = None
        if tenant_id is not None:
            membership = tenants.membership(user, self.kind, tenant_id=tenant_id)
        if membership is None:
            mine = [m for m in tenants.memberships(user) if m.kind == self.kind]
            membership = mine[0] if len(mine) == 1 else None
        if membership is None:
            return None
        return _attach(request, user, membership)


def tenant_auth(kind: str) -> list:
    return [TenantBearer(kind), TenantSession(kind)]
