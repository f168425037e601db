"""The sync engine's tables: per module its settings, cursors and counters; the links that
pair a CRM record with a Desk record, with the values last synced (the shadow of the three-way
merge); and the sync log, one entry per record decision."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from tandem.integration.models.link import DeskIntegration

MODULES = ("Accounts", "Contacts", "Products")


class SyncModule(models.Model):
    """One synced module of one integration. Exists once the admin clicked Done (enabled):
    from then on it is only ever active or paused (I12)."""

    class Direction(models.TextChoices):
        ONE_WAY = "one_way"
        TWO_WAY = "two_way"

    class State(models.TextChoices):
        ACTIVE = "active"
        PAUSED = "paused"

    integration = models.ForeignKey(
        DeskIntegration, on_delete=models.CASCADE, related_name="sync_modules"
    )
    module = models.CharField(max_length=20)  # Accounts | Contacts | Products
    direction = models.CharField(max_length=8, choices=Direction.choices)
    match_fields = models.JSONField(default=list)
    department_id = models.BigIntegerField(null=True, blank=True)  # Products: Desk department
    field_map = models.JSONField(default=list)  # [{"crm": API_NAME, "desk": FIELD}]
    conflict_winner = models.CharField(max_length=8, default="latest")
    state = models.CharField(max_length=8, choices=State.choices, default=State.ACTIVE)
    # The CRM person whose authority the sync's CRM writes use (who clicked Done).
    enabled_by = models.ForeignKey(
        "identity.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    enabled_at = models.DateTimeField(default=timezone.now)
    # Change-log cursors: the last sequence applied on each side. Stored in the transaction
    # of the writes they caused: a crash replays, never skips.
    crm_cursor = models.BigIntegerField(default=0)
    desk_cursor = models.BigIntegerField(default=0)
    # The initial sync, in resumable batches: the last record id done on each side.
    initial_state = models.CharField(max_length=8, blank=True)  # "" | running | done
    initial_crm_after = models.BigIntegerField(default=0)
    initial_desk_after = models.BigIntegerField(default=0)
    # Desk's newest customer id when the module was enabled: Desk's pass stops there. Those
    # after it are the CRM pass's own creations (linked already) or came later (the live log
    # has them). None: no bound (a module enabled before the bound was kept).
    initial_desk_until = models.BigIntegerField(null=True, blank=True)
    initial_done = models.BigIntegerField(default=0)
    initial_total = models.BigIntegerField(default=0)
    # Counters for the health page (cheap to read at any size).
    linked = models.BigIntegerField(default=0)
    created_in_desk = models.BigIntegerField(default=0)
    created_in_crm = models.BigIntegerField(default=0)
    skipped = models.BigIntegerField(default=0)
    failed = models.BigIntegerField(default=0)
    conflicts = models.BigIntegerField(default=0)
    last_synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["integration", "module"], name="sync_module_once")
        ]

    def __str__(self) -> str:
        return f"{self.module} of integration {self.integration_id}"


class SyncLink(models.Model):
    """A CRM record and the Desk record it is synced with: one link per record per side."""

    integration = models.ForeignKey(DeskIntegration, on_delete=models.CASCADE, related_name="+")
    module = models.CharField(max_length=20)
    crm_id = models.BigIntegerField()
    desk_id = models.BigIntegerField()
    # The mapped values as last synced ({crm api name: text}): the base of the 3-way merge.
    shadow = models.JSONField(default=dict)
    linked_at = models.DateTimeField(default=timezone.now)
    # "crm" or "desk" once that side's record was deleted: the link stays as a tombstone, so a
    # later edit of the survivor never re-creates the deleted record (X5).
    gone = models.CharField(max_length=4, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "module", "crm_id"], name="sync_link_crm_once"
            ),
            models.UniqueConstraint(
                fields=["integration", "module", "desk_id"], name="sync_link_desk_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module} crm {self.crm_id} ↔ desk {self.desk_id}"


class SyncLogEntry(models.Model):
    """One record decision of the sync: linked, created, updated, skipped, failed, conflict,
    unlinked — with the reason, and for a conflict the field, the kept and the lost value."""

    class Outcome(models.TextChoices):
        LINKED = "linked"
        CREATED = "created"
        UPDATED = "updated"
        SKIPPED = "skipped"
        FAILED = "failed"
        CONFLICT = "conflict"
        UNLINKED = "unlinked"

    integration = models.ForeignKey(DeskIntegration, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    module = models.CharField(max_length=20)
    crm_id = models.BigIntegerField(null=True, blank=True)
    desk_id = models.BigIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    # Why, as a code and its values, put into words in the reader's language (see log.py).
    reason_code = models.CharField(max_length=32, blank=True)
    reason_args = models.JSONField(default=dict, blank=True)
    field = models.CharField(max_length=60, blank=True)
    kept = models.TextField(blank=True)
    lost = models.TextField(blank=True)
    # Lower-cased emails / names involved and the reason in English, for the log's search box.
    search = models.CharField(max_length=500, blank=True)
    retried_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["integration", "id"], name="sync_log_newest"),
            models.Index(fields=["integration", "module", "outcome", "id"], name="sync_log_filter"),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} {self.module} crm {self.crm_id} desk {self.desk_id}"
