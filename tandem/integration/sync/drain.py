"""Draining an integration: each module's two change logs from their stored cursors, then the
initial sync in batches. One batch is one transaction holding the module's row lock, with the
cursor saved beside the writes: a crash replays the batch, never skips it, and two workers
never apply the same batch (the second waits for the lock, then sees the moved cursor)."""

from __future__ import annotations

import time

from django.db import transaction
from django.utils import timezone

from tandem.crm import queries as crm
from tandem.desk import queries as desk
from tandem.integration.models import DeskIntegration, SyncLink, SyncLogEntry, SyncModule
from tandem.integration.sync import engine
from tandem.integration.sync.spec import ORDER, SYNC_ORIGIN
from tandem.web import bulk

LIVE_BATCH = 200  # change-log rows per transaction: short, so live edits never wait long
# Rows of the log read at once: the sync's own writes (most of the log during an initial sync)
# are skimmed this many at a time, and at most LIVE_BATCH of the others are applied.
SKIM = 5000
INITIAL_BATCH = 5000  # records per transaction of the initial sync (about half a second)
BUSY = "busy"
INITIAL = "initial"  # what step() returns after a batch of a module's initial sync


def drain(integration_id: int, *, budget: float = 5.0) -> bool:
    """Apply what waits for the integration's active modules. Returns True if work is left
    when `budget` seconds have passed (the caller enqueues another drain).

    The modules take turns, a batch each: a module edited without pause (50 edits a second
    on Contacts) must not keep an Accounts edit waiting until it falls quiet. Initial syncs
    go in ORDER, one module's to its end before the next's starts (a contact's account must
    be linked before the contact is created on the other side)."""
    deadline = time.monotonic() + budget
    bulk.lean_connection()  # an initial sync reads and writes much of the database
    while True:
        worked = False
        for module in ORDER:
            if time.monotonic() > deadline:
                return True
            done = step(integration_id, module)
            worked = worked or bool(done)
            if done == BUSY:  # another worker drains it: come back after its batch
                time.sleep(0.02)
            if done in (BUSY, INITIAL):
                break  # the next round starts again from the first module
        if not worked:
            return False


def step(integration_id: int, module: str):
    """One batch of each change log of one module, each in its own transaction, or else one
    batch of its initial sync: True if it did something (INITIAL if the module's initial
    sync is still under way), False if nothing waits, BUSY if another worker holds it.

    Both logs every time: with edits arriving on one side faster than a batch takes,
    reading the other only when the first was empty starved it (on PostgreSQL, Desk edits
    waited 15 s while CRM edits kept coming). Never both in one transaction: the second
    log's batch would wait for rows a person's edit holds while keeping the change-log
    counters the first one took, which that edit waits for (a deadlock)."""
    waiting = _waiting(integration_id, module)
    worked = False
    for part in ("crm", "desk"):
        if part not in waiting:
            continue
        done = _batch(integration_id, module, lambda ctx, side=part: _log(ctx, side))
        if done == BUSY:
            return BUSY
        worked = done or worked  # INITIAL (the module's initial sync goes on) tells the most
    if worked or "initial" not in waiting:
        return worked
    return _batch(integration_id, module, _initial)


def _waiting(integration_id: int, module: str) -> set[str]:
    """Which parts of a module have work, read without a lock: a batch takes the write lock
    (on SQLite, the database's), so a round of the modules must not take it for nothing
    while people's edits wait for it. A stale answer costs one empty batch, or waits for the
    next round."""
    sm = (
        SyncModule.objects.filter(
            integration_id=integration_id, module=module, state=SyncModule.State.ACTIVE
        )
        .select_related("integration")
        .first()
    )
    if sm is None:
        return set()
    waiting = set()
    if crm.last_change_sequence(sm.integration.org_id) > sm.crm_cursor:
        waiting.add("crm")
    if desk.last_change_sequence(sm.integration.portal_id) > sm.desk_cursor:
        waiting.add("desk")
    if sm.initial_state in ("running", "desk"):
        waiting.add("initial")
    return waiting


def _batch(integration_id: int, module: str, apply):
    """`apply(ctx)` in one transaction holding the module's row lock, the cursors and counts
    it moved saved with its writes."""
    with transaction.atomic():
        sm = (
            SyncModule.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(integration_id=integration_id, module=module, state=SyncModule.State.ACTIVE)
            .select_related("enabled_by")
            .first()
        )
        if sm is None:
            exists = SyncModule.objects.filter(
                integration_id=integration_id, module=module, state=SyncModule.State.ACTIVE
            ).exists()
            return BUSY if exists else False
        link = (
            DeskIntegration.objects.select_related("portal", "authorized_by", "org")
            .filter(pk=integration_id, state=DeskIntegration.State.ACTIVE)
            .first()
        )
        ctx = engine.context(link, sm) if link is not None else None
        if ctx is None or not apply(ctx):
            return False
        _finish(ctx)
        return INITIAL if sm.initial_state in ("running", "desk") else True


def _log(ctx: engine.Context, side: str) -> bool:
    """One batch of one side's change log (our own writes left out, so nothing echoes)."""
    sm = ctx.sm
    if side == "crm":
        read, owner, entity = crm.changes_since, ctx.link.org_id, ctx.spec.module
    else:
        read, owner, entity = desk.changes_since, ctx.link.portal_id, ctx.spec.entity
    cursor = getattr(sm, f"{side}_cursor")
    rows, last = read(owner, cursor, limit=SKIM, exclude_origin=SYNC_ORIGIN)
    if last == cursor:
        return False
    if len(rows) > LIVE_BATCH:  # the rest waits for the next batch, read from here
        rows = rows[:LIVE_BATCH]
        last = rows[-1].sequence
    mine = [r for r in rows if r.entity == entity]
    deleted = {r.entity_id for r in mine if r.op == "deleted"}
    engine.unlink(ctx, side, deleted)
    touched = {r.entity_id for r in mine} - deleted
    if touched and side == "crm":
        engine.sync_crm_records(ctx, crm.records_by_ids(ctx.module, touched))
    elif touched and ctx.two_way:  # one-way: Desk edits are never pushed to the CRM
        engine.sync_desk_rows(ctx, desk.customers_by_ids(owner, entity, touched))
    setattr(sm, f"{side}_cursor", last)
    return True


def _initial(ctx: engine.Context) -> bool:
    """The records already there when the module was enabled: first the CRM's (state
    "running"), then, two-way, Desk's ("desk"), each in id order from its stored position."""
    sm = ctx.sm
    if sm.initial_state == "running":
        records = crm.records_after(ctx.module, sm.initial_crm_after, INITIAL_BATCH)
        if records:
            engine.sync_crm_records(ctx, records)
            sm.initial_crm_after = records[-1]["id"]
            _progress(sm, len(records))
            return True
        sm.initial_state = "desk" if ctx.two_way else "done"
        return True
    if sm.initial_state == "desk":
        rows = desk.customers_after(
            ctx.link.portal_id,
            ctx.spec.entity,
            sm.initial_desk_after,
            INITIAL_BATCH,
            until_id=sm.initial_desk_until,
        )
        if rows:
            linked = ctx.linked_ids("desk", [row["id"] for row in rows])
            engine.sync_desk_rows(ctx, [row for row in rows if row["id"] not in linked])
            sm.initial_desk_after = rows[-1]["id"]
            _progress(sm, len(rows))
            return True
        sm.initial_state = "done"
        sm.initial_done = sm.initial_total
        return True
    return False


def _progress(sm: SyncModule, count: int) -> None:
    # Desk's pass also meets the records the CRM's pass created there: never past the total.
    sm.initial_done = min(sm.initial_total, sm.initial_done + count)


LOG_COLUMNS = ["integration_id", "at", "module", "crm_id", "desk_id", "outcome", "reason_code",
               "reason_args", "field", "kept", "lost", "search"]  # fmt: skip


def save_log(entries: list) -> None:
    now = timezone.now()
    bulk.insert(SyncLogEntry, LOG_COLUMNS, [
        (e.integration_id, now, e.module, e.crm_id, e.desk_id, e.outcome, e.reason_code,
         e.reason_args, e.field, e.kept, e.lost, e.search) for e in entries
    ])  # fmt: skip


def _finish(ctx: engine.Context) -> None:
    save_log(ctx.log)
    sm = ctx.sm
    for name, count in ctx.counts.items():
        if hasattr(sm, name):
            setattr(sm, name, getattr(sm, name) + count)
    sm.last_synced_at = timezone.now()
    sm.save()


def start_initial(sm: SyncModule, link: DeskIntegration) -> None:
    """The module was just enabled: live changes are read from the logs' heads on, and the
    records already there are visited by the initial sync (inside the caller's transaction)."""
    module = crm.module_named(link.org_id, sm.module)
    entity = engine.specs.SPECS[sm.module].entity
    sm.crm_cursor = crm.last_change_sequence(link.org_id)
    sm.desk_cursor = desk.last_change_sequence(link.portal_id)
    sm.initial_state, sm.initial_crm_after, sm.initial_desk_after = "running", 0, 0
    total = crm.count_records(module) if module is not None else 0
    sm.initial_desk_until = desk.last_customer_id(link.portal_id, entity)
    if sm.direction == SyncModule.Direction.TWO_WAY:
        total += desk.count_customers(link.portal_id, entity)
    sm.initial_done, sm.initial_total = 0, total


def lag_seconds(sm: SyncModule, link: DeskIntegration) -> float:
    """How far behind the module is: 0 when both cursors are at the logs' heads, else the age
    of the oldest change not yet applied."""
    crm_rows, _ = crm.changes_since(link.org_id, sm.crm_cursor, limit=1)
    desk_rows, _ = desk.changes_since(link.portal_id, sm.desk_cursor, limit=1)
    oldest = [r.at for r in (*crm_rows, *desk_rows)]
    if not oldest:
        return 0.0
    return max(0.0, (timezone.now() - min(oldest)).total_seconds())


def links_count(integration_id: int, module: str) -> int:
    return SyncLink.objects.filter(integration_id=integration_id, module=module, gone="").count()
