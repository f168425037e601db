"""The background worker: django-tasks-db's worker, plus a heartbeat, a reaper for tasks whose
worker died mid-run, and the periodic-job scheduler."""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from datetime import timedelta

from django.db import close_old_connections, connection, transaction
from django.db.utils import Error, OperationalError
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from tandem.web import periodic
from tandem.web.connections import keep_connections
from tandem.web.models import WorkerHeartbeat

log = logging.getLogger("tandem.worker")

HEARTBEAT_EVERY = 5  # seconds
# A worker silent this long is dead; its running tasks go back to the queue.
DEAD_AFTER = timedelta(seconds=60)


def beat(worker_id: str) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "last_seen": timezone.now(),
            "hostname": socket.gethostname(),
            "pid": os.getpid(),
        },
    )


def reap(now=None) -> int:
    """Put tasks back in the queue whose worker stopped beating. Tasks are idempotent, so a
    second run of a half-run task is safe. Returns how many were requeued."""
    now = now or timezone.now()
    alive = set(
        WorkerHeartbeat.objects.filter(last_seen__gte=now - DEAD_AFTER).values_list(
            "worker_id", flat=True
        )
    )
    requeued = 0
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status="RUNNING", started_at__lt=now - DEAD_AFTER
        )
        for task in running:
            owner = task.worker_ids[-1] if task.worker_ids else None
            if owner in alive:
                continue
            task.status = "READY"
            task.started_at = None
            task.save(update_fields=["status", "started_at"])
            requeued += 1
            log.warning("Requeued task %s (%s): worker %s is gone", task.id, task.task_path, owner)
    WorkerHeartbeat.objects.filter(last_seen__lt=now - timedelta(days=1)).delete()
    return requeued


def checkpoint(db=connection) -> tuple[int, int] | None:
    """Copy SQLite's write-ahead log back into the database file without blocking readers or
    writers (PASSIVE). Done here so that web requests do not pay for it on commit. Returns
    (frames in the log, frames copied), or None on PostgreSQL."""
    if db.vendor != "sqlite":
        return None
    with db.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        _busy, logged, copied = cursor.fetchone()
    return logged, copied


class Housekeeper(threading.Thread):
    """Beats, reaps, schedules and checkpoints on its own thread (with its own DB connection)."""

    def __init__(self, worker_id: str):
        super().__init__(name="tandem-housekeeper", daemon=True)
        self.worker_id = worker_id
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                close_old_connections()
                beat(self.worker_id)
                reap()
                periodic.enqueue_due()
                checkpoint()
            except Exception:
                # Keep beating: a transient database error must not stop the worker's heart.
                log.exception("Housekeeping failed; retrying in %s s", HEARTBEAT_EVERY)
            self.stopping.wait(HEARTBEAT_EVERY)
        connection.close()


READY = (
    "SELECT 1 FROM django_tasks_database_dbtaskresult WHERE status = 'READY'"
    " AND (run_after = %s OR run_after <= %s) LIMIT 1"
)


def work_ready(db=connection) -> bool:
    """Whether any task is ready to run: one read of the queue's partial index, no transaction,
    no lock. (django-tasks-db claims with an exclusive transaction on every poll: on SQLite 20
    writer locks a second, 7 % of a core, from an idle worker.)"""
    adapt = db.ops.adapt_datetimefield_value
    with db.cursor() as cursor:
        cursor.execute(READY, [adapt(get_date_max()), adapt(timezone.now())])
        return cursor.fetchone() is not None


class QueueWorker(Worker):
    """django-tasks-db's worker loop, claiming a task only when the queue has one ready."""

    def run(self) -> None:
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # workers started together do not poll in step
        while self.running:
            close_old_connections()
            try:
                ready = work_ready()
            except Error:
                # The kept connection broke (the database restarted, the network dropped):
                # a new one at the next poll, instead of the worker dying.
                log.warning("The task queue could not be read; retrying", exc_info=True)
                connection.close()
                time.sleep(1)
                continue
            claimed = self.claim() if ready else None
            if claimed is not None:
                self.run_task(claimed)
            elif self.batch and not work_ready():
                return  # --batch: the queue is empty
            close_old_connections()
            if self.running and claimed is None:
                time.sleep(self.interval)

    def claim(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        try:
            with exclusive_transaction(tasks.db):
                claimed = tasks.get_locked()
                if claimed is not None:
                    claimed.claim(self.worker_id)  # no other worker runs it
                return claimed
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return None  # it unlocks; try again after the interval
            raise


# An idle worker asks for work 20 times a second: one read of an index each, and a change made in
# the CRM or Desk reaches the other side well within the 300 ms the sync promises (X1).
def run_worker(*, interval: float = 0.05, queues: str = "*", batch: bool = False) -> None:
    # One connection for all the polls and tasks, not a new one for each (Django closes a
    # connection after each unit of work unless told to keep it).
    keep_connections()
    worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(6)}"
    beat(worker_id)
    housekeeper = Housekeeper(worker_id)
    if not batch:
        housekeeper.start()
    worker = QueueWorker(
        queue_names=queues.split(","),
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=not batch,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    worker.configure_signals()
    log.info("Worker %s started", worker_id)
    try:
        worker.run()
    finally:
        housekeeper.stopping.set()
        WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
