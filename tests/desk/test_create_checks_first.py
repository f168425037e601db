"""A ticket create checks what it refers to before its write transaction (on SQLite every
writer on the machine waits while one holds it). Something deleted between the check and the
write: the create is checked again inside the transaction and refused by the field's name,
and nothing of it is stored."""

from __future__ import annotations

import pytest

from tandem.desk.actions.tickets import create_from_draft, draft_ticket
from tandem.desk.models import Change, Contact, Department, Ticket, TicketEvent
from tandem.web.errors import Problem

# Committed transactions: the race is between a commit and a check made before it.
pytestmark = pytest.mark.django_db(transaction=True)


def stored(portal) -> tuple[int, int, int]:
    return (
        Ticket.objects.filter(portal=portal).count(),
        TicketEvent.objects.filter(ticket__portal=portal).count(),
        Change.objects.filter(portal=portal).count(),
    )


def test_a_contact_deleted_after_the_check_is_refused_by_name(portal, admin):
    contact = Contact.objects.create(portal=portal, last_name="Gone", email="gone@example.com")
    data = {"subject": "Raced", "contact_id": contact.pk}
    draft = draft_ticket(portal=portal, data=data, agent=admin)
    contact.delete()  # as another agent's delete, committed meanwhile
    before = stored(portal)
    with pytest.raises(Problem) as refused:
        create_from_draft(draft, agent=admin, data=data)
    assert refused.value.status == 400 and list(refused.value.errors) == ["contact_id"]
    assert stored(portal) == before


def test_a_department_deleted_after_the_check_is_refused_by_name(portal, admin):
    department = Department.objects.create(portal=portal, name="Short-lived")
    data = {"subject": "Raced", "department_id": department.pk}
    draft = draft_ticket(portal=portal, data=data, agent=admin)
    department.delete()
    before = stored(portal)
    with pytest.raises(Problem) as refused:
        create_from_draft(draft, agent=admin, data=data)
    assert list(refused.value.errors) == ["department_id"]
    assert stored(portal) == before


def test_a_checked_create_is_written_whole(portal, admin):
    contact = Contact.objects.create(portal=portal, last_name="Here", email="here@example.com")
    data = {"subject": "Not raced", "contact_id": contact.pk, "priority": "High"}
    before = stored(portal)
    ticket = create_from_draft(
        draft_ticket(portal=portal, data=data, agent=admin), agent=admin, data=data
    )
    assert stored(portal) == (before[0] + 1, before[1] + 1, before[2] + 1)
    ticket.refresh_from_db()
    assert (ticket.contact_id, ticket.email, ticket.priority) == (
        contact.pk,
        "here@example.com",
        "High",
    )
    assert ticket.is_high_priority and ticket.is_open and ticket.due_date is not None
