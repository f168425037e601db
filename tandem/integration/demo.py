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
