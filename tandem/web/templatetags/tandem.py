from django import template

register = template.Library()

WIDGET_CLASSES = {
    "select": "form-select",
    "selectmultiple": "form-select",
    "checkbox": "form-check-input",
}


@register.filter
def bootstrap(field):
    """Render a bound field with Bootstrap's class, marked invalid when it has errors."""
    css = WIDGET_CLASSES.get(field.widget_type, "form-control")
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})
