"""When signals are drained: right after a Desk write commits (Desk's change listener enqueues
a drain of the integration linked to that portal), and every SWEEP_SECONDS for every link that
is on, in case an enqueue was lost or a worker died mid-drain."""

from __future__ import annotations

import logging

from django_tasks import task

from tandem.integration import queries
from tandem.integration.models import DeskIntegration
from tandem.integration.signals import engine
from tandem.web.periodic import every

log = logging.getLogger("tandem.integration.signals")
SWEEP_SECONDS = 30


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
        if _drain_waiting(link.pk):
            return
        drain_signals.enqueue(link.pk)
    except Exception:
        # The sweep drains it within SWEEP_SECONDS; the Desk write stands.
        log.exception("could not enqueue the signals drain of integration %s", link.pk)


def _drain_waiting(integration_id: int) -> bool:
    """Whether a drain of this integration waits in the database queue, not started yet. It
    will read the change log after this commit anyway: a burst of customer emails then costs
    a drain per worker's turn, not one per email. (A drain that has started may have read the
    log before this commit: then a new one is enqueued.) Only the database backend says."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(drain_signals.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        status="READY",
        task_path=drain_signals.module_path,
        args_kwargs={"args": [integration_id], "kwargs": {}},
    ).exists()


@every(SWEEP_SECONDS)
@task()
def sweep_signals() -> None:
    on = [DeskIntegration.State.ACTIVE, DeskIntegration.State.NEEDS_ATTENTION]
    for pk in DeskIntegration.objects.filter(state__in=on).values_list("pk", flat=True):
        engine.drain(pk)
