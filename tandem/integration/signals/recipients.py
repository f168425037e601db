"""Who receives a Desk signal (issue 12, point 2): the owners of the CRM records the ticket is
associated with — its synced contact, that contact's account and the synced account, deals
linked to the ticket, leads and custom-module records with the customer's email — each person
once, if they may view that record's module and, with the "own departments" visibility, belong
to the ticket's department."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.crm import queries as crm
from tandem.desk import queries as desk
from tandem.integration.models import TicketSettings
from tandem.integration.sync.links import crm_ids_for

# Modules besides Leads whose records are matched by the customer's email: the org's custom
# modules (the standard Contacts and Accounts are found through the sync's links instead).
EMAIL_MATCHED_STANDARD = ("Leads",)


@dataclass(frozen=True)
class Recipient:
    user_id: int
    module: str  # api name of the record that makes them a recipient
    record_id: int


def ticket_visibility(link) -> str:
    """The integration's ticket visibility for CRM users (tickets in CRM records, issue 11):
    "all_departments" or "own_departments". The one place signals ask it."""
    found = (
        TicketSettings.objects.filter(integration=link).values_list("visibility", flat=True).first()
    )
    return found or TicketSettings.Visibility.ALL_DEPARTMENTS


class Audience:
    """Reads what every ticket of a batch needs once (people, modules, departments), then
    finds each ticket's recipients with a few queries."""

    def __init__(self, link):
        self.link = link
        self.org = link.org
        self.members = {
            m.user_id: m
            for m in crm.members_of(self.org)
            if m.state == "active" and m.user.is_active
        }
        self.modules = {m.api_name: m for m in crm.modules_of(self.org, with_fields=True)}
        self.email_fields = [
            (module, field)
            for module in self.modules.values()
            if module.api_name in EMAIL_MATCHED_STANDARD or module.kind == "custom"
            for field in module._fields
            if field.type == "email"
        ]
        self.own_departments = ticket_visibility(link) == TicketSettings.Visibility.OWN_DEPARTMENTS
        self._agents = None

    def _may_see_department(self, user_id: int, department_id: int) -> bool:
        if not self.own_departments:
            return True
        if self._agents is None:
            self._agents = desk.agents_by_user(self.link.portal_id)
        agent = self._agents.get(user_id)
        return bool(agent and agent.is_active and agent.can_see_department(department_id))

    def _records(self, api_name: str, ids) -> list[dict]:
        module = self.modules.get(api_name)
        ids = sorted({i for i in ids if i})
        return crm.records_by_ids(module, ids) if module is not None and ids else []

    def for_ticket(self, ticket: dict) -> list[Recipient]:
        """Each person once, by the first record that makes them one (contact, account,
        deal, lead, custom record)."""
        found: list[tuple[str, dict]] = []
        contacts = crm_ids_for(
            self.link.id, "Contacts", [ticket["contact_id"]] if ticket["contact_id"] else []
        )
        contact_rows = self._records("Contacts", contacts.values())
        found += [("Contacts", row) for row in contact_rows]
        accounts = set(
            crm_ids_for(
                self.link.id, "Accounts", [ticket["account_id"]] if ticket["account_id"] else []
            ).values()
        )
        for row in contact_rows:
            account = row["data"].get("Account_Name")
            if isinstance(account, int):
                accounts.add(account)
        found += [("Accounts", row) for row in self._records("Accounts", accounts)]
        deal = ticket.get("crm_deal") or {}
        deal_id = deal.get("id") if isinstance(deal, dict) else None
        if isinstance(deal_id, int):
            found += [("Deals", row) for row in self._records("Deals", [deal_id])]
        email = (ticket.get("email") or "").strip().lower()
        if email:
            for module, field in self.email_fields:
                ids = crm.record_ids_by_value(module, field, [email]).get(email, set())
                found += [(module.api_name, row) for row in self._records(module.api_name, ids)]
        recipients: dict[int, Recipient] = {}
        for api_name, row in found:
            owner = row.get("owner_id")
            member = self.members.get(owner)
            if owner in recipients or member is None:
                continue
            if not member.can_module(api_name, "view"):
                continue
            if not self._may_see_department(owner, ticket["department_id"]):
                continue
            recipients[owner] = Recipient(owner, api_name, row["id"])
        return list(recipients.values())
