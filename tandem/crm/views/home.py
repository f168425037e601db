from django.shortcuts import render

from tandem.crm import queries
from tandem.crm.views.common import crm_view, ui


@crm_view
def home(request):
    _actor, org, member = ui(request)
    modules = [m for m in queries.record_modules(org) if member.can_module(m.api_name, "view")]
    context = {
        "org": org,
        "me": member,
        "modules": modules,
        "signals": list(queries.signals_for(member, unread=True)[:5]),
        "members": queries.members_of(org),
    }
    return render(request, "crm/home.html", context)
