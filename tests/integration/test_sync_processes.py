"""The sync with real `tandem worker` processes against a real database file (or PostgreSQL
database) that other processes can see: a worker killed with SIGKILL in the middle of an
initial sync, and (PostgreSQL) two workers draining one integration while both sides change.

The database is prepared once per module with `tandem migrate` and `tandem demo` and copied for
each test (a file copy on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL); the data steps run
in processes of their own (sync_process_steps.py) and answer in JSON."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from itertools import count
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "tandem"]
STEP = [sys.executable, "-c", "from tests.integration.sync_process_steps import main; main()"]
POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
_copies = count()


class Place:
    """A database other processes reach through TANDEM_DATA_DIR / DATABASE_URL."""

    def __init__(self, data_dir: Path, db_name: str | None):
        self.data_dir, self.db_name = data_dir, db_name
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(TANDEM_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO))
        env.pop("DJANGO_SETTINGS_MODULE", None)
        if db_name is not None:
            env["DATABASE_URL"] = _url_of(db_name)
        self.env = env
        self.workers: list[subprocess.Popen] = []

    def tandem(self, *args: str, timeout: float = 120) -> None:
        subprocess.run([*CLI, *args], env=self.env, cwd=REPO, check=True, timeout=timeout,
                       stdout=subprocess.DEVNULL)  # fmt: skip

    def step(self, name: str, arg: str = "", timeout: float = 120) -> dict:
        done = subprocess.run([*STEP, name, arg], env=self.env, cwd=REPO, timeout=timeout,
                              capture_output=True, text=True)  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    def start_step(self, name: str, arg: str = "") -> subprocess.Popen:
        return subprocess.Popen([*STEP, name, arg], env=self.env, cwd=REPO, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip

    def worker(self) -> subprocess.Popen:
        process = subprocess.Popen([*CLI, "worker"], env=self.env, cwd=REPO,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
        self.workers.append(process)
        return process

    def stop_workers(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.workers:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def connection(self):
        """A connection of the test process's own to this database (for polling)."""
        from django.db.utils import ConnectionHandler

        from tandem import config

        settings = config.database(self.data_dir)
        if self.db_name is not None:
            settings["NAME"] = self.db_name
        return ConnectionHandler({"default": settings})["default"]


def _url_of(db_name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{db_name}"))


def _postgres_admin(sql: str) -> None:
    """CREATE / DROP DATABASE, from the server's maintenance database."""
    from django.db.utils import ConnectionHandler

    from tandem import config

    settings = config.database(Path("var"))
    settings["NAME"] = "postgres"
    db = ConnectionHandler({"default": settings})["default"]
    try:
        with db.cursor() as cursor:
            cursor.execute(sql)
    finally:
        db.close()


def _base_name() -> str:
    return urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/") + f"_procs{os.getpid()}"


@pytest.fixture(scope="module")
def template(tmp_path_factory, django_db_blocker):
    """The demo in a database of its own: `tandem migrate`, then `tandem demo`."""
    data_dir = tmp_path_factory.mktemp("sync-template")
    name = f"{_base_name()}_tmpl" if POSTGRES else None
    with django_db_blocker.unblock():
        if name:
            _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            _postgres_admin(f'CREATE DATABASE "{name}"')
        place = Place(data_dir, name)
        place.tandem("migrate", "--verbosity", "0", timeout=300)
        place.tandem("demo", timeout=300)
        yield place
        if name:
            _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def place(template, tmp_path, django_db_blocker):
    """A copy of the template for one test; its workers are stopped after it."""
    data_dir = tmp_path / "data"
    name = f"{_base_name()}_{next(_copies)}" if POSTGRES else None
    with django_db_blocker.unblock():
        if name:
            _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            _postgres_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template.db_name}"')
            data_dir.mkdir()
        else:
            shutil.copytree(template.data_dir, data_dir)
        copy = Place(data_dir, name)
        try:
            yield copy
        finally:
            copy.stop_workers()
            if name:
                _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _contacts_progress(db) -> tuple[str, int, int]:
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT initial_state, initial_done, initial_total FROM integration_syncmodule "
            "WHERE module = %s",
            ["Contacts"],
        )
        row = cursor.fetchone()
    return (row[0], row[1], row[2]) if row else ("", 0, 0)


def _queued_drains(db) -> int:
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult "
            "WHERE status = %s AND task_path LIKE %s",
            ["READY", "%drain_integration"],
        )
        return cursor.fetchone()[0]


def _wait(what: str, check, timeout: float, every: float = 0.1, workers=(), detail=None):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        for process in workers:
            if process.poll() is not None:
                pytest.fail(f"a worker died while waiting for {what}: {process.stderr.read()}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}: {detail and detail()}")
        time.sleep(every)


CONTACTS = 6000  # three initial-sync batches of the CRM's contacts, then Desk's


def test_a_worker_killed_mid_initial_sync_is_finished_by_another_without_duplicates(
    place, django_db_blocker
):
    loaded = place.step("load_contacts", str(CONTACTS))
    with django_db_blocker.unblock():
        db = place.connection()
        try:
            first = place.worker()
            # Mid-way: at least one batch committed, the rest not yet.
            state, done, total = _wait(
                "the initial sync to be part-way",
                lambda: (p := _contacts_progress(db))[1] > 0 and p,
                timeout=60, every=0.01, workers=[first],
            )  # fmt: skip
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
            state, done, total = _contacts_progress(db)
            assert state == "running" and 0 < done < total, (state, done, total)
            # The killed worker's drain task stays "running" until the reaper gives up on it
            # (60 s); the 30 s sweep is what catches it first. Make the sweep due now, as if
            # those 30 s had passed, and start another worker.
            with db.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM web_periodicrun WHERE name LIKE %s", ["%sync.tasks.sweep"]
                )
            second = place.worker()
            _wait(
                "the second worker to finish the initial sync",
                lambda: _contacts_progress(db)[0] == "done",
                timeout=60, workers=[second],
            )  # fmt: skip
            _wait("the queue to empty", lambda: _queued_drains(db) == 0, timeout=30)
        finally:
            db.close()

        # Quiesced: the last batch's own writes (skipped as the sync's, but read past by a
        # following drain) may still be ahead of the cursors for a moment.
        def settled():
            state = place.step("contacts_state")
            module, heads = state["module"], state["heads"]
            return (module["crm_cursor"], module["desk_cursor"]) == (heads["crm"], heads["desk"])

        _wait("the cursors to reach the logs' heads", settled, timeout=60, every=1)
    place.stop_workers()
    after = place.step("contacts_state")
    module, before = after["module"], loaded["before"]
    assert module["initial_done"] == module["initial_total"] == loaded["total"]
    assert (module["crm_cursor"], module["desk_cursor"]) == (
        after["heads"]["crm"],
        after["heads"]["desk"],
    )
    # No duplicate links, none to a record that is not there, nothing failed.
    assert after["crm_linked_twice"] == after["desk_linked_twice"] == 0
    assert after["dangling"] == [] and after["failed"] == []
    # Every CRM contact has exactly one Desk partner, but the demo's look-alike, skipped as
    # ambiguous (two Desk contacts share its address).
    assert after["unlinked_crm"] == after["ambiguous_crm"] and len(after["unlinked_crm"]) == 1
    # The replayed batch created nothing twice: each loaded contact is in Desk once (a quarter
    # matched, the rest created), each record was linked or created once, and the counters
    # (saved with the batch) agree with both sides' counts.
    assert after["desk_bulk"] == CONTACTS and after["bulk_linked"] == CONTACTS
    assert after["desk_emails_twice"] == ["pat.twin@example.com"]
    assert after["first_sight_twice"] == []
    created_in_desk = CONTACTS - loaded["in_desk_already"]
    assert module["created_in_desk"] == after["created_in_desk_logged"] == created_in_desk
    assert after["desk_count"] == before["desk"] + created_in_desk
    assert module["created_in_crm"] == after["created_in_crm_logged"]
    assert after["crm_count"] == before["crm"] + module["created_in_crm"]
    assert after["differ"] == []


EDITS = 200


@pytest.mark.skipif(
    not POSTGRES,
    reason="two workers draining at once needs PostgreSQL's row locks (SQLite runs one writer "
    "at a time); run with DATABASE_URL=postgres://…",
)
def test_two_workers_drain_one_integration_while_both_sides_change(place, django_db_blocker):
    workers = [place.worker(), place.worker()]
    started = time.monotonic()
    edits = place.start_step("race_edits", str(EDITS))
    out, err = edits.communicate(timeout=120)
    print(f"edits took {time.monotonic() - started:.1f} s")
    assert edits.returncode == 0, err[-3000:]
    written = json.loads(out.strip().splitlines()[-1])
    with django_db_blocker.unblock():
        db = place.connection()
        try:
            _wait("the workers to catch up", lambda: _caught_up(db), timeout=60, workers=workers,
                  detail=lambda: _where(db))  # fmt: skip
            print(f"caught up after {time.monotonic() - started:.1f} s: {_where(db)}")
        finally:
            db.close()
    place.stop_workers()
    after = place.step("contacts_state")
    result = place.step("race_result")
    # Both workers drained (one integration, two processes), and nothing failed.
    assert len(after["drain_workers"]) == 2, after["drain_workers"]
    assert after["tasks"].get("FAILED", 0) == 0 and after["failed"] == []
    # No duplicate links; both sides equal on every mapped field.
    assert after["crm_linked_twice"] == after["desk_linked_twice"] == 0
    assert after["dangling"] == [] and after["differ"] == []
    # No lost change: the last phone written, on either side, is the phone on both sides.
    lost = {
        crm_id: (phone, result["phones"][crm_id])
        for crm_id, phone in written["last_phone"].items()
        if result["phones"][crm_id] != [phone, phone]
    }
    assert lost == {}
    # Every contact created during the race is on both sides once, linked.
    made = written["created"]["crm"] + written["created"]["desk"]
    assert result["race_crm"] == dict.fromkeys(made, 1)
    assert result["race_desk"] == dict.fromkeys(made, 1)
    assert result["race_linked"] == sorted(made)


def _where(db) -> list:
    """The modules' cursors and the logs' heads, and the drain tasks by status."""
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT m.module, m.state, m.initial_state, m.crm_cursor, o.change_seq, "
            "m.desk_cursor, p.last_change_seq FROM integration_syncmodule m "
            "JOIN integration_deskintegration i ON i.id = m.integration_id "
            "JOIN crm_org o ON o.id = i.org_id JOIN desk_portal p ON p.id = i.portal_id"
        )
        modules = cursor.fetchall()
        cursor.execute(
            "SELECT status, COUNT(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
        )
        return [modules, cursor.fetchall()]


def _caught_up(db) -> bool:
    """Every active module's cursors at both logs' heads: every change applied (the drains
    still queued, one per edit, find nothing to do)."""
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM integration_syncmodule m "
            "JOIN integration_deskintegration i ON i.id = m.integration_id "
            "JOIN crm_org o ON o.id = i.org_id "
            "JOIN desk_portal p ON p.id = i.portal_id "
            "WHERE m.state = 'active' AND (m.crm_cursor < o.change_seq "
            "OR m.desk_cursor < p.last_change_seq OR m.initial_state IN ('running', 'desk'))"
        )
        behind = cursor.fetchone()[0]
    return behind == 0
