from django.shortcuts import render

from tandem.desk import queries
from tandem.desk.views._common import desk_view


@desk_view
def home(request):
    portal = request.member.portal
    context = {
        "portal": portal,
        "me": request.member,
        "departments": queries.departments_of(portal),
        "agents": queries.agents_of(portal),
    }
    return render(request, "desk/home.html", context)
