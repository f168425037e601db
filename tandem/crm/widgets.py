"""A searchable picker: the person types a name and picks from suggestions (htmx); the form
sends the chosen id, never a number the person had to know."""

from __future__ import annotations

from django import forms

TYPED = "__typed"  # suffix of the visible box's name: what was typed, for "pick one" errors


class Picker(forms.Widget):
    template_name = "crm/widgets/picker.html"

    def __init__(self, *, url: str, names: dict, placeholder: str = "", attrs=None):
        super().__init__(attrs)
        self.url, self.names, self.placeholder = url, names, placeholder

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = "" if value in (None, "") else str(value)
        context["widget"].update(
            url=self.url,
            chosen=chosen,
            chosen_name=self.names.get(chosen, "") if chosen else "",
            typed_name=name + TYPED,
            placeholder=self.placeholder,
        )
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)
