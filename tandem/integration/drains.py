"""Not enqueueing a drain that would find nothing new: one that waits unstarted in the queue
will read the change logs after this commit anyway."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tandem.web.prepared import Prepared


def enqueue_drain(task, *args, gather: timedelta | None = None) -> None:
    """Enqueue `task(*args)` unless it already waits. `gather`: start it that long from now,
    so that the writes of a busy moment share it (where the task backend can defer)."""
    if waiting(task, *args):
        return
    if gather is not None and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + gather)
    task.enqueue(*args)


def waiting(task, *args) -> bool:
    """Whether `task(*args)` waits in the database queue, not started yet (a started one may
    have read the logs before this commit: then a new one is needed). Only the database
    backend can say; with any other, False."""
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    wanted = {"args": list(args), "kwargs": {}}
    return any(queued.args_kwargs == wanted for queued in _queued(task.module_path))


def _build_queued(path):
    from django_tasks_db.models import DBTaskResult

    # A task waits here a moment before a worker takes it: a handful of rows at most.
    return DBTaskResult.objects.filter(status="READY", task_path=path).only("args_kwargs")


# Asked after every write on either side: compiled once (web.prepared).
_queued = Prepared(_build_queued)
