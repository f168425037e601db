from django.urls import include, path

from tandem.integration import views
from tandem.integration.signals import views as signal_views

app_name = "integration"
urlpatterns = [
    path("crm/<slug:slug>/setup/marketplace/desk/", views.crm_desk, name="crm_desk"),
    path("desk/<slug:slug>/setup/integrations/crm/", views.desk_crm, name="desk_crm"),
    path("", include("tandem.integration.tickets.urls")),  # tickets in CRM records (issue 11)
    path(
        "crm/<slug:slug>/signals/<int:signal_id>/desk/<str:op>/",
        signal_views.act,
        name="signal_act",
    ),
]
