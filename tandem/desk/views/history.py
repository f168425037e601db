"""A ticket's history as people read it: field labels, names for the ids it recorded,
Yes/No for flags, dates in the reader's format."""

from __future__ import annotations

import datetime as dt

from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.desk import queries
from tandem.desk.ids import as_id
from tandem.desk.models import Ticket
from tandem.desk.views._common import FIELD_LABELS as FORM_LABELS

# What the history calls each recorded field: the labels forms use, plus what only the
# history records (custom fields: their own labels).
FIELD_LABELS = {
    **FORM_LABELS,
    "is_escalated": gettext_lazy("Escalated"),
    "is_overdue": gettext_lazy("Overdue"),
    "response_due_at": gettext_lazy("Response due"),
    "first_response_at": gettext_lazy("First response"),
    "closed_at": gettext_lazy("Closed"),
    "rating_comment": gettext_lazy("Rating comment"),
    "crm_deal": gettext_lazy("Deal"),
    "is_public": gettext_lazy("Visible to the customer"),
    "files": gettext_lazy("Files"),
}
CHOICE_LABELS = {
    "status": dict(Ticket.Status.choices),
    "priority": dict(Ticket.Priority.choices),
    "channel": dict(Ticket.Channel.choices),
    "rating": dict(Ticket.Rating.choices),
}
WHEN_FIELDS = {"due_date", "response_due_at", "first_response_at", "closed_at", "rated_at"}
# Kinds whose changes are edits (old → new); the others just say what they carried.
EDIT_KINDS = {"updated", "closed", "assigned"}


ID_FIELDS = ("assignee_id", "department_id", "contact_id", "account_id", "product_id")


def history_lines(portal_id: int, events, custom_fields) -> list[dict]:
    """The ticket's history as people read it: field labels, names for ids (looked up in one
    query per kind for all the events), Yes/No, dates in the reader's format."""
    events = list(events)
    wanted: dict[str, set[int]] = {field: set() for field in ID_FIELDS}
    for ev in events:
        for field in ID_FIELDS:
            change = ev.changes.get(field) if isinstance(ev.changes, dict) else None
            for value in change if isinstance(change, list) else ():
                if (pk := as_id(value)) is not None:
                    wanted[field].add(pk)
    names = queries.names_for(portal_id, wanted)
    custom = {f.name: f for f in custom_fields}
    return [
        {
            "when": ev.created_at,
            "who": ev.shown_as or (ev.actor.display_name if ev.actor else ev.actor_label),
            "what": ev.label,
            "changes": [
                {
                    "label": label,
                    "old": _shown(field, old, names, custom),
                    "new": _shown(field, new, names, custom),
                    "edit": ev.kind in EDIT_KINDS or old not in (None, ""),
                }
                for label, field, old, new in _changes(ev, custom)
            ],
        }
        for ev in events
    ]


# The order an event's changes are read in: FIELD_LABELS' order, then custom and unknown
# fields alphabetically. Never the stored order: PostgreSQL's jsonb keeps keys by length, then
# bytes, SQLite as written, and the same history must read the same on both.
FIELD_ORDER = {field: i for i, field in enumerate(f for f in FIELD_LABELS if f != "cf")}


def _in_order(change: tuple) -> tuple:
    label, field = change[0], change[1]
    if field in FIELD_ORDER:
        return (0, FIELD_ORDER[field], "", "")
    return (1, 0, str(label).casefold(), field)


def _changes(ev, custom: dict) -> list[tuple]:
    """(label, field, old, new) per recorded change, one per custom field that changed, in
    the order people read them (FIELD_ORDER)."""
    return sorted(_recorded(ev, custom), key=_in_order)


def _recorded(ev, custom: dict):
    if not isinstance(ev.changes, dict):
        return
    for field, change in ev.changes.items():
        old, new = change if isinstance(change, list) and len(change) == 2 else (None, change)
        if field == "cf" and isinstance(old or {}, dict) and isinstance(new or {}, dict):
            old, new = old or {}, new or {}
            for name in [*old, *(k for k in new if k not in old)]:
                if old.get(name) != new.get(name):
                    label = custom[name].label if name in custom else name
                    yield label, f"cf.{name}", old.get(name), new.get(name)
            continue
        label = FIELD_LABELS.get(field) or field.removesuffix("_id").replace("_", " ").capitalize()
        yield label, field, old, new


def _shown(field: str, value, names: dict, custom: dict) -> str:
    """One recorded value as the history shows it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field in ID_FIELDS:
        pk = as_id(value)
        name = names.get(field, {}).get(pk) if pk else None
        return name or _("#%(id)s (deleted)") % {"id": value}
    if field in CHOICE_LABELS:
        return str(CHOICE_LABELS[field].get(value, value))
    if field in WHEN_FIELDS and isinstance(value, str):
        return _when(value)
    if field.startswith("cf.") and isinstance(value, str):
        definition = custom.get(field[3:])
        if definition is not None and definition.type == "date":
            return _day(value)
    if field == "description":
        return Truncator(strip_tags(str(value))).chars(80)
    if field == "crm_deal" and isinstance(value, dict):
        return str(value.get("name") or "—")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _when(value: str) -> str:
    try:
        when = parse_datetime(value)
    except ValueError:
        when = None
    if when is None:
        return value
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return date_format(localtime(when), "SHORT_DATETIME_FORMAT")


def _day(value: str) -> str:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return value
    return date_format(day, "SHORT_DATE_FORMAT")
