"""Not enqueueing a drain that would find nothing new: one that waits unstarted in the queue
will read the change logs after this commit anyway."""

from __future__ import annotations


def waiting(task, *args) -> bool:
    """Whether `task(*args)` waits in the database queue, not started yet (a started one may
    have read the logs before this commit: then a new one is needed). Only the database
    backend can say; with any other, False."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        status="READY", task_path=task.module_path, args_kwargs={"args": list(args), "kwargs": {}}
    ).exists()
