"""The six Desk notifications of SalesSignals (I23) and what each Desk ticket event means:
which kinds it raises, and the words of each, in the recipient's language."""

from __future__ import annotations

from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SOURCE = "desk"
# Setup > Channels > SalesSignals lists them in this order, as the help pages do.
KINDS = {
    "new_ticket": gettext_lazy("New ticket"),
    "new_comment": gettext_lazy("New comment"),
    "new_reply": gettext_lazy("New reply"),
    "overdue": gettext_lazy("Ticket overdue"),
    "escalated": gettext_lazy("Ticket escalated"),
    "new_rating": gettext_lazy("New rating"),
}
EXCERPT = 300


def _became_true(changes: dict, field: str) -> bool:
    old_new = changes.get(field)
    return bool(old_new) and not old_new[0] and bool(old_new[1])


def kinds_of(event: dict) -> list[str]:
    """What a Desk ticket event (desk.queries.ticket_activity_after) raises. New tickets,
    replies, comments and ratings count only when the customer wrote them (email in, their
    ticket page, the rating page); agents' never do. Overdue and escalated count whoever
    caused them (the SLA clock or an agent)."""
    kind, author, changes = event["kind"], event["author"], event["changes"] or {}
    found = []
    if kind == "created" and author == "customer":
        found.append("new_ticket")
    elif kind == "customer_replied" and author == "customer":
        found.append("new_reply")
    elif kind in ("updated", "closed"):
        if author == "customer":
            rating = changes.get("rating")
            if rating and rating[1]:
                found.append("new_rating")
            comment = changes.get("rating_comment")
            if comment and (comment[1] or "").strip():
                found.append("new_comment")
        if _became_true(changes, "is_overdue"):
            found.append("overdue")
        if _became_true(changes, "is_escalated"):
            found.append("escalated")
    return found


def excerpt(html: str) -> str:
    text = " ".join(strip_tags(html or "").split())
    return Truncator(text).chars(EXCERPT)


RATINGS = {
    "good": gettext_lazy("Good"),
    "okay": gettext_lazy("Okay"),
    "bad": gettext_lazy("Bad"),
}


def words(kind: str, event: dict) -> tuple[str, str]:
    """(title, body) of a signal, in the active language (the caller activates the
    recipient's)."""
    ticket = event["ticket"]
    names = {"number": ticket["number"], "subject": ticket["subject"]}
    customer = event.get("author_label") or ticket.get("email") or _("The customer")
    changes = event.get("changes") or {}
    if kind == "new_ticket":
        title = _("New ticket #%(number)s: %(subject)s") % names
        body = _("%(customer)s wrote: %(text)s") % {
            "customer": customer,
            "text": excerpt(event.get("text", "")),
        }
    elif kind == "new_reply":
        title = _("New reply on ticket #%(number)s: %(subject)s") % names
        body = _("%(customer)s wrote: %(text)s") % {
            "customer": customer,
            "text": excerpt(event.get("text", "")),
        }
    elif kind == "new_comment":
        title = _("New comment on ticket #%(number)s: %(subject)s") % names
        body = _("%(customer)s commented with their rating: %(text)s") % {
            "customer": customer,
            "text": excerpt((changes.get("rating_comment") or ["", ""])[1]),
        }
    elif kind == "new_rating":
        rating = (changes.get("rating") or ["", ""])[1]
        title = _("Ticket #%(number)s rated %(rating)s: %(subject)s") % {
            **names,
            "rating": RATINGS.get(rating, rating),
        }
        body = _("%(customer)s rated the support they received.") % {"customer": customer}
    elif kind == "overdue":
        title = _("Ticket #%(number)s is overdue: %(subject)s") % names
        body = _("The ticket passed its due date.")
    else:
        title = _("Ticket #%(number)s was escalated: %(subject)s") % names
        body = _("The ticket was escalated.")
    return str(title), str(body)
