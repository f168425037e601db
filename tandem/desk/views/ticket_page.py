"""One ticket: conversation, composer, comments, Update Field, assign, close, delete,
attachments, history. Every button posts to a small view that calls one action."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tandem.desk import actions, hooks, queries
from tandem.desk.models import Ticket
from tandem.desk.views._common import FIELD_LABELS, attempt, desk_view, refusal_text
from tandem.desk.views.conversation import conversation_html
from tandem.desk.views.history import history_lines
from tandem.web.errors import Problem
from tandem.web.render import option_tags
from tandem.web.richtext import html_to_text, text_to_html

# The fields Update Field offers, in its order; each is called by its FIELD_LABELS label.
# Contact and account are typed (an email, a name or #id) and looked up: a portal may have
# 100,000 of them, too many to list.
UPDATABLE = [
    "status",
    "priority",
    "channel",
    "subject",
    "description",
    "due_date",
    "department_id",
    "contact_id",
    "account_id",
    "product_id",
    "is_escalated",
]


def _url(request, ticket_id: int) -> str:
    return reverse("desk:ticket", args=[request.member.portal.slug, ticket_id])


@desk_view
def ticket_page(request, ticket_id: int):
    return _page(request, queries.ticket_for(request.member, ticket_id))


def _page(request, ticket: Ticket, *, status: int = 200, typed: dict | None = None):
    """The ticket page; `typed`: what a refused edit form held ({"form", "field", "value",
    "error"}), shown again in that form with the reason next to the field."""
    me = request.member
    attachments, threads, comments = queries.conversation_parts(ticket)
    conversation = sorted([*threads, *comments], key=lambda e: (e.created_at, e.pk))
    custom = queries.ticket_field_list(me.portal)
    fields = [{"name": name, "label": FIELD_LABELS[name]} for name in UPDATABLE]
    fields += [{"name": f"cf.{f.name}", "label": f.label} for f in custom]
    # Only the chosen field's suggestions come with the page (the first, or the one a refused
    # edit held); another field's are read when it is chosen (field_choices).
    refused = typed.get("field") if typed and typed.get("form") == "update-field" else None
    chosen = refused or "status"
    # Assign: an Admin picks anyone (names only, not their departments); an Agent can only
    # take the ticket, so the page reads no list for them.
    agents = queries.assignee_choices(me.portal) if me.is_admin else [(me.id, me.user.display_name)]
    context = {
        "portal": me.portal,
        "me": me,
        "ticket": ticket,
        "conversation_html": conversation_html(me.portal, conversation),
        "attachments": attachments,
        "unsent_files": [a for a in attachments if a.thread_id is None],
        "field_options": option_tags(((f["name"], f["label"]) for f in fields), selected=refused),
        "chosen": _field_choices(me.portal, chosen, custom),
        "agent_options": option_tags(agents, selected=ticket.assignee_id),
        # Each form of the page posts to one of these: reversed once, not once per form.
        "urls": {
            name: reverse(f"desk:ticket_{name}", args=[me.portal.slug, ticket.id])
            for name in ("update", "send", "comment", "attach", "history", "delete")
        },
        "cf_labels": {f.name: f.label for f in custom},
        "panels": hooks.ticket_panels(request, ticket),
        "description_text": html_to_text(ticket.description),
        "typed": typed or {},
    }
    return render(request, "desk/ticket.html", context, status=status)


PRODUCTS_LISTED = 200  # suggested in Update Field; any other is found by its name or code
STATIC_CHOICES = {
    "status": Ticket.Status.choices,
    "priority": Ticket.Priority.choices,
    "channel": Ticket.Channel.choices,
    "is_escalated": [("true", gettext_lazy("Yes")), ("false", gettext_lazy("No"))],
}


def _field_choices(portal, field: str, custom=None) -> dict:
    """Update Field's suggestions for one field: {"label", "choices": [(value, label)]}.
    Departments and products are read from the database only when their field is chosen."""
    if field.startswith("cf."):
        custom = queries.ticket_fields(portal) if custom is None else custom
        found = next((f for f in custom if f"cf.{f.name}" == field), None)
        if found is None:
            return {"label": "", "options": ""}
        pairs = ((c, c) for c in found.choices)
        return {"label": found.label, "options": option_tags(pairs, prefix=f"{found.label}: ")}
    if field == "department_id":
        choices = queries.department_choices(portal)
    elif field == "product_id":
        choices = [(p.id, p.product_name) for p in _products(portal)]
    else:
        choices = STATIC_CHOICES.get(field, [])
    label = FIELD_LABELS.get(field, "")
    return {"label": label, "options": option_tags(choices, prefix=f"{label}: ")}


@desk_view
def field_choices(request):
    """The suggestions of the field chosen in Update Field (htmx swaps the datalist)."""
    chosen = _field_choices(request.member.portal, request.GET.get("field", ""))
    return render(request, "desk/_field_choices.html", {"chosen": chosen})


@desk_view
def history(request, ticket_id: int):
    """The ticket's history, read when the agent scrolls to it or asks for it: a long history
    and the names its ids stand for cost the ticket page nothing."""
    me = request.member
    ticket = queries.ticket_for(me, ticket_id)
    events = queries.events_of(ticket)
    lines = history_lines(me.portal_id, events, queries.ticket_fields(me.portal))
    context = {"portal": me.portal, "ticket": ticket, "history": lines}
    # htmx draws the list into the ticket page; without JavaScript it is a page of its own.
    template = "desk/_ticket_history.html" if request.htmx else "desk/ticket_history.html"
    return render(request, template, context)


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


# Forms that type a value: refused, they are shown again holding it, the reason beside it.
TYPING_FORMS = ("update-field", "description")
# A refusal in the words of the page, where the action's words are the API's.
UI_WORDS = {
    "due_date": gettext_lazy("Enter a date as YYYY-MM-DD, or a date and time as YYYY-MM-DD HH:MM."),
}


@desk_view
@require_POST
def update(request, ticket_id: int):
    """Update Field, Assign, Close and the description all post here with field=… value=…."""
    me = request.member
    ticket = queries.ticket_for(me, ticket_id)
    field, typed = request.POST.get("field", ""), request.POST.get("value", "")
    form = request.POST.get("form", "")
    value, due_before = typed, ticket.due_date
    try:
        if field in queries.TYPED_FIELDS:
            value = value.strip() and queries.record_typed(me.portal, field, value.strip())
        if field == "is_escalated":
            value = value == "true"
        if field == "description":
            # People edit the words; the stored HTML (an email's, say) is kept when they
            # did not change them.
            if value.strip() == html_to_text(ticket.description):
                messages.info(request, _("Nothing changed."))
                return redirect(_url(request, ticket.pk))
            value = text_to_html(value)
        data = {"cf": {field[3:]: value}} if field.startswith("cf.") else {field: value or None}
        actions.do_update_ticket(actor=me, ticket=ticket, data=data)
    except Problem as exc:
        if exc.status == 400 and form in TYPING_FORMS:
            error = _field_error(request, exc, field)
            typed = {"form": form, "field": field, "value": typed, "error": error}
            return _page(request, queries.ticket_for(me, ticket_id), status=400, typed=typed)
        messages.error(request, refusal_text(request, exc))
    else:
        messages.success(request, _("Ticket updated."))
        if field != "due_date" and ticket.due_date != due_before:
            _say_due_date_moved(request, ticket, field)
    return redirect(_url(request, ticket.pk))


def _field_error(request, exc: Problem, field: str) -> str:
    """The reason a typed value was refused, for beside its field: the page's words."""
    if set(exc.errors) == {field}:
        if field in UI_WORDS:
            return str(UI_WORDS[field])
        return " ".join(str(m) for m in exc.errors[field])
    return refusal_text(request, exc)


def _say_due_date_moved(request, ticket: Ticket, field: str) -> None:
    """A new priority or department follows another SLA: the due date moved with it. Said beside
    the due date (the message's "due-date" tag), not only in the history."""
    if ticket.due_date is None:
        text = _("The due date was cleared: the SLA now sets none for this ticket.")
    elif field == "department_id":
        text = _("The due date moved to %(date)s, as this department's SLA sets it.")
    else:
        text = _("The due date moved to %(date)s, as the SLA sets it for this priority.")
    if ticket.due_date is not None:
        local = timezone.localtime(ticket.due_date)
        text = text % {"date": date_format(local, "SHORT_DATETIME_FORMAT")}
    messages.info(request, text, extra_tags="due-date")


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
