"""The list view's filter: the value box fits the field chosen (a picker by name for Owner and
lookups, a list for picklists and checkboxes, a text box otherwise), and the filters in force
read as names. The URL keeps ids, as the API does."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _

from tandem.crm import display, queries
from tandem.crm.widgets import TYPED, Picker

OWNER = "Owner"


def value_widget(org, module, field_name: str) -> str:
    """The HTML of the value box for filtering `module` by `field_name`."""
    fields = {f.api_name: f for f in queries.fields_of(module)}
    attrs = {"id": "filter-value", "class": "form-control form-control-sm"}
    field = fields.get(field_name)
    label = {"aria-label": _("Value")}
    if field_name == OWNER or (field is not None and field.type == "owner"):
        url = reverse("crm:owner_options", args=[org.slug])
        widget = Picker(url=url, names={}, placeholder=_("Type a name"), attrs=attrs)
    elif field is not None and field.type == "lookup":
        url = reverse("crm:lookup_options", args=[org.slug, field.lookup_module.api_name])
        placeholder = _("Type a name to search %(m)s") % {"m": field.lookup_module.plural}
        widget = Picker(url=url, names={}, placeholder=placeholder, attrs=attrs)
    elif field is not None and field.type == "picklist":
        choices = [(v, v) for v in field.picklist_values]
        widget = forms.Select(attrs={**attrs, **label, "class": "form-select form-select-sm"})
        widget.choices = choices
    elif field is not None and field.type == "boolean":
        widget = forms.Select(attrs={**attrs, **label, "class": "form-select form-select-sm"})
        widget.choices = [("true", display.yes_no(True)), ("false", display.yes_no(False))]
    else:
        widget = forms.TextInput(attrs={**attrs, **label, "placeholder": _("equals…")})
    return widget.render("filter_value", None)


def unpicked(get) -> bool:
    """A name typed into the value picker but no suggestion picked."""
    return not get.get("filter_value") and bool(get.get("filter_value" + TYPED, "").strip())


def badges(org, module, filters: dict[str, str]) -> list[tuple[str, str]]:
    """(field title, value as a person reads it) of each filter in force."""
    if not filters:
        return []
    fields = {f.api_name: f for f in queries.fields_of(module)}
    people = dict(queries.owner_choices(org.id))
    ids = [v for k, v in filters.items() if k in fields and fields[k].type == "lookup"]
    names = queries.record_names(org, ids)
    out = []
    for name, value in filters.items():
        field = fields.get(name)
        if name == OWNER or (field is not None and field.type == "owner"):
            shown = people.get(int(value), value) if value.isdigit() else value
        elif field is not None and field.type == "lookup":
            shown = names.get(value, value)
        elif field is not None and field.type == "boolean":
            shown = display.yes_no(value.lower() in ("true", "1", "yes"))
        else:
            shown = value
        out.append((_("Owner") if name == OWNER else field.title if field else name, shown))
    return out
