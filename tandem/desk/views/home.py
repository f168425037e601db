from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tandem.desk import actions, queries
from tandem.desk.views._common import desk_view, refusal_text
from tandem.web.errors import Problem


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


@login_required
@require_http_methods(["GET", "POST"])
def new_portal(request):
    """Anyone signed in may start a portal; they become its first Desk administrator."""
    error = ""
    if request.method == "POST":
        try:
            portal = actions.do_create_portal(actor=request.user, name=request.POST.get("name", ""))
        except Problem as exc:
            error = refusal_text(request, exc)
        else:
            return redirect("desk:home", portal.slug)
    return render(request, "desk/new_portal.html", {"error": error})
