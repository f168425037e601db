"""Pages for people without a Desk sign-in: customers (signed links) and invitees."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tandem.desk import actions, links, queries
from tandem.desk.models import Thread, Ticket
from tandem.web.errors import Problem

# What the customer sees of the conversation: the emails sent to them and their own messages.
# Forwards go to third parties (a supplier, a colleague) and stay internal, attachments included.
CUSTOMER_ACTIONS = (Thread.Action.REPLY, Thread.Action.REPLY_ALL, Thread.Action.INCOMING)


def _ticket(token: str, salt: str, request=None) -> Ticket:
    ticket = links.ticket_from(token, salt)
    if ticket is None:
        raise Http404("This link is invalid or the ticket no longer exists.")
    if request is not None:
        _speak_customer_language(request, ticket)
    return ticket


def _speak_customer_language(request, ticket: Ticket) -> None:
    """The customer's pages speak the portal's customer language, like its emails, unless the
    visitor picked a language with the switch (the cookie) or is signed in with their own."""
    chose = settings.LANGUAGE_COOKIE_NAME in request.COOKIES
    if not chose and not request.user.is_authenticated:
        translation.activate(ticket.portal.customer_language)
        request.LANGUAGE_CODE = translation.get_language()


@require_http_methods(["GET", "POST"])
def customer_ticket(request, token: str):
    """The customer's view of their ticket: the public conversation, and a reply box."""
    ticket = _ticket(token, links.CUSTOMER_SALT, request)
    error = ""
    if request.method == "POST":
        content = request.POST.get("content", "").strip()
        if not content:
            error = _("Write a reply first.")
        else:
            try:
                actions.file_customer_reply(ticket=ticket, content=content)
            except Problem as exc:  # the ticket was deleted or changed hands meanwhile
                raise Http404(exc.detail) from None
            messages.success(request, _("Your reply was sent."))
            return redirect(request.path)
    entries = sorted(
        [
            *queries.threads_of(ticket).filter(action__in=CUSTOMER_ACTIONS),
            *queries.comments_of(ticket, public_only=True),
        ],
        key=lambda e: e.created_at,
    )
    files = ticket.attachments.filter(thread__isnull=True, uploaded_by__isnull=True)
    context = {"ticket": ticket, "entries": entries, "error": error, "files": files, "token": token}
    return render(request, "desk/public/ticket.html", context)


def customer_file(request, token: str, attachment_id: int):
    """A file the customer may have: one emailed to them with a reply, or one they sent."""
    from django.db.models import Q
    from django.http import FileResponse

    ticket = _ticket(token, links.CUSTOMER_SALT)
    attachment = (
        ticket.attachments.filter(
            Q(thread__action__in=CUSTOMER_ACTIONS)
            | Q(thread__isnull=True, uploaded_by__isnull=True)
        )
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None:
        raise Http404("No such file on this ticket.")
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


@require_http_methods(["GET", "POST"])
def rate(request, token: str):
    ticket = _ticket(token, links.RATING_SALT, request)
    refusals = {
        "not_closed": _("This ticket is not closed yet. You can rate it once it is closed."),
        "expired": _("This rating link has expired."),
    }
    refusal = actions.rating_refusal(ticket)
    if refusal:
        context = {"ticket": ticket, "refusal": refusals[refusal]}
        status = 409 if request.method == "POST" else 200
        return render(request, "desk/public/rate.html", context, status=status)
    errors = {}
    if request.method == "POST":
        try:
            actions.do_rate_ticket(
                ticket=ticket,
                rating=request.POST.get("rating", ""),
                comment=request.POST.get("comment", ""),
            )
        except Problem as exc:
            if exc.status == 404:  # deleted or changed hands since the page was read
                raise Http404(exc.detail) from None
            errors = exc.errors or {"rating": [exc.detail]}
        else:
            return render(request, "desk/public/rated.html", {"ticket": ticket})
    choices = Ticket.Rating.choices
    context = {"ticket": ticket, "errors": errors, "choices": choices}
    return render(request, "desk/public/rate.html", context)


@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    """Accept an invitation: an existing person signs in and accepts; a new one sets a password."""
    try:
        agent = actions.invited_agent(token)
    except Problem as exc:
        return render(request, "desk/public/invitation.html", {"error": exc.detail}, status=404)
    invitee = agent.user
    new_person = not invitee.has_usable_password()
    errors: dict = {}
    if request.method == "POST":
        try:
            agent = actions.do_accept_invitation(
                token=token,
                user=request.user if request.user.is_authenticated else None,
                password=request.POST.get("password", ""),
                name=request.POST.get("name", ""),
            )
        except Problem as exc:
            errors = exc.errors or {"page": [exc.detail]}
        else:
            if not request.user.is_authenticated:
                login(request, invitee, backend="tandem.identity.backends.EmailBackend")
            return redirect("desk:tickets", agent.portal.slug)
    context = {"agent": agent, "new_person": new_person, "errors": errors}
    return render(request, "desk/public/invitation.html", context)
