"""Threads (emails), comments and attachments of a ticket."""

from django.http import FileResponse
from ninja import File, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from tandem.desk import actions, queries
from tandem.desk.schemas import AttachmentOut, CommentIn, CommentOut, ThreadIn, ThreadOut
from tandem.web.api import page_of, paginate

router = Router(tags=["Conversation"])


@router.get("/tickets/{ticket_id}/threads", response=page_of(ThreadOut))
def list_threads(request, ticket_id: int):
    ticket = queries.ticket_for(request.member, ticket_id)
    return paginate(request, queries.threads_of(ticket), order=("id",))  # oldest first


@router.post("/tickets/{ticket_id}/threads", response={201: ThreadOut})
def send_thread(request, ticket_id: int, body: ThreadIn):
    """Reply, reply all or forward: sends a real email."""
    ticket = queries.ticket_for(request.member, ticket_id)
    thread = actions.do_send_thread(actor=request.member, ticket=ticket, **body.model_dump())
    return Status(201, thread)


@router.get("/tickets/{ticket_id}/comments", response=page_of(CommentOut))
def list_comments(request, ticket_id: int):
    ticket = queries.ticket_for(request.member, ticket_id)
    return paginate(request, queries.comments_of(ticket), order=("id",))  # oldest first


@router.post("/tickets/{ticket_id}/comments", response={201: CommentOut})
def add_comment(request, ticket_id: int, body: CommentIn):
    ticket = queries.ticket_for(request.member, ticket_id)
    return Status(201, actions.do_add_comment(actor=request.member, ticket=ticket, **body.dict()))


@router.get("/tickets/{ticket_id}/attachments", response=page_of(AttachmentOut))
def list_attachments(request, ticket_id: int):
    ticket = queries.ticket_for(request.member, ticket_id)
    return paginate(request, queries.attachments_of(ticket), order=("id",))  # oldest first


@router.post("/tickets/{ticket_id}/attachments", response={201: AttachmentOut})
def attach(request, ticket_id: int, file: File[UploadedFile]):
    """Multipart upload in the field `file`. Too large → 413; the type is read from the bytes."""
    ticket = queries.ticket_for(request.member, ticket_id)
    return Status(201, actions.do_attach(actor=request.member, ticket=ticket, upload=file))


@router.get("/tickets/{ticket_id}/attachments/{attachment_id}/download")
def download(request, ticket_id: int, attachment_id: int):
    ticket = queries.ticket_for(request.member, ticket_id)
    attachment = queries.attachment_for(request.member, attachment_id)
    if attachment.ticket_id != ticket.id:
        from django.utils.translation import gettext as _

        from tandem.web.errors import Problem

        raise Problem(404, _("No such attachment on this ticket."))
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
