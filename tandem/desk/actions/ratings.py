"""The customer's rating of a closed ticket, from the signed link in the closing email."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.desk.actions.tickets import apply_changes, lock_ticket
from tandem.desk.models import Ticket
from tandem.web.errors import Problem

RATING_DAYS = 30  # the link in the closing email works this long after the ticket closed

# The messages take {"days": RATING_DAYS} (formatted when refusing, in the asker's language).
RATING_REFUSALS = {
    "not_closed": _("This ticket is not closed: it can be rated once it is closed."),
    "expired": _("Ratings are taken for %(days)s days after a ticket closes."),
}


def rating_refusal(ticket: Ticket, now=None) -> str | None:
    """Why the ticket cannot be rated now (a key of RATING_REFUSALS), or None."""
    if ticket.status != Ticket.Status.CLOSED:
        return "not_closed"
    closed_at = ticket.closed_at
    if closed_at and (now or timezone.now()) - closed_at > timedelta(days=RATING_DAYS):
        return "expired"
    return None


@transaction.atomic
def do_rate_ticket(*, ticket: Ticket, rating: str, comment: str = "") -> Ticket:
    """The customer's rating from the signed link in the closing email: only while the ticket
    is Closed, and for RATING_DAYS after it closed (409 otherwise)."""
    lock_ticket(ticket, same_customer=True)
    reason = rating_refusal(ticket)
    if reason:
        raise Problem(409, RATING_REFUSALS[reason] % {"days": RATING_DAYS})
    if rating not in Ticket.Rating.values:
        raise Problem.invalid({"rating": [_("Choose good, okay or bad.")]})
    ticket.rated_at = timezone.now()
    new = {"rating": rating, "rating_comment": (comment or "").strip()[:2000]}
    return apply_changes(ticket, new, label=ticket.email or "Customer")
