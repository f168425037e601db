"""Desk's change log (transactional outbox): one row per write to a syncable entity."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from tandem.desk.models.tenancy import Portal


class Change(models.Model):
    """Written in the same transaction as the change it describes. `seq` is per portal and
    handed out under the portal row's lock, so it grows in commit order with no gaps."""

    class Op(models.TextChoices):
        CREATE = "create"
        UPDATE = "update"
        DELETE = "delete"

    portal = models.ForeignKey(Portal, on_delete=models.CASCADE, related_name="changes")
    seq = models.BigIntegerField()
    entity = models.CharField(max_length=16)  # contact | account | product | ticket
    entity_id = models.BigIntegerField()
    op = models.CharField(max_length=8, choices=Op.choices)
    fields = models.JSONField(default=list)
    origin = models.CharField(max_length=40, default="desk")
    # The acting user's id (not a foreign key: the log outlives a deleted user); None for the
    # system or a customer.
    actor_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["portal", "seq"], name="desk_change_seq")]

    def __str__(self) -> str:
        return f"{self.portal_id}#{self.seq} {self.op} {self.entity} {self.entity_id}"
