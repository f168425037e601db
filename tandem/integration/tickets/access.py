"""Who reads and acts on Desk tickets from the CRM, and what they may do (I7, I13, I14).

A `Reader` is a CRM person (an OrgUser) seen from the linked portal: their Desk agent if any,
the departments whose tickets they see, and the actions their role allows. Every ticket read
and write of this package starts here, so the panel, the popups and the API agree."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from tandem.crm import queries as crm
from tandem.desk import queries as desk
from tandem.integration import queries as integration
from tandem.integration.models import DeskIntegration, TicketSettings
from tandem.web.errors import Problem

# A Deal has no email of its own: its tickets are those linked to it and its contact's and
# account's (I15, I21). Every other module is eligible when it has an email field.
DEALS = "Deals"

NOT_SHOWN = _("Desk tickets are not shown here.")
NO_ACCOUNT = _(
    "You have no active Desk account in the linked portal: from the CRM you can only comment "
    "on tickets. Ask an administrator to invite you into Desk."
)
LIGHT_AGENT = _("Light Agents can only comment on tickets.")
OTHER_DEPARTMENT = _(
    "You are not a member of this ticket's department in Desk: from the CRM you can only "
    "comment on it."
)
NO_DEPARTMENTS = _(
    "Only tickets of your Desk departments are shown here, and you have no Desk account in the "
    "linked portal."
)


def settings_of(link: DeskIntegration) -> TicketSettings:
    """The link's ticket settings; the defaults (Accounts, Contacts, Deals; all departments)
    until an administrator changes them."""
    found = TicketSettings.objects.filter(integration=link).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return TicketSettings.objects.create(integration=link)
    except IntegrityError:  # created by a concurrent request this instant
        return TicketSettings.objects.get(integration=link)


def eligible_modules(org) -> list[str]:
    """Api names of the org's record modules that may show the Desk list, in menu order."""
    found = []
    for module in crm.modules_of(org, with_fields=True):
        if not module.has_records:
            continue
        if module.api_name == DEALS or any(f.type == "email" for f in crm.fields_of(module)):
            found.append(module.api_name)
    return found


@dataclass
class Reader:
    member: object  # the CRM person (OrgUser)
    link: DeskIntegration
    settings: TicketSettings

    @property
    def agent(self):
        """Their active Agent in the linked portal, or None: read when first asked (a list
        seen by all departments never needs it)."""
        if not hasattr(self, "_agent"):
            agent = desk.agent_of_user(self.link.portal_id, self.member.user)
            self._agent = agent if agent is not None and agent.is_active else None
        return self._agent

    @property
    def portal_id(self) -> int:
        return self.link.portal_id

    @property
    def role(self) -> str:
        """ "none" (no active Desk account), "light_agent", "agent" or "admin"."""
        return self.agent.role if self.agent is not None else "none"

    @property
    def department_ids(self) -> set[int] | None:
        """The departments whose tickets they see; None: all of them."""
        if self.settings.visibility == TicketSettings.Visibility.ALL_DEPARTMENTS:
            return None
        if self.agent is None:
            return set()
        return None if self.agent.is_admin else self.agent.department_ids()

    @property
    def sees_nothing_why(self) -> str:
        return str(NO_DEPARTMENTS) if self.department_ids == set() else ""

    def work_refusal(self, ticket=None) -> str:
        """Why they may not reply, forward, update, close, delete or open tickets ("" when
        they may): only Agents and Admins of the ticket's department work on it."""
        if self.agent is None:
            return str(NO_ACCOUNT)
        if not self.agent.can_reply:
            return str(LIGHT_AGENT)
        if ticket is not None and not self.agent.can_see_department(ticket.department_id):
            return str(OTHER_DEPARTMENT)
        return ""

    def require_work(self, ticket=None) -> None:
        refusal = self.work_refusal(ticket)
        if refusal:
            raise Problem(403, refusal)

    @property
    def is_admin(self) -> bool:
        return self.agent is not None and self.agent.is_admin


def reader(member) -> Reader:
    """The CRM person as a reader of the linked portal's tickets; 404 while the integration
    is off (deactivated, deleted from Desk, never set up): nothing of Desk shows then.
    Read once per request: the navigation, the panel hook and the panel all ask."""
    cached = getattr(member, "_desk_reader", None)
    if cached is None:
        cached = _read(member)
        member._desk_reader = cached
    if cached is False:
        raise Problem(404, _("The Desk integration is not active."))
    return cached


def _read(member) -> Reader | bool:
    # The settings with their link in one query (every record page asks); the first time,
    # the link alone and the settings made.
    on = [DeskIntegration.State.ACTIVE, DeskIntegration.State.NEEDS_ATTENTION]
    settings = (
        TicketSettings.objects.select_related("integration__portal", "integration__authorized_by")
        .filter(integration__org_id=member.org_id, integration__state__in=on)
        .first()
    )
    link = settings.integration if settings is not None else None
    if link is None:
        link = integration.active_integration(member.org_id)
        if link is None:
            return False
        settings = settings_of(link)
    if link.portal_id is None:
        return False
    return Reader(member=member, link=link, settings=settings)


def record_reader(member, module_name: str, record_id):
    """(reader, module, record) for a record page or a `{Module}/{id}/…` endpoint: the
    record as the person may view it (403/404 from the CRM), the module showing Desk
    tickets (else 404, like a deactivated integration)."""
    found = reader(member)
    module = crm.module_for(member.org, module_name)
    record = crm.record_for(member, module, record_id)
    if module.api_name not in found.settings.modules:
        raise Problem(404, NOT_SHOWN)
    return found, module, record


def record_panel_applies(member, module) -> bool:
    """The Desk panel shows on this module's record pages: integration on, module chosen."""
    try:
        return module.api_name in reader(member).settings.modules
    except Problem:
        return False
