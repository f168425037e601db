"""What the CRM's and Desk's change logs share: the row their readers hand out, and the
listeners told after commit that a tenant's log grew. Here, in `web`, because both domains
may import it and neither may import the other."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connections, transaction

log = logging.getLogger("tandem.changes")


@dataclass(frozen=True)
class ChangeRow:
    """One change-log row, the same on both sides. `entity` is the CRM module's api name
    ("Contacts") or Desk's entity ("contact", "ticket"…); `actor` the acting user's id, None
    for the system or a customer."""

    sequence: int
    entity: str
    entity_id: int
    op: str  # "created" | "updated" | "deleted"
    fields: tuple[str, ...]
    origin: str
    actor: int | None
    at: datetime


def read_after(log, sequence: str, columns, make_row, after: int, limit: int, exclude_origin):
    """(rows, last) from a tenant's change log `log` (a queryset) after `after`, at most `limit`
    rows in `sequence` order: `last` is the last sequence read, even when its row is dropped
    as the reader's own origin, so the reader's cursor moves past it. With `exclude_origin`,
    the reader's own rows (most of the log while the sync writes in bulk) are skimmed by
    sequence and origin alone; only the others are read whole."""
    log = log.filter(**{f"{sequence}__gt": after}).order_by(sequence)
    limit = max(1, limit)
    if not exclude_origin:
        rows = [make_row(*values) for values in log.values_list(*columns)[:limit]]
        return rows, (rows[-1].sequence if rows else after)
    marks = list(log.values_list(sequence, "origin")[:limit])
    if not marks:
        return [], after
    last = marks[-1][0]
    if all(origin == exclude_origin for _seq, origin in marks):
        return [], last
    theirs = log.filter(**{f"{sequence}__lte": last}).exclude(origin=exclude_origin)
    return [make_row(*values) for values in theirs.values_list(*columns)], last


class _Batch:
    """The tenants already announced by one commit (a transaction's callbacks run together)."""

    def __init__(self) -> None:
        self.done = False
        self.fired: set[int] = set()


class ChangeListeners:
    """Functions `fn(tenant_id, last_sequence)` called once per committed transaction that
    appended to a tenant's change log, after the commit; never on rollback.

    `last_sequence(tenant_id)` reads the tenant's counter after the commit: the log's last
    committed row, every row up to it readable. (The sequences this transaction took are not
    used: one taken in a savepoint later rolled back is handed out again.)"""

    def __init__(self, name: str, last_sequence: Callable[[int], int]) -> None:
        self.name = name
        self.last_sequence = last_sequence
        self.listeners: list[Callable[[int, int], None]] = []

    def register(self, fn: Callable[[int, int], None]) -> None:
        if fn not in self.listeners:
            self.listeners.append(fn)

    def appended(self, tenant_id: int, using: str = DEFAULT_DB_ALIAS) -> None:
        """Call inside the transaction that appended to `tenant_id`'s log."""
        if not self.listeners:
            return
        connection = connections[using]
        attribute = f"_tandem_{self.name}_changes"
        batch = getattr(connection, attribute, None)
        # A batch whose commit ran, or whose transaction rolled back before (it fired for no
        # one), is as good as new; a fresh one per commit keeps "once per tenant" per commit.
        if batch is None or batch.done:
            batch = _Batch()
            setattr(connection, attribute, batch)
        # One callback per row written, deduplicated when they run: a callback registered in a
        # savepoint that rolls back is dropped by Django, the others still announce the tenant.
        transaction.on_commit(lambda: self._announce(batch, tenant_id), using=using, robust=True)

    def _announce(self, batch: _Batch, tenant_id: int) -> None:
        batch.done = True
        if tenant_id in batch.fired:
            return
        batch.fired.add(tenant_id)
        try:
            last = self.last_sequence(tenant_id)
        except Exception:
            log.exception("%s: could not read the last change of tenant %s", self.name, tenant_id)
            return
        for fn in list(self.listeners):
            try:
                fn(tenant_id, last)
            except Exception:
                # The write committed: a listener's failure is its own (it catches up by cursor).
                log.exception(
                    "%s change listener %r failed for tenant %s", self.name, fn, tenant_id
                )
