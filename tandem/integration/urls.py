from django.urls import include, path

from tandem.integration import views
from tandem.integration.signals import views as signal_views
from tandem.integration.sync import views as sync

app_name = "integration"
DESK = "crm/<slug:slug>/setup/marketplace/desk/"
urlpatterns = [
    path("crm/<slug:slug>/setup/marketplace/desk/", views.crm_desk, name="crm_desk"),
    path("desk/<slug:slug>/setup/integrations/crm/", views.desk_crm, name="desk_crm"),
    path(f"{DESK}sync/", sync.health, name="sync_health"),
    path(f"{DESK}sync/log/<int:entry_id>/retry/", sync.retry, name="sync_retry"),
    path(f"{DESK}sync/<str:module>/", sync.configure, name="sync_module"),
    path(f"{DESK}sync/<str:module>/progress/", sync.progress, name="sync_progress"),
    path(f"{DESK}sync/<str:module>/control/", sync.control, name="sync_control"),
    path("", include("tandem.integration.tickets.urls")),  # tickets in CRM records (issue 11)
    path(
        "crm/<slug:slug>/signals/<int:signal_id>/desk/<str:op>/",
        signal_views.act,
        name="signal_act",
    ),
]
