"""Foundation: the cost of an authenticated API call (token lookup + tenant resolution)."""

from __future__ import annotations

from django.test import Client

from bench.harness import scenario, timed
from tandem import demo
from tandem.identity import tenants, tokens
from tandem.identity.models import User


@scenario("api", "GET /api/{crm,desk}/v1/me with a bearer token, in process")
def api_me(rec, *, quick: bool, console) -> None:
    demo.load()
    admin = User.objects.get(email="admin@acme.test")
    client = Client()
    repeat = 100 if quick else 2000
    for kind, slug in (("crm", "acme"), ("desk", "acme-support")):
        membership = tenants.membership(admin, kind, slug=slug)
        _token, secret = tokens.do_create_token(
            actor=admin, kind=kind, tenant_id=membership.tenant_id
        )
        headers = {"Authorization": f"Bearer {secret}"}

        def call(kind=kind, headers=headers):
            response = client.get(f"/api/{kind}/v1/me", headers=headers)
            assert response.status_code == 200, response.content

        rec.latency(f"GET /api/{kind}/v1/me", timed(call, repeat), target_ms=50)
