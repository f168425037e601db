from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationConfig(AppConfig):
    name = "tandem.integration"
    label = "integration"
    verbose_name = "CRM ↔ Desk integration"

    def ready(self) -> None:
        # Registers into the CRM's and Desk's hooks; neither of them knows this app.
        from django.urls import reverse

        from tandem.crm import hooks as crm_hooks
        from tandem.desk import hooks as desk_hooks
        from tandem.integration import api, signals, tasks
        from tandem.integration.sync import api as sync_api
        from tandem.integration.sync import tasks as sync_tasks
        from tandem.integration.tickets import register as register_tickets

        crm_hooks.register_api_router(api.crm_router)
        crm_hooks.register_api_router(sync_api.router)
        crm_hooks.register_change_listener(sync_tasks.on_crm_change)
        desk_hooks.register_change_listener(sync_tasks.on_desk_change)
        desk_hooks.register_api_router(api.desk_router)
        crm_hooks.register_marketplace_entry(
            crm_hooks.MarketplaceEntry(
                key="desk",
                name=_("Desk"),
                description=_(
                    "Link this org to a Desk portal: tickets in CRM records, customers in sync, "
                    "SalesSignals."
                ),
                setup_url=lambda slug: reverse("integration:crm_desk", args=[slug]),
            )
        )
        desk_hooks.register_setup_page(
            desk_hooks.SetupPage(
                key="crm",
                label=_("Integrations: CRM"),
                url=lambda slug: reverse("integration:desk_crm", args=[slug]),
            )
        )
        desk_hooks.register_portal_listener(tasks.check_portal)
        register_tickets()  # Desk tickets in CRM records (issue 11)
        signals.register()  # SalesSignals from Desk (issue 12)
