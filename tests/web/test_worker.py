from datetime import timedelta

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from tandem import worker
from tandem.web import periodic
from tandem.web.models import PeriodicRun, WorkerHeartbeat


@task()
def noop() -> int:
    return 1


def running_task(worker_id: str, started_minutes_ago: int) -> DBTaskResult:
    result = noop.enqueue()
    db_result = DBTaskResult.objects.get(pk=result.id)
    db_result.claim(worker_id)
    DBTaskResult.objects.filter(pk=db_result.pk).update(
        started_at=timezone.now() - timedelta(minutes=started_minutes_ago)
    )
    return db_result


def test_task_of_a_dead_worker_goes_back_to_the_queue(db):
    orphan = running_task("dead-worker", started_minutes_ago=5)
    assert worker.reap() == 1
    orphan.refresh_from_db()
    assert orphan.status == "READY"


def test_task_of_a_live_worker_is_left_alone(db):
    worker.beat("live-worker")
    busy = running_task("live-worker", started_minutes_ago=5)
    assert worker.reap() == 0
    busy.refresh_from_db()
    assert busy.status == "RUNNING"


def test_a_task_just_started_is_not_reaped(db):
    fresh = running_task("not-yet-beating", started_minutes_ago=0)
    assert worker.reap() == 0
    fresh.refresh_from_db()
    assert fresh.status == "RUNNING"


def test_old_heartbeats_are_forgotten(db):
    WorkerHeartbeat.objects.create(
        worker_id="ancient", last_seen=timezone.now() - timedelta(days=2)
    )
    worker.reap()
    assert not WorkerHeartbeat.objects.filter(worker_id="ancient").exists()


def test_periodic_job_is_enqueued_once_per_period(db, django_capture_on_commit_callbacks):
    periodic.every(60, name="test-noop")(noop)
    try:
        now = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            assert "test-noop" in periodic.enqueue_due(now)
            assert "test-noop" not in periodic.enqueue_due(now + timedelta(seconds=30))
            assert "test-noop" in periodic.enqueue_due(now + timedelta(seconds=61))
        assert PeriodicRun.objects.get(name="test-noop").last_enqueued_at == now + timedelta(
            seconds=61
        )
        assert DBTaskResult.objects.filter(task_path__endswith="noop").count() == 2
    finally:
        periodic._jobs.pop("test-noop")


def test_worker_runs_queued_tasks_in_batch_mode(transactional_db):
    # The worker manages its own connections and transactions, as in production.
    result = noop.enqueue()
    worker.run_worker(batch=True)
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"


def test_checkpoint_copies_the_write_ahead_log_back(tmp_path, monkeypatch, django_db_blocker):
    # A file database configured as Tandem configures SQLite (the test database is in memory).
    from django.db.utils import ConnectionHandler

    from tandem import config

    monkeypatch.delenv("DATABASE_URL", raising=False)
    db = ConnectionHandler({"default": config.database(tmp_path)})["default"]
    with django_db_blocker.unblock():
        with db.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint")
            assert cursor.fetchone()[0] == 20000  # requests leave checkpoints to the worker
            cursor.execute("CREATE TABLE t (v TEXT)")
            cursor.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
        logged, copied = worker.checkpoint(db)
        db.close()
    assert logged > 0 and copied == logged


def test_an_idle_worker_sees_no_work_and_a_due_task_as_work(db):
    assert not worker.work_ready()
    later = noop.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()
    assert not worker.work_ready()  # not due yet
    now = noop.enqueue()
    assert worker.work_ready()
    DBTaskResult.objects.filter(pk=now.id).update(status="SUCCESSFUL")
    assert not worker.work_ready()
    DBTaskResult.objects.filter(pk=later.id).update(run_after=timezone.now() - timedelta(seconds=1))
    assert worker.work_ready()


def test_a_batch_worker_runs_a_task_due_now_and_leaves_one_due_later(transactional_db):
    later = noop.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()
    now = noop.enqueue()
    worker.run_worker(batch=True, interval=0)
    assert DBTaskResult.objects.get(pk=now.id).status == "SUCCESSFUL"
    assert DBTaskResult.objects.get(pk=later.id).status == "READY"
