"""CSV export of a ticket view: every ticket of it, streamed in batches by keyset."""

from __future__ import annotations

from collections.abc import Iterator

from tandem.desk.models import Ticket
from tandem.web.csvexport import safe_cell, stream_csv

HEADER = [
    "number", "subject", "status", "priority", "channel", "department", "contact", "email",
    "account", "product", "assignee", "due_date", "is_overdue", "is_escalated", "created_at",
    "first_response_at", "closed_at", "rating",
]  # fmt: skip


def _when(value) -> str:
    return value.isoformat() if value else ""


def _row(t: Ticket) -> list:
    text = [
        t.subject,
        t.status,
        t.priority,
        t.channel,
        t.department.name,
        t.contact.name if t.contact else "",
        t.email,
        t.account.account_name if t.account else "",
        t.product.product_name if t.product else "",
        t.assignee.user.email if t.assignee else "",
    ]
    return [
        t.number,
        *[safe_cell(v) for v in text],
        _when(t.due_date),
        t.overdue_now,
        t.is_escalated,
        _when(t.created_at),
        _when(t.first_response_at),
        _when(t.closed_at),
        t.rating or "",
    ]


def export_tickets(qs, order) -> Iterator[str]:
    related = ("contact", "account", "product", "assignee__user", "department")
    return stream_csv(
        qs.select_related(*related), order, HEADER, lambda batch: [_row(t) for t in batch]
    )
