"""web.group_commit: on SQLite, threads of one process that want to write while one of them
waits for the writer lock hand it their work; it runs each piece in a savepoint of its own and
commits them together, and each thread gets its own result or error back."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import IntegrityError, connections, transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.web import group_commit
from tandem.web.group_commit import write_together

ALIAS = "together"


@pytest.fixture
def db_file(tmp_path, django_db_blocker):
    """A SQLite file of its own under the alias `together`, set up as Tandem's (web.sqlite,
    IMMEDIATE transactions, foreign keys on)."""
    database = {
        "ENGINE": "tandem.web.sqlite",
        "NAME": str(tmp_path / "together.sqlite3"),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;",
        },
    }
    configured = connections.configure_settings({"default": {}, ALIAS: database})[ALIAS]
    connections.settings[ALIAS] = configured
    with django_db_blocker.unblock():
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("CREATE TABLE parent (id integer PRIMARY KEY)")
            cursor.execute(
                "CREATE TABLE piece (x integer, parent_id integer NULL"
                " REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)"
            )
            cursor.execute("INSERT INTO parent VALUES (1)")
        try:
            yield
        finally:
            connections[ALIAS].close()
            del connections[ALIAS]  # this thread's connection, to the next test's file
            del connections.settings[ALIAS]
            group_commit._open.pop(ALIAS, None)


def _rows() -> list[int]:
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT x FROM piece ORDER BY x")
        return [row[0] for row in cursor.fetchall()]


def _insert(x: int, parent_id: int | None = None):
    def work():
        connection = transaction.get_connection(ALIAS)
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO piece VALUES (%s, %s)", [x, parent_id])
        return {
            "x": x,
            "thread": threading.get_ident(),
            "language": translation.get_language(),
            "in_transaction": connection.in_atomic_block,
        }

    return work


def _fail_after_insert(x: int):
    def work():
        _insert(x)()
        raise ValueError(f"piece {x} refuses")

    return work


def _together(works: list, languages: list[str] | None = None) -> list:
    """Run each work in a thread of its own while this thread holds the writer lock, so they
    all gather behind the first; then let them go. Returns each thread's result or error."""
    languages = languages or ["en"] * len(works)
    outcomes: list = [None] * len(works)
    holder = connections.create_connection(ALIAS)
    holder.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)

    def thread(i: int) -> None:
        try:
            with translation.override(languages[i]):
                outcomes[i] = write_together(works[i], using=ALIAS)
        except Exception as error:
            outcomes[i] = error
        finally:
            connections[ALIAS].close()

    threads = [threading.Thread(target=thread, args=(i,)) for i in range(len(works))]
    try:
        for t in threads:
            t.start()
            time.sleep(0.02)  # in order: the first leads
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            group = group_commit._open.get(ALIAS)
            if group and len(group.pieces) == len(works):
                break
            time.sleep(0.01)
        else:
            pytest.fail("the pieces did not gather behind the first")
    finally:
        holder.rollback()
        holder.set_autocommit(True)
        holder.close()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads), "a thread still waits"
    return outcomes


def test_pieces_waiting_for_the_lock_are_written_in_one_transaction(db_file):
    outcomes = _together([_insert(x) for x in range(5)])
    assert [o["x"] for o in outcomes] == [0, 1, 2, 3, 4]  # each thread its own result
    assert len({o["thread"] for o in outcomes}) == 1  # all run by the first, the leader
    assert all(o["in_transaction"] for o in outcomes)
    assert _rows() == [0, 1, 2, 3, 4]
    assert ALIAS not in group_commit._open  # the next writer leads a group of its own


def test_a_piece_that_fails_fails_alone(db_file):
    outcomes = _together([_insert(0), _fail_after_insert(1), _insert(2)])
    assert outcomes[0]["x"] == 0 and outcomes[2]["x"] == 2
    assert isinstance(outcomes[1], ValueError) and str(outcomes[1]) == "piece 1 refuses"
    assert _rows() == [0, 2]  # its row rolled back with its savepoint, the others kept


def test_each_piece_runs_in_its_own_threads_language(db_file):
    outcomes = _together([_insert(0), _insert(1), _insert(2)], ["es", "de", "en"])
    assert [o["language"] for o in outcomes] == ["es", "de", "en"]


def test_a_commit_that_fails_fails_every_piece_and_keeps_nothing(db_file):
    # The middle piece refers to a parent that does not exist: SQLite checks the deferred
    # foreign key at COMMIT, so the shared commit fails. Alone, each would have been told.
    outcomes = _together([_insert(0, parent_id=1), _insert(1, parent_id=99), _insert(2)])
    assert all(isinstance(o, IntegrityError) for o in outcomes)
    assert len({id(o) for o in outcomes}) == 3  # an exception of its own per thread
    assert _rows() == []
    # The caller writes again alone (as create_from_draft does): the good pieces are kept.
    assert write_together(_insert(0, parent_id=1), using=ALIAS)["x"] == 0
    assert _rows() == [0]


def test_the_leader_alone_writes_without_a_savepoint(db_file):
    outcome = write_together(_insert(7), using=ALIAS)
    assert outcome["x"] == 7 and outcome["in_transaction"]
    assert _rows() == [7]
    with pytest.raises(ValueError):
        write_together(_fail_after_insert(8), using=ALIAS)
    assert _rows() == [7]


def test_inside_a_transaction_the_piece_is_part_of_it(db_file):
    with transaction.atomic(using=ALIAS):
        write_together(_insert(1), using=ALIAS)
        assert ALIAS not in group_commit._open  # no group: this thread holds the lock
        transaction.set_rollback(True, using=ALIAS)
    assert _rows() == []  # rolled back with the caller's transaction


PIECES = st.lists(
    st.tuples(st.sampled_from(["writes", "fails", "orphan"]), st.sampled_from(["es", "de"])),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(PIECES)
def test_any_mix_of_pieces_keeps_exactly_what_alone_would(db_file, pieces):
    """Whatever the pieces gathered behind the lock: with no orphan, exactly the pieces that
    did not fail are stored, once; with one, nothing, and each of the others is told the
    commit failed (it would retry alone). A piece that failed itself gets its own error; the
    others their own result, in their own language."""
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("DELETE FROM piece")
    works = [
        {"writes": _insert(x), "fails": _fail_after_insert(x), "orphan": _insert(x, 99)}[kind]
        for x, (kind, _language) in enumerate(pieces)
    ]
    outcomes = _together(works, [language for _kind, language in pieces])
    orphaned = any(kind == "orphan" for kind, _language in pieces)
    for x, ((kind, language), outcome) in enumerate(zip(pieces, outcomes, strict=True)):
        if kind == "fails":  # its own error, whatever became of the others
            assert isinstance(outcome, ValueError) and str(outcome) == f"piece {x} refuses"
        elif orphaned:
            assert isinstance(outcome, IntegrityError)
        else:
            assert (outcome["x"], outcome["language"]) == (x, language)
    kept = [x for x, (kind, _l) in enumerate(pieces) if kind == "writes" and not orphaned]
    assert _rows() == kept
