"""Tickets: the list views and filters, one ticket, its history, and stats."""

from ninja import Router
from ninja.responses import Status

from tandem.desk import actions, queries
from tandem.desk.queries.tickets import light_rows
from tandem.desk.schemas import EventOut, StatsOut, TicketIn, TicketOut, TicketRowOut
from tandem.web.api import keyset_page, page_of, page_response, paginate, parse_limit
from tandem.web.csvexport import csv_download

router = Router(tags=["Tickets"])


@router.get("/tickets", response=page_of(TicketRowOut))
def list_tickets(
    request,
    view: str = "all",
    contact_id: int | None = None,
    account_id: int | None = None,
    product_id: int | None = None,
    email: str = "",
    department_id: int | None = None,
    assignee_id: int | None = None,
    q: str = "",
    sort: str = "-created_at",
    cursor: str | None = None,
    limit: int | None = None,
):
    """Views all|open|overdue|closed|escalated|high_priority|linked_open_deals (tickets of
    open CRM deals); `q` searches subject or number; `sort` is -created_at (default),
    created_at, number, -number, due_date or -due_date.
    Rows carry `description_preview`, not the description: GET tickets/{id} has it whole."""
    qs = queries.tickets(
        request.member,
        view=view,
        q=q,
        email=email,
        contact_id=contact_id,
        account_id=account_id,
        product_id=product_id,
        department_id=department_id,
        assignee_id=assignee_id,
    )
    rows, next_cursor = keyset_page(
        light_rows(qs),
        order=queries.sort_order(sort),
        cursor=cursor or None,
        limit=parse_limit(request.GET.get("limit")),
    )
    return page_response(TicketRowOut, rows, next_cursor)


@router.get(
    "/tickets/export",
    response={200: None},
    openapi_extra={"responses": {200: {"content": {"text/csv": {}}}}},
)
def export_tickets(
    request,
    view: str = "all",
    contact_id: int | None = None,
    account_id: int | None = None,
    product_id: int | None = None,
    email: str = "",
    department_id: int | None = None,
    assignee_id: int | None = None,
    q: str = "",
    sort: str = "-created_at",
):
    """Every ticket of a view as CSV (same filters as the list), streamed."""
    qs = queries.tickets(
        request.member,
        view=view,
        q=q,
        email=email,
        contact_id=contact_id,
        account_id=account_id,
        product_id=product_id,
        department_id=department_id,
        assignee_id=assignee_id,
    )
    return csv_download(
        request, queries.export_tickets(qs, queries.sort_order(sort)), "tickets.csv"
    )


@router.post("/tickets", response={201: TicketOut})
def create_ticket(request, body: TicketIn):
    data = body.model_dump(exclude_unset=True)
    ticket = actions.do_create_ticket(actor=request.member, portal=request.member.portal, data=data)
    return Status(201, ticket)


@router.get("/tickets/{ticket_id}", response=TicketOut)
def get_ticket(request, ticket_id: int):
    return queries.ticket_for(request.member, ticket_id)


@router.patch("/tickets/{ticket_id}", response=TicketOut)
def update_ticket(request, ticket_id: int, body: TicketIn):
    ticket = queries.ticket_for(request.member, ticket_id)
    data = body.model_dump(exclude_unset=True)
    return actions.do_update_ticket(actor=request.member, ticket=ticket, data=data)


@router.delete("/tickets/{ticket_id}", response={204: None})
def delete_ticket(request, ticket_id: int):
    ticket = queries.ticket_for(request.member, ticket_id)
    actions.do_delete_ticket(actor=request.member, ticket=ticket)
    return Status(204, None)


@router.get("/tickets/{ticket_id}/history", response=page_of(EventOut))
def ticket_history(request, ticket_id: int, cursor: str | None = None, limit: int | None = None):
    """The ticket's events, oldest first."""
    events = queries.events_of(queries.ticket_for(request.member, ticket_id))
    return paginate(request, events, order=("id",))


@router.get("/stats", response=StatsOut)
def stats(request, contact_id: int | None = None, account_id: int | None = None):
    """Figures for one contact or one account."""
    return queries.stats(request.member, contact_id=contact_id, account_id=account_id)
