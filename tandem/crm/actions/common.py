"""What every CRM action shares: who is acting, what their profile allows, the change log."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tandem.crm import hooks
from tandem.crm.actions.bulk import insert_changes
from tandem.crm.models import Module, Org, OrgUser
from tandem.web import counters
from tandem.web.errors import Problem

VERBS = {
    "view": gettext_noop("see"),
    "create": gettext_noop("create"),
    "edit": gettext_noop("edit"),
    "delete": gettext_noop("delete"),
}


def member_of(org: Org, actor) -> OrgUser:
    """The actor's active membership in the org; anyone else is refused (404: not their org)."""
    cached = getattr(actor, "_crm_member", None)
    if cached is not None and cached.org_id == org.id:
        return cached
    member = (
        OrgUser.objects.select_related("profile", "org")
        .filter(org=org, user=actor, state=OrgUser.State.ACTIVE)
        .first()
    )
    if member is None:
        raise Problem(404, _("No such org here."))
    actor._crm_member = member
    return member


def require_feature(member: OrgUser, feature: str, detail: str) -> None:
    if not member.can(feature):
        raise Problem(403, detail)


def require_module(member: OrgUser, module: Module, action: str) -> None:
    if not member.can_module(module.api_name, action):
        raise Problem(
            403,
            _("Your profile (%(profile)s) does not allow you to %(verb)s %(module)s.")
            % {
                "profile": member.profile.name,
                "verb": _(VERBS[action]),
                "module": module.plural,
            },
        )


def log_changes(
    org: Org, module: str, entries: Iterable[tuple[int, str, list[str]]], *, origin: str, actor_id
) -> None:
    """Append (record id, op, changed fields) rows to the change log, in the caller's
    transaction. The org row is locked to take the sequence numbers, so they are handed out in
    commit order with no gaps (see Org.change_seq)."""
    entries = list(entries)
    if not entries:
        return
    (last,) = counters.bump(Org, org.pk, {"change_seq": len(entries)})
    first = last - len(entries)
    now = timezone.now()
    insert_changes(
        [
            (org.pk, first + i + 1, module, record_id, op, sorted(fields), origin, actor_id, now)
            for i, (record_id, op, fields) in enumerate(entries)
        ]
    )
    hooks.change_listeners.appended(org.pk)  # told after commit, once per org
