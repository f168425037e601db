"""Fixtures of the tickets-in-CRM tests: a CRM record with an email and Desk tickets of that
address, made through the domains' own actions."""

from __future__ import annotations

import pytest

from tandem.crm import actions as crm_actions
from tandem.crm import queries as crm
from tandem.desk import actions as desk_actions
from tandem.desk import queries as desk
from tandem.integration import queries as integration
from tandem.integration.models import SyncLink

CRM = "/api/crm/v1"


@pytest.fixture
def portal(demo_data):
    return desk.portal_by_slug("acme-support")


@pytest.fixture
def department(portal):
    def get(name: str = "Support"):
        return next(d for d in desk.departments_of(portal) if d.name == name)

    return get


@pytest.fixture
def record(person, acme):
    """record("Contacts", {"Last_Name": "Ana", "Email": "ana@x.test"}) → a new CRM record."""

    def make(module: str, values: dict):
        target = crm.module_for(acme, module)
        return crm_actions.do_create_record(
            actor=person("admin@acme.test"), org=acme, module=target, values=values
        )

    return make


@pytest.fixture
def ticket(person, portal, department):
    """ticket("ana@x.test", subject=…, department="Billing", **fields) → a Desk ticket."""

    def make(email: str, subject: str = "Printer on fire", dept: str = "Support", **data):
        return desk_actions.do_create_ticket(
            actor=person("admin@acme.test"),
            portal=portal,
            data={
                "subject": subject,
                "contact": {"last_name": email.split("@")[0], "email": email},
                "department_id": department(dept).id,
                **data,
            },
        )

    return make


@pytest.fixture
def sync_link(acme):
    """sync_link("Contacts", crm_id, desk_id): as the sync would have linked them."""

    def make(module: str, crm_id: int, desk_id: int):
        link = integration.integration_of(acme.id)
        return SyncLink.objects.create(
            integration=link, module=module, crm_id=crm_id, desk_id=desk_id
        )

    return make


@pytest.fixture
def contact_with_tickets(record, ticket):
    """A CRM contact ana@x.test and three of her Desk tickets (one Billing, one High)."""
    contact = record("Contacts", {"Last_Name": "Ana", "Email": "ana@x.test"})
    tickets = [
        ticket("ana@x.test", "Cannot sign in"),
        ticket("ana@x.test", "Invoice twice", dept="Billing"),
        ticket("ana@x.test", "Site down", priority="High"),
    ]
    return contact, tickets
