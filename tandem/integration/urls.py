from django.urls import path

from tandem.integration import views

app_name = "integration"
urlpatterns = [
    path("crm/<slug:slug>/setup/marketplace/desk/", views.crm_desk, name="crm_desk"),
    path("desk/<slug:slug>/setup/integrations/crm/", views.desk_crm, name="desk_crm"),
]
