"""Integration fixtures: the demo (acme ↔ acme-support linked), people as CRM members and
Desk agents, API clients for both sides."""

from __future__ import annotations

import pytest

from tandem.crm import actions as crm_actions
from tandem.crm import queries as crm
from tandem.desk import actions as desk_actions
from tandem.desk import queries as desk
from tandem.integration import queries

INTEGRATION = "/api/crm/v1/integrations/desk"


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def acme(demo_data):
    return crm.org_by_slug("acme")


@pytest.fixture
def member(person):
    """member("admin@acme.test") → that person's OrgUser in acme (or in `org`)."""

    def get(email: str, org: str = "acme"):
        return crm.membership(person(email), None, org).member

    return get


@pytest.fixture
def agent(person):
    def get(email: str, portal: str = "acme-support"):
        return desk.agent_of_user(desk.portal_by_slug(portal), person(email))

    return get


@pytest.fixture
def link(acme):
    def get():
        return queries.integration_of(acme.id)

    return get


@pytest.fixture
def browser(signed_in):
    return signed_in


@pytest.fixture
def crm_api(api):
    def make(email: str = "admin@acme.test", org: str = "acme"):
        return api(email, org=org)

    return make


@pytest.fixture
def grant_integration(member, acme):
    """Give a Standard user of acme a profile with the Desk integration permission."""

    def grant(email: str):
        admin = member("admin@acme.test").user
        profile = crm_actions.do_create_profile(
            actor=admin, org=acme, name=f"Desk setup {email}", features=["desk_integration"]
        )
        crm_actions.do_change_profile(
            actor=admin, org=acme, member=member(email), profile_id=profile.id
        )
        return member(email)

    return grant


@pytest.fixture
def zsc_key(person):
    """zsc_key("owner@other.test", "other-support") → a fresh ZSC key of that portal."""

    def make(email: str = "owner@other.test", portal: str = "other-support") -> str:
        return desk_actions.do_generate_zsc_key(
            actor=person(email), portal=desk.portal_by_slug(portal)
        )

    return make


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()
