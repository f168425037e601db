"""One demo world per test module for the whole-API tests (fuzzing, the authorization
matrix): loading the demo for each of ~80 operations would cost minutes. Every request runs
in a savepoint rolled back after it, so destructive operations (DELETE a module, a ticket…)
act on their own copy of the data and the next request sees the demo as loaded."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction

from tandem import demo
from tandem.crm.models import Profile, Record, Signal
from tandem.desk.models import Account as DeskAccount
from tandem.desk.models import Agent, Attachment, Department, Ticket, TicketField
from tandem.desk.models import Contact as DeskContact
from tandem.desk.models import Product as DeskProduct
from tandem.identity import tenants, tokens
from tandem.identity.models import User


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the module and rolled back after it. The tests using it
    are marked django_db too: pytest-django creates the test database only for those."""
    # A request ends by closing a connection that is not in autocommit: it would end the
    # module's transaction. Django's test client disconnects this too.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock(), rolled_back():
            demo.load()
            yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def bearer(email: str, kind: str, slug: str) -> dict[str, str]:
    """Authorization headers for `email` in the tenant `slug`, or {} when not a member."""
    user = User.objects.get(email=email)
    membership = tenants.membership(user, kind, slug=slug)
    if membership is None:
        return {}
    secret = tokens.do_create_token(actor=user, kind=kind, tenant_id=membership.tenant_id)[1]
    return {"Authorization": f"Bearer {secret}"}


def our_objects() -> dict[str, object]:
    """A value for each path parameter: one of acme's objects (the one a role may reach)."""
    portal_tickets = Ticket.objects.filter(portal__slug="acme-support", department__name="Support")
    ticket = portal_tickets.order_by("id").first()
    attachment = Attachment.objects.filter(ticket__portal__slug="acme-support").first()
    if attachment is not None:
        ticket = attachment.ticket
    lead = Record.objects.filter(org__slug="acme", module__api_name="Leads").first()
    return {
        "module": "Leads",
        "record_id": lead.id,
        "deal_id": Record.objects.filter(org__slug="acme", module__api_name="Deals").first().id,
        "field": "Last_Name",
        "user_id": User.objects.get(email="sales@acme.test").id,
        "profile_id": Profile.objects.filter(org__slug="acme", name="Standard").first().id,
        "signal_id": getattr(Signal.objects.filter(org__slug="acme").first(), "id", 1),
        "ticket_id": ticket.id,
        "attachment_id": getattr(attachment, "id", 1),
        "department_id": Department.objects.get(portal__slug="acme-support", name="Support").id,
        "agent_id": Agent.objects.get(
            portal__slug="acme-support", user__email="light@acme.test"
        ).id,
        "field_id": getattr(
            TicketField.objects.filter(portal__slug="acme-support").first(), "id", 1
        ),
        "contact_id": DeskContact.objects.filter(portal__slug="acme-support").first().id,
        "account_id": DeskAccount.objects.filter(portal__slug="acme-support").first().id,
        "product_id": DeskProduct.objects.filter(portal__slug="acme-support").first().id,
    }
