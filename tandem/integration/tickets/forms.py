"""What the panel's forms post, turned into the actions' data (the API gets the same data as
JSON): New Ticket, Update Field, the checked tickets, the list's view."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tandem.integration.tickets.queries import VIEWS
from tandem.web.errors import Problem

# Update Field's dropdown (I19): every ticket field; custom fields are added as "cf:<name>".
UPDATABLE = [
    ("priority", _("Priority")),
    ("status", _("Status")),
    ("assignee_id", _("Owner")),
    ("due_date", _("Due date")),
    ("department_id", _("Department")),
    ("subject", _("Subject")),
    ("channel", _("Channel")),
    ("is_escalated", _("Escalated")),
]
PRIORITIES = [
    ("Low", _("Low")),
    ("Medium", _("Medium")),
    ("High", _("High")),
    ("Urgent", _("Urgent")),
]
STATUSES = [
    ("Open", _("Open")),
    ("On Hold", _("On Hold")),
    ("Escalated", _("Escalated")),
    ("Closed", _("Closed")),
]
CHANNELS = [
    ("Email", _("Email")),
    ("Web", _("Web")),
    ("Phone", _("Phone")),
    ("CRM", "CRM"),
    ("API", "API"),
]
IDS = ("department_id", "assignee_id", "contact_id", "product_id", "account_id")


def view_of(raw) -> str:
    return raw if raw in VIEWS else "all"


def _id(value, field: str):
    value = (value or "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and len(value) < 18):
        raise Problem.invalid({field: [_("Choose one of the list.")]})
    return int(value)


def ticket_ids(values) -> list[int]:
    return [pk for pk in (_id(v, "ticket_ids") for v in values) if pk is not None]


def new_ticket_data(post) -> dict:
    data = {"subject": post.get("subject", ""), "description": post.get("description", "")}
    for key in ("priority", "status"):
        if post.get(key):
            data[key] = post[key]
    for key in ("department_id", "contact_id"):
        if (pk := _id(post.get(key), key)) is not None:
            data[key] = pk
    typed = {
        "last_name": post.get("new_contact_name", ""),
        "email": post.get("new_contact_email", ""),
    }
    if not data.get("contact_id") and (typed["last_name"].strip() or typed["email"].strip()):
        data["contact"] = typed
    return data


def update_data(post, ticket) -> dict:
    """{field: value} of Update Field: the chosen field and the value typed or picked."""
    field = post.get("field", "")
    value = post.get("value", "")
    if field.startswith("cf:") and len(field) > 3:
        return {"cf": {field[3:]: value}}
    if field not in dict(UPDATABLE):
        raise Problem.invalid({"field": [_("Choose a field to update.")]})
    if field in IDS:
        return {field: _id(value, field)}
    if field == "is_escalated":
        return {field: value in ("on", "true", "1", "yes")}
    return {field: value}


def duration(seconds) -> str:
    """A figure of seconds in words a person reads at a glance: "2 d 3 h", "3 h 20 min"."""
    if seconds is None:
        return ""
    minutes = int(seconds) // 60
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": mins}
    return _("%(minutes)s min") % {"minutes": mins}
