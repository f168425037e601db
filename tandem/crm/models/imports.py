"""CSV imports: an uploaded file, its column mapping, progress and per-row report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from tandem.crm.models.metadata import Module
from tandem.crm.models.tenancy import Org


class ImportJob(models.Model):
    class State(models.TextChoices):
        UPLOADED = "uploaded"  # waiting for the column mapping
        QUEUED = "queued"
        VALIDATING = "validating"
        WRITING = "writing"
        DONE = "done"
        REJECTED = "rejected"  # some rows invalid: nothing was written
        FAILED = "failed"

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=255)
    path = models.CharField(max_length=500)
    columns = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)  # {column: field api name}
    state = models.CharField(max_length=12, choices=State.choices, default=State.UPLOADED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # [{"row": n, "errors": {field: [messages]}}], the first few hundred.
    report = models.JSONField(default=list)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return 0
        # Validation is the first half of the work, writing the second.
        done = self.processed if self.state != self.State.WRITING else self.total + self.created
        return min(99, int(50 * done / self.total))

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.REJECTED, self.State.FAILED)
