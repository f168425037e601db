"""SalesSignals: per-person notifications in one org."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from tandem.crm.models.tenancy import Org


class Signal(models.Model):
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=40)  # a registered source, e.g. "crm" or "desk"
    kind = models.CharField(max_length=40)  # the source's setting key, e.g. "assigned"
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    # What the source needs to act on the signal later (e.g. a ticket id), as it gave it.
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "org", "id"], name="crm_signal_inbox")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
