from django.shortcuts import render
from django.utils.html import format_html_join


def page(
    request, template: str, context: dict | None = None, *, partial: str | None = None, status=200
):
    """Render the full page, or only `partial` when htmx asks for a fragment of it."""
    if partial and getattr(request, "htmx", False) and not request.htmx.boosted:
        return render(request, partial, context or {}, status=status)
    return render(request, template, context or {}, status=status)


def option_tags(choices, *, selected=None, prefix: str = "") -> str:
    """The `<option>`s of a select or datalist for (value, label) pairs, escaped, the one whose
    value is `selected` marked so; `prefix` before each label. Built here rather than looped
    in a template: a page's option lists were a tenth of its rendering."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}{}</option>',
        ((value, " selected" if value == selected else "", prefix, label)
         for value, label in choices),
    )  # fmt: skip
