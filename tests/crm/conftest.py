"""CRM fixtures: the demo org acme, its people, and API clients acting as them."""

from __future__ import annotations

import pytest

from tandem.crm import queries


@pytest.fixture
def acme(demo_data):
    return queries.org_by_slug("acme")


@pytest.fixture
def other(demo_data):
    return queries.org_by_slug("other")


@pytest.fixture
def admin_api(api):
    return api("admin@acme.test", org="acme")


@pytest.fixture
def sales_api(api):
    return api("sales@acme.test", org="acme")


@pytest.fixture
def module(acme):
    def get(api_name: str, org=None):
        return queries.module_for(org or acme, api_name)

    return get


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


@pytest.fixture
def immediate_tasks(settings):
    """Run tasks as soon as they are enqueued (after commit), in this test's connection: the
    database worker would close the connection the test transaction lives in."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
