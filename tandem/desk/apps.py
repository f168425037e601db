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


def _tabs(request, membership):
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from tandem.web.nav import Tab

    tabs = [
        ("home", _("Home")),
        ("tickets", _("Tickets")),
        ("contacts", _("Contacts")),
        ("accounts", _("Accounts")),
        ("products", _("Products")),
    ]
    if membership.member.is_admin:
        tabs.append(("setup", _("Setup")))
    home = reverse("desk:home", args=[membership.slug])
    found = []
    for name, label in tabs:
        url = reverse(f"desk:{name}", args=[membership.slug])
        active = request.path == url if url == home else request.path.startswith(url)
        found.append(Tab(label, url, active=active))
    return found
