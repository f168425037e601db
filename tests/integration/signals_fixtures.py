"""Fixtures of the SalesSignals tests: a customer known to the CRM as a synced contact (owned
by agent@), its account (owned by light@), a deal (owned by admin@) and a lead with the same
email (owned by sales@), and helpers to make Desk events happen as customers and agents do."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tandem.crm import actions as crm_actions
from tandem.crm import queries as crm
from tandem.desk import actions as desk_actions
from tandem.desk import mailin
from tandem.desk import queries as desk
from tandem.integration.models import SyncLink

CUSTOMER = "carla@customer.example"


@dataclass
class World:
    org: object
    portal: object
    link: object
    contact: object  # CRM record
    account: object
    deal: object
    lead: object
    desk_contact: object
    desk_account: object


def _record(person, org, module, values, owner):
    return crm_actions.do_create_record(
        actor=person("admin@acme.test"),
        org=org,
        module=crm.module_for(org, module),
        values={**values, "Owner": person(owner).id},
    )


@pytest.fixture
def world(acme, person, link) -> World:
    portal = desk.portal_by_slug("acme-support")
    admin = person("admin@acme.test")
    account = _record(person, acme, "Accounts", {"Account_Name": "Customer Inc"}, "light@acme.test")
    contact = _record(
        person,
        acme,
        "Contacts",
        {"Last_Name": "Carla", "Email": CUSTOMER, "Account_Name": account.pk},
        "agent@acme.test",
    )
    deal = _record(person, acme, "Deals", {"Deal_Name": "Big deal"}, "admin@acme.test")
    lead = _record(
        person, acme, "Leads", {"Last_Name": "Carla", "Email": CUSTOMER}, "sales@acme.test"
    )
    desk_account = desk_actions.do_save_account(
        actor=admin, portal=portal, data={"account_name": "Customer Inc"}
    )
    desk_contact = desk_actions.do_save_contact(
        actor=admin,
        portal=portal,
        data={"last_name": "Carla", "email": CUSTOMER, "account_id": desk_account.pk},
    )
    current = link()
    for module, crm_id, desk_id in (
        ("Contacts", contact.pk, desk_contact.pk),
        ("Accounts", account.pk, desk_account.pk),
    ):
        SyncLink.objects.get_or_create(
            integration=current, module=module, crm_id=crm_id, defaults={"desk_id": desk_id}
        )
    return World(acme, portal, current, contact, account, deal, lead, desk_contact, desk_account)


def email_in(
    portal, subject: str, body: str = "Hello, it does not work.", sender=CUSTOMER, **headers
):
    lines = [f"From: Carla <{sender}>", "To: support@acme.test", f"Subject: {subject}"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    raw = ("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n").encode()
    return mailin.file_message(portal, raw)
