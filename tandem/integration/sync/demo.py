"""The demo's sync (CONTRACT §2): Accounts and Contacts two-way, Products one-way into Support,
every demo record linked, and a few sync-log entries of each kind to look at. Idempotent."""

from __future__ import annotations

from tandem.crm import actions as crm_actions
from tandem.crm import queries as crm
from tandem.desk import actions as desk_actions
from tandem.desk import queries as desk
from tandem.integration import queries
from tandem.integration.models import SyncModule
from tandem.integration.sync import actions
from tandem.integration.sync.drain import drain


def load(people: dict) -> None:
    admin = people["admin@acme.test"]
    member = crm.membership(admin, None, "acme").member
    link = queries.integration_of(member.org_id)
    if link is None or SyncModule.objects.filter(integration=link).exists():
        return
    portal = desk.portal_by_slug("acme-support")
    support = desk.departments_of(portal).filter(name="Support").first()
    _lookalikes(admin, member.org, portal)
    for module, body in (
        # The CRM's and Desk's demo companies share names, not addresses: match on the name.
        ("Accounts", {"direction": "two_way", "match_fields": ["Account_Name"]}),
        ("Contacts", {"direction": "two_way"}),
        ("Products", {"direction": "one_way", "department_id": support.id}),
    ):
        actions.do_configure(actor=member, module=module, body=body)
    while drain(link.id, budget=120):
        pass
    _later_edits(admin, member.org, portal, link)
    while drain(link.id, budget=120):
        pass


def _lookalikes(admin, org, portal) -> None:
    """Two Desk contacts share one address a CRM contact has: the sync skips it as ambiguous
    (the log shows both, and Retry works once one is fixed)."""
    contacts = crm.module_for(org, "Contacts")
    crm_actions.do_create_record(
        actor=admin, org=org, module=contacts, origin="demo",
        values={"First_Name": "Pat", "Last_Name": "Twin", "Email": "pat.twin@example.com"},
    )  # fmt: skip
    for first in ("Pat", "Patricia"):
        desk_actions.do_save_contact(
            actor=admin, portal=portal,
            data={"first_name": first, "last_name": "Twin", "email": "pat.twin@example.com"},
        )  # fmt: skip


def _later_edits(admin, org, portal, link) -> None:
    """An edit on each side of one contact's phone (a logged conflict), and a CRM
    deletion (an unlink): the log has one of each."""
    from tandem.integration.models import SyncLink

    pairs = list(SyncLink.objects.filter(integration=link, module="Contacts", gone="")[:2])
    if len(pairs) < 2:
        return
    contacts = crm.module_for(org, "Contacts")
    first, second = pairs
    record = crm.record_object(contacts, first.crm_id)
    crm_actions.do_update_record(
        actor=admin, org=org, record=record, values={"Phone": "+1 555 0142"}, origin="demo"
    )
    desk_actions.do_save_contact(
        actor=admin, portal=portal, data={"phone": "+1 555 0199"},
        contact=desk.contact_for(portal, first.desk_id),
    )  # fmt: skip
    crm_actions.do_delete_record(
        actor=admin, org=org, record=crm.record_object(contacts, second.crm_id), origin="demo"
    )
