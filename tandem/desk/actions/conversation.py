"""The conversation on a ticket: replies and forwards (real emails), comments, attachments,
and what customers send back."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import make_msgid
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.desk import sniff
from tandem.desk.actions._base import DESK, me, record_change, sanitize, user_of
from tandem.desk.actions.tickets import (
    apply_changes,
    event,
    lock_ticket,
    require_can_see,
    require_can_work,
)
from tandem.desk.ids import as_id
from tandem.desk.models import Attachment, Comment, Thread, Ticket
from tandem.web.errors import Problem


def mail_domain() -> str:
    sender = settings.DEFAULT_FROM_EMAIL
    return sender.rsplit("@", 1)[-1].strip(" >") if "@" in sender else "tandem.localhost"


def _addresses(values, field: str) -> list[str]:
    if isinstance(values, str):
        values = [v for v in values.replace(";", ",").split(",")]
    clean = []
    for value in values or []:
        value = str(value).strip().lower()
        if not value:
            continue
        try:
            validate_email(value)
        except ValidationError:
            message = _("%(value)s is not an email address.") % {"value": repr(value)}
            raise Problem.invalid({field: [message]}) from None
        if value not in clean:
            clean.append(value)
    return clean


def _last_message(ticket: Ticket) -> Thread | None:
    return ticket.threads.exclude(message_id="").order_by("-id").first()


def _thread_refs(ticket: Ticket) -> tuple[str, str]:
    """In-Reply-To and References for the next message, so mail clients thread it."""
    last = _last_message(ticket)
    if last is None:
        return ticket.message_id, ticket.message_id
    refs = " ".join(r for r in (last.references, last.message_id) if r).split()
    return last.message_id, " ".join(refs[-20:])


@transaction.atomic
def do_send_thread(
    *,
    actor,
    ticket: Ticket,
    action: str,
    to=(),
    cc=(),
    content: str,
    uploads=(),
    attachment_ids=(),
    origin: str = DESK,
) -> Thread:
    """Reply, Reply all or Forward: a real email, sent after commit, with `uploads` attached
    and the ticket's files `attachment_ids` (uploaded before, not yet part of an email)."""
    agent = me(ticket.portal_id, actor)
    lock_ticket(ticket)  # first: where the ticket is now, and first_response_at as stored
    require_can_work(agent, ticket)
    if action not in ("reply", "reply_all", "forward"):
        raise Problem.invalid({"action": [_("Choose reply, reply_all or forward.")]})
    content = sanitize(content)
    if not content.strip():
        raise Problem.invalid({"content": [_("Write something to send.")]})
    to, cc = _addresses(to, "to"), _addresses(cc, "cc")
    last_in = ticket.threads.filter(action=Thread.Action.INCOMING).order_by("-id").first()
    if action != "forward" and not to and ticket.email:
        to = [ticket.email]
    if action == "reply_all" and not cc and last_in is not None:
        cc = [a for a in last_in.cc if a not in to]
    if not to:
        raise Problem.invalid({"to": [_("Say who receives this email.")]})
    in_reply_to, references = _thread_refs(ticket)
    now = timezone.now()
    prefix = "Fwd" if action == "forward" else "Re"
    thread = Thread.objects.create(
        ticket=ticket,
        action=action,
        author=user_of(agent),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        cc=cc,
        subject=f"{prefix}: [#{ticket.number}] {ticket.subject}"[:255],
        content=content,
        message_id=make_msgid(f"desk-{ticket.portal_id}-{ticket.pk}", mail_domain()),
        in_reply_to=in_reply_to,
        references=references,
        created_at=now,
    )
    changes: dict = {}
    if action != "forward" and ticket.first_response_at is None:
        changes["first_response_at"] = now
        ticket.first_response_seconds = int((now - ticket.created_at).total_seconds())
    _claim_files(ticket, thread, attachment_ids)
    stored: list[str] = []
    try:
        for upload in uploads:
            attachment = store_attachment(ticket, upload, user=user_of(agent), thread=thread)
            stored.append(attachment.file.name)
        event(ticket, "forwarded" if action == "forward" else "replied", actor=agent)
        if changes:
            apply_changes(ticket, changes, actor=agent, origin=origin)
        record_change(
            ticket.portal_id, "ticket", ticket.pk, "update", ["threads"], origin, actor=agent
        )
    except BaseException:
        _delete_files(stored)  # the transaction rolls back: no file may outlive its row
        raise
    from tandem.desk import tasks
    from tandem.web.tasks import enqueue_on_commit

    # Never raises: a failed enqueue leaves the thread unsent, and resend_unsent retries it.
    enqueue_on_commit(tasks.send_thread_email, thread.id)
    return thread


def _claim_files(ticket: Ticket, thread: Thread, attachment_ids) -> None:
    """Make the ticket's files `attachment_ids` part of `thread`'s email. One UPDATE that only
    takes files still free, so two emails sent at once cannot both claim a file."""
    if not attachment_ids:
        return
    ids = [as_id(value) for value in attachment_ids]
    unsendable = {"attachment_ids": [_("Only files of this ticket not yet sent with an email.")]}
    if None in ids:
        raise Problem.invalid(unsendable)
    wanted = set(ids)
    claimed = ticket.attachments.filter(pk__in=wanted, thread__isnull=True).update(thread=thread)
    if claimed != len(wanted):
        raise Problem.invalid(unsendable)  # the transaction rolls the claims back


@transaction.atomic
def do_add_comment(
    *, actor, ticket: Ticket, content: str, is_public: bool = False, origin: str = DESK
) -> Comment:
    """Every agent who sees the ticket may comment, Light Agents included; but a public
    comment is shown to the customer on their ticket page, and a Light Agent never speaks to
    the customer (the role's meaning in the help desks it comes from)."""
    agent = me(ticket.portal_id, actor)
    require_can_see(agent, ticket)
    if is_public and not agent.can_reply:
        raise Problem(
            403,
            _(
                "Light Agents can only comment privately: a public comment reaches the "
                "customer. Ask an agent to answer them."
            ),
        )
    content = sanitize(content)
    if not content.strip():
        raise Problem.invalid({"content": [_("Write a comment first.")]})
    comment = Comment.objects.create(
        ticket=ticket, author=user_of(agent), content=content, is_public=bool(is_public)
    )
    event(ticket, "commented", actor=agent, changes={"is_public": (None, comment.is_public)})
    record_change(
        ticket.portal_id, "ticket", ticket.pk, "update", ["comments"], origin, actor=agent
    )
    return comment


def vet_upload(upload) -> tuple[str, str]:
    """(name, content type) of a file Desk accepts: size-limited, its type read from its bytes
    (never its name). Refused with the field `file` otherwise. The integration checks a file
    meant for a ticket with this too, when it arrives."""
    limit = settings.TANDEM_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise Problem(
            413,
            _("The file is larger than the %(size)s MB allowed.")
            % {"size": limit // (1024 * 1024)},
            {"file": [_("Too large.")]},
        )
    head = upload.read(2048)
    upload.seek(0)
    content_type = sniff.content_type(head)
    if content_type is None:
        raise Problem.invalid(
            {"file": [_("This kind of file is not accepted (images, PDF, text, office files).")]}
        )
    return os.path.basename(str(upload.name or "file")).strip()[:200] or "file", content_type


def store_attachment(ticket: Ticket, upload, *, user=None, thread=None) -> Attachment:
    """Vetted (vet_upload), stored under MEDIA_ROOT."""
    name, content_type = vet_upload(upload)
    attachment = Attachment(
        ticket=ticket,
        thread=thread,
        name=name,
        size=upload.size,
        content_type=content_type,
        uploaded_by=user,
    )
    attachment.file.save(name, upload, save=False)
    try:
        attachment.save()
    except BaseException:
        _delete_files([attachment.file.name])
        raise
    return attachment


def _delete_files(names) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


@transaction.atomic
def do_attach(*, actor, ticket: Ticket, upload, origin: str = DESK) -> Attachment:
    """A file on the ticket (internal until an email sends it). Working on the ticket: Light
    Agents may not, as their comments carry text only; checked before anything is stored."""
    agent = me(ticket.portal_id, actor)
    require_can_work(agent, ticket)
    attachment = store_attachment(ticket, upload, user=user_of(agent))
    try:
        event(ticket, "attached", actor=agent, changes={"file": (None, attachment.name)})
        record_change(
            ticket.portal_id, "ticket", ticket.pk, "update", ["attachments"], origin, actor=agent
        )
    except BaseException:
        _delete_files([attachment.file.name])  # the transaction rolls back
        raise
    return attachment


@transaction.atomic
def file_incoming(
    ticket: Ticket,
    *,
    from_email: str,
    content: str,
    subject: str = "",
    cc=(),
    message_id: str = "",
    in_reply_to: str = "",
    references: str = "",
) -> Thread:
    """A customer's message on a ticket (email or the ticket page). Reopens a closed ticket."""
    lock_ticket(ticket)
    thread = Thread.objects.create(
        ticket=ticket,
        action=Thread.Action.INCOMING,
        from_email=from_email[:254],
        to=[settings.DEFAULT_FROM_EMAIL],
        cc=list(cc),
        subject=(subject or ticket.subject)[:255],
        content=sanitize(content),
        message_id=(message_id or make_msgid("desk-in", mail_domain()))[:255],
        in_reply_to=in_reply_to[:255],
        references=references,
    )
    event(ticket, "customer_replied", label=from_email)
    if ticket.status == Ticket.Status.CLOSED:
        apply_changes(ticket, {"status": Ticket.Status.OPEN}, label=from_email)
    record_change(ticket.portal_id, "ticket", ticket.pk, "update", ["threads"], DESK)
    return thread


@transaction.atomic
def file_customer_reply(*, ticket: Ticket, content: str) -> Thread:
    """A reply typed on the customer's signed ticket page (plain text)."""
    from django.utils.html import escape, linebreaks

    # The link was for the customer the ticket had when the page was read: still theirs?
    lock_ticket(ticket, same_customer=True)
    return file_incoming(
        ticket, from_email=ticket.email or "customer", content=linebreaks(escape(content))
    )
