"""The CRM's top tabs (modules, web tabs, Setup) and the SalesSignals bell in the navbar."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from tandem.crm import hooks, queries
from tandem.crm.queries.signals import bell
from tandem.crm.views.setup_sections import sections_for
from tandem.web.nav import Tab


def tabs(request, membership) -> list[Tab]:
    member = membership.member
    slug = membership.slug
    path = request.path
    home = reverse("crm:home", args=[slug])
    found = [Tab(_("Home"), home, active=path == home)]
    for module in queries.modules_of(member.org):
        if module.has_records:
            if not member.can_module(module.api_name, "view"):
                continue
            url = reverse("crm:list", args=[slug, module.api_name])
            found.append(Tab(module.plural, url, active=path.startswith(url)))
        else:
            tab = hooks.web_tabs.get(module.web_tab)
            if tab is not None and tab.visible(request, member):
                url = tab.url(slug)
                found.append(Tab(module.plural, url, active=path.startswith(url)))
    if sections_for(member):
        url = reverse("crm:setup", args=[slug])
        found.append(Tab(_("Setup"), url, active=path.startswith(url)))
    return found


def signals_bell(request, membership) -> str:
    member = membership.member
    unread, after = bell(member)
    # No request here: rendering with it would run the context processors, which ask for the
    # navbar widgets again.
    return render_to_string(
        "crm/signals/_bell.html",
        {
            "slug": membership.slug,
            "unread": unread,
            "after": after,
        },
    )
