"""The shapes of the Desk API (CONTRACT.md §5): names here are the contract's, exactly."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict

from tandem.desk.limits import COMMENT_MAX, DESCRIPTION_MAX, THREAD_MAX

EMAIL_MAX = 254  # the column's (EmailField); every other limit below is its column's too
Email = Annotated[str, Field(max_length=EMAIL_MAX)]
Field255 = Annotated[str, Field(max_length=255)]


class StrictIn(Schema):
    """An input that refuses fields it does not know, rather than ignoring a typo."""

    model_config = ConfigDict(extra="forbid")


class PortalOut(Schema):
    id: int
    slug: str
    name: str


class PortalSettingsOut(Schema):
    id: int
    slug: str
    name: str
    acknowledge_new_tickets: bool
    customer_language: str


class PortalSettingsIn(StrictIn):
    name: str | None = Field(None, max_length=120)
    acknowledge_new_tickets: bool | None = None
    customer_language: str | None = Field(None, max_length=8)


class MeOut(Schema):
    user_id: int
    agent_id: int
    email: str
    name: str
    role: str
    department_ids: list[int]
    portal: PortalOut


class DepartmentOut(Schema):
    id: int
    name: str


class DepartmentIn(Schema):
    name: str = Field(..., max_length=80)


class AgentOut(Schema):
    id: int
    user_id: int
    email: str = Field(..., alias="user.email")
    name: str = Field(..., alias="user.name")
    role: str
    state: str
    department_ids: list[int]

    @staticmethod
    def resolve_department_ids(obj) -> list[int]:
        return sorted(d.id for d in obj.departments.all())


class AgentInviteIn(Schema):
    email: str = Field(..., max_length=EMAIL_MAX)
    role: str = Field("agent", max_length=12)
    department_ids: list[int] = []
    name: str = Field("", max_length=150)


class AgentPatchIn(StrictIn):
    role: str | None = Field(None, max_length=12)
    department_ids: list[int] | None = None
    state: str | None = Field(None, max_length=12)


class ZscKeyOut(Schema):
    zsc_key: str
    created_at: datetime
    detail: str = "Copy this key now: it is shown once. Generating a new key revokes this one."


class SlaIn(StrictIn):
    first_response_hours: dict[str, float | None] = {}
    resolution_hours: dict[str, float | None] = {}
    escalate_after_hours: int | None = None


class SlaOut(Schema):
    department_id: int
    first_response_hours: dict[str, float | None] = {}
    resolution_hours: dict[str, float | None] = {}
    escalate_after_hours: int | None = None


class TicketFieldIn(Schema):
    label: str = Field(..., max_length=80)
    type: str = Field(..., max_length=10)
    choices: list[Field255] = []
    name: str = Field("", max_length=50)


class TicketFieldOut(Schema):
    id: int
    name: str
    label: str
    type: str
    choices: list[str]


class ContactIn(StrictIn):
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    email: str | None = Field(None, max_length=EMAIL_MAX)
    secondary_email: str | None = Field(None, max_length=EMAIL_MAX)
    phone: str | None = Field(None, max_length=50)
    mobile: str | None = Field(None, max_length=50)
    account_id: int | None = None


class ContactOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str
    secondary_email: str
    phone: str
    mobile: str
    account_id: int | None
    created_at: datetime
    updated_at: datetime


class AccountIn(StrictIn):
    account_name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=EMAIL_MAX)
    website: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=50)


class AccountOut(Schema):
    id: int
    account_name: str
    email: str
    website: str
    phone: str
    created_at: datetime
    updated_at: datetime


class ProductIn(StrictIn):
    product_name: str | None = Field(None, max_length=200)
    product_code: str | None = Field(None, max_length=100)
    unit_price: float | None = None
    department_ids: list[int] | None = None


class ProductOut(Schema):
    id: int
    product_name: str
    product_code: str
    unit_price: float | None
    department_ids: list[int]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_department_ids(obj) -> list[int]:
        return sorted(d.id for d in obj.departments.all())


class InlineContactIn(Schema):
    last_name: str = Field("", max_length=100)
    first_name: str = Field("", max_length=100)
    email: str = Field("", max_length=EMAIL_MAX)


class TicketIn(StrictIn):
    subject: str | None = Field(None, max_length=255)
    description: str | None = Field(None, max_length=DESCRIPTION_MAX)
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
    contact: InlineContactIn | None = None


class TicketBase(Schema):
    """The fields a ticket shows in a list row and alone."""

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
        from tandem.desk import links

        return links.rating_url(obj)


class TicketOut(TicketBase):
    description: str


class TicketRowOut(TicketBase):
    """A list row: the description is fetched with the ticket (GET tickets/{id}); the row
    carries its first 200 characters, so a page stays light whatever the tickets hold."""

    description_preview: str


class ThreadIn(StrictIn):
    action: str = Field(..., max_length=10)
    to: list[Email] = []
    cc: list[Email] = []
    content: str = Field(..., max_length=THREAD_MAX)
    # Files uploaded first with POST tickets/{id}/attachments, sent with this email.
    attachment_ids: list[int] = []


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    created_at: datetime
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return f"/api/desk/v1/tickets/{obj.ticket_id}/attachments/{obj.id}/download"


class ThreadOut(Schema):
    id: int
    action: str
    author_id: int | None
    from_email: str
    to: list[str]
    cc: list[str]
    subject: str
    content: str
    message_id: str
    created_at: datetime
    sent_at: datetime | None
    attachments: list[AttachmentOut] = []

    @staticmethod
    def resolve_attachments(obj):
        return list(obj.attachments.all())


class CommentIn(StrictIn):
    content: str = Field(..., max_length=COMMENT_MAX)
    is_public: bool = False


class CommentOut(Schema):
    id: int
    author_id: int | None
    # How the author is shown when they wrote from outside Desk, e.g. "Ana Díaz (CRM)"; "" for
    # an agent's comment.
    shown_as: str = ""
    content: str
    is_public: bool
    created_at: datetime


class EventOut(Schema):
    id: int
    kind: str
    actor_id: int | None
    actor_label: str
    changes: dict
    created_at: datetime


class RatingsOut(Schema):
    good: int
    okay: int
    bad: int


class StatsOut(Schema):
    total: int
    open: int
    overdue: int
    closed: int
    avg_first_response_seconds: int | None
    avg_resolution_seconds: int | None
    ratings: RatingsOut
