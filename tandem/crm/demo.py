"""The CRM part of `tandem demo` (CONTRACT.md §2): orgs `acme` and `other` and their users."""

from __future__ import annotations

from tandem.crm import actions, queries

# (email, CRM profile in acme)
ACME_USERS = [
    ("agent@acme.test", "Standard"),
    ("light@acme.test", "Standard"),
    ("sales@acme.test", "Standard"),
]


def org(slug: str, name: str, owner):
    return queries.org_by_slug(slug) or actions.do_create_org(actor=owner, name=name, slug=slug)


def load(people: dict) -> None:
    """`people` maps each demo email to its User. Idempotent."""
    admin = people["admin@acme.test"]
    acme = org("acme", "Acme", admin)
    for email, profile in ACME_USERS:
        actions.do_add_member(actor=admin, org=acme, user=people[email], profile_name=profile)
    org("other", "Other Co", people["owner@other.test"])
