"""The demo's tickets in the CRM (CONTRACT §2): the Desk tab in acme's navigation and two acme
tickets linked to a deal. Idempotent."""

from __future__ import annotations

from tandem.crm import queries as crm
from tandem.desk import queries as desk
from tandem.integration.models import DealTicket
from tandem.integration.tickets import deals, queries, tab
from tandem.integration.tickets.access import reader


def load(people: dict) -> None:
    member = crm.membership(people["admin@acme.test"], None, "acme").member
    found = reader(member)
    if not tab.has_tab(member.org):
        tab.add_tab(member)
    if DealTicket.objects.filter(integration=found.link).exists():
        return
    module = crm.module_for(member.org, "Deals")
    qs, _order = crm.records_of(member, module)
    deal = qs.order_by("id").first()
    if deal is None:
        return
    # The deal's own customers' tickets first (the scene: support sees the renewal's deal).
    picked = list(queries.record_tickets(found, module, deal).values_list("id", flat=True)[:2])
    if len(picked) < 2:
        newest = desk.portal_tickets(found.portal_id).order_by("-id").values_list("id", flat=True)
        picked += [pk for pk in newest[:4] if pk not in picked][: 2 - len(picked)]
    deals.do_link_deals(reader=found, deal=deal, ticket_ids=picked)
