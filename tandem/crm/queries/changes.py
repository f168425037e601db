"""The CRM change log, read from a cursor (the integration's sync engine follows it)."""

from __future__ import annotations

from tandem.crm.models import Change, Org


def changes_since(org: Org, after: int = 0, *, limit: int = 500, exclude_origin: str | None = None):
    """Change-log rows of the org with sequence > `after`, oldest first, at most `limit`.

    Each row has sequence, module, record_id, op ("created"|"updated"|"deleted"), fields,
    origin and at. Store the last sequence you processed and pass it back as `after`: sequences
    are gapless and in commit order, so nothing is skipped. `exclude_origin` drops your own
    writes (the sync passes its origin tag so it does not echo them back) — the cursor still
    moves past them because the last row's sequence is returned separately."""
    rows = list(Change.objects.filter(org=org, sequence__gt=after).order_by("sequence")[:limit])
    last = rows[-1].sequence if rows else after
    if exclude_origin:
        rows = [r for r in rows if r.origin != exclude_origin]
    return rows, last
