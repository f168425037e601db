"""Desk's background work: emails out (after commit, idempotent) and the SLA clock."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext
from django_tasks import task

from tandem.identity import invitations
from tandem.web.periodic import every


@task()
def send_invitation(agent_id: int) -> None:
    from tandem.desk import links
    from tandem.desk.models import Agent

    agent = (
        Agent.objects.select_related("portal", "user", "invited_by__user")
        .filter(pk=agent_id)
        .first()
    )
    if agent is None or agent.state != Agent.State.INVITED:
        return
    inviter = agent.invited_by.user.display_name if agent.invited_by else agent.portal.name
    invitations.send_invitation(
        agent.user,
        inviter=inviter,
        place=agent.portal.name,
        product="Tandem Desk",
        role=Agent.Role(agent.role).label,  # lazy: rendered in the invitee's language
        url=links.invitation_url(agent),
    )


@task()
def send_thread_email(thread_id: int) -> None:
    """Send a reply or forward. Idempotent: a thread already sent is not sent twice."""
    from tandem.desk import links
    from tandem.desk.models import Thread

    with transaction.atomic():
        thread = (
            Thread.objects.select_for_update()
            .select_related("ticket__portal")
            .filter(pk=thread_id, sent_at__isnull=True)
            .first()
        )
        if thread is None:
            return
        ticket = thread.ticket
        context = {"thread": thread, "ticket": ticket, "url": _customer_link(thread, links)}
        html = _for_customer(ticket.portal, "desk/email/thread.html", context)
        headers = {"Message-ID": thread.message_id}
        if thread.in_reply_to:
            headers["In-Reply-To"] = thread.in_reply_to
        if thread.references:
            headers["References"] = thread.references
        message = EmailMultiAlternatives(
            thread.subject,
            strip_tags(html),
            from_email=f"{ticket.portal.name} <{_address()}>",
            to=thread.to,
            cc=thread.cc,
            headers=headers,
        )
        message.attach_alternative(html, "text/html")
        for attachment in thread.attachments.all():
            with attachment.file.open("rb") as f:
                message.attach(attachment.name, f.read(), attachment.content_type)
        message.send()
        thread.sent_at = timezone.now()
        thread.save(update_fields=["sent_at"])


def _for_customer(portal, template: str, context: dict) -> str:
    """An email body in the portal's customer language (a worker has no request to say)."""
    with translation.override(portal.customer_language):
        return render_to_string(template, context)


def _customer_link(thread, links) -> str:
    """The signed link to the customer's ticket page, or "" when this email must not carry it.

    The link is a bearer credential: whoever holds it reads the public conversation and replies
    as the customer. One message has one body, so every recipient sees what the customer sees.
    So only a reply or reply-all addressed To the ticket's customer carries it, and only when
    everyone else on it (To and Cc) already took part in the customer's side of the
    conversation: the customer wrote from that address or copied it on one of their own
    messages (what reply-all fills in). A forward never does (it goes to a third party: a
    supplier, a colleague), nor does a reply whose To is someone else, even when the customer
    is in Cc, nor a reply to the customer on which the agent typed a new Cc: the email goes,
    without the link (the customer's next email has it again)."""
    email = _clean(thread.ticket.email)
    if thread.action not in (thread.Action.REPLY, thread.Action.REPLY_ALL) or not email:
        return ""
    to = {_clean(address) for address in thread.to}
    if email not in to:
        return ""
    others = (to | {_clean(address) for address in thread.cc}) - {email, ""}
    if others and not others <= _customer_side(thread.ticket, email):
        return ""
    return links.customer_url(thread.ticket)


def _clean(address) -> str:
    return str(address or "").strip().lower()


def _customer_side(ticket, email: str) -> set[str]:
    """The addresses on the customer's own incoming messages: their From and their Cc. Only
    the current customer's (not a supplier's answer to a forward, nor a previous customer's:
    see links.ticket_from), and only messages that answer one of our replies to the customer.
    A From line proves nothing (anyone can write one); answering our reply shows the sender
    got it, and only the customer's side did: a third party holding a forward knows only the
    forward's Message-ID. The first message of a ticket opened by email keeps no Cc."""
    from tandem.desk.models import Thread

    threads = ticket.threads
    replies = {Thread.Action.REPLY, Thread.Action.REPLY_ALL}
    ours = set(threads.filter(action__in=replies).values_list("message_id", flat=True))
    incoming = threads.filter(action=Thread.Action.INCOMING, in_reply_to__in=ours - {""})
    side = {email}
    for sender, cc in incoming.values_list("from_email", "cc"):
        if _clean(sender) == email:
            side.update(_clean(address) for address in cc or [])
    return side


@task()
def send_rating_request(ticket_id: int) -> None:
    """Ask the customer of a closed ticket for a rating. Once per closing: a second run (a
    requeued task, the catch-up) sends nothing."""
    from tandem.desk.models import Ticket

    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("portal")
            .filter(pk=ticket_id)
            .first()
        )
        # Not for a ticket already rated (the demo's, or one closed again after a rating).
        if ticket is None or ticket.status != Ticket.Status.CLOSED or not ticket.email:
            return
        if ticket.rating or ticket.rating_requested_at:
            return
        _ask_for_rating(ticket)
        ticket.rating_requested_at = timezone.now()
        ticket.save(update_fields=["rating_requested_at"])


@every(300, name="desk.rating_catch_up")
@task()
def catch_up_rating_requests() -> int:
    """Rating requests whose task was lost (a failed enqueue, a worker killed mid-send) go out
    now: closed in the last two days, at least two minutes ago, unrated and never asked."""
    from datetime import timedelta

    from tandem.desk.models import Ticket

    now = timezone.now()
    missed = list(
        Ticket.objects.filter(
            status=Ticket.Status.CLOSED,
            rating__isnull=True,
            rating_requested_at__isnull=True,
            closed_at__gte=now - timedelta(days=2),
            closed_at__lte=now - timedelta(minutes=2),
        )
        .exclude(email="")
        .values_list("pk", flat=True)[:500]
    )
    for pk in missed:
        send_rating_request.enqueue(pk)
    return len(missed)


def _ask_for_rating(ticket) -> None:
    from tandem.desk import links

    context = {"ticket": ticket, "rating_url": links.rating_url(ticket)}
    context["url"] = links.customer_url(ticket)
    body = _for_customer(ticket.portal, "desk/email/closed.txt", context)
    with translation.override(ticket.portal.customer_language):
        subject = gettext("[#%(number)s] %(subject)s — how did we do?") % {
            "number": ticket.number,
            "subject": ticket.subject,
        }
    EmailMultiAlternatives(
        subject,
        body,
        from_email=f"{ticket.portal.name} <{_address()}>",
        to=[ticket.email],
    ).send()


@task()
def send_acknowledgement(ticket_id: int) -> None:
    """Tell a customer who wrote in that their request is ticket #N, threaded under their
    message. Sent once: the "acknowledged" history event is the record that it went."""
    from django.core.mail import make_msgid

    from tandem.desk import links
    from tandem.desk.actions.conversation import mail_domain
    from tandem.desk.actions.tickets import event
    from tandem.desk.models import Ticket

    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update().select_related("portal").filter(pk=ticket_id).first()
        )
        if ticket is None or not ticket.email or ticket.events.filter(kind="acknowledged"):
            return
        headers = {
            "Message-ID": make_msgid(f"desk-{ticket.portal_id}-{ticket.pk}-ack", mail_domain()),
            "Auto-Submitted": "auto-replied",  # RFC 3834: other robots must not answer it
        }
        if ticket.message_id:
            headers["In-Reply-To"] = headers["References"] = ticket.message_id
        context = {"ticket": ticket, "url": links.customer_url(ticket)}
        EmailMultiAlternatives(
            f"Re: [#{ticket.number}] {ticket.subject}",
            _for_customer(ticket.portal, "desk/email/acknowledgement.txt", context),
            from_email=f"{ticket.portal.name} <{_address()}>",
            to=[ticket.email],
            headers=headers,
        ).send()
        event(ticket, "acknowledged", label="System", changes={"to": (None, ticket.email)})


@task()
def delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


@every(300, name="desk.resend_unsent")
@task()
def resend_unsent() -> int:
    """Retry emails whose sending failed (SMTP down, worker killed): a thread stays unsent
    until a send succeeds, and sending is idempotent, so re-enqueueing is safe."""
    from datetime import timedelta

    from tandem.desk.models import Thread

    now = timezone.now()
    stuck = Thread.objects.filter(
        sent_at__isnull=True,
        created_at__lt=now - timedelta(minutes=2),
        created_at__gt=now - timedelta(days=2),
    ).exclude(action=Thread.Action.INCOMING)
    ids = list(stuck.values_list("pk", flat=True)[:200])
    for pk in ids:
        send_thread_email.enqueue(pk)
    return len(ids)


@every(10, name="desk.search_merge")
@task()
def merge_search_index() -> None:
    """Keep the subject search index compact, a little at a time (see desk.search)."""
    from tandem.desk import search

    search.merge()


# Every 15 s: the sweep walks three partial indexes, so a ticket turns overdue (and the CRM
# hears of it) within seconds of its due date at little cost.
@every(15, name="desk.sla_sweep")
@task()
def sla_sweep() -> dict:
    from tandem.desk.actions import do_sla_sweep

    return do_sla_sweep()


def _address() -> str:
    sender = settings.DEFAULT_FROM_EMAIL
    return sender[sender.find("<") + 1 : sender.rfind(">")] if "<" in sender else sender
