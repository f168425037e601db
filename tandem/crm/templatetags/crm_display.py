from django import template

from tandem.crm.display import yes_no as _yes_no

register = template.Library()


@register.filter
def yes_no(value) -> str:
    """A boolean as "Yes"/"No" in the page's language (Django's yesno reads "sí"/"ja")."""
    return _yes_no(value)
