"""Writes made in Desk with an agent's authority on behalf of someone who is no agent here
(a person of another app the portal is linked to): recorded under that person, by name."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tandem.desk.actions._base import DESK, me, record_change, sanitize
from tandem.desk.actions.tickets import event, lock_ticket, require_can_see
from tandem.desk.models import Comment, Ticket
from tandem.web.errors import Problem


@transaction.atomic
def do_comment_on_behalf(
    *, actor, ticket: Ticket, content: str, author, author_label: str, origin: str = DESK
) -> Comment:
    """A private comment written by `author` (a User who need not be an agent of the portal),
    allowed by `actor`'s authority (an active agent who sees the ticket). The comment carries
    the author; the conversation and the history show `author_label`, e.g. "Ana Díaz (CRM)".
    Private only: who is not an agent never speaks to the customer."""
    authority = me(ticket.portal_id, actor)
    lock_ticket(ticket)
    require_can_see(authority, ticket)
    content = sanitize(content or "")
    if not content.strip():
        raise Problem.invalid({"content": [_("Write a comment first.")]})
    comment = Comment.objects.create(
        ticket=ticket, author=author, content=content, is_public=False, shown_as=author_label[:200]
    )
    event(
        ticket,
        "commented",
        actor=author,
        label=author_label[:200],
        shown_as=author_label,
        changes={"is_public": (None, False)},
    )
    record_change(
        ticket.portal_id, "ticket", ticket.pk, "update", ["comments"], origin, actor=author
    )
    return comment
