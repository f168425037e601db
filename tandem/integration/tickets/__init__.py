"""Desk tickets inside CRM records (issue 11, PRODUCT I13 to I22, I25): the Desk related list on
record pages, its popups and actions, deals linked to tickets, stats, the Desk tab, and the
CRM API's "Tickets on records"."""


def register() -> None:
    """Hooks into the CRM and Desk; called from IntegrationConfig.ready()."""
    from django.utils.translation import gettext_lazy as _

    from tandem.crm import hooks as crm_hooks
    from tandem.desk import hooks as desk_hooks
    from tandem.integration.tickets import api, deals, tab, views
    from tandem.integration.tickets.access import record_panel_applies

    crm_hooks.register_api_router(api.settings_router)
    crm_hooks.register_api_router(api.router)
    crm_hooks.register_record_panel(
        crm_hooks.RecordPanel(
            key="desk",
            title=_("Desk"),
            render=views.render_panel,
            applies=record_panel_applies,
        )
    )
    tab.register()
    crm_hooks.register_change_listener(deals.crm_changed)
    desk_hooks.register_ticket_panel(deals.ticket_panel)
