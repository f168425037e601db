"""A burst of edits enqueues one sync drain while one waits unstarted (it reads the logs after
the burst anyway); once a worker has taken it, the next edit enqueues a new one. A signals
drain waits a moment before it starts, so a burst of Desk writes shares it."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from tandem.integration.signals import tasks as signal_tasks
from tandem.integration.sync import tasks

from .sync_helpers import World


@pytest.fixture
def world(person, member, settings):
    """The demo's world, with tasks queued in the database as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return World(person, member, fresh=False)


def queued(task):
    return DBTaskResult.objects.filter(task_path=task.module_path, status="READY")


def test_a_burst_enqueues_one_drain_while_one_waits(world):
    waiting = queued(tasks.drain_integration)
    for _ in range(5):
        tasks.on_crm_change(world.org.id, 0)
        tasks.on_desk_change(world.portal.id, 0)
    assert waiting.count() == 1
    waiting.update(status="RUNNING")  # a worker took it: it may have read the logs already
    tasks.on_crm_change(world.org.id, 0)
    assert waiting.count() == 1


def test_a_signals_drain_waits_a_moment_so_a_burst_of_desk_writes_shares_it(world):
    for _ in range(5):
        signal_tasks.desk_changed(world.portal.id, 0)
    [drain] = queued(signal_tasks.drain_signals)
    # Deferred (not "as soon as possible", which django-tasks-db stores as the year 9999).
    assert drain.run_after < drain.enqueued_at + signal_tasks.GATHER * 2
    assert drain.run_after > drain.enqueued_at
