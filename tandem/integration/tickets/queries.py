"""Reads of Desk tickets from the CRM: a record's tickets in one of the five views (I17), their
figures (I22), one ticket. Scoped by the linked portal and the reader's visibility (I14)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tandem.desk import queries as desk
from tandem.integration.tickets import association
from tandem.integration.tickets.access import Reader
from tandem.web.errors import Problem

# The record panel's filters (I17), in the API's words; Desk's "open" view is not one of them.
VIEWS = ("all", "overdue", "closed", "escalated", "high_priority")
PANEL_ROWS = 20  # a related list shows the newest; the Desk tab and the API page through all


def record_tickets(reader: Reader, module, record, view: str = "all"):
    """The record's tickets the reader sees, newest first (a queryset: one query to read)."""
    if view not in VIEWS:
        message = _("Choose one of: %(choices)s.") % {"choices": ", ".join(VIEWS)}
        raise Problem.invalid({"view": [message]})
    customers = association.customers_of(reader, module, record)
    return desk.customer_tickets(
        reader.portal_id, department_ids=reader.department_ids, view=view, **customers
    )


def record_stats(reader: Reader, module, record) -> dict:
    return desk.tickets_stats(record_tickets(reader, module, record))


def ticket_for(reader: Reader, ticket_id):
    """A ticket of the linked portal the reader sees; anything else is a 404."""
    return desk.portal_ticket(reader.portal_id, ticket_id, reader.department_ids)
