"""Background work of the integration: re-checking the authorizing admin's authority;
sweeping files staged for tickets never created."""

from __future__ import annotations

from django_tasks import task

from tandem.integration import actions
from tandem.integration.models import DeskIntegration
from tandem.web.periodic import every


def check_portal(portal_id: int) -> None:
    """Desk's portal listener: the portal's agents or ZSC key changed — re-check at once the
    links that rely on an admin of it (a few queries, right after that commit)."""
    links = DeskIntegration.objects.filter(portal_id=portal_id, state=DeskIntegration.State.ACTIVE)
    for pk in links.values_list("pk", flat=True):
        actions.do_check_authority(integration_id=pk)


@every(3600)
@task()
def sweep_staged_files() -> None:
    """Files uploaded for a ticket that was never created leave after a day."""
    from tandem.integration.tickets import staged

    while staged.sweep_unclaimed():
        pass


@every(10)
@task()
def sweep_authority() -> None:
    """What no Desk action announces (a person deactivated in Tandem itself, an agent row
    removed by an operator) is caught within seconds by this sweep over active links."""
    links = DeskIntegration.objects.filter(state=DeskIntegration.State.ACTIVE)
    for pk in links.values_list("pk", flat=True).iterator():
        actions.do_check_authority(integration_id=pk)
