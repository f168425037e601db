"""Periodic jobs (SLA sweeps, sync sweeps…). Domains register a task and a period; whichever
worker's heartbeat comes first after the period enqueues it, exactly once across all workers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.web.models import PeriodicRun


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: object  # a django_tasks Task
    every: timedelta


_jobs: dict[str, PeriodicJob] = {}


def every(seconds: float, name: str | None = None):
    """Decorator for a task: `@every(60)` above `@task()` makes it run once a minute."""

    def decorate(task):
        job_name = name or f"{task.module_path}"
        _jobs[job_name] = PeriodicJob(job_name, task, timedelta(seconds=seconds))
        return task

    return decorate


def jobs() -> list[PeriodicJob]:
    return list(_jobs.values())


def enqueue_due(now=None) -> list[str]:
    """Enqueue every job whose period has passed. Safe to call from many workers at once."""
    now = now or timezone.now()
    enqueued = []
    for job in _jobs.values():
        with transaction.atomic():
            run = PeriodicRun.objects.select_for_update().filter(name=job.name).first()
            if run is None:
                try:
                    with transaction.atomic():
                        PeriodicRun.objects.create(name=job.name, last_enqueued_at=now)
                except IntegrityError:
                    continue  # another worker created it this instant and enqueues it
            elif now - run.last_enqueued_at < job.every:
                continue
            else:
                run.last_enqueued_at = now
                run.save(update_fields=["last_enqueued_at"])
            transaction.on_commit(job.task.enqueue)
            enqueued.append(job.name)
    return enqueued
