"""The Desk panel's partials, its popups' actions, the Desk tab and the ticket settings form
(included by tandem/integration/urls.py, in the `integration` namespace)."""

from django.urls import path

from tandem.integration.tickets import tab, views

record = "<str:module>/<int:record_id>/"
urlpatterns = [
    path(f"crm/<slug:slug>/desk-tickets/list/{record}", views.panel, name="tickets_panel"),
    path(f"crm/<slug:slug>/desk-tickets/new/{record}", views.new_ticket, name="tickets_new"),
    path(f"crm/<slug:slug>/desk-tickets/stats/{record}", views.stats, name="tickets_stats"),
    path(f"crm/<slug:slug>/desk-tickets/link/{record}", views.link_deal, name="tickets_link"),
    path("crm/<slug:slug>/desk-tickets/contacts/", views.contact_options, name="tickets_contacts"),
    path("crm/<slug:slug>/desk-tickets/deals/", views.deal_options, name="tickets_deals"),
    path("crm/<slug:slug>/desk-tickets/<int:ticket_id>/", views.ticket, name="tickets_ticket"),
    path(
        "crm/<slug:slug>/desk-tickets/<int:ticket_id>/field/",
        views.field_input,
        name="tickets_field",
    ),
    path(
        "crm/<slug:slug>/desk-tickets/<int:ticket_id>/<str:op>/",
        views.ticket_action,
        name="tickets_action",
    ),
    path("crm/<slug:slug>/desk-tab/", tab.desk_tab, name="tickets_tab"),
    path(
        "crm/<slug:slug>/setup/marketplace/desk/tickets/",
        tab.settings_form,
        name="tickets_settings",
    ),
]
