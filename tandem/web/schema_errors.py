"""A request that does not fit its API schema, told in the request's language.

pydantic writes its messages in English only ("String should have at most 255 characters"),
so a German or Spanish client got a translated `detail` over English field messages. Each
error type pydantic reports (its `type` is stable; its English text may change between
versions) is said again here, with the limits from its context. A type not listed keeps
pydantic's own message."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

_PLAIN = {
    "missing": _("This field is required."),
    "string_type": _("Give text."),
    "string_pattern_mismatch": _("This value does not have the expected form."),
    "int_type": _("Enter a whole number."),
    "int_parsing": _("Enter a whole number."),
    "int_from_float": _("Enter a whole number."),
    "int_parsing_size": _("This number is too large."),
    "float_type": _("Enter a number."),
    "float_parsing": _("Enter a number."),
    "finite_number": _("Enter a number."),
    "decimal_type": _("Enter a number."),
    "decimal_parsing": _("Enter a number."),
    "bool_type": _("Give true or false."),
    "bool_parsing": _("Give true or false."),
    "dict_type": _("Give an object ({…})."),
    "model_type": _("Give an object ({…})."),
    "model_attributes_type": _("Give an object ({…})."),
    "list_type": _("Give a list ([…])."),
    "tuple_type": _("Give a list ([…])."),
    "set_type": _("Give a list ([…])."),
    "date_type": _("Enter a valid date."),
    "date_parsing": _("Enter a valid date."),
    "date_from_datetime_parsing": _("Enter a valid date."),
    "date_from_datetime_inexact": _("Enter a valid date."),
    "datetime_type": _("Enter a valid date/time."),
    "datetime_parsing": _("Enter a valid date/time."),
    "datetime_from_date_parsing": _("Enter a valid date/time."),
    "datetime_object_invalid": _("Enter a valid date/time."),
    "extra_forbidden": _("This field is not known here."),
    "json_invalid": _("The request body is not valid JSON."),
}

_WITH_LIMIT = {
    "string_too_long": (_("At most %(limit)s characters."), "max_length"),
    "string_too_short": (_("At least %(limit)s characters."), "min_length"),
    "too_long": (_("At most %(limit)s items."), "max_length"),
    "too_short": (_("At least %(limit)s items."), "min_length"),
    "greater_than_equal": (_("Give a number of at least %(limit)s."), "ge"),
    "greater_than": (_("Give a number greater than %(limit)s."), "gt"),
    "less_than_equal": (_("Give a number of at most %(limit)s."), "le"),
    "less_than": (_("Give a number less than %(limit)s."), "lt"),
}


def schema_message(err: dict) -> str:
    """The message for one of pydantic's errors (a dict of its `errors()`), in the active
    language."""
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind in _PLAIN:
        return str(_PLAIN[kind])
    if kind in _WITH_LIMIT and _WITH_LIMIT[kind][1] in ctx:
        text, key = _WITH_LIMIT[kind]
        return str(text) % {"limit": ctx[key]}
    if kind in ("literal_error", "enum") and "expected" in ctx:
        # pydantic joins the choices in English ("'Low', 'Medium' or 'High'"): list them plainly.
        choices = re.findall(r"'([^']*)'", str(ctx["expected"])) or [str(ctx["expected"])]
        return str(_("Choose one of: %(values)s.")) % {"values": ", ".join(choices)}
    message = str(err.get("msg") or _("Invalid value."))
    return message.removeprefix("Value error, ")
