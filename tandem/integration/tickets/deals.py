"""Tickets linked to CRM deals (I21): Link to Deals / Unlink from the CRM; Desk shows the deal
(`crm_deal`: id, name, amount, stage, and whether it is still open) on the ticket, kept
current when the deal changes (a CRM change listener), so support can prioritise them."""

from __future__ import annotations

import logging

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from tandem.crm import queries as crm
from tandem.desk import actions as desk_actions
from tandem.desk import queries as desk
from tandem.integration import queries as integration
from tandem.integration.actions import ORIGIN
from tandem.integration.models import DealTicket, DeskIntegration, TicketSettings
from tandem.integration.tickets import queries
from tandem.integration.tickets.access import Reader, settings_of
from tandem.web.errors import Problem
from tandem.web.tasks import enqueue_on_commit

log = logging.getLogger("tandem.integration")
CLOSED_STAGES = ("Closed Won", "Closed Lost")
MAX_TICKETS = 200


def snapshot(deal_id: int, name: str, data: dict) -> dict:
    """What Desk shows of a deal (CONTRACT §5 `crm_deal`, plus `open` for its view)."""
    stage = data.get("Stage")
    return {
        "id": deal_id,
        "name": name,
        "amount": data.get("Amount"),
        "stage": stage,
        "open": stage not in CLOSED_STAGES,
    }


def _ticket_ids(raw) -> list:
    if not isinstance(raw, list) or not raw:
        message = _("Choose at least one ticket.")
        raise Problem.invalid({"ticket_ids": [message]})
    if len(raw) > MAX_TICKETS:
        message = _("Choose at most %(count)s tickets.") % {"count": MAX_TICKETS}
        raise Problem.invalid({"ticket_ids": [message]})
    return list(dict.fromkeys(raw))


@transaction.atomic
def do_link_deals(*, reader: Reader, deal, ticket_ids) -> list:
    """Link tickets to `deal` (a Deals record the reader may view). A ticket linked to
    another deal moves to this one. Linking is working on a ticket: Agents and Admins."""
    reader.require_work()
    tickets = [queries.ticket_for(reader, pk) for pk in _ticket_ids(ticket_ids)]
    for ticket in tickets:
        reader.require_work(ticket)
    _start_following(reader.link)
    shown = snapshot(deal.pk, deal.name, deal.data)
    for ticket in tickets:
        desk_actions.do_set_crm_deal(actor=reader.agent, ticket=ticket, deal=shown, origin=ORIGIN)
        DealTicket.objects.update_or_create(
            integration=reader.link,
            portal_id=reader.portal_id,
            ticket_id=ticket.pk,
            defaults={"deal_id": deal.pk, "linked_by": reader.member.user},
        )
    return tickets


@transaction.atomic
def do_unlink_deals(*, reader: Reader, deal, ticket_ids) -> list:
    """Unlink tickets from `deal` (Unlink, under More); a ticket not linked to it is a 400."""
    reader.require_work()
    tickets = [queries.ticket_for(reader, pk) for pk in _ticket_ids(ticket_ids)]
    links = DealTicket.objects.filter(
        integration=reader.link, portal_id=reader.portal_id, deal_id=deal.pk
    )
    linked = set(links.values_list("ticket_id", flat=True))
    strangers = [t.number for t in tickets if t.pk not in linked]
    if strangers:
        message = _("Not linked to this deal: %(numbers)s.") % {
            "numbers": ", ".join(f"#{n}" for n in strangers)
        }
        raise Problem.invalid({"ticket_ids": [message]})
    for ticket in tickets:
        reader.require_work(ticket)
        desk_actions.do_set_crm_deal(actor=reader.agent, ticket=ticket, deal=None, origin=ORIGIN)
    links.filter(ticket_id__in=[t.pk for t in tickets]).delete()
    return tickets


def _start_following(link: DeskIntegration) -> None:
    """From the first link on, changes of deals are read from the CRM's change log; what
    came before needs no reading (the snapshot is taken now)."""
    settings = TicketSettings.objects.select_for_update().get(pk=settings_of(link).pk)
    if settings.deal_cursor == 0:
        settings.deal_cursor = crm.last_change_sequence(link.org_id)
        settings.save(update_fields=["deal_cursor"])


# ---- Kept current: the CRM tells us after every commit that changed an org's records ------


def crm_changed(org_id: int, last_sequence: int) -> None:
    """CRM change listener: one cheap query for orgs without deal links; else the refresh runs
    in the background (after this commit, never in the CRM user's request)."""
    if DealTicket.objects.filter(integration__org_id=org_id).exists():
        refresh_deals.enqueue(org_id)


@task()
def refresh_deals(org_id: int) -> None:
    """Bring `crm_deal` of linked tickets up to date with the deals' changes since the cursor.
    Idempotent; one refresh per org at a time (the settings row's lock)."""
    link = integration.active_integration(org_id)
    if link is None or link.portal_id is None or link.authorized_by is None:
        return
    with transaction.atomic():
        settings = TicketSettings.objects.select_for_update().filter(integration=link).first()
        if settings is None:
            return
        changed: set[int] = set()
        cursor = settings.deal_cursor
        while True:
            rows, last = crm.changes_since(org_id, cursor, limit=500)
            changed.update(r.entity_id for r in rows if r.entity == "Deals")
            if last == cursor:
                break
            cursor = last
        settings.deal_cursor = cursor
        settings.save(update_fields=["deal_cursor"])
        if changed:
            _refresh(link, changed)


def _refresh(link: DeskIntegration, deal_ids: set[int]) -> None:
    links = list(
        DealTicket.objects.filter(
            integration=link, portal_id=link.portal_id, deal_id__in=sorted(deal_ids)
        )
    )
    if not links:
        return
    module = crm.module_named(link.org_id, "Deals")
    rows = crm.records_by_ids(module, {dl.deal_id for dl in links}) if module else []
    names = crm.record_names(link.org_id, [r["id"] for r in rows]) if rows else {}
    current = {r["id"]: snapshot(r["id"], names.get(str(r["id"]), ""), r["data"]) for r in rows}
    for dl in links:
        shown = current.get(dl.deal_id)  # None: the deal was deleted, the link goes
        try:
            ticket = desk.portal_ticket(link.portal_id, dl.ticket_id)
        except Problem:  # the ticket was deleted in Desk meanwhile
            dl.delete()
            continue
        if ticket.crm_deal != shown:
            desk_actions.do_set_crm_deal(
                actor=link.authorized_by, ticket=ticket, deal=shown, origin=ORIGIN
            )
        if shown is None:
            dl.delete()


# ---- Desk's ticket page: the linked deal, with a way back to the CRM ----------------------


def ticket_panel(request, ticket) -> str:
    deal = ticket.crm_deal
    if not deal:
        return ""
    link = integration.integration_for_portal(ticket.portal_id)
    url = ""
    if link is not None and link.is_on:
        url = reverse("crm:record", args=[link.org.slug, "Deals", deal.get("id")])
    return render_to_string(
        "integration/tickets/desk_deal_panel.html", {"deal": deal, "url": url}, request=request
    )


def enqueue_refresh(org_id: int) -> None:
    enqueue_on_commit(refresh_deals, org_id)
