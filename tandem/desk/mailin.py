"""Email in: `tandem mail-in --portal SLUG` files one RFC 822 message read from stdin (the way
an MTA pipes mail) as a new ticket or as a reply on the ticket it answers."""

from __future__ import annotations

import email
import email.errors
import email.policy
import logging
import re
import sys
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.html import escape, linebreaks

from tandem.desk import actions, queries
from tandem.desk.limits import DESCRIPTION_MAX, SUBJECT_MAX, THREAD_MAX
from tandem.desk.models import Thread, Ticket
from tandem.web.errors import Problem

# sysexits.h: what an MTA understands. 65 bounces the message, 67 says "no such mailbox",
# 75 keeps it in the queue to try again later.
EX_OK, EX_DATAERR, EX_NOUSER, EX_TEMPFAIL = 0, 65, 67, 75
MAX_MESSAGE_BYTES = 50 * 1024 * 1024
TICKET_TAG = re.compile(r"\[#(\d+)\]")
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
# What the stdlib's header parser raises on a header it cannot read: `From: "a" <` is an
# IndexError deep inside email._header_value_parser; others give ValueError or TypeError.
HEADER_ERRORS = (
    LookupError,  # IndexError, KeyError, an unknown charset
    ValueError,  # UnicodeError too
    TypeError,
    email.errors.MessageError,  # HeaderParseError
)
# The headers this module reads (keep in step with the code below), and those a MIME part is
# read by (get_body, iter_attachments, get_filename). parse() reads them all up front.
READ_HEADERS = ("From", "Cc", "Subject", "Message-ID", "In-Reply-To", "References",
                "Auto-Submitted", "Precedence", "Return-Path")  # fmt: skip
PART_HEADERS = ("Content-Type", "Content-Disposition", "Content-Transfer-Encoding")

log = logging.getLogger("tandem.desk.mailin")
# NUL and lone surrogates: no database stores them (PostgreSQL refuses NUL; a header with raw
# 8-bit bytes comes out of the parser with surrogate escapes). A NUL is dropped, a surrogate
# becomes U+FFFD, in every header and part we store: refusing them would refuse the mail.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# The body is cut below its limit with room for what sanitising adds (entities, closing tags).
BODY_ROOM = 0.9
OVERFLOW_NOTE = "<p>[The message is longer than shown here; all of it is attached: %(names)s.]</p>"


def clean(value) -> str:
    return UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", str(value or ""))


class Malformed(Exception):
    """The input is not a message we can file; nothing was written."""


def parse(raw: bytes) -> EmailMessage:
    if not raw.strip():
        raise Malformed("the message is empty")
    if len(raw) > MAX_MESSAGE_BYTES:
        raise Malformed("the message is larger than 50 MB")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if not message.keys() or any(
        type(d).__name__ in ("MissingHeaderBodySeparatorDefect",) for d in message.defects
    ):
        raise Malformed("no message headers found (is this an RFC 822 message?)")
    # A header is parsed each time it is read, the same way each time: read the ones we use
    # now, so one the parser chokes on makes a Malformed message, not a traceback halfway
    # through filing. Headers we never read (a broken Reply-To) do not refuse the message.
    for part in message.walk():
        for name in READ_HEADERS + PART_HEADERS if part is message else PART_HEADERS:
            try:
                [str(value) for value in part.get_all(name, [])]
            except HEADER_ERRORS as exc:
                raise Malformed(f"the {name} header cannot be read ({_why(exc)})") from None
    try:
        sender = parseaddr(str(message.get("From", "")))[1]
    except HEADER_ERRORS:
        sender = ""
    if "@" not in sender:
        raise Malformed("the message has no valid From address")
    return message


def _why(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def body_html(message: EmailMessage) -> str:
    """The message text as (unsanitised) HTML: the HTML part if any, else the plain text."""
    part = message.get_body(preferencelist=("html", "plain"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):
        # An unknown or lying charset: keep what can be read rather than drop the message.
        content = part.get_payload(decode=True).decode("utf-8", errors="replace")
    if part.get_content_type() == "text/html":
        return clean(content)
    return clean(linebreaks(escape(content.strip())))


def body_and_overflow(message: EmailMessage, limit: int) -> tuple[str, list[SimpleUploadedFile]]:
    """The body as HTML, cut to fit `limit`, and — when it was cut — the whole body as text
    files to attach (each under the upload limit): an oversized mail is kept, not refused, and
    the ticket stays light enough for its lists and pages."""
    content = body_html(message)
    room = int(limit * BODY_ROOM)
    if len(content) <= room:
        return content, []
    # Stored as text, never as a page to render: an HTML source gets a first line saying so.
    data = ("HTML source of the message:\n" + content).encode()
    step = settings.TANDEM_MAX_UPLOAD_BYTES
    pieces = [data[i : i + step] for i in range(0, len(data), step)]
    names = (
        ["message.txt"]
        if len(pieces) == 1
        else [f"message-{n}.txt" for n in range(1, len(pieces) + 1)]
    )
    files = [
        SimpleUploadedFile(n, p, content_type="text/plain")
        for n, p in zip(names, pieces, strict=True)
    ]
    note = OVERFLOW_NOTE % {"names": ", ".join(names)}
    return content[: room - len(note)] + note, files


def attachments(message: EmailMessage) -> list[SimpleUploadedFile]:
    files = []
    for part in message.iter_attachments():
        data = part.get_payload(decode=True)
        if data is None:
            continue
        name = clean(part.get_filename()) or f"attachment-{len(files) + 1}"
        files.append(SimpleUploadedFile(name, data, content_type=clean(part.get_content_type())))
    return files


def _ids(value) -> list[str]:
    return [i[:255] for i in MESSAGE_ID.findall(clean(value))]  # the columns' length


def is_automatic(message: EmailMessage) -> bool:
    """An auto-reply, bounce or list mail (RFC 3834 and common practice): never answered
    automatically, or two robots would mail each other forever."""
    submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    sender = parseaddr(str(message.get("From", "")))[1].lower()
    return (
        submitted != "no"
        or precedence in {"bulk", "junk", "list", "auto_reply"}
        or any(h in message for h in ("X-Autoreply", "X-Autorespond", "List-Id"))
        or str(message.get("Return-Path", "")).strip() == "<>"  # a bounce
        or sender.split("@")[0] in {"mailer-daemon", "postmaster"}
    )


def _cc(message: EmailMessage) -> list[str]:
    try:
        pairs = getaddresses([str(v) for v in message.get_all("Cc", [])])
    except HEADER_ERRORS as exc:  # parse() reads every header first; this is a second guard
        raise Malformed(f"the Cc header cannot be read ({_why(exc)})") from None
    return [clean(address) for _name, address in pairs if address]


def answered_ticket(portal, message: EmailMessage, sender: str) -> Ticket | None:
    """The ticket this message answers: by In-Reply-To/References, else by a [#number] tag
    in the subject when the sender is that ticket's customer."""
    refs = _ids(message.get("In-Reply-To")) + _ids(message.get("References"))
    if refs:
        thread = (
            Thread.objects.filter(ticket__portal=portal, message_id__in=refs)
            .select_related("ticket")
            .order_by("-id")
            .first()
        )
        if thread is not None:
            return thread.ticket
        ticket = Ticket.objects.filter(portal=portal, message_id__in=refs).first()
        if ticket is not None:
            return ticket
    tag = TICKET_TAG.search(str(message.get("Subject", "")))
    if tag:
        return Ticket.objects.filter(portal=portal, number=int(tag.group(1)), email=sender).first()
    return None


def file_message(portal, raw: bytes) -> tuple[str, Ticket]:
    """File one message. Returns ("new" | "reply" | "duplicate", ticket). All or nothing:
    the database rolls back, and attachment files already stored are removed."""
    stored: list[str] = []
    try:
        return _file_message(portal, raw, stored)
    except BaseException:
        from django.core.files.storage import default_storage

        for name in stored:
            default_storage.delete(name)
        raise


@transaction.atomic
def _file_message(portal, raw: bytes, stored: list[str]) -> tuple[str, Ticket]:
    message = parse(raw)
    name, sender = parseaddr(str(message["From"]))
    name, sender = clean(name), clean(sender).strip().lower()
    message_id = (_ids(message.get("Message-ID")) or [""])[0]
    if message_id:
        seen = Ticket.objects.filter(portal=portal, message_id=message_id).first() or next(
            (t.ticket for t in Thread.objects.filter(ticket__portal=portal, message_id=message_id)),
            None,
        )
        if seen is not None:
            return "duplicate", seen  # an MTA retry: filed once already
    subject = (clean(message.get("Subject", "")).strip() or "(no subject)")[:SUBJECT_MAX]
    files = attachments(message)
    ticket = answered_ticket(portal, message, sender)
    content, whole = body_and_overflow(message, THREAD_MAX if ticket else DESCRIPTION_MAX)
    files = whole + files
    if ticket is not None:
        cc = _cc(message)
        thread = actions.file_incoming(
            ticket,
            from_email=sender,
            content=content,
            subject=subject,
            cc=cc,
            message_id=message_id,
            in_reply_to=(_ids(message.get("In-Reply-To")) or [""])[0],
            references=" ".join(_ids(message.get("References"))),
        )
        outcome = "reply"
    else:
        thread = None
        known = queries.contacts_by_email(portal, sender)
        data = {"subject": subject, "description": content, "channel": "Email"}
        if known:
            data["contact_id"] = known[0].id
        else:
            first, _sp, last = (name or "").strip().rpartition(" ")
            data["contact"] = {"email": sender, "last_name": last[:100], "first_name": first[:100]}
        ticket = actions.file_ticket(
            portal=portal, data=data, label=sender[:200], acknowledge=not is_automatic(message)
        )
        ticket.message_id = message_id
        ticket.save(update_fields=["message_id"])
        outcome = "new"
    skipped = []
    for upload in files:
        try:
            stored.append(actions.store_attachment(ticket, upload, thread=thread).file.name)
        except Problem as exc:
            skipped.append(f"{upload.name}: {exc.detail}")
    if skipped:
        from tandem.desk.actions.tickets import event

        event(ticket, "attachment_refused", label=sender[:200], changes={"files": (None, skipped)})
    return outcome, ticket


def main(portal_slug: str, stream=None) -> int:
    """The command: read stdin, file it, say what happened; an exit code the MTA understands.
    An unexpected error (a bug, the database gone) is logged with its traceback and answered
    with EX_TEMPFAIL: the MTA keeps the message and tries again, nothing is lost or bounced.

    EX_TEMPFAIL for every unexpected error, bugs included, not EX_SOFTWARE (70) for those
    that are not a DatabaseError, OSError or ImproperlyConfigured: on 70 Postfix bounces at
    once and the customer's mail is lost to the help desk, while on 75 it stays queued (5 days
    by default, then it bounces anyway, so the sender always hears) and the deployment that
    fixes the bug files it. Which errors "can pass" is a guess (a bug in a dependency can look
    like anything); never losing a customer's mail is what counts. Redelivery files nothing
    twice: filing is one transaction (an error rolls it all back), enqueues after commit never
    raise (web.tasks.enqueue_on_commit), and a message filed once is recognised by its Message-ID.
    The cost is a failing message retried and logged with its traceback until then."""
    try:
        return _main(portal_slug, stream)
    except Exception as exc:  # the last resort: the MTA needs an exit code, not a traceback
        log.exception("mail-in for portal %r failed", portal_slug)
        print(f"tandem mail-in: failed ({_why(exc)}); try again later", file=sys.stderr)
        return EX_TEMPFAIL


def _main(portal_slug: str, stream=None) -> int:
    stream = stream or sys.stdin.buffer
    portal = queries.portal_by_slug(portal_slug)
    if portal is None:
        print(f"tandem mail-in: no portal {portal_slug!r}", file=sys.stderr)
        return EX_NOUSER
    raw = stream.read(MAX_MESSAGE_BYTES + 1)
    try:
        outcome, ticket = file_message(portal, raw)
    except Malformed as exc:
        print(f"tandem mail-in: rejected, {exc}; nothing was filed", file=sys.stderr)
        return EX_DATAERR
    except Problem as exc:
        print(f"tandem mail-in: rejected, {exc.text()}", file=sys.stderr)
        return EX_DATAERR
    words = {"new": "new ticket", "reply": "reply on ticket", "duplicate": "already filed as"}
    print(f"{words[outcome]} #{ticket.number} in {portal.slug}")
    return EX_OK
