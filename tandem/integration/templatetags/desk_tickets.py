"""`{% desk_ticket_settings %}`: the ticket settings section of the integration page (related
lists, visibility, the Desk tab), drawn from the page's request without its view knowing."""

from django import template

from tandem.integration.tickets.tab import settings_context

register = template.Library()


@register.inclusion_tag("integration/tickets/settings.html", takes_context=True)
def desk_ticket_settings(context):
    request = context["request"]
    return {"request": request, "org": request.member.org, **settings_context(request.member)}
