"""The CRM change log, read from a cursor (the integration's sync engine follows it)."""

from __future__ import annotations

from tandem.crm.models import Change
from tandem.web.changes import ChangeRow, read_after


def changes_since(
    tenant_id: int, after: int = 0, *, limit: int = 500, exclude_origin: str | None = None
) -> tuple[list[ChangeRow], int]:
    """Change-log rows of the org `tenant_id` with sequence > `after`, oldest first, at most
    `limit`, and the last sequence read. `entity` is the module's api name ("Contacts"),
    `entity_id` the record's id. Store `last` and pass it back as `after`: sequences are
    gapless and in commit order, so nothing is skipped. `exclude_origin` drops your own writes
    (the sync passes its origin tag so it does not echo them back); `last` still moves past
    them. The same reader, with the same rows, as desk.queries.changes_since."""
    return read_after(
        Change.objects.filter(org_id=tenant_id),
        "sequence",
        ("sequence", "module", "record_id", "op", "fields", "origin", "actor_id", "at"),
        _row,
        after,
        limit,
        exclude_origin,
    )


def _row(sequence, module, record_id, op, fields, origin, actor, at) -> ChangeRow:
    return ChangeRow(sequence, module, record_id, op, tuple(fields), origin, actor, at)
