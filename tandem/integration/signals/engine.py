"""The drain: read the linked portal's change log on from the integration's cursor, turn the
Desk ticket events behind it into SalesSignals, and move the cursor — all in one transaction.

Exactly once (issue 12, point 4): a drain that dies rolls back its signals with its cursor, and
the next one replays them; two drains of one integration take turns on the cursor's row lock;
an event found again (by a replay, a duplicate task or the sweep) is skipped by its SignalEvent
row; and each signal's receipt is unique per (event, kind, recipient) in the database."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from tandem.crm import actions as crm_actions
from tandem.desk import queries as desk
from tandem.identity.models import User
from tandem.integration.models import DeskIntegration, SignalCursor, SignalEvent, SignalReceipt
from tandem.integration.signals import kinds as signal_kinds
from tandem.integration.signals.recipients import Audience

log = logging.getLogger("tandem.integration.signals")
BATCH = 200  # change-log rows per transaction: short write transactions, SQLite's web waits less
MAX_BATCHES = 50  # per drain; the next change's task (or the sweep) carries on


def drain(integration_id: int) -> int:
    """Signals written; safe to run any number of times, at once or in turn."""
    _ensure_cursor(integration_id)
    written = 0
    for _ in range(MAX_BATCHES):
        try:
            count, more = _drain_batch(integration_id)
        except IntegrityError:
            # Another drain handled these events first (possible only when two run past the
            # cursor lock, e.g. a cursor row made this instant): its signals stand; read on.
            log.info("signals drain of %s met a concurrent drain; retrying", integration_id)
            continue
        written += count
        if not more:
            break
    return written


def _ensure_cursor(integration_id: int) -> None:
    if SignalCursor.objects.filter(integration_id=integration_id).exists():
        return
    try:
        with transaction.atomic():
            SignalCursor.objects.create(integration_id=integration_id)
    except IntegrityError:
        pass  # another drain made it this instant


@transaction.atomic
def _drain_batch(integration_id: int) -> tuple[int, bool]:
    cursor = SignalCursor.objects.select_for_update().filter(integration_id=integration_id).first()
    link = DeskIntegration.objects.select_related("org").filter(pk=integration_id).first()
    # Deactivated, deleted from Desk, or without a portal: nothing is sent, the cursor stays.
    if cursor is None or link is None or not link.is_on or link.portal_id is None:
        return 0, False
    if cursor.portal_id != link.portal_id:
        # First read of this portal: from the moment the link was made, never its history.
        cursor.portal_id = link.portal_id
        cursor.last_seq = desk.change_sequence_before(link.portal_id, link.connected_at)
    after = cursor.last_seq
    events, last = desk.ticket_activity_after(link.portal_id, after, limit=BATCH)
    written = _handle(link, events)
    cursor.last_seq, cursor.updated_at = last, timezone.now()
    cursor.save(update_fields=["portal_id", "last_seq", "updated_at"])
    # seq is gap-free: a full batch read means more may follow.
    return written, last - after >= BATCH


def _handle(link: DeskIntegration, events: list[dict]) -> int:
    # Events of the link's earlier life (before it was last connected) raise nothing.
    events = [e for e in events if e["created_at"] >= link.connected_at]
    if not events:
        return 0
    handled = set(
        SignalEvent.objects.filter(
            integration=link, event_id__in=[e["id"] for e in events]
        ).values_list("event_id", flat=True)
    )
    settings = link.org.signal_settings.get(signal_kinds.SOURCE, {})
    audience = None
    written = 0
    for event in events:
        if event["id"] in handled:
            continue
        handled.add(event["id"])
        kinds = [k for k in signal_kinds.kinds_of(event) if settings.get(k, True)]
        recipients = []
        if kinds:
            audience = audience or Audience(link)
            recipients = audience.for_ticket(event["ticket"])
        # The marker first: a concurrent drain that got here before fails on it, not later.
        SignalEvent.objects.create(
            integration=link,
            event_id=event["id"],
            ticket_id=event["ticket"]["id"],
            kinds=kinds,
            recipients=len(recipients) * len(kinds),
        )
        for kind in kinds:
            written += _deliver(link, event, kind, recipients)
    return written


def _deliver(link: DeskIntegration, event: dict, kind: str, recipients) -> int:
    if not recipients:
        return 0
    users = {u.pk: u for u in User.objects.filter(pk__in=[r.user_id for r in recipients])}
    ticket = event["ticket"]
    slug = link.org.slug
    written = 0
    for recipient in recipients:
        user = users.get(recipient.user_id)
        if user is None:
            continue
        with translation.override(user.language or "en"):
            title, body = signal_kinds.words(kind, event)
        record_url = reverse("crm:record", args=[slug, recipient.module, recipient.record_id])
        data = {
            "ticket_id": ticket["id"],
            "ticket_number": ticket["number"],
            "event_id": event["id"],
            "record": {"module": recipient.module, "id": recipient.record_id},
            "record_url": record_url,
        }
        signals = crm_actions.do_send_signal(
            org=link.org,
            user_ids=[user.pk],
            source=signal_kinds.SOURCE,
            kind=kind,
            title=title,
            body=body,
            url=record_url,
            data=data,
        )
        # In the signal's transaction: a second receipt for it fails (unique), rolling back
        # the batch with its signals.
        SignalReceipt.objects.create(
            integration=link,
            event_id=event["id"],
            kind=kind,
            user=user,
            signal_id=signals[0].pk if signals else None,
        )
        written += len(signals)
    return written
