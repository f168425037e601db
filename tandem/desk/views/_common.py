"""What Desk's pages share: turning an action's refusal into a message."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect

from tandem.web.errors import Problem


def attempt(request, action, /, *, success: str = "", **kwargs):
    """Run an action; on refusal show why (with the fields named) and return None."""
    try:
        result = action(**kwargs)
    except Problem as exc:
        details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.errors.items())
        messages.error(request, f"{exc.detail} {details}".strip())
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True


def back(request, fallback: str):
    """Back to the page the form was on (only our own paths)."""
    target = request.POST.get("next") or ""
    return redirect(target if target.startswith("/desk/") else fallback)


def desk_view(view):
    """A page of a Desk portal: signed in, an active agent there (else 404). A refusal raised
    while reading (a ticket of another department) is a 404 or 403 page, never a crash."""
    from functools import wraps

    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from tandem.identity.decorators import tenant_view

    @wraps(view)
    def guarded(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Problem as exc:
            if exc.status == 404:
                raise Http404(exc.detail) from None
            raise PermissionDenied(exc.detail) from None

    return tenant_view("desk")(guarded)
