"""The ticket settings on the integration page (I13, I14): which modules' record pages show
the Desk related list, and which tickets CRM users see. Desk integration permission (I1)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.integration import queries as integration
from tandem.integration.actions import require_permission
from tandem.integration.models import TicketSettings
from tandem.integration.tickets.access import eligible_modules, settings_of
from tandem.web.errors import Problem


def _link(member):
    link = integration.active_integration(member.org_id)
    if link is None:
        raise Problem(409, _("Set up the Desk integration first."))
    return link


def _current(member) -> TicketSettings:
    """The settings of the org's link, or the defaults while there is none that is on."""
    link = integration.active_integration(member.org_id)
    return settings_of(link) if link is not None else TicketSettings()


def related_lists(member) -> dict:
    require_permission(member)
    return {"modules": list(_current(member).modules), "eligible": eligible_modules(member.org)}


def visibility(member) -> dict:
    require_permission(member)
    return {"tickets": _current(member).visibility}


def _locked(member) -> TicketSettings:
    return TicketSettings.objects.select_for_update().get(pk=settings_of(_link(member)).pk)


@transaction.atomic
def do_set_related_lists(*, actor, modules) -> dict:
    """Choose the modules showing Desk tickets; one without an email field is refused (400
    naming it), so is an unknown one."""
    require_permission(actor)
    eligible = eligible_modules(actor.org)
    wanted = list(dict.fromkeys(str(m) for m in modules or []))
    refused = [m for m in wanted if m not in eligible]
    if refused:
        message = _(
            "Only modules with an email field can show Desk tickets (and Deals): "
            "%(modules)s cannot. Choose among: %(eligible)s."
        ) % {"modules": ", ".join(refused), "eligible": ", ".join(eligible)}
        raise Problem(400, message, {"modules": [message]})
    settings = _locked(actor)
    settings.modules, settings.changed_at = wanted, timezone.now()
    settings.save(update_fields=["modules", "changed_at"])
    return {"modules": wanted, "eligible": eligible}


@transaction.atomic
def do_set_visibility(*, actor, tickets: str) -> dict:
    require_permission(actor)
    if tickets not in TicketSettings.Visibility.values:
        message = _("Choose one of: %(choices)s.") % {
            "choices": ", ".join(TicketSettings.Visibility.values)
        }
        raise Problem(400, message, {"tickets": [message]})
    settings = _locked(actor)
    settings.visibility, settings.changed_at = tickets, timezone.now()
    settings.save(update_fields=["visibility", "changed_at"])
    return {"tickets": tickets}
