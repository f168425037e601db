"""Keyset (cursor) pagination shared by both APIs and the UI lists.

A cursor is the sort key of the last row of a page, base64-encoded JSON. It comes back from
clients, so every value is checked against the field it sorts on before it reaches a query:
a tampered cursor is a 400, never a 500. Nullable sort fields put NULLs last in either
direction, so rows without a value (a ticket with no due date) are neither skipped nor fatal.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from tandem.web.errors import Problem

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
SCALARS = (str, int, float, bool, Decimal, dt.date, dt.datetime)
BIGINT = 2**63


def _bad_cursor() -> Problem:
    return Problem(
        400, _("The cursor is not one this API gave out."), {"cursor": [_("Invalid cursor.")]}
    )


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"dec": str(value)}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return dt.datetime.fromisoformat(value["dt"])
        if "d" in value:
            return dt.date.fromisoformat(value["d"])
        if "dec" in value:
            return Decimal(value["dec"])
        raise ValueError("unknown cursor value")
    return value


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([_encode(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != size:
            raise ValueError("wrong size")
        return [_decode(v) for v in values]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise _bad_cursor() from None


def parse_limit(raw: Any) -> int:
    if raw in (None, ""):
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except (TypeError, ValueError):
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise Problem(
            400,
            _("limit must be between 1 and %(max)s.") % {"max": MAX_LIMIT},
            {"limit": [_("Use 1 to %(max)s.") % {"max": MAX_LIMIT}]},
        )
    return limit


def _model_field(model, path: str):
    """The model field a sort path ends on, or None for annotations and JSON keys."""
    field = None
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except (FieldDoesNotExist, AttributeError):
            return None
        model = field.related_model if field.is_relation else None
    return field


def _checked(qs: QuerySet, fields: list[str], values: list[Any]) -> tuple[list[Any], list[bool]]:
    """Cursor values converted to their fields' types, and which fields may hold NULL."""
    checked, nullable = [], []
    for path, value in zip(fields, values, strict=True):
        field = _model_field(qs.model, path)
        can_be_null = field is None or field.null
        if value is None and not can_be_null:
            raise _bad_cursor()
        if value is not None and not isinstance(value, SCALARS):
            raise _bad_cursor()
        if isinstance(value, int) and not -BIGINT <= value < BIGINT:
            raise _bad_cursor()
        if field is not None and value is not None:
            target = field.target_field if field.is_relation else field
            try:
                value = target.to_python(value)
            except (ValidationError, ValueError, TypeError):
                raise _bad_cursor() from None
        checked.append(value)
        nullable.append(can_be_null)
    return checked, nullable


def _order_expressions(qs: QuerySet, order: tuple[str, ...]) -> list:
    exprs = []
    for item in order:
        path = item.lstrip("-")
        field = _model_field(qs.model, path)
        if field is not None and not field.null:
            exprs.append(item)  # plain: keeps the index usable
        elif item.startswith("-"):
            exprs.append(F(path).desc(nulls_last=True))
        else:
            exprs.append(F(path).asc(nulls_last=True))
    return exprs


def _after(field: str, descending: bool, value: Any, nullable: bool) -> Q:
    """Rows strictly after `value` on one field (NULLs come last)."""
    if value is None:
        return Q(pk__in=[])  # nothing sorts after NULL
    after = Q(**{f"{field}__{'lt' if descending else 'gt'}": value})
    return after | Q(**{f"{field}__isnull": True}) if nullable else after


def _equal(field: str, value: Any) -> Q:
    return Q(**{f"{field}__isnull": True}) if value is None else Q(**{field: value})


def keyset_page(
    qs: QuerySet, *, order: tuple[str, ...], cursor: str | None, limit: int
) -> tuple[list, str | None]:
    """One page of `qs` ordered by `order` (the last field must be unique, e.g. "-id"), after
    `cursor`. Keyset pagination: page N costs as little as page 1 at any depth."""
    fields = [f.lstrip("-") for f in order]
    qs = qs.order_by(*_order_expressions(qs, order))
    if cursor:
        values, nullable = _checked(qs, fields, decode_cursor(cursor, len(fields)))
        if len(fields) == 2 and nullable[0] and values[0] is not None and not nullable[1]:
            rows = _after_a_value_nulls_last(qs, order, values, limit + 1)
            return _page(rows, fields, limit)
        after = Q(pk__in=[])
        # (a, b, c) > (x, y, z) lexicographically, honouring each field's direction.
        for i, field in enumerate(fields):
            clause = _after(field, order[i].startswith("-"), values[i], nullable[i])
            for j in range(i):
                clause &= _equal(fields[j], values[j])
            after |= clause
        qs = qs.filter(after)
    return _page(list(qs[: limit + 1]), fields, limit)


def _page(rows: list, fields: list[str], limit: int) -> tuple[list, str | None]:
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor([_attr(rows[-1], f) for f in fields])


def _after_a_value_nulls_last(qs: QuerySet, order: tuple[str, ...], values: list, count: int):
    """Up to `count` rows of `qs` (ordered by `order`: a nullable field, NULLs last, then a
    unique one) after a cursor whose first value is not NULL: the rows with a value after it,
    then the NULL rows. As one query ("… OR due_date IS NULL OR …") SQLite sorted the whole
    table for each page (3-5 s for the second page of all tickets by due date, at 1,000,000);
    each of these two walks the index from where the page starts."""
    (first, second), (value, tie) = [f.lstrip("-") for f in order], values
    first_desc, second_desc = (item.startswith("-") for item in order)
    # (first, second) after (value, tie): first at or beyond value, but not (value, ≤ tie).
    from_value = {f"{first}__{'lte' if first_desc else 'gte'}": value}
    passed = {first: value, f"{second}__{'gte' if second_desc else 'lte'}": tie}
    rows = list(qs.filter(**from_value).exclude(**passed)[:count])
    if len(rows) < count:
        rows += list(qs.filter(**{f"{first}__isnull": True})[: count - len(rows)])
    return rows


def _attr(obj: Any, path: str) -> Any:
    if isinstance(obj, dict):  # a row of .values()
        return obj[path]
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj
