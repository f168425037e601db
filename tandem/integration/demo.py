"""The demo's link (CONTRACT §2): org `acme` ↔ portal `acme-support`, authorized by
admin@acme.test; org `other` stays unlinked. Idempotent."""

from __future__ import annotations

from tandem.crm import queries as crm
from tandem.integration import actions, queries


def load(people: dict) -> None:
    admin = people["admin@acme.test"]
    member = crm.membership(admin, None, "acme").member
    if queries.integration_of(member.org_id) is None:
        actions.do_connect(actor=member, mode="own_portal", portal="acme-support")
    load_sync(people)
    load_tickets(people)
    load_signals(people)


def load_sync(people: dict) -> None:
    """Contacts and Accounts two-way, Products one-way into Support, all linked (issue 10)."""
    from tandem.integration.sync import demo

    demo.load(people)


def load_tickets(people: dict) -> None:
    """The Desk tab and two acme tickets linked to a deal (issue 11)."""
    from tandem.integration.tickets import demo

    demo.load(people)


def load_signals(people: dict) -> None:
    """A few unread Desk signals for admin@acme.test (issue 12)."""
    from tandem.integration.signals import demo

    demo.load(people)
