"""A burst of edits enqueues one sync drain while one waits unstarted (it reads the logs after
the burst anyway); once a worker has taken it, the next edit enqueues a new one."""

from __future__ import annotations

from django_tasks_db.models import DBTaskResult

from tandem.integration.sync import tasks

from .sync_helpers import World


def test_a_burst_enqueues_one_drain_while_one_waits(person, member, settings):
    world = World(person, member, fresh=False)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    waiting = DBTaskResult.objects.filter(
        task_path=tasks.drain_integration.module_path, status="READY"
    )
    for _ in range(5):
        tasks.on_crm_change(world.org.id, 0)
        tasks.on_desk_change(world.portal.id, 0)
    assert waiting.count() == 1
    waiting.update(status="RUNNING")  # a worker took it: it may have read the logs already
    tasks.on_crm_change(world.org.id, 0)
    assert waiting.count() == 1


def test_a_signals_drain_waits_a_moment_so_a_burst_of_desk_writes_shares_it(
    person, member, settings
):
    from tandem.integration.signals import tasks as signal_tasks

    world = World(person, member, fresh=False)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    queued = DBTaskResult.objects.filter(
        task_path=signal_tasks.drain_signals.module_path, status="READY"
    )
    for _ in range(5):
        signal_tasks.desk_changed(world.portal.id, 0)
    [drain] = queued
    # Deferred (not "as soon as possible", which django-tasks-db stores as the year 9999).
    assert drain.run_after < drain.enqueued_at + signal_tasks.GATHER * 2
    assert drain.run_after > drain.enqueued_at
