"""When signals are drained: right after a Desk write commits (Desk's change listener enqueues
a drain of the integration linked to that portal), and every SWEEP_SECONDS for every link that
is on, in case an enqueue was lost or a worker died mid-drain."""

from __future__ import annotations

import logging
from datetime import timedelta

from django_tasks import task

from tandem.integration import queries
from tandem.integration.drains import enqueue_drain
from tandem.integration.models import DeskIntegration
from tandem.integration.signals import engine
from tandem.web.periodic import every

log = logging.getLogger("tandem.integration.signals")
SWEEP_SECONDS = 30
# A drain starts this long after the write that asked for it, so that the writes of a busy
# moment (8 agents filing at once: 300 tickets a second) share one drain instead of one each.
# Each drain is 4 more turns of SQLite's one writer lock (enqueue, claim, drain, done): with
# 8 connections creating tickets, 100 ms served 13-32 % more creates a second than 50 ms did,
# for 50 ms more before a signal shows.
GATHER = timedelta(milliseconds=100)


@task()
def drain_signals(integration_id: int) -> int:
    return engine.drain(integration_id)


def desk_changed(portal_id: int, last_sequence: int) -> None:
    """Desk's change listener (after the commit): the portal's log grew. Only a portal linked
    to an org that is on gets a drain; a portal no longer linked gets nothing."""
    link = queries.integration_for_portal(portal_id)
    if link is None or not link.is_on:
        return
    try:
        # One waiting already reads the log after this commit.
        enqueue_drain(drain_signals, link.pk, gather=GATHER)
    except Exception:
        # The sweep drains it within SWEEP_SECONDS; the Desk write stands.
        log.exception("could not enqueue the signals drain of integration %s", link.pk)


@every(SWEEP_SECONDS)
@task()
def sweep_signals() -> None:
    on = [DeskIntegration.State.ACTIVE, DeskIntegration.State.NEEDS_ATTENTION]
    for pk in DeskIntegration.objects.filter(state__in=on).values_list("pk", flat=True):
        engine.drain(pk)
