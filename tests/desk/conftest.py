"""Desk fixtures: the demo portal's people as API clients, tickets in each department."""

from __future__ import annotations

import pytest
from django.test import Client

from tandem.desk import actions, queries
from tandem.desk.models import Agent, Department, Portal, Ticket

PORTAL = "acme-support"


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    # Tasks run in-process the moment on_commit enqueues them; mail goes to mail.outbox.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def portal(demo_data) -> Portal:
    return queries.portal_by_slug(PORTAL)


@pytest.fixture
def other_portal(demo_data) -> Portal:
    return queries.portal_by_slug("other-support")


@pytest.fixture
def agent_of(person):
    def get(email: str, slug: str = PORTAL) -> Agent:
        return Agent.objects.get(portal__slug=slug, user=person(email))

    return get


@pytest.fixture
def admin(agent_of):
    return agent_of("admin@acme.test")


@pytest.fixture
def desk(api):
    """desk("agent") → an API client acting as agent@acme.test in acme-support."""

    def make(who: str, portal: str = PORTAL):
        email = who if "@" in who else f"{who}@acme.test"
        return api(email, portal=portal)

    return make


@pytest.fixture
def browser_as(person):
    """browser_as("agent") → a web client signed in as agent@acme.test (or any email)."""

    def make(who: str = "admin") -> Client:
        client = Client()
        client.force_login(person(who if "@" in who else f"{who}@acme.test"))
        return client

    return make


@pytest.fixture
def department(portal):
    def get(name: str) -> Department:
        return Department.objects.get(portal=portal, name=name)

    return get


@pytest.fixture
def make_ticket(admin, department, django_capture_on_commit_callbacks):
    def make(subject="Printer is on fire", dept="Support", **data) -> Ticket:
        data.setdefault("contact", {"last_name": "Customer", "email": "cu@example.com"})
        with django_capture_on_commit_callbacks(execute=True):
            return actions.do_create_ticket(
                actor=admin,
                portal=admin.portal,
                data={"subject": subject, "department_id": department(dept).id, **data},
            )

    return make


@pytest.fixture
def ticket(make_ticket) -> Ticket:
    return make_ticket()


@pytest.fixture
def billing_ticket(make_ticket) -> Ticket:
    return make_ticket("Invoice is wrong", dept="Billing")


@pytest.fixture
def other_ticket(other_portal, person) -> Ticket:
    owner = person("owner@other.test")
    return actions.do_create_ticket(actor=owner, portal=other_portal, data={"subject": "Theirs"})


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()
