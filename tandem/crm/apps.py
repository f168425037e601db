from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "tandem.crm"
    label = "crm"
    verbose_name = _("CRM")

    def ready(self) -> None:
        from tandem.crm import hooks, queries
        from tandem.crm.views import navigation
        from tandem.identity import tenants
        from tandem.web.nav import register_tabs, register_widget

        tenants.register(
            tenants.TenantKind(
                kind="crm",
                label="CRM",
                memberships=queries.memberships,
                membership=queries.membership,
            )
        )
        register_tabs("crm", navigation.tabs)
        register_widget("crm", navigation.signals_bell)
        # The CRM's own SalesSignals source; the integration registers Desk the same way.
        hooks.register_signal_source(
            hooks.SignalSource(
                key="crm",
                label=_("CRM"),
                settings={"assigned": _("A record was assigned to you")},
            )
        )
