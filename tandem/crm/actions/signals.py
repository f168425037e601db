"""SalesSignals writes: deliver a notification to people, mark read, source settings."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.crm import hooks
from tandem.crm.actions.common import member_of, require_feature
from tandem.crm.models import Org, OrgUser, Signal
from tandem.web.errors import Problem


def setting_enabled(org: Org, source: str, kind: str) -> bool:
    return bool(org.signal_settings.get(source, {}).get(kind, True))


def deliver(
    *,
    org: Org,
    user_ids: list[int],
    source: str,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    data: dict | None = None,
) -> list[Signal]:
    """Write a signal to each active member among `user_ids`, unless the org switched that kind
    off. Runs in the caller's transaction: the signal exists exactly when the event does.
    Open pages pick it up from the table (see views/signals.py), in every server process."""
    if source not in hooks.signal_sources:
        raise ValueError(f"Unregistered SalesSignals source {source!r}")
    if not setting_enabled(org, source, kind):
        return []
    members = OrgUser.objects.filter(
        org=org, user_id__in=user_ids, state=OrgUser.State.ACTIVE
    ).values_list("user_id", flat=True)
    return Signal.objects.bulk_create(
        [
            Signal(
                org=org,
                user_id=uid,
                source=source,
                kind=kind,
                title=title[:200],
                body=body,
                url=url,
                data=data or {},
            )
            for uid in members
        ]
    )


@transaction.atomic
def do_send_signal(
    *,
    org: Org,
    user_ids: list[int],
    source: str,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    data: dict | None = None,
) -> list[Signal]:
    """For registered sources (e.g. the integration's Desk notifications): one signal per
    active member among `user_ids`, unless the org switched `kind` off."""
    return deliver(
        org=org,
        user_ids=user_ids,
        source=source,
        kind=kind,
        title=title,
        body=body,
        url=url,
        data=data,
    )


@transaction.atomic
def do_mark_signal_read(*, actor, org: Org, signal: Signal) -> Signal:
    member_of(org, actor)
    if signal.user_id != actor.id or signal.org_id != org.id:
        raise Problem(404, _("No such signal here."))
    if signal.read_at is None:
        signal.read_at = timezone.now()
        signal.save(update_fields=["read_at"])
    return signal


@transaction.atomic
def do_mark_all_signals_read(*, actor, org: Org) -> int:
    member_of(org, actor)
    return Signal.objects.filter(org=org, user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def do_update_signal_settings(*, actor, org: Org, settings: dict) -> dict:
    """`settings` is {source: {kind: bool}} for registered sources and kinds only."""
    member = member_of(org, actor)
    require_feature(
        member, "customize_modules", _("Only administrators can change SalesSignals settings.")
    )
    errors: dict[str, list[str]] = {}
    current = dict(org.signal_settings)
    for source_key, kinds in (settings or {}).items():
        source = hooks.signal_sources.get(source_key)
        if source is None or not isinstance(kinds, dict):
            errors[source_key] = [_("There is no SalesSignals source %(s)s.") % {"s": source_key}]
            continue
        for kind, on in kinds.items():
            if kind not in source.settings or not isinstance(on, bool):
                errors[f"{source_key}.{kind}"] = [_("Unknown setting, or not true/false.")]
                continue
            current.setdefault(source_key, {})[kind] = on
    if errors:
        raise Problem.invalid(errors)
    org = Org.objects.select_for_update().get(pk=org.pk)
    org.signal_settings = current
    org.save(update_fields=["signal_settings"])
    return current
