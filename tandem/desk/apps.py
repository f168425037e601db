import functools

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "tandem.desk"
    label = "desk"
    verbose_name = _("Desk")

    def ready(self) -> None:
        from tandem.desk import limits, queries, tasks  # noqa: F401 — SLA sweep, text limits
        from tandem.identity import tenants
        from tandem.web.badinput import register_field_labels
        from tandem.web.nav import register_tabs

        tenants.register(
            tenants.TenantKind(
                kind="desk",
                label="Desk",
                memberships=queries.memberships,
                membership=queries.membership,
            )
        )
        register_tabs("desk", _tabs)
        register_field_labels("/desk/", _field_labels)
        post_migrate.connect(_repair_search, sender=self)


def _repair_search(sender, using, **kwargs):
    from django.db import connections

    from tandem.desk import search

    search.repair(connections[using])


def _field_labels():
    from tandem.desk.views._common import FIELD_LABELS

    return FIELD_LABELS


TABS = ("home", "tickets", "contacts", "accounts", "products", "setup")


@functools.lru_cache(maxsize=1024)
def _tab_urls(slug: str, prefix: str) -> dict[str, str]:
    """A portal's tab addresses (under the script `prefix` they were reversed with), reversed
    once per process rather than on every page."""
    from django.urls import reverse

    return {name: reverse(f"desk:{name}", args=[slug]) for name in TABS}


def _tabs(request, membership):
    from django.urls import get_script_prefix
    from django.utils.translation import gettext as _

    from tandem.web.nav import Tab

    labels = {
        "home": _("Home"),
        "tickets": _("Tickets"),
        "contacts": _("Contacts"),
        "accounts": _("Accounts"),
        "products": _("Products"),
        "setup": _("Setup"),
    }
    urls = _tab_urls(membership.slug, get_script_prefix())
    found = []
    for name in TABS if membership.member.is_admin else TABS[:-1]:
        url = urls[name]
        active = request.path == url if name == "home" else request.path.startswith(url)
        found.append(Tab(labels[name], url, active=active))
    return found
