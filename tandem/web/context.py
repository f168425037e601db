from tandem.identity import tenants
from tandem.web.nav import tabs_for


def shell(request):
    """What the base template needs on every page: the person's tenants and the current tabs."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        # Read by tenant_view when the page is a tenant's (identity.decorators).
        "my_memberships": getattr(request, "my_memberships", None) or tenants.memberships(user),
        "current_membership": getattr(request, "membership", None),
        "nav_tabs": tabs_for(request),
    }
