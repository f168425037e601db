"""Records, their exact-value index, and the change log (the CRM's transactional outbox).

Storage: one Record table holds every module's records; the values live in `data` (JSON, by
field api name). What must be fast at millions of rows is pulled out: `name` (display, sort,
search prefix) as a column, and exact values of emails, phones, picklists, lookups and owners as
rows of RecordKey, indexed by (field, value) — an exact Email lookup or a related list is one
index seek whatever the module size."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from tandem.crm.models.metadata import Field, Module
from tandem.crm.models.tenancy import Org


class Record(models.Model):
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="records")
    data = models.JSONField(default=dict)
    name = models.CharField(max_length=255, blank=True)
    # Lower-cased text of the record's searchable fields, for ?q= text search.
    search = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    modified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["module", "id"], name="crm_record_module_id"),
            models.Index(fields=["module", "name", "id"], name="crm_record_module_name"),
            models.Index(fields=["module", "modified_at", "id"], name="crm_record_module_mod"),
            models.Index(fields=["module", "owner", "id"], name="crm_record_module_owner"),
        ]

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"


class RecordKey(models.Model):
    """One exact value of one indexed field of one record (emails lower-cased)."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="keys")
    field = models.ForeignKey(Field, on_delete=models.CASCADE, related_name="+")
    value = models.CharField(max_length=255)

    class Meta:
        indexes = [models.Index(fields=["field", "value", "record"], name="crm_recordkey_lookup")]

    def __str__(self) -> str:
        return f"{self.field_id}={self.value}"


class Change(models.Model):
    """The CRM change log: every record write appends one row in the same transaction."""

    class Op(models.TextChoices):
        CREATED = "created"
        UPDATED = "updated"
        DELETED = "deleted"

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    sequence = models.BigIntegerField()
    module = models.CharField(max_length=60)  # api name, so the log outlives a deleted module
    record_id = models.BigIntegerField()
    op = models.CharField(max_length=8, choices=Op.choices)
    fields = models.JSONField(default=list)
    origin = models.CharField(max_length=40, default="user")
    actor_id = models.BigIntegerField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "sequence"], name="crm_change_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.sequence} {self.op} {self.module}/{self.record_id}"
