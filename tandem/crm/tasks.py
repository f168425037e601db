"""Background work of the CRM. Tasks take ids and are safe to run twice."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from tandem.crm.models import OrgUser


@task()
def send_invitation(member_id: int) -> bool:
    """Email the activation link of a pending invitation (nothing if it was withdrawn)."""
    from tandem.crm.actions.people import invitation_token

    member = (
        OrgUser.objects.select_related("org", "user", "invited_by")
        .filter(pk=member_id, state=OrgUser.State.INVITED)
        .first()
    )
    if member is None:
        return False
    url = settings.BASE_URL + reverse("crm:invitation", args=[invitation_token(member)])
    inviter = member.invited_by.display_name if member.invited_by else member.org.name
    with translation.override(member.user.language or "en"):
        subject = _("%(inviter)s invites you to %(org)s on Tandem") % {
            "inviter": inviter,
            "org": member.org.name,
        }
        body = _(
            "%(inviter)s invites you to work in the CRM of %(org)s.\n\n"
            "Open this link to accept the invitation:\n%(url)s\n\n"
            "The link is valid for 14 days."
        ) % {"inviter": inviter, "org": member.org.name, "url": url}
    send_mail(subject, body, None, [member.user.email])
    return True


@task()
def run_import(job_id: int) -> str:
    """Run a queued CSV import (see actions.imports.run_import)."""
    from tandem.crm.actions.imports import run_import as run

    return run(job_id).state
