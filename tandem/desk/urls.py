from django.urls import path

from tandem.desk import views

app_name = "desk"
urlpatterns = [
    path("<slug:slug>/", views.home, name="home"),
]
