from django.urls import include, path, re_path

from tandem.crm.api import api as crm_api
from tandem.desk.api import api as desk_api
from tandem.identity.views import switch_language
from tandem.web import views as web
from tandem.web.api import api_not_found

urlpatterns = [
    path("", web.home, name="home"),
    path("health/", web.health, name="health"),
    path("accounts/", include("tandem.identity.urls")),
    path("i18n/setlang/", switch_language, name="set_language"),
    # Before crm/ and desk/: the integration's pages live inside their Setup.
    path("", include("tandem.integration.urls")),
    path("crm/", include("tandem.crm.urls")),
    path("desk/", include("tandem.desk.urls")),
    path("api/crm/v1/", crm_api.urls),
    path("api/desk/v1/", desk_api.urls),
    re_path(r"^api/", api_not_found),
]

handler400 = "tandem.web.views.bad_request"
handler403 = "tandem.web.views.forbidden"
handler404 = "tandem.web.views.not_found"
