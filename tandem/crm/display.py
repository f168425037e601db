"""How a field's value reads on a page: booleans as Yes/No in the page's language, amounts as
money, lookups as links to the record they point at. Lists, related lists and record pages all
show values through here, so a type reads the same everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# The org's money is one currency (the CRM keeps no per-record currency); its sign, by ISO code.
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CHF": "CHF", "MXN": "$"}


@dataclass(frozen=True)
class Cell:
    text: str
    url: str | None = None


def yes_no(value) -> str:
    return _("Yes") if value else _("No")


def money(value) -> str:
    """An amount with two decimals, grouped the locale's way, and the currency sign where the
    language puts it: "$1,250.00" in English, "1.250,00 $" in Spanish and German."""
    code = getattr(settings, "TANDEM_CURRENCY", "USD")
    sign = SYMBOLS.get(code, code)
    number = formats.number_format(Decimal(str(value)), 2, use_l10n=True, force_grouping=True)
    if (get_language() or "en").startswith("en"):
        return f"-{sign}{number[1:]}" if number.startswith("-") else f"{sign}{number}"
    return f"{number}\u00a0{sign}"


def cell(field, value, org_slug: str) -> Cell:
    """`value` as serialize_records gives it out (lookups {"id", "name"}, people {"name"})."""
    if value is None or value == "":
        return Cell("")
    if field.type == "boolean":
        return Cell(yes_no(value))
    if field.type == "currency":
        return Cell(money(value))
    if field.type in ("integer", "decimal"):
        return Cell(formats.number_format(value, use_l10n=True, force_grouping=True))
    if field.type == "lookup":
        url = reverse("crm:record", args=[org_slug, field.lookup_module.api_name, value["id"]])
        return Cell(value.get("name") or f"#{value['id']}", url)
    if field.type == "owner":
        return Cell(value.get("name") or value.get("email") or "")
    return Cell(str(value))
