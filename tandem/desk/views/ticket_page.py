"""One ticket: conversation, composer, comments, Update Field, assign, close, delete,
attachments, history. Every button posts to a small view that calls one action."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tandem.desk import actions, hooks, queries
from tandem.desk.ids import as_id
from tandem.desk.models import Ticket
from tandem.desk.views._common import attempt, desk_view, refusal_text
from tandem.desk.views.history import history_lines
from tandem.web.errors import Problem

# The fields Update Field offers: (name, label, kind). Contact and account are typed (an
# email, a name or #id) and looked up: a portal may have 100,000 of them, too many to list.
UPDATABLE = [
    ("status", gettext_lazy("Status"), "choice"),
    ("priority", gettext_lazy("Priority"), "choice"),
    ("channel", gettext_lazy("Channel"), "choice"),
    ("subject", gettext_lazy("Subject"), "text"),
    ("description", gettext_lazy("Description"), "text"),
    ("due_date", gettext_lazy("Due date"), "datetime"),
    ("department_id", gettext_lazy("Department"), "choice"),
    ("contact_id", gettext_lazy("Contact"), "lookup"),
    ("account_id", gettext_lazy("Account"), "lookup"),
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
        "product_id": [(p.id, p.product_name) for p in _products(me.portal)],
        "is_escalated": [("true", _("Yes")), ("false", _("No"))],
    }
    fields = [
        {"name": name, "label": label, "kind": kind, "choices": choices.get(name, [])}
        for name, label, kind in UPDATABLE
    ]
    custom = list(queries.ticket_fields(me.portal))
    for f in custom:
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
        "history": history_lines(me.portal_id, queries.events_of(ticket), custom),
        "fields": fields,
        "agents": queries.agents_of(me.portal).filter(state="active"),
        "cf_labels": {f.name: f.label for f in custom},
        "panels": hooks.ticket_panels(request, ticket),
    }
    return render(request, "desk/ticket.html", context)


PRODUCTS_LISTED = 200  # suggested in Update Field; any other is found by its name or code


def _products(portal) -> list:
    qs = queries.products(portal).prefetch_related(None).only("id", "product_name")
    return list(qs.order_by("product_name", "id")[:PRODUCTS_LISTED])


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
    me = request.member
    ticket = queries.ticket_for(me, ticket_id)
    field, value = request.POST.get("field", ""), request.POST.get("value", "")
    try:
        if field in ("contact_id", "account_id", "product_id"):
            value = value.strip() and _record_typed(me.portal, field, value.strip())
        if field == "is_escalated":
            value = value == "true"
        data = {"cf": {field[3:]: value}} if field.startswith("cf.") else {field: value or None}
        actions.do_update_ticket(actor=me, ticket=ticket, data=data)
    except Problem as exc:
        messages.error(request, refusal_text(request, exc))
    else:
        messages.success(request, _("Ticket updated."))
    return redirect(_url(request, ticket.pk))


MATCHES = 6  # candidates read for a typed contact, account or product: 5 named, a 6th is "…"


def _record_typed(portal, field: str, text: str) -> int:
    """The contact, account or product an agent typed in Update Field: #id, an email, a name
    (or its start), a product code. None matching, or several, is a field error that names
    the candidates."""
    pk = as_id(text.lstrip("#"))
    if pk is not None:
        return pk  # the action checks that it is this portal's
    folded = " ".join(text.split()).casefold()
    if field == "contact_id":
        by_email = "@" in text
        found = (
            queries.contacts_by_email(portal, text) if by_email else _contacts_named(portal, text)
        )
        exact = [c for c in found if folded in (c.name.casefold(), c.email.casefold())]
        nobody = _("No contact has that email or name.")
    elif field == "account_id":
        qs = queries.accounts(portal, text).only("id", "account_name", "email")
        found = list(qs.order_by("account_name", "id")[:MATCHES])
        exact = [a for a in found if folded in (a.account_name.casefold(), a.email.casefold())]
        nobody = _("No account has that name or email.")
    else:
        qs = queries.products(portal, text).prefetch_related(None)
        found = list(
            qs.only("id", "product_name", "product_code").order_by("product_name", "id")[:MATCHES]
        )
        exact = [
            p for p in found if folded in (p.product_name.casefold(), p.product_code.casefold())
        ]
        nobody = _("No product has that name or code.")
    hint = _("Type the code or #id.") if field == "product_id" else _("Type the email or #id.")
    if len(exact) == 1 or len(found) == 1:
        return (exact or found)[0].pk
    if not found:
        raise Problem.invalid({field: [nobody]})
    shown = ", ".join(
        f"{r} <{r.email}>" if getattr(r, "email", "") else f"{r} (#{r.pk})" for r in found[:5]
    )
    shown += " …" if len(found) > 5 else ""
    raise Problem.invalid({field: [_("Several match: %(names)s.") % {"names": shown}, hint]})


def _contacts_named(portal, text: str) -> list:
    """Contacts whose first name, last name or email starts with or is `text`, or whose full
    name starts with it ("Ann Lee"): read by the last word, then kept if the name matches."""
    columns = ("id", "first_name", "last_name", "email")

    def read(q: str, limit: int) -> list:
        qs = queries.contacts(portal, q).select_related(None).only(*columns)
        return list(qs.order_by("last_name", "first_name", "id")[:limit])

    found = read(text, MATCHES)
    words = text.split()
    if not found and len(words) > 1:
        wanted = " ".join(words).casefold()
        found = [c for c in read(words[-1], 200) if c.name.casefold().startswith(wanted)]
    return found[:MATCHES]


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
