"""Shared steps of the sync tests: enable a module, write on either side, drain, read back."""

from __future__ import annotations

from tandem.crm import actions as crm_actions
from tandem.crm import queries as crm
from tandem.desk import actions as desk_actions
from tandem.desk import queries as desk
from tandem.integration import queries
from tandem.integration.models import SyncLink, SyncLogEntry, SyncModule
from tandem.integration.sync import actions as sync_actions
from tandem.integration.sync.drain import drain

ADMIN = "admin@acme.test"


class World:
    """The demo's acme ↔ acme-support, driven as its admin on both sides."""

    def __init__(self, person, member, *, fresh: bool = True):
        self.admin = person(ADMIN)
        self.member = member(ADMIN)
        self.org = self.member.org
        self.portal = desk.portal_by_slug("acme-support")
        if fresh:  # the demo syncs everything; most tests start from "not enabled yet"
            SyncModule.objects.filter(integration=self.link).delete()
            SyncLink.objects.filter(integration=self.link).delete()
            SyncLogEntry.objects.filter(integration=self.link).delete()

    @property
    def link(self):
        return queries.integration_of(self.org.id)

    def enable(self, module: str = "Contacts", **body):
        sync_actions.do_configure(actor=self.member, module=module, body=body)
        self.drain()

    def drain(self):
        while drain(self.link.id, budget=60):
            pass

    # CRM side
    def crm_module(self, name: str = "Contacts"):
        return crm.module_for(self.org, name)

    def crm_create(self, values: dict, module: str = "Contacts"):
        return crm_actions.do_create_record(
            actor=self.admin, org=self.org, module=self.crm_module(module), values=values
        )

    def crm_update(self, record_id: int, values: dict, module: str = "Contacts"):
        record = crm.record_object(self.crm_module(module), record_id)
        return crm_actions.do_update_record(
            actor=self.admin, org=self.org, record=record, values=values
        )

    def crm_delete(self, record_id: int, module: str = "Contacts"):
        record = crm.record_object(self.crm_module(module), record_id)
        crm_actions.do_delete_record(actor=self.admin, org=self.org, record=record)

    def crm_data(self, record_id: int, module: str = "Contacts") -> dict | None:
        rows = crm.records_by_ids(self.crm_module(module), [record_id])
        return rows[0]["data"] if rows else None

    def crm_count(self, module: str = "Contacts") -> int:
        return crm.count_records(self.crm_module(module))

    # Desk side
    def desk_create(self, data: dict, entity: str = "contact"):
        save = {"contact": desk_actions.do_save_contact, "account": desk_actions.do_save_account}
        return save[entity](actor=self.admin, portal=self.portal, data=data)

    def desk_update(self, contact_id: int, data: dict):
        contact = desk.contact_for(self.portal, contact_id)
        return desk_actions.do_save_contact(
            actor=self.admin, portal=self.portal, data=data, contact=contact
        )

    def desk_delete(self, contact_id: int):
        desk_actions.do_delete_customer(
            actor=self.admin, obj=desk.contact_for(self.portal, contact_id)
        )

    def desk_row(self, desk_id: int, entity: str = "contact") -> dict | None:
        rows = desk.customers_by_ids(self.portal.id, entity, [desk_id])
        return rows[0] if rows else None

    def desk_count(self, entity: str = "contact") -> int:
        return desk.count_customers(self.portal.id, entity)

    # the sync's own tables
    def partner_of(self, crm_id: int, module: str = "Contacts") -> int | None:
        link = SyncLink.objects.filter(
            integration=self.link, module=module, crm_id=crm_id, gone=""
        ).first()
        return link.desk_id if link else None

    def log(self, **where):
        return list(SyncLogEntry.objects.filter(integration=self.link, **where).order_by("id"))
