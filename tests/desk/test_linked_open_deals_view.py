""" "Linked to open deals" reads a flag the ticket keeps from its `crm_deal` (what the CRM
integration writes): the view was a JSON read of every ticket of the portal (0.6-0.9 s a page
at 1,000,000 tickets), now it is an index range like the other views."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps

from tandem.desk import actions, queries
from tandem.desk.models import Ticket

OPEN = {"id": 7, "name": "Renewal", "amount": "900.00", "stage": "Proposal", "open": True}


def _in_view(admin, ticket) -> bool:
    return queries.tickets(admin, view="linked_open_deals").filter(pk=ticket.pk).exists()


def test_a_ticket_is_in_the_view_while_its_deal_is_open(admin, make_ticket):
    ticket = make_ticket()
    assert not _in_view(admin, ticket)
    actions.do_set_crm_deal(actor=admin.user, ticket=ticket, deal=OPEN)
    assert _in_view(admin, ticket)
    actions.do_set_crm_deal(
        actor=admin.user, ticket=ticket, deal={**OPEN, "stage": "Won", "open": False}
    )
    assert not _in_view(admin, ticket)
    actions.do_set_crm_deal(actor=admin.user, ticket=ticket, deal=OPEN)
    actions.do_set_crm_deal(actor=admin.user, ticket=ticket, deal=None)
    assert not _in_view(admin, ticket)


def test_forgetting_the_portals_deals_empties_the_view(admin, make_ticket):
    ticket = make_ticket()
    actions.do_set_crm_deal(actor=admin.user, ticket=ticket, deal=OPEN)
    actions.do_forget_crm_deals(portal_id=admin.portal_id, origin="crm")
    assert not _in_view(admin, ticket)


def test_the_migration_puts_tickets_already_linked_to_an_open_deal_in_the_view(admin, make_ticket):
    migration = import_module("tandem.desk.migrations.0015_linked_open_deals_view")
    linked, closed, plain = make_ticket("Linked"), make_ticket("Closed deal"), make_ticket("None")
    # As before the migration: the deals stored, the flag not yet there (the column's default).
    Ticket.objects.filter(pk=linked.pk).update(crm_deal=OPEN)
    Ticket.objects.filter(pk=closed.pk).update(crm_deal={**OPEN, "open": False})
    migration.mark_open_deals(apps, None)
    assert [_in_view(admin, t) for t in (linked, closed, plain)] == [True, False, False]
