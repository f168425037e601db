"""Checking the values people give ticket fields: due dates, custom fields by their type."""

from __future__ import annotations

import datetime as dt
import math

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from tandem.desk.models import TicketField


def due_date(value, errors: dict):
    if value in (None, ""):
        return None
    parsed = None
    try:
        if isinstance(value, dt.datetime):
            parsed = value
        elif isinstance(value, str):
            parsed = parse_datetime(value)
            day = parse_date(value) if parsed is None else None
            if day is not None:
                parsed = dt.datetime.combine(day, dt.time(23, 59))
        if parsed is not None:
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed, dt.UTC)
            parsed.astimezone(dt.UTC)  # stored in UTC: 9999-12-31T23:59-05:00 is out of range
    except (ValueError, OverflowError):  # well formed but impossible: "2026-02-31"
        parsed = None
    if parsed is None:
        errors.setdefault("due_date", []).append(_("Enter a date and time (ISO 8601)."))
    return parsed


def clean_cf(portal_id: int, values: dict, errors: dict) -> dict:
    """Custom field values checked against the portal's definitions, by type."""
    if not isinstance(values, dict):
        errors.setdefault("cf", []).append(_("Custom fields are an object of name → value."))
        return {}
    fields = {f.name: f for f in TicketField.objects.filter(portal=portal_id)}
    clean = {}
    for name, value in values.items():
        field = fields.get(name)
        if field is None:
            errors.setdefault(f"cf.{name}", []).append(_("No such custom field."))
            continue
        if value in (None, ""):
            clean[name] = None
        elif field.type == "number":
            number = None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                number = value
            elif isinstance(value, str):
                text = value.strip()
                try:
                    number = int(text) if text.lstrip("+-").isdigit() else float(text)
                except ValueError:
                    number = None
            # Infinity, NaN and 1e999 (inf) are no numbers: JSON cannot even store them.
            if number is None or (isinstance(number, float) and not math.isfinite(number)):
                errors.setdefault(f"cf.{name}", []).append(_("Enter a number."))
            else:
                clean[name] = number
        elif field.type == "date":
            try:
                day = parse_date(value) if isinstance(value, str) else None
            except ValueError:  # well formed but impossible: "2026-02-31"
                day = None
            if day is None:
                errors.setdefault(f"cf.{name}", []).append(_("Enter a date (YYYY-MM-DD)."))
            else:
                clean[name] = day.isoformat()
        elif field.type == "picklist":
            if value not in field.choices:
                errors.setdefault(f"cf.{name}", []).append(
                    _("Choose one of: %(choices)s.") % {"choices": ", ".join(field.choices)}
                )
            else:
                clean[name] = value
        else:
            clean[name] = str(value)[:2000]
    return clean
