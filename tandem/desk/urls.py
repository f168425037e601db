from django.urls import path

from tandem.desk.views import agent_home, public

app_name = "desk"
urlpatterns = [
    path("c/<str:token>/", public.customer_ticket, name="customer_ticket"),
    path("rate/<str:token>/", public.rate, name="rate"),
    path("invitation/<str:token>/", public.invitation, name="invitation"),
    path("<slug:slug>/", agent_home.home, name="home"),
    path("<slug:slug>/tickets/", agent_home.home, name="tickets"),
]
