"""Field values: parse and validate what people and scripts send, by field type, with a message
per field. Stored shapes in Record.data: text-like → str, integer → int, decimal/currency →
number, date → "YYYY-MM-DD", datetime → ISO 8601 with offset, boolean → bool, picklist → str,
lookup → record id, owner → user id. Empty values are not stored."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from tandem.crm.models import Field, Module, OrgUser, Record

TEXT_MAX = {"text": 255, "email": 254, "phone": 30, "url": 500, "textarea": 32000}
PHONE_RE = re.compile(r"^\+?[0-9 ().\-/]{3,30}(?:\s*(?:x|ext\.?)\s*\d{1,6})?$", re.I)
_ATOM = r"[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+"
FAST_EMAIL = re.compile(
    rf"^{_ATOM}(?:\.{_ATOM})*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.)+[A-Za-z]{{2,63}}$"
)
TRUE_WORDS = {"true", "yes", "1", "on", "y", "t"}
FALSE_WORDS = {"false", "no", "0", "off", "n", "f"}
_url = URLValidator(schemes=["http", "https"])


class Invalid(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(field: Field, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise Invalid(_("Enter text."))
    text = str(value).strip()
    limit = TEXT_MAX.get(field.type, 255)
    if len(text) > limit:
        raise Invalid(_("Use at most %(n)d characters.") % {"n": limit})
    return text


def _email(field: Field, value: Any) -> str:
    text = _text(field, value)
    if FAST_EMAIL.match(text):
        return text  # the common case, a strict subset of what Django accepts; bulk-cheap
    try:
        validate_email(text)
    except ValidationError:
        raise Invalid(_("Enter a valid email address.")) from None
    return text


def _phone(field: Field, value: Any) -> str:
    text = _text(field, value)
    if not PHONE_RE.match(text) or sum(c.isdigit() for c in text) < 3:
        raise Invalid(_("Enter a valid phone number."))
    return text


def _url_value(field: Field, value: Any) -> str:
    text = _text(field, value)
    if "://" not in text:
        text = "https://" + text
    try:
        _url(text)
    except ValidationError:
        raise Invalid(_("Enter a valid URL.")) from None
    return text


ID_MAX = 2**63 - 1  # a database id column: larger numbers overflow it (SQLite raises)


def parse_id(raw: Any) -> int | None:
    """An id sent by a person or script (form field, query string), or None when it is not a
    positive whole number a database id column can hold."""
    if isinstance(raw, bool):
        return None
    text = str(raw).strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= ID_MAX else None


def _integer(field: Field, value: Any) -> int:
    if isinstance(value, bool):
        raise Invalid(_("Enter a whole number."))
    if isinstance(value, int):
        if abs(value) > 2**53:
            raise Invalid(_("Enter a whole number."))
        return value
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise Invalid(_("Enter a whole number.")) from None
    if number != number.to_integral_value() or abs(number) > 2**53:
        raise Invalid(_("Enter a whole number."))
    return int(number)


def _decimal(field: Field, value: Any) -> float | int:
    if isinstance(value, bool):
        raise Invalid(_("Enter a number."))
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise Invalid(_("Enter a number.")) from None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 15:
        raise Invalid(_("Enter a number."))
    if field.type == "currency":
        number = number.quantize(Decimal("0.01"))
    return int(number) if number == number.to_integral_value() else float(number)


def _date(field: Field, value: Any) -> str:
    try:
        parsed = parse_date(str(value).strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise Invalid(_("Enter a date as YYYY-MM-DD."))
    return parsed.isoformat()


def _datetime(field: Field, value: Any) -> str:
    try:
        parsed = parse_datetime(str(value).strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise Invalid(_("Enter a date and time in ISO 8601, e.g. 2026-01-31T14:00:00+01:00."))
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed.astimezone(dt.UTC).isoformat()


def _boolean(field: Field, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise Invalid(_("Enter true or false."))


def _picklist(field: Field, value: Any) -> str:
    text = _text(field, value)
    if text not in field.picklist_values:
        raise Invalid(
            _("Choose one of: %(values)s.") % {"values": ", ".join(field.picklist_values)}
        )
    return text


def _reference(field: Field, value: Any) -> int:
    if isinstance(value, dict):  # accept what a read gave out: {"id", "name"}
        value = value.get("id")
    try:
        return _integer(field, value)
    except Invalid:
        raise Invalid(_("Give the id of a record.")) from None


PARSERS = {
    "text": _text,
    "textarea": _text,
    "email": _email,
    "phone": _phone,
    "url": _url_value,
    "integer": _integer,
    "decimal": _decimal,
    "currency": _decimal,
    "date": _date,
    "datetime": _datetime,
    "boolean": _boolean,
    "picklist": _picklist,
    "lookup": _reference,
    "owner": _reference,
}

SYSTEM_KEYS = {"id", "Created_Time", "Modified_Time", "Owner"}


class Validator:
    """Cleans many rows of one module against its fields, checking lookups and owners in one
    query per target module, so a bulk write of 1,000 rows costs a handful of queries."""

    def __init__(self, module: Module, fields: list[Field]):
        self.module = module
        self.fields = {f.api_name: f for f in fields}
        self._members: set[int] | None = None

    def members(self) -> set[int]:
        if self._members is None:
            self._members = set(
                OrgUser.objects.filter(
                    org_id=self.module.org_id, state=OrgUser.State.ACTIVE
                ).values_list("user_id", flat=True)
            )
        return self._members

    def clean(self, payload: Any, *, existing: dict | None = None) -> tuple[dict, dict]:
        """(changes, errors). `existing` is the stored data for a partial update (PATCH)."""
        errors: dict[str, list[str]] = {}
        changes: dict[str, Any] = {}
        if not isinstance(payload, dict):
            return {}, {"body": [_("Send an object of field values.")]}
        for key, raw in payload.items():
            if key in SYSTEM_KEYS:
                continue
            field = self.fields.get(key)
            if field is None:
                errors[key] = [_("There is no field %(name)s here.") % {"name": key}]
                continue
            if is_empty(raw):
                changes[key] = None
                continue
            try:
                changes[key] = PARSERS[field.type](field, raw)
            except Invalid as problem:
                errors[key] = [problem.message]
        merged = {**(existing or {}), **changes}
        for field in self.fields.values():
            if (
                field.required
                and is_empty(merged.get(field.api_name))
                and field.api_name not in errors
            ) and (existing is None or field.api_name in changes):
                errors[field.api_name] = [_("%(label)s is required.") % {"label": field.title}]
        if "Owner" in payload and not is_empty(payload["Owner"]):
            try:
                changes["Owner"] = self._owner(payload["Owner"])
            except Invalid as problem:
                errors["Owner"] = [problem.message]
        return changes, errors

    def _owner(self, raw: Any) -> int:
        user_id = _reference(self.fields.get("Owner") or Field(type="owner"), raw)
        if user_id not in self.members():
            raise Invalid(_("Choose an active user of this org."))
        return user_id

    def check_references(self, rows: list[tuple[dict, dict]]) -> None:
        """Add an error to each row whose lookups or user fields point nowhere in this org."""
        wanted: dict[int, set[int]] = {}
        for changes, _errors in rows:
            for key, value in changes.items():
                field = self.fields.get(key)
                if field is not None and field.type == "lookup" and value is not None:
                    wanted.setdefault(field.lookup_module_id, set()).add(value)
        found: set[tuple[int, int]] = set()
        for module_id, ids in wanted.items():
            found.update(
                (module_id, pk)
                for pk in Record.objects.filter(
                    org_id=self.module.org_id, module_id=module_id, pk__in=ids
                ).values_list("pk", flat=True)
            )
        for changes, errors in rows:
            for key, value in changes.items():
                field = self.fields.get(key)
                if field is None or value is None:
                    continue
                if field.type == "lookup" and (field.lookup_module_id, value) not in found:
                    target = field.lookup_module.singular
                    errors[key] = [_("No such %(module)s here.") % {"module": target}]
                elif field.type == "owner" and value not in self.members():
                    errors[key] = [_("Choose an active user of this org.")]
