from django.shortcuts import render

from tandem.crm import queries
from tandem.identity.decorators import tenant_view


@tenant_view("crm")
def home(request):
    org = request.member.org
    return render(
        request,
        "crm/home.html",
        {"org": org, "me": request.member, "members": queries.members_of(org)},
    )
