from tandem.identity import tenants
from tandem.web.nav import tabs_for


def shell(request):
    """What the base template needs on every page: the person's tenants and the current tabs."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "my_memberships": tenants.memberships(user),
        "current_membership": getattr(request, "membership", None),
        "nav_tabs": tabs_for(request),
    }
