"""What Desk's pages share: turning an action's refusal into a message."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from tandem.web.errors import Problem

# What a refusal calls the fields Desk's actions name in their errors (custom fields "cf.<name>"
# by their own labels): people read "Department: …", never "department_id: …".
FIELD_LABELS = {
    "subject": _("Subject"),
    "description": _("Description"),
    "status": _("Status"),
    "priority": _("Priority"),
    "channel": _("Channel"),
    "department_id": _("Department"),
    "contact_id": _("Contact"),
    "account_id": _("Account"),
    "product_id": _("Product"),
    "assignee_id": _("Assignee"),
    "due_date": _("Due date"),
    "is_escalated": _("Escalated"),
    "cf": _("Custom ticket fields"),
    "contact": _("Contact"),
    "contact.last_name": _("Last name"),
    "email": _("Email"),
    "secondary_email": _("Secondary email"),
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "phone": _("Phone"),
    "mobile": _("Mobile"),
    "website": _("Website"),
    "account_name": _("Account name"),
    "product_name": _("Product name"),
    "product_code": _("Product code"),
    "unit_price": _("Unit price"),
    "department_ids": _("Departments"),
    "role": _("Role"),
    "state": _("State"),
    "name": _("Name"),
    "portal_name": _("Portal name"),
    "slug": _("Address"),
    "label": _("Label"),
    "type": _("Type"),
    "choices": _("Choices"),
    "first_response_hours": _("First response (hours)"),
    "resolution_hours": _("Resolution (hours)"),
    "escalate_after_hours": _("Escalate when overdue for (hours)"),
    "content": _("Message"),
    "to": _("To"),
    "cc": _("Cc"),
    "attachment_ids": _("Attachments"),
    "file": _("File"),
    "rating": _("Rating"),
    "view": _("View"),
    "sort": _("Sort"),
    "acknowledge_new_tickets": _("Acknowledgements"),
    "customer_language": _("Customer language"),
}


def field_labels(request, errors) -> dict:
    """FIELD_LABELS, plus the labels of the portal's custom fields when `errors` names one."""
    if not any(str(key).startswith("cf.") for key in errors):
        return FIELD_LABELS
    from tandem.desk import queries

    member = getattr(request, "member", None)
    if member is None:
        return FIELD_LABELS
    custom = {f"cf.{f.name}": f.label for f in queries.ticket_fields(member.portal)}
    return {**FIELD_LABELS, **custom}


def refusal_text(request, exc: Problem) -> str:
    """A refusal as one message: the reason, then each field by its label and its messages,
    in the language of the request ("The request has invalid fields. Department: …")."""
    return exc.text(field_labels(request, exc.errors))


def attempt(request, action, /, *, success: str = "", **kwargs):
    """Run an action; on refusal show why (with the fields named) and return None."""
    try:
        result = action(**kwargs)
    except Problem as exc:
        messages.error(request, refusal_text(request, exc))
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True


def back(request, fallback: str):
    """Back to the page the form was on (only our own paths)."""
    target = request.POST.get("next") or ""
    return redirect(target if target.startswith("/desk/") else fallback)


def desk_view(view):
    """A page of a Desk portal: signed in, an active agent there (else 404). A refusal raised
    while reading (a ticket of another department) is a 404 or 403 page, never a crash."""
    from functools import wraps

    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from tandem.identity.decorators import tenant_view

    @wraps(view)
    def guarded(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Problem as exc:
            if exc.status == 404:
                raise Http404(exc.detail) from None
            if exc.status == 400:
                raise  # bad input (an id out of range): a 400 page naming it (web.middleware)
            raise PermissionDenied(exc.detail) from None

    return tenant_view("desk")(guarded)
