"""The Desk part of `tandem demo` (CONTRACT.md §2): portals `acme-support` and `other-support`."""

from __future__ import annotations

from tandem.desk import actions, queries

# (email, Desk role in acme-support)
ACME_AGENTS = [
    ("agent@acme.test", "agent"),
    ("light@acme.test", "light_agent"),
]


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
