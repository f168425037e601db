from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "tandem.crm"
    label = "crm"
    verbose_name = _("CRM")

    def ready(self) -> None:
        from tandem.crm import queries
        from tandem.identity import tenants
        from tandem.web.nav import register_tabs

        tenants.register(
            tenants.TenantKind(
                kind="crm",
                label="CRM",
                memberships=queries.memberships,
                membership=queries.membership,
            )
        )
        register_tabs("crm", _tabs)


def _tabs(request, membership):
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from tandem.web.nav import Tab

    url = reverse("crm:home", args=[membership.slug])
    return [Tab(_("Home"), url, active=request.path == url)]
