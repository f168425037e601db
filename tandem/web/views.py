from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET


@login_required
def home(request):
    return render(request, "web/home.html")


@require_GET
def health(request):
    """For load balancers: the process answers and the database is reachable."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def _error(request, status: int, title: str, detail: str):
    return render(
        request, "error.html", {"status": status, "title": title, "detail": detail}, status=status
    )


def forbidden(request, exception=None):
    detail = (
        str(exception)
        if exception and str(exception)
        else _("You are not allowed to see this page.")
    )
    return _error(request, 403, _("Not allowed"), detail)


def not_found(request, exception=None):
    return _error(
        request, 404, _("Not found"), _("There is nothing here, or it is not yours to see.")
    )


def bad_request(request, exception=None):
    return _error(request, 400, _("Bad request"), _("The request could not be understood."))
