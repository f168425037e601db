"""Shapes of the ticket endpoints under the CRM API (CONTRACT §4 "Tickets on records"): Desk
ticket objects with the fields of §5, as Desk gives them out."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema


class TicketOut(Schema):
    id: int
    number: int
    subject: str
    status: str
    priority: str
    channel: str
    department_id: int
    contact_id: int | None
    account_id: int | None
    product_id: int | None
    assignee_id: int | None
    email: str
    due_date: datetime | None
    is_overdue: bool
    is_escalated: bool
    created_at: datetime
    first_response_at: datetime | None
    closed_at: datetime | None
    rating: str | None
    rating_url: str
    crm_deal: dict | None
    cf: dict

    @staticmethod
    def resolve_is_overdue(obj) -> bool:
        return obj.overdue_now

    @staticmethod
    def resolve_rating_url(obj) -> str:
        from tandem.desk import queries

        return queries.rating_url(obj)


class TicketDetailOut(TicketOut):
    description: str


class TicketList(Schema):
    data: list[TicketOut]
    info: dict


class InlineContactIn(Schema):
    last_name: str = Field("", max_length=100)
    first_name: str = Field("", max_length=100)
    email: str = Field("", max_length=254)


class NewTicketIn(Schema):
    subject: str = Field(..., max_length=255)
    description: str = Field("", max_length=100_000)
    status: str | None = Field(None, max_length=10)
    priority: str | None = Field(None, max_length=8)
    department_id: int | None = None
    contact_id: int | None = None
    product_id: int | None = None
    assignee_id: int | None = None
    due_date: datetime | None = None
    cf: dict | None = None
    contact: InlineContactIn | None = None
    # Files uploaded first with POST desk/attachments, attached to the new ticket.
    attachment_ids: list[int] = Field(default_factory=list, max_length=10)


class StagedFileOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    created_at: datetime


class TicketPatch(Schema):
    subject: str | None = Field(None, max_length=255)
    description: str | None = Field(None, max_length=100_000)
    status: str | None = Field(None, max_length=10)
    priority: str | None = Field(None, max_length=8)
    channel: str | None = Field(None, max_length=8)
    department_id: int | None = None
    contact_id: int | None = None
    account_id: int | None = None
    product_id: int | None = None
    assignee_id: int | None = None
    due_date: datetime | None = None
    is_escalated: bool | None = None
    cf: dict | None = None


class CommentIn(Schema):
    content: str = Field(..., max_length=100_000)
    is_public: bool = False


class CommentOut(Schema):
    id: int
    author_id: int | None
    content: str
    is_public: bool
    created_at: datetime


class ThreadIn(Schema):
    action: Literal["reply", "reply_all", "forward"]
    to: list[str] = Field(default_factory=list, max_length=50)
    cc: list[str] = Field(default_factory=list, max_length=50)
    content: str = Field(..., max_length=100_000)


class ThreadOut(Schema):
    id: int
    action: str
    author_id: int | None
    from_email: str
    to: list[str]
    cc: list[str]
    subject: str
    content: str
    created_at: datetime
    sent_at: datetime | None


class CommentList(Schema):
    data: list[CommentOut]
    info: dict


class ThreadList(Schema):
    data: list[ThreadOut]
    info: dict


class TicketIdsIn(Schema):
    ticket_ids: list[int] = Field(..., max_length=200)


class RatedOut(Schema):
    ticket_id: int
    number: int
    subject: str
    rating: str


class StatsOut(Schema):
    total: int
    open: int
    overdue: int
    closed: int
    avg_first_response_seconds: int | None
    avg_resolution_seconds: int | None
    ratings: dict[str, int]
    rated: list[RatedOut]


class RelatedListsIn(Schema):
    modules: list[str] = Field(..., max_length=100)


class RelatedListsOut(Schema):
    modules: list[str]
    eligible: list[str]


class VisibilityIo(Schema):
    tickets: Literal["all_departments", "own_departments"]
