"""SalesSignals from Desk: where each integration has read Desk's change log to, which Desk
events it has handled, and one receipt per event, kind and recipient. The unique constraints
are what make a signal exist once however often a task is retried, duplicated or killed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from tandem.integration.models.link import DeskIntegration


class SignalCursor(models.Model):
    """How far the integration has read its portal's change log for signals. Locked by the
    drain that reads on from it, and moved in the transaction that writes the signals."""

    integration = models.OneToOneField(
        DeskIntegration, on_delete=models.CASCADE, related_name="signal_cursor"
    )
    # The portal the sequence belongs to: linked to another portal, reading starts afresh.
    portal_id = models.BigIntegerField(null=True)
    last_seq = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"signals of {self.integration_id} at {self.portal_id}#{self.last_seq}"


class SignalEvent(models.Model):
    """A Desk ticket event (its history line's id) this integration has handled: found again
    (a replay, a duplicate task, the sweep), it is skipped."""

    integration = models.ForeignKey(DeskIntegration, on_delete=models.CASCADE, related_name="+")
    event_id = models.BigIntegerField()
    ticket_id = models.BigIntegerField()
    kinds = models.JSONField(default=list, blank=True)  # what it meant: ["new_reply"]…
    recipients = models.IntegerField(default=0)
    handled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "event_id"], name="integration_signal_event"
            )
        ]

    def __str__(self) -> str:
        return f"event {self.event_id} ({', '.join(self.kinds)})"


class SignalReceipt(models.Model):
    """One per (event, kind, recipient): the idempotency key of a Desk signal."""

    integration = models.ForeignKey(DeskIntegration, on_delete=models.CASCADE, related_name="+")
    event_id = models.BigIntegerField()
    kind = models.CharField(max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The CRM signal written (None: the person could no longer receive it, e.g. deactivated).
    signal_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "event_id", "kind", "user"],
                name="integration_signal_receipt",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} of event {self.event_id} for {self.user_id}"
