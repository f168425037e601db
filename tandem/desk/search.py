"""Searching ticket subjects without reading every ticket.

A search is a substring match (`subject ILIKE '%text%'`): the same results on both databases,
whatever the index. What changes is how the database finds them at a million tickets:

- SQLite: an FTS5 table with the trigram tokenizer indexes every subject; triggers on
  desk_ticket keep it in step with every insert, subject change and delete (bulk ones too).
- PostgreSQL: a pg_trgm GIN index on UPPER(subject), the very expression Django's
  `icontains` compares, so the planner uses it by itself.

Where neither can be had (an SQLite built without FTS5, a role that may not create the
extension), search still works, by scanning; the reason is logged at each `migrate`.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext

from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import QuerySet

log = logging.getLogger(__name__)

FTS_TABLE = "desk_ticket_search"
MIGRATION = ("desk", "0009_ticket_subject_search")
# A rare text is looked up in the index and its tickets fetched by id. A common one ("printer")
# is found faster by walking the newest tickets: a page of matches comes after a few rows.
RARE = 1000

# The SQL names the index table literally (FTS_TABLE): it is ours, never the user's.
SQLITE_TRIGGERS = {
    "desk_ticket_search_ai": """CREATE TRIGGER desk_ticket_search_ai AFTER INSERT ON desk_ticket
        BEGIN
        INSERT INTO desk_ticket_search(rowid, subject) VALUES (new.id, new.subject); END""",
    "desk_ticket_search_ad": """CREATE TRIGGER desk_ticket_search_ad AFTER DELETE ON desk_ticket
        BEGIN
        INSERT INTO desk_ticket_search(desk_ticket_search, rowid, subject)
        VALUES ('delete', old.id, old.subject); END""",
    # Django's save() writes every column: without the WHEN, each save would re-index.
    "desk_ticket_search_au": """CREATE TRIGGER desk_ticket_search_au
        AFTER UPDATE OF subject ON desk_ticket WHEN old.subject IS NOT new.subject
        BEGIN
        INSERT INTO desk_ticket_search(desk_ticket_search, rowid, subject)
        VALUES ('delete', old.id, old.subject);
        INSERT INTO desk_ticket_search(rowid, subject) VALUES (new.id, new.subject); END""",
}
PG_INDEX = "desk_t_subject_trgm"


def install(db=connection) -> bool:
    """Create the subject index if it is missing; True if the database has one afterwards.
    Run by the migration (non-atomic: PostgreSQL builds the index CONCURRENTLY, so tickets
    can be written meanwhile) and by repair()."""
    try:
        if db.vendor == "sqlite":
            with transaction.atomic(using=db.alias), db.cursor() as cursor:
                return _install_sqlite(cursor)
        if db.vendor == "postgresql":
            # CONCURRENTLY cannot run inside a transaction; inside one (a test, a caller's
            # atomic block) a savepoint keeps a refusal from aborting it.
            inside = db.in_atomic_block
            savepoint = transaction.atomic(using=db.alias) if inside else nullcontext()
            with savepoint, db.cursor() as cursor:
                return _install_postgresql(cursor, concurrently=not inside)
    except DatabaseError as exc:
        log.warning("Ticket search works without an index here (it scans): %s", exc)
    return False


def _install_sqlite(cursor) -> bool:
    cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS_TABLE])
    fresh = cursor.fetchone() is None
    if fresh:
        cursor.execute(
            "CREATE VIRTUAL TABLE desk_ticket_search USING fts5(subject, content='desk_ticket', "
            "content_rowid='id', tokenize='trigram')"
        )
        # FTS5 merges its index segments while it writes, so now and then one new ticket
        # paid 60+ ms for it (p99 at 1M tickets). Off: the worker merges a little at a time
        # (merge() below), and FTS5's own crisis merge still bounds the segments.
        cursor.execute(
            "INSERT INTO desk_ticket_search(desk_ticket_search, rank) VALUES ('automerge', 0)"
        )
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'desk_ticket'"
    )
    missing = set(SQLITE_TRIGGERS) - {row[0] for row in cursor.fetchall()}
    for name in sorted(missing):
        cursor.execute(SQLITE_TRIGGERS[name])
    # A fresh index is filled from the tickets; one that missed writes while a trigger was
    # gone (Django rebuilding the table mid-migrate) is filled again, or FTS5's deletes,
    # which name the old subject, would corrupt it.
    if fresh or missing:
        cursor.execute("INSERT INTO desk_ticket_search(desk_ticket_search) VALUES ('rebuild')")
    return True


def _install_postgresql(cursor, *, concurrently: bool) -> bool:
    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    how = "CONCURRENTLY " if concurrently else ""
    # An interrupted CONCURRENTLY build leaves an INVALID index that IF NOT EXISTS would keep
    # forever (unused by searches, still paid for by every write): drop it and build anew.
    cursor.execute(
        "SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE c.relname = %s",
        [PG_INDEX],
    )
    row = cursor.fetchone()
    if row and row[0]:
        cursor.execute(f"DROP INDEX {how}IF EXISTS {PG_INDEX}")
    cursor.execute(
        f"CREATE INDEX {how}IF NOT EXISTS {PG_INDEX} ON desk_ticket "
        "USING gin ((UPPER(subject::text)) gin_trgm_ops)"
    )
    return True


def repair(db=connection) -> None:
    """After every `migrate`: make sure the index is whole again. Django rebuilds a table on
    SQLite to alter it, which drops its triggers (the index survives); on PostgreSQL an
    extension refused once may be there now."""
    if db.vendor in ("sqlite", "postgresql") and _migrated(db):
        install(db)
        _has_fts.pop(str(db.settings_dict["NAME"]), None)


def _migrated(db) -> bool:
    recorder = MigrationRecorder(db)
    if not recorder.has_table():
        return False
    app, name = MIGRATION
    return recorder.migration_qs.filter(app=app, name=name).exists()


def renew_triggers(db=connection) -> None:
    """Replace SQLite's triggers with the current SQLITE_TRIGGERS (a migration's step)."""
    if db.vendor != "sqlite" or not _sqlite_index(db, fresh=True):
        return
    with db.cursor() as cursor:
        for name, sql in SQLITE_TRIGGERS.items():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(sql)


def uninstall(db=connection) -> None:
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute("DROP TABLE IF EXISTS desk_ticket_search")
        elif db.vendor == "postgresql":
            how = "" if db.in_atomic_block else "CONCURRENTLY "
            cursor.execute(f"DROP INDEX {how}IF EXISTS {PG_INDEX}")
    _has_fts.pop(str(db.settings_dict["NAME"]), None)


MERGE_PAGES = 100  # about 20 ms of work at a million tickets


def merge(db=connection) -> None:
    """Merge some of the search index's segments (SQLite), off the request path."""
    if db.vendor == "sqlite" and _sqlite_index(db):
        with db.cursor() as cursor:
            cursor.execute(
                "INSERT INTO desk_ticket_search(desk_ticket_search, rank) VALUES ('merge', %s)",
                [MERGE_PAGES],
            )


_has_fts: dict[str, bool] = {}


def _sqlite_index(db, fresh: bool = False) -> bool:
    name = str(db.settings_dict["NAME"])
    if fresh or name not in _has_fts:
        with db.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS_TABLE])
            _has_fts[name] = cursor.fetchone() is not None
    return _has_fts[name]


def subject_contains(qs: QuerySet, text: str) -> QuerySet:
    """`qs` narrowed to tickets whose subject contains `text` (case-insensitive)."""
    db = connection
    # The trigram index answers LIKE for three characters or more, without wildcards of the
    # user's own (FTS5 takes no ESCAPE clause).
    usable = db.vendor == "sqlite" and len(text) >= 3 and not set(text) & {"%", "_"}
    if usable and _sqlite_index(db):
        # No atomic block here: with IMMEDIATE transactions it would take SQLite's write lock
        # for a read. A failed SELECT leaves SQLite's transaction usable.
        try:
            with db.cursor() as cursor:
                cursor.execute(
                    "SELECT rowid FROM desk_ticket_search WHERE subject LIKE %s LIMIT %s",
                    [f"%{text}%", RARE + 1],
                )
                ids = [row[0] for row in cursor.fetchall()]
        except OperationalError:  # the index went away under a running process: scan
            log.warning("Ticket search index missing; scanning", exc_info=True)
            _has_fts.pop(str(db.settings_dict["NAME"]), None)
        else:
            if len(ids) <= RARE:
                return qs.filter(pk__in=ids)
    return qs.filter(subject__icontains=text)
