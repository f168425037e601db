"""The Desk part of `tandem demo` (CONTRACT.md §2): portals `acme-support` and `other-support`,
with customers and tickets that have replies, comments, ratings, some overdue and escalated."""

from __future__ import annotations

from tandem.desk import actions, queries
from tandem.desk.models import Ticket

# (email, Desk role in acme-support)
ACME_AGENTS = [
    ("agent@acme.test", "agent"),
    ("light@acme.test", "light_agent"),
]
ACCOUNTS = [
    ("Globex", "globex.test"), ("Initech", "initech.test"), ("Umbrella", "umbrella.test"),
    ("Hooli", "hooli.test"), ("Stark Industries", "stark.test"), ("Wayne", "wayne.test"),
    ("Soylent", "soylent.test"), ("Cyberdyne", "cyberdyne.test"),
]  # fmt: skip
SUBJECTS = [
    "Cannot sign in", "Invoice shows the wrong amount", "Export to CSV fails",
    "How do I add a user?", "Page loads slowly", "Refund request", "Password reset email missing",
    "Feature request: dark mode", "Error 500 on the dashboard", "Change of billing address",
    "Two-factor codes rejected", "Duplicate charge", "Report is empty", "API rate limit",
]  # fmt: skip


def portal(slug: str, name: str, owner):
    existing = queries.portal_by_slug(slug)
    return existing or actions.do_create_portal(actor=owner, name=name, slug=slug)


def load(people: dict) -> None:
    """`people` maps each demo email to its User. Idempotent."""
    admin = people["admin@acme.test"]
    support = portal("acme-support", "Acme Support", admin)
    departments = {
        name: actions.do_create_department(actor=admin, portal=support, name=name)
        for name in ("Support", "Billing")
    }
    for email, role in ACME_AGENTS:
        actions.do_add_agent(
            actor=admin,
            portal=support,
            user=people[email],
            role=role,
            departments=[departments["Support"]],
        )
    portal("other-support", "Other Support", people["owner@other.test"])
    if not Ticket.objects.filter(portal=support).exists():
        _customers_and_tickets(support, admin, departments)


def _customers_and_tickets(support, admin, departments) -> None:
    for name in ("Support", "Billing"):
        actions.do_set_sla(
            actor=admin,
            department=departments[name],
            first_response_hours={"Urgent": 1, "High": 4, "Medium": 8, "Low": 24},
            resolution_hours={"Urgent": 8, "High": 24, "Medium": 72, "Low": 168},
            escalate_after_hours=24,
        )
    actions.do_add_ticket_field(
        actor=admin, portal=support, label="Plan", type="picklist", choices=["Free", "Pro"]
    )
    actions.do_save_product(
        actor=admin,
        portal=support,
        data={
            "product_name": "Acme Cloud",
            "product_code": "AC-1",
            "unit_price": "49.00",
            "department_ids": [departments["Support"].id],
        },
    )
    actions.do_seed_samples(actor=admin, portal=support, accounts=ACCOUNTS, subjects=SUBJECTS)
