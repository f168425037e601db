from itertools import groupby

from django import template

from tandem.crm.views.setup_sections import sections_for

register = template.Library()


@register.simple_tag(takes_context=True)
def setup_menu(context):
    """[(group, [(section, url)])] of the Setup parts the person on this page may open; read from
    the request so every page extending the Setup layout (an integration's too) gets it."""
    request = context["request"]
    slug = request.member.org.slug
    visible = sections_for(request.member)
    return [
        (group, [(s, s.url(slug)) for s in items])
        for group, items in groupby(visible, key=lambda s: s.group)
    ]
