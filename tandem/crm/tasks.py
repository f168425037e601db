"""Background work of the CRM. Tasks take ids and are safe to run twice."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django_tasks import task

from tandem.crm.models import OrgUser
from tandem.identity import invitations


@task()
def send_invitation(member_id: int) -> bool:
    """Email the activation link of a pending invitation (nothing if it was withdrawn)."""
    from tandem.crm.actions.people import invitation_token

    member = (
        OrgUser.objects.select_related("org", "user", "invited_by", "profile")
        .filter(pk=member_id, state=OrgUser.State.INVITED)
        .first()
    )
    if member is None:
        return False
    invitations.send_invitation(
        member.user,
        inviter=member.invited_by.display_name if member.invited_by else member.org.name,
        place=member.org.name,
        product="Tandem CRM",
        role=member.profile.name,
        url=settings.BASE_URL + reverse("crm:invitation", args=[invitation_token(member)]),
    )
    return True


@task()
def run_import(job_id: int) -> str:
    """Run a queued CSV import (see actions.imports.run_import)."""
    from tandem.crm.actions.imports import run_import as run

    return run(job_id).state
