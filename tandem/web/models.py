"""Platform bookkeeping shared by every domain: worker liveness and periodic jobs."""

from django.db import models
from django.utils import timezone


class WorkerHeartbeat(models.Model):
    """A running worker says it is alive every few seconds; the reaper uses this to tell a slow
    task from one whose worker was killed."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.IntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.worker_id


class PeriodicRun(models.Model):
    """When a periodic job was last enqueued, so that many workers enqueue it once per period."""

    name = models.CharField(max_length=200, unique=True)
    last_enqueued_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name
