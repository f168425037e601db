"""A person's SalesSignals inbox in one org."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tandem.crm.models import OrgUser, Signal
from tandem.web.errors import Problem


def signals_for(member: OrgUser, *, unread: bool = False):
    qs = Signal.objects.filter(org_id=member.org_id, user_id=member.user_id)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-id")


def signal_for(member: OrgUser, signal_id) -> Signal:
    signal = signals_for(member).filter(pk=signal_id).first()
    if signal is None:
        raise Problem(404, _("No such signal here."))
    return signal


def unread_count(member: OrgUser) -> int:
    return signals_for(member, unread=True).count()


def signals_after(org_id: int, user_id: int, after: int) -> list[Signal]:
    """Signals newer than id `after`, oldest first: what a live page has not shown yet."""
    return list(
        Signal.objects.filter(org_id=org_id, user_id=user_id, pk__gt=after).order_by("id")[:50]
    )


def still_listening(org_id: int, user_id: int) -> bool:
    """Whether a live stream may go on: the person is still an active user of the org."""
    return OrgUser.objects.filter(
        org_id=org_id, user_id=user_id, state=OrgUser.State.ACTIVE, user__is_active=True
    ).exists()


def last_signal_id(org_id: int, user_id: int) -> int:
    last = (
        Signal.objects.filter(org_id=org_id, user_id=user_id)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return last or 0


def bell(member: OrgUser) -> tuple[int, int]:
    """(unread count, last signal id) for the navbar bell, in one query."""
    from django.db.models import Count, Max, Q

    row = Signal.objects.filter(org_id=member.org_id, user_id=member.user_id).aggregate(
        unread=Count("id", filter=Q(read_at__isnull=True)), last=Max("id")
    )
    return row["unread"], row["last"] or 0
