"""UI forms. Record forms are generated from the module's field metadata; validation itself is
the actions' (values.Validator), so UI and API accept and refuse exactly the same values."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.crm.models import Field, Profile
from tandem.crm.widgets import TYPED, Picker

WIDGETS = {
    "textarea": lambda: forms.Textarea(attrs={"rows": 3}),
    "email": lambda: forms.EmailInput(),
    "url": lambda: forms.URLInput(),
    "integer": lambda: forms.NumberInput(attrs={"step": "1"}),
    "decimal": lambda: forms.NumberInput(attrs={"step": "any"}),
    "currency": lambda: forms.NumberInput(attrs={"step": "0.01"}),
    "date": lambda: forms.DateInput(attrs={"type": "date"}),
    "datetime": lambda: forms.DateTimeInput(attrs={"type": "datetime-local"}),
    "phone": lambda: forms.TextInput(attrs={"type": "tel"}),
}


class RecordForm(forms.Form):
    """Collects raw values by field api name; the action parses and validates them."""

    def __init__(
        self, fields: list[Field], owners, *args, lookup_urls=None, lookup_names=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.lookup_names = lookup_names or {}  # {"id": name} of the records the form shows
        self.meta_fields = [f for f in fields if not f.hidden]
        for field in self.meta_fields:
            self.fields[field.api_name] = self._form_field(field, owners, lookup_urls or {})
        self.fields["Owner"] = forms.TypedChoiceField(
            label=_("Owner"), choices=owners, coerce=int, required=False
        )

    def _form_field(self, field: Field, owners, lookup_urls) -> forms.Field:
        # Never required at the form level: the action decides, with the API's message; the
        # star still tells people which fields they must fill.
        common = {"label": f"{field.title} *" if field.required else field.title, "required": False}
        if field.type == "boolean":
            return forms.BooleanField(**common)
        if field.type == "picklist":
            choices = [("", "—"), *[(v, v) for v in field.picklist_values]]
            return forms.ChoiceField(choices=choices, **common)
        if field.type == "owner":
            return forms.ChoiceField(choices=[("", "—"), *owners], **common)
        if field.type == "lookup":
            target = field.lookup_module
            widget = Picker(
                url=lookup_urls.get(field.api_name, ""),
                names=self.lookup_names,
                placeholder=_("Type a name to search %(m)s") % {"m": target.plural},
            )
            return forms.CharField(widget=widget, **common)
        widget = WIDGETS.get(field.type, forms.TextInput)()
        return forms.CharField(widget=widget, **common)

    def unpicked(self) -> dict[str, list[str]]:
        """Lookups where a name was typed but no suggestion picked: said, never dropped."""
        errors = {}
        for field in self.meta_fields:
            name = self.add_prefix(field.api_name)
            if field.type == "lookup" and not self.data.get(name) and self.data.get(name + TYPED):
                errors[field.api_name] = [
                    _("Pick one of the suggestions (%(m)s) or leave it empty.")
                    % {"m": field.lookup_module.plural}
                ]
        return errors

    def values(self) -> dict:
        """What the person sent, by api name, as the action expects it."""
        values = {}
        for name, form_field in self.fields.items():
            raw = self.data.get(self.add_prefix(name))
            if isinstance(form_field, forms.BooleanField):
                values[name] = raw in ("on", "true", "1")
            elif name == "Owner":
                if raw:
                    values[name] = raw
            else:
                values[name] = raw or None
        return values

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class ModuleForm(forms.Form):
    singular_label = forms.CharField(label=_("Singular label"), max_length=80)
    plural_label = forms.CharField(label=_("Plural label"), max_length=80)


class FieldForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=80)
    type = forms.ChoiceField(label=_("Type"), choices=[c for c in Field.Type.choices])
    required = forms.BooleanField(label=_("Required"), required=False)
    picklist_values = forms.CharField(
        label=_("Picklist values"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line (picklists only)."),
    )
    lookup_module = forms.ChoiceField(label=_("Looks up"), required=False)

    def __init__(self, modules, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lookup_module"].choices = [("", "—")] + [
            (m.api_name, m.plural) for m in modules
        ]


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    name = forms.CharField(label=_("Name"), required=False, max_length=150)
    profile_id = forms.TypedChoiceField(label=_("Profile"), coerce=int)

    def __init__(self, profiles, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile_id"].choices = [(p.pk, p.title) for p in profiles]


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    features = forms.MultipleChoiceField(
        label=_("Permissions"),
        required=False,
        choices=list(Profile.FEATURES.items()),
        widget=forms.CheckboxSelectMultiple,
    )


class AcceptForm(forms.Form):
    name = forms.CharField(label=_("Your name"), required=False, max_length=150)
    password = forms.CharField(label=_("Choose a password"), widget=forms.PasswordInput)
