"""What every CRM page shares: the tenant check, the acting person, refusals as pages."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from tandem.identity.decorators import tenant_view
from tandem.web.errors import Problem


def crm_view(view):
    """A page of one org (/crm/<slug>/…): members only (else 404). A refusal raised by an
    action becomes the 403/404 page, or for a bad request/conflict a message on the page the
    person came from."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Problem as problem:
            if problem.status == 404:
                raise Http404(problem.detail) from None
            if problem.status in (401, 403):
                raise PermissionDenied(problem.detail) from None
            details = " ".join(m for msgs in problem.errors.values() for m in msgs)
            messages.error(request, f"{problem.detail} {details}".strip())
            back = request.headers.get("referer") or request.path
            if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
                back = request.path
            return redirect(back)

    return tenant_view("crm")(guarded)


def ui(request):
    """(actor, org, member) of a CRM page."""
    member = request.member
    request.user._crm_member = member  # actions reuse it instead of querying again
    return request.user, member.org, member
