"""Tickets on records under /api/crm/v1/ (CONTRACT §4): a record's tickets and figures, New
Ticket, the CRM side of ticket actions, Link to Deals, and the two ticket settings. Parse,
delegate to tickets.actions/queries, shape; the role rules live in the actions."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status
from pydantic import ValidationError

from tandem.desk import queries as desk
from tandem.integration.tickets import actions, deals, queries, setup, staged
from tandem.integration.tickets.access import reader, record_reader
from tandem.integration.tickets.schemas import (
    CommentIn,
    CommentList,
    CommentOut,
    NewTicketIn,
    RelatedListsIn,
    RelatedListsOut,
    StagedFileOut,
    StatsOut,
    ThreadIn,
    ThreadList,
    ThreadOut,
    TicketDetailOut,
    TicketIdsIn,
    TicketList,
    TicketPatch,
    VisibilityIo,
)
from tandem.web.api import paginate
from tandem.web.errors import Problem

router = Router(tags=["Desk tickets on records"])
settings_router = Router(tags=["Desk integration"])


@settings_router.get("/integrations/desk/related-lists", response=RelatedListsOut)
def get_related_lists(request):
    """Modules whose record pages show the Desk related list, and those that may."""
    return setup.related_lists(request.member)


@settings_router.put("/integrations/desk/related-lists", response=RelatedListsOut)
def put_related_lists(request, body: RelatedListsIn):
    """A module without an email field (other than Deals) is refused with 400."""
    return setup.do_set_related_lists(actor=request.member, modules=body.modules)


@settings_router.get("/integrations/desk/visibility", response=VisibilityIo)
def get_visibility(request):
    return setup.visibility(request.member)


@settings_router.put("/integrations/desk/visibility", response=VisibilityIo)
def put_visibility(request, body: VisibilityIo):
    """`own_departments`: CRM users see only tickets of their Desk departments (none without
    a Desk account)."""
    return setup.do_set_visibility(actor=request.member, tickets=body.tickets)


@router.get("/{module}/{record_id}/tickets", response=TicketList)
def record_tickets(
    request, module: str, record_id: str, view: str = "all", cursor: str | None = None
):
    """The record's Desk tickets, newest first: view all|overdue|closed|escalated|high_priority.
    404 while the integration is off or the module shows no Desk list."""
    found, target, record = record_reader(request.member, module, record_id)
    qs = desk.customer_ticket_rows(queries.record_tickets(found, target, record, view))
    return paginate(request, qs)


NEW_TICKET_BODY = {
    "requestBody": {
        "content": {
            "application/json": {"schema": NewTicketIn.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "subject": {"type": "string"},
                        "description": {"type": "string"},
                        "priority": {"type": "string"},
                        "department_id": {"type": "integer"},
                        "contact_id": {"type": "integer"},
                        "contact_last_name": {"type": "string"},
                        "contact_email": {"type": "string"},
                        "attachment_ids": {"type": "array", "items": {"type": "integer"}},
                        "file": {"type": "string", "format": "binary"},
                    },
                    "required": ["subject"],
                }
            },
        }
    }
}


def _new_ticket_body(request) -> tuple[dict, object]:
    """The JSON body, or the multipart form with its file."""
    if request.content_type == "multipart/form-data":
        post = request.POST
        raw = {k: post[k] for k in NewTicketIn.model_fields if post.get(k, "") != ""}
        if post.getlist("attachment_ids"):
            raw["attachment_ids"] = post.getlist("attachment_ids")
        if post.get("contact_last_name") or post.get("contact_email"):
            raw["contact"] = {
                "last_name": post.get("contact_last_name", ""),
                "email": post.get("contact_email", ""),
            }
        upload = request.FILES.get("file")
    else:
        try:
            raw = json.loads(request.body or b"{}")
        except ValueError:
            raise Problem.invalid({"body": [_("The request body is not valid JSON.")]}) from None
        upload = None
    try:
        body = NewTicketIn.model_validate(raw)
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "body"
            errors.setdefault(field, []).append(err["msg"])
        raise Problem.invalid(errors) from None
    return body.model_dump(exclude_unset=True, exclude_none=True), upload


@router.post(
    "/{module}/{record_id}/tickets",
    response={201: TicketDetailOut},
    openapi_extra=NEW_TICKET_BODY,
)
def create_record_ticket(request, module: str, record_id: str):
    """As Desk `POST tickets` (JSON, or multipart with a `file`), the contact defaulting to the
    record's; a typed new contact (name + email) is created in Desk. Agents and Admins."""
    found, target, record = record_reader(request.member, module, record_id)
    data, upload = _new_ticket_body(request)
    ticket = actions.do_create_ticket(
        reader=found, module=target, record=record, data=data, upload=upload
    )
    return Status(201, ticket)


@router.post(
    "/desk/attachments",
    response={201: StagedFileOut},
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                }
            }
        }
    },
)
def stage_file(request):
    """A file for the ticket you are about to create: name its `id` in `attachment_ids` of
    `POST {Module}/{id}/tickets`. Agents and Admins; kept a day if never used."""
    found = reader(request.member)
    return Status(201, staged.do_stage_file(reader=found, upload=request.FILES.get("file")))


@router.get("/{module}/{record_id}/desk-stats", response=StatsOut)
def record_stats(request, module: str, record_id: str):
    """As Desk `GET stats` for the record's tickets, plus each rated ticket's rating."""
    found, target, record = record_reader(request.member, module, record_id)
    return queries.record_stats(found, target, record)


@router.post("/Deals/{record_id}/tickets/link", response=TicketList)
def link_deal(request, record_id: str, body: TicketIdsIn):
    """Link tickets to this deal: Desk then shows it as the ticket's `crm_deal`."""
    found, _module, deal = record_reader(request.member, "Deals", record_id)
    tickets = deals.do_link_deals(reader=found, deal=deal, ticket_ids=body.ticket_ids)
    return {"data": tickets, "info": {"next_cursor": None}}


@router.post("/Deals/{record_id}/tickets/unlink", response=TicketList)
def unlink_deal(request, record_id: str, body: TicketIdsIn):
    found, _module, deal = record_reader(request.member, "Deals", record_id)
    tickets = deals.do_unlink_deals(reader=found, deal=deal, ticket_ids=body.ticket_ids)
    return {"data": tickets, "info": {"next_cursor": None}}


def _ticket(request, ticket_id: int):
    found = reader(request.member)
    return found, queries.ticket_for(found, ticket_id)


@router.get("/desk/tickets/{ticket_id}", response=TicketDetailOut)
def get_ticket(request, ticket_id: int):
    return _ticket(request, ticket_id)[1]


@router.patch("/desk/tickets/{ticket_id}", response=TicketDetailOut)
def update_ticket(request, ticket_id: int, body: TicketPatch):
    """Update Field, Close: any field. Agents and Admins; assigning to others, Admins."""
    found, ticket = _ticket(request, ticket_id)
    return actions.do_update(reader=found, ticket=ticket, data=body.model_dump(exclude_unset=True))


@router.delete("/desk/tickets/{ticket_id}", response={204: None})
def delete_ticket(request, ticket_id: int):
    found, ticket = _ticket(request, ticket_id)
    actions.do_delete(reader=found, ticket=ticket)
    return Status(204, None)


@router.get("/desk/tickets/{ticket_id}/comments", response=CommentList)
def list_comments(request, ticket_id: int):
    ticket = _ticket(request, ticket_id)[1]
    return paginate(request, desk.comments_of(ticket), order=("id",))


@router.post("/desk/tickets/{ticket_id}/comments", response={201: CommentOut})
def add_comment(request, ticket_id: int, body: CommentIn):
    """Everyone who sees the ticket comments; public comments, Agents and Admins only."""
    found, ticket = _ticket(request, ticket_id)
    comment = actions.do_comment(
        reader=found, ticket=ticket, content=body.content, is_public=body.is_public
    )
    return Status(201, comment)


@router.get("/desk/tickets/{ticket_id}/threads", response=ThreadList)
def list_threads(request, ticket_id: int):
    ticket = _ticket(request, ticket_id)[1]
    return paginate(request, desk.threads_of(ticket), order=("id",))


@router.post("/desk/tickets/{ticket_id}/threads", response={201: ThreadOut})
def send_thread(request, ticket_id: int, body: ThreadIn):
    """Reply, Reply all or Forward (an email). Agents and Admins."""
    found, ticket = _ticket(request, ticket_id)
    thread = actions.do_send_thread(
        reader=found, ticket=ticket, action=body.action, to=body.to, cc=body.cc,
        content=body.content,
    )  # fmt: skip
    return Status(201, thread)
