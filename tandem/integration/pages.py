"""What the integration's pages share: an action's refusal shown as the 403/404 page."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from tandem.web.errors import Problem


def refusals_as_pages(view):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Problem as problem:
            if problem.status == 404:
                raise Http404(problem.detail) from None
            raise PermissionDenied(problem.detail) from None

    return guarded
