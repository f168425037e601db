"""web.sqlite: a SQLite transaction holds an flock beside the database file from BEGIN to
commit, rollback or close, so other writers wait in the kernel (and wake when it is free)
instead of sleeping in SQLite's busy handler."""

from __future__ import annotations

import fcntl
import os
import threading

import pytest
from django.db.utils import ConnectionHandler


@pytest.fixture
def handler(tmp_path, django_db_blocker):
    path = tmp_path / "w.sqlite3"
    database = {
        "ENGINE": "tandem.web.sqlite",
        "NAME": str(path),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 30},
    }
    with django_db_blocker.unblock():  # a database of its own, outside the test database
        yield ConnectionHandler({"default": database, "w": database})


def _held(handler) -> bool:
    fd = os.open(f"{handler['w'].settings_dict['NAME']}-writer.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _begin(conn) -> None:
    conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def _end(conn, how: str) -> None:
    conn.commit() if how == "commit" else conn.rollback()
    conn.set_autocommit(True)


@pytest.mark.parametrize("how", ["commit", "rollback"])
def test_a_second_writer_waits_for_the_first_and_goes_when_it_ends(handler, how):
    first = handler.create_connection("w")
    first.cursor().execute("CREATE TABLE t (x integer)")
    assert not _held(handler)
    _begin(first)
    first.cursor().execute("INSERT INTO t VALUES (1)")
    assert _held(handler)
    began, wrote = threading.Event(), threading.Event()

    def second_writer():
        second = handler.create_connection("w")
        try:
            began.set()
            _begin(second)  # waits here for the first to end
            second.cursor().execute("INSERT INTO t VALUES (2)")
            _end(second, "commit")
            wrote.set()
        finally:
            second.close()

    thread = threading.Thread(target=second_writer)
    thread.start()
    began.wait(5)
    assert not wrote.wait(0.3)  # still in line behind the first
    _end(first, how)
    thread.join(10)
    assert wrote.is_set() and not _held(handler)
    rows = sorted(r[0] for r in first.cursor().execute("SELECT x FROM t").fetchall())
    assert rows == ([1, 2] if how == "commit" else [2])
    first.close()


def test_closing_a_connection_mid_transaction_frees_the_line(handler):
    conn = handler.create_connection("w")
    _begin(conn)
    assert _held(handler)
    conn.close()
    assert not _held(handler)
