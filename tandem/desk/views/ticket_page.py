"""One ticket: conversation, composer, comments, Update Field, assign, close, delete,
attachments, history. Every button posts to a small view that calls one action."""

from __future__ import annotations

from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tandem.desk import actions, hooks, queries
from tandem.desk.models import Ticket
from tandem.desk.views._common import attempt, desk_view

# The fields Update Field offers: (name, label, kind)
UPDATABLE = [
    ("status", gettext_lazy("Status"), "choice"),
    ("priority", gettext_lazy("Priority"), "choice"),
    ("channel", gettext_lazy("Channel"), "choice"),
    ("subject", gettext_lazy("Subject"), "text"),
    ("due_date", gettext_lazy("Due date"), "datetime"),
    ("department_id", gettext_lazy("Department"), "choice"),
    ("product_id", gettext_lazy("Product"), "choice"),
    ("is_escalated", gettext_lazy("Escalated"), "choice"),
]


def _url(request, ticket_id: int) -> str:
    return reverse("desk:ticket", args=[request.member.portal.slug, ticket_id])


@desk_view
def ticket_page(request, ticket_id: int):
    me = request.member
    ticket = queries.ticket_for(me, ticket_id)
    threads = list(queries.threads_of(ticket))
    comments = list(queries.comments_of(ticket))
    conversation = sorted([*threads, *comments], key=lambda e: (e.created_at, e.pk))
    choices = {
        "status": Ticket.Status.choices,
        "priority": Ticket.Priority.choices,
        "channel": Ticket.Channel.choices,
        "department_id": [(d.id, d.name) for d in queries.departments_of(me.portal)],
        "product_id": [("", "—")] + [(p.id, p.product_name) for p in queries.products(me.portal)],
        "is_escalated": [("true", _("Yes")), ("false", _("No"))],
    }
    fields = [
        {"name": name, "label": label, "kind": kind, "choices": choices.get(name, [])}
        for name, label, kind in UPDATABLE
    ]
    for f in queries.ticket_fields(me.portal):
        fields.append(
            {
                "name": f"cf.{f.name}",
                "label": f.label,
                "kind": "choice" if f.type == "picklist" else f.type,
                "choices": [(c, c) for c in f.choices],
            }
        )
    attachments = list(queries.attachments_of(ticket))
    context = {
        "portal": me.portal,
        "me": me,
        "ticket": ticket,
        "conversation": conversation,
        "attachments": attachments,
        "unsent_files": [a for a in attachments if a.thread_id is None],
        "events": queries.events_of(ticket),
        "fields": fields,
        "agents": queries.agents_of(me.portal).filter(state="active"),
        "cf_labels": {f.name: f.label for f in queries.ticket_fields(me.portal)},
        "panels": hooks.ticket_panels(request, ticket),
    }
    return render(request, "desk/ticket.html", context)


@desk_view
@require_POST
def send(request, ticket_id: int):
    ticket = queries.ticket_for(request.member, ticket_id)
    attempt(
        request,
        actions.do_send_thread,
        success=_("Email sent."),
        actor=request.member,
        ticket=ticket,
        action=request.POST.get("action", "reply"),
        to=request.POST.get("to", ""),
        cc=request.POST.get("cc", ""),
        content=request.POST.get("content", ""),
        uploads=request.FILES.getlist("files"),
        attachment_ids=request.POST.getlist("attachment_ids"),
    )
    return redirect(_url(request, ticket.pk))


@desk_view
@require_POST
def comment(request, ticket_id: int):
    ticket = queries.ticket_for(request.member, ticket_id)
    attempt(
        request,
        actions.do_add_comment,
        success=_("Comment added."),
        actor=request.member,
        ticket=ticket,
        content=request.POST.get("content", ""),
        is_public=request.POST.get("is_public") == "on",
    )
    return redirect(_url(request, ticket.pk))


@desk_view
@require_POST
def update(request, ticket_id: int):
    """Update Field, Assign and Close all post here with field=… value=…."""
    ticket = queries.ticket_for(request.member, ticket_id)
    field, value = request.POST.get("field", ""), request.POST.get("value", "")
    if field == "is_escalated":
        value = value == "true"
    data = {"cf": {field[3:]: value}} if field.startswith("cf.") else {field: value or None}
    attempt(
        request,
        actions.do_update_ticket,
        success=_("Ticket updated."),
        actor=request.member,
        ticket=ticket,
        data=data,
    )
    return redirect(_url(request, ticket.pk))


@desk_view
@require_POST
def delete(request, ticket_id: int):
    ticket = queries.ticket_for(request.member, ticket_id)
    done = attempt(
        request,
        actions.do_delete_ticket,
        success=_("Ticket deleted."),
        actor=request.member,
        ticket=ticket,
    )
    if done:
        return redirect("desk:tickets", request.member.portal.slug)
    return redirect(_url(request, ticket.pk))


@desk_view
@require_POST
def attach(request, ticket_id: int):
    ticket = queries.ticket_for(request.member, ticket_id)
    upload = request.FILES.get("file")
    if upload is None:
        from django.contrib import messages

        messages.error(request, _("Choose a file to attach."))
    else:
        attempt(
            request,
            actions.do_attach,
            success=_("File attached."),
            actor=request.member,
            ticket=ticket,
            upload=upload,
        )
    return redirect(_url(request, ticket.pk))


@desk_view
def download(request, attachment_id: int):
    attachment = queries.attachment_for(request.member, attachment_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
