"""When the sync runs: at once after a commit that changed either side (the change listeners
enqueue a drain), and every 30 s a sweep for anything a lost task missed."""

from __future__ import annotations

import logging

from django.db.models import Q
from django_tasks import task

from tandem.integration.drains import enqueue_drain
from tandem.integration.models import DeskIntegration, SyncModule
from tandem.web.periodic import every
from tandem.web.prepared import Prepared

log = logging.getLogger("tandem.sync")


@task()
def drain_integration(integration_id: int) -> None:
    from tandem.integration.sync.drain import drain

    if drain(integration_id):  # budget spent with work left: carry on in a fresh task
        drain_integration.enqueue(integration_id)


def kick(integration_id: int) -> None:
    """Drain after the current transaction commits (never raises: the sweep catches up)."""
    from tandem.web.tasks import enqueue_on_commit

    enqueue_on_commit(drain_integration, integration_id)


def _syncing_modules(**where):
    return SyncModule.objects.filter(
        state=SyncModule.State.ACTIVE, integration__state=DeskIntegration.State.ACTIVE, **where
    )


# Asked after every write on either side: compiled once (web.prepared).
_syncing_org = Prepared(
    lambda org: _syncing_modules(integration__org_id=org).only("integration_id")
)
_syncing_portal = Prepared(
    lambda portal: _syncing_modules(integration__portal_id=portal).only("integration_id")
)


def _syncing() -> list[int]:
    return list(_syncing_modules().values_list("integration_id", flat=True).distinct())


def _integrations(modules) -> list[int]:
    return sorted({module.integration_id for module in modules})


def _enqueue(integration_id: int) -> None:
    # A burst of edits costs a drain per worker turn, not one per edit (nor one per write
    # the sync itself makes).
    enqueue_drain(drain_integration, integration_id)


def on_crm_change(org_id: int, last_sequence: int) -> None:
    """crm.hooks change listener: the org's log grew (called after commit)."""
    for integration_id in _integrations(_syncing_org(org_id)):
        _enqueue(integration_id)


def on_desk_change(portal_id: int, last_sequence: int) -> None:
    """desk.hooks change listener: the portal's log grew (called after commit)."""
    for integration_id in _integrations(_syncing_portal(portal_id)):
        _enqueue(integration_id)


@every(30)
@task()
def sweep() -> None:
    """Every integration with work waiting gets a drain, whatever happened to its tasks."""
    from tandem.crm import queries as crm
    from tandem.desk import queries as desk

    links = DeskIntegration.objects.filter(state=DeskIntegration.State.ACTIVE)
    for link in links.filter(pk__in=_syncing()):
        modules = SyncModule.objects.filter(integration=link, state=SyncModule.State.ACTIVE)
        crm_head = crm.last_change_sequence(link.org_id)
        desk_head = desk.last_change_sequence(link.portal_id)
        behind = modules.filter(
            Q(crm_cursor__lt=crm_head)
            | Q(desk_cursor__lt=desk_head)
            | Q(initial_state__in=["running", "desk"])
        )
        if behind.exists():
            _enqueue(link.id)
