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
        from tandem.integration import api, tasks

        crm_hooks.register_api_router(api.crm_router)
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
