"""Which Desk tickets concern a CRM record (I15): those of its synced Desk contact or account
(the sync's links), else of the customers with the record's email; a Deal's are the tickets
linked to it plus its contact's and account's. Leads and custom modules go by email.

The result is the arguments of desk.queries.customer_tickets: the tickets themselves are then
read in one query, however the record is associated."""

from __future__ import annotations

from tandem.crm import queries as crm
from tandem.integration.models import DealTicket
from tandem.integration.sync import links

# The sync's module of a CRM module whose records have a Desk counterpart.
LINKED_KIND = {"Contacts": "contact_ids", "Accounts": "account_ids"}


def _emails(module, data: dict) -> list[str]:
    return [
        str(data[f.api_name]).strip().lower()
        for f in crm.fields_of(module)
        if f.type == "email" and data.get(f.api_name)
    ]


def customers_of(reader, module, record) -> dict:
    """`{contact_ids, account_ids, emails, account_emails, ticket_ids}` for `record`."""
    found: dict[str, set] = {
        "contact_ids": set(),
        "account_ids": set(),
        "emails": set(),
        "account_emails": set(),
        "ticket_ids": set(),
    }
    if module.api_name == "Deals":
        _deal(reader, record, found)
    else:
        _customer(reader, module, record, found)
    return found


def _customer(reader, module, record, found: dict) -> None:
    name = module.api_name
    kind = LINKED_KIND.get(name)
    if kind is not None:
        linked = links.desk_ids_for(reader.link.id, name, [record.pk])
        if record.pk in linked:
            found[kind].add(linked[record.pk])
            return
    emails = _emails(module, record.data)
    # An account's tickets by email are those of the Desk accounts with its address; anyone
    # else's are the tickets written from (or to) the address.
    found["account_emails" if name == "Accounts" else "emails"].update(emails)


def _deal(reader, deal, found: dict) -> None:
    found["ticket_ids"].update(
        DealTicket.objects.filter(
            integration=reader.link, portal_id=reader.portal_id, deal_id=deal.pk
        ).values_list("ticket_id", flat=True)
    )
    for name in ("Contacts", "Accounts"):
        field = "Contact_Name" if name == "Contacts" else "Account_Name"
        record_id = deal.data.get(field)
        if not isinstance(record_id, int):
            continue
        linked = links.desk_ids_for(reader.link.id, name, [record_id])
        if record_id in linked:
            found[LINKED_KIND[name]].add(linked[record_id])
            continue
        module = crm.module_named(reader.member.org_id, name)
        rows = crm.records_by_ids(module, [record_id]) if module is not None else []
        for row in rows:
            key = "account_emails" if name == "Accounts" else "emails"
            found[key].update(_emails(module, row["data"]))
