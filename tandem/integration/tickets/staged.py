"""Files for a ticket not yet created: a CRM user uploads them first (`POST desk/attachments`),
then names them in New Ticket's `attachment_ids`; the ticket takes them into Desk as its
attachments. The same checks as Desk's own uploads, made when the file arrives, so a refused
file is said at once, not when the ticket is sent."""

from __future__ import annotations

from datetime import timedelta

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.desk import actions as desk
from tandem.integration.actions import ORIGIN
from tandem.integration.models import StagedFile
from tandem.integration.tickets.access import Reader
from tandem.web.errors import Problem

KEPT_FOR = timedelta(days=1)  # an unclaimed file is swept after this
MOST_PER_TICKET = 10


def _delete_files(names) -> None:
    for name in names:
        default_storage.delete(name)


@transaction.atomic
def do_stage_file(*, reader: Reader, upload) -> StagedFile:
    """Only those who may create tickets (Agents and Admins) upload for one (I7)."""
    reader.require_work()
    if upload is None:
        raise Problem.invalid({"file": [_("Choose a file to attach.")]})
    name, content_type = desk.vet_upload(upload)  # as Desk checks its own, at once
    staged = StagedFile(
        integration=reader.link,
        uploaded_by=reader.member.user,
        name=name,
        size=upload.size,
        content_type=content_type,
    )
    staged.file.save(name, upload, save=False)
    try:  # the row and the file stand or fall together
        staged.save()
    except BaseException:
        _delete_files([staged.file.name])
        raise
    return staged


def attach_staged(reader: Reader, ticket, ids) -> None:
    """Move the person's staged files `ids` onto the new ticket (inside its transaction): each
    id must be a file this person staged for this integration, and is used once."""
    if not ids:
        return
    try:
        wanted = {int(i) for i in ids}
    except (TypeError, ValueError):
        wanted = {None}
    unusable = {
        "attachment_ids": [
            _("Name files you uploaded with POST desk/attachments and have not used yet.")
        ]
    }
    if None in wanted or len(wanted) > MOST_PER_TICKET:
        raise Problem.invalid(unusable)
    staged = list(
        StagedFile.objects.select_for_update().filter(
            pk__in=wanted, integration=reader.link, uploaded_by=reader.member.user
        )
    )
    if len(staged) != len(wanted):
        raise Problem.invalid(unusable)
    for item in staged:
        with item.file.open("rb") as handle:
            upload = File(handle, name=item.name)
            desk.do_attach(actor=reader.agent, ticket=ticket, upload=upload, origin=ORIGIN)
    names = [item.file.name for item in staged]
    StagedFile.objects.filter(pk__in=[item.pk for item in staged]).delete()
    transaction.on_commit(lambda: _delete_files(names))


def sweep_unclaimed(now=None) -> int:
    """Files staged more than a day ago and never used: gone, row and bytes."""
    old = StagedFile.objects.filter(created_at__lt=(now or timezone.now()) - KEPT_FOR)
    batch = list(old.values_list("pk", "file")[:500])
    StagedFile.objects.filter(pk__in=[pk for pk, _name in batch]).delete()
    _delete_files(name for _pk, name in batch)
    return len(batch)
