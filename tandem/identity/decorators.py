from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from tandem.identity import tenants
from tandem.identity.api_auth import remember_tenant


def tenant_view(kind: str):
    """For UI views under /crm/<slug>/ or /desk/<slug>/: signed in, an active member of that
    tenant (else 404, so other tenants' names do not leak), and remembered for session API calls."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, slug: str, *args, **kwargs):
            # One read of the person's memberships serves the view and the shell's tenant
            # switcher (web.context), instead of one for each on every page.
            request.my_memberships = tenants.memberships(request.user)
            membership = next(
                (m for m in request.my_memberships if m.kind == kind and m.slug == slug), None
            )
            if membership is not None:
                membership.member.user = request.user  # the signed-in person, not a copy
            if membership is None:
                raise Http404("No such tenant here.")
            remember_tenant(request, membership)
            request.membership = membership
            request.member = membership.member
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
