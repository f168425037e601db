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
