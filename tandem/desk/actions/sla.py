"""SLA transitions made by the clock: overdue when the due date passes, escalated by the
department's policy. Run by a periodic task (tasks.sla_sweep), recorded as ticket events."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tandem.desk.actions.tickets import apply_changes
from tandem.desk.models import SlaPolicy, Ticket

BATCH = 500

logger = logging.getLogger(__name__)


def _transition(ticket_id: int, flag: str, still_due) -> bool:
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
        # Re-checked under the lock: an agent may have closed or answered it meanwhile.
        if ticket is None or getattr(ticket, flag) or not still_due(ticket):
            return False
        apply_changes(ticket, {flag: True}, label="SLA")
        return True


def do_sla_sweep(now=None) -> dict:
    """Mark what is due: idempotent, safe to run from several workers at once."""
    now = now or timezone.now()
    overdue = list(
        Ticket.objects.filter(is_open=True, is_overdue=False, due_date__lte=now).values_list(
            "pk", flat=True
        )[:BATCH]
    )
    done = {"overdue": 0, "escalated": 0}
    for pk in overdue:
        if _safely(pk, "is_overdue", lambda t: t.is_open and t.due_date and t.due_date <= now):
            done["overdue"] += 1

    # Each query below walks one partial index (see Ticket.Meta): cheap at any volume.
    candidates = list(
        Ticket.objects.filter(
            is_open=True,
            is_escalated=False,
            first_response_at__isnull=True,
            response_due_at__lte=now,
        ).values_list("pk", flat=True)[:BATCH]
    )
    for policy in SlaPolicy.objects.filter(escalate_after_hours__isnull=False):
        # One broken policy (say, hours no date can hold) must not stop the other portals.
        try:
            candidates += Ticket.objects.filter(
                department_id=policy.department_id,
                is_open=True,
                is_overdue=True,
                is_escalated=False,
                due_date__lte=now - timedelta(hours=policy.escalate_after_hours),
            ).values_list("pk", flat=True)[:BATCH]
        except Exception:
            logger.exception("SLA sweep: skipped the policy of department %s", policy.department_id)
    for pk in candidates:
        if _safely(pk, "is_escalated", lambda t: _escalation_due(t, now)):
            done["escalated"] += 1
    return done


def _safely(ticket_id: int, flag: str, still_due) -> bool:
    try:
        return _transition(ticket_id, flag, still_due)
    except Exception:
        logger.exception("SLA sweep: skipped ticket %s (%s)", ticket_id, flag)
        return False


def _escalation_due(ticket: Ticket, now) -> bool:
    if not ticket.is_open:
        return False
    response_due = ticket.response_due_at
    if ticket.first_response_at is None and response_due and response_due <= now:
        return True
    policy = getattr(ticket.department, "sla", None)
    if ticket.is_overdue and ticket.due_date and policy and policy.escalate_after_hours is not None:
        return ticket.due_date + timedelta(hours=policy.escalate_after_hours) <= now
    return False
