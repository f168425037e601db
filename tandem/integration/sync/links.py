"""Which CRM record is synced with which Desk record: what the other parts ask (a record's Desk
contact for its tickets, a ticket's CRM contact for its signals). One query per call."""

from __future__ import annotations

from collections.abc import Iterable

from tandem.integration.models import SyncLink


def desk_ids_for(integration_id: int, module: str, crm_ids: Iterable[int]) -> dict[int, int]:
    """{crm id: desk id} of the linked records among `crm_ids` of `module` (e.g. "Contacts")."""
    wanted = list(crm_ids)
    if not wanted:
        return {}
    rows = SyncLink.objects.filter(
        integration_id=integration_id, module=module, crm_id__in=wanted
    ).values_list("crm_id", "desk_id")
    return dict(rows)


def crm_ids_for(integration_id: int, module: str, desk_ids: Iterable[int]) -> dict[int, int]:
    """{desk id: crm id} of the linked records among `desk_ids` of `module`."""
    wanted = list(desk_ids)
    if not wanted:
        return {}
    rows = SyncLink.objects.filter(
        integration_id=integration_id, module=module, desk_id__in=wanted
    ).values_list("desk_id", "crm_id")
    return dict(rows)
