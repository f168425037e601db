"""The demo's Desk signals (CONTRACT §2, "a few SalesSignals"): three unread ones for
admin@acme.test about acme-support tickets, worded as the drain words them. Idempotent."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from tandem.crm import actions as crm_actions
from tandem.crm import queries as crm
from tandem.desk import queries as desk
from tandem.integration import queries
from tandem.integration.signals import kinds as signal_kinds

# (kind, what the customer wrote) for the newest demo tickets with a customer.
SAMPLES = (
    ("new_ticket", "Hello, our invoices since March show the wrong VAT number. Can you fix it?"),
    ("new_reply", "Thanks for the quick answer. It still happens on the second printer."),
    ("overdue", ""),
)


def load(people: dict) -> None:
    admin = people["admin@acme.test"]
    member = crm.membership(admin, None, "acme").member
    link = queries.active_integration(member.org_id)
    if link is None or crm.signals_for(member).filter(source=signal_kinds.SOURCE).exists():
        return
    tickets = desk.portal_tickets(link.portal_id).exclude(email="").order_by("-id")
    for (kind, text), ticket in zip(SAMPLES, tickets[: len(SAMPLES)], strict=False):
        event = {
            "id": 0,
            "author_label": ticket.email,
            "changes": {},
            "text": text,
            "ticket": {"id": ticket.pk, "number": ticket.number, "subject": ticket.subject},
        }
        with translation.override(admin.language or "en"):
            title, body = signal_kinds.words(kind, event)
        crm_actions.do_send_signal(
            org=member.org,
            user_ids=[admin.pk],
            source=signal_kinds.SOURCE,
            kind=kind,
            title=title,
            body=body,
            url=reverse("crm:signals", args=[member.org.slug]),
            data={"ticket_id": ticket.pk, "ticket_number": ticket.number},
        )
