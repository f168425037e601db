"""Which CRM record is synced with which Desk record: what the other parts ask (a record's Desk
contact for its tickets, a ticket's CRM contact for its signals), and the engine's link reads.
One query per call (per 10,000 ids)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from tandem.integration.models import SyncLink
from tandem.web.sqlrows import chunks, placeholders


@dataclass(slots=True)
class Link:
    """A link as the engine reads it: cheaper to make by the thousand than a SyncLink."""

    pk: int
    crm_id: int
    desk_id: int
    gone: str
    shadow: dict | None  # None when not read


def rows_for(integration_id: int, module: str, side: str, ids: Iterable[int], columns) -> list:
    """`columns` of the module's links (tombstones too) whose `side` ("crm" or "desk") id is
    among `ids`. Plain SQL: the initial sync asks for thousands of ids a batch, and the ORM's
    handling of a long IN list costs more than the query."""
    wanted = list(ids)
    key = {"crm": "crm_id", "desk": "desk_id"}[side]
    found = []
    with connection.cursor() as cursor:
        for chunk in chunks(wanted):
            cursor.execute(
                f"SELECT {', '.join(columns)} FROM {SyncLink._meta.db_table}"  # noqa: S608
                f" WHERE integration_id = %s AND module = %s AND {key} IN"
                f" ({placeholders(chunk)})",
                [integration_id, module, *chunk],
            )
            found += cursor.fetchall()
    return found


def links_for(integration_id: int, module: str, side: str, ids, *, shadow=True) -> list[Link]:
    columns = ["id", "crm_id", "desk_id", "gone", "shadow" if shadow else "NULL"]
    rows = rows_for(integration_id, module, side, ids, columns)
    decode = SyncLink._meta.get_field("shadow").from_db_value
    return [Link(pk, c, d, gone, decode(s, None, connection)) for pk, c, d, gone, s in rows]


def desk_ids_for(integration_id: int, module: str, crm_ids: Iterable[int]) -> dict[int, int]:
    """{crm id: desk id} of the linked records among `crm_ids` of `module` (e.g. "Contacts")."""
    return dict(rows_for(integration_id, module, "crm", crm_ids, ["crm_id", "desk_id"]))


def crm_ids_for(integration_id: int, module: str, desk_ids: Iterable[int]) -> dict[int, int]:
    """{desk id: crm id} of the linked records among `desk_ids` of `module`."""
    return dict(rows_for(integration_id, module, "desk", desk_ids, ["desk_id", "crm_id"]))
