"""Fast inserts for bulk writes (POST {Module}/bulk, CSV import): plain executemany.

The ORM's bulk_create spends most of its time building SQL per batch; at thousands of records
a second that is the bottleneck. Record ids are reserved up front (a PostgreSQL sequence, or on
SQLite the table's AUTOINCREMENT counter under the write lock every transaction holds there),
so records, their index keys and change-log rows go in as three executemany calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from tandem.crm.models import Change, Record, RecordKey
from tandem.web import bulk as rows

RECORD_COLUMNS = (
    "id",
    "org_id",
    "module_id",
    "data",
    "name",
    "search",
    "owner_id",
    "created_at",
    "modified_at",
)


def _reserve_ids(count: int) -> list[int]:
    table = Record._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the IMMEDIATE transaction holds the write lock, so nobody else takes ids now.
        # The AUTOINCREMENT counter (not MAX(id)) keeps ids of deleted records from coming back.
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (constant)
        start = max(row[0] if row else 0, cursor.fetchone()[0]) + 1
        return list(range(start, start + count))


def fast() -> bool:
    return connection.vendor in ("sqlite", "postgresql")


@dataclass(slots=True)
class NewRecord:
    """A record about to be bulk-inserted: cheaper to make by the thousand than a model."""

    org_id: int
    module_id: int
    data: dict
    name: str
    search: str
    owner_id: int | None
    created_at: datetime
    modified_at: datetime
    pk: int | None = None


def insert_records(records: list[NewRecord]) -> None:
    """Insert records (setting their pk)."""
    if not records:
        return
    if not fast():
        fields = [f for f in NewRecord.__slots__ if f != "pk"]
        made = [Record(**{f: getattr(r, f) for f in fields}) for r in records]
        Record.objects.bulk_create(made, batch_size=500)
        for record, row in zip(records, made, strict=True):
            record.pk = row.pk
        return
    for record, pk in zip(records, _reserve_ids(len(records)), strict=True):
        record.pk = pk
    # web.bulk prepares a batch's one timestamp once and JSON without the ORM's detour.
    rows.insert(Record, RECORD_COLUMNS, [
        (r.pk, r.org_id, r.module_id, r.data, r.name, r.search, r.owner_id, r.created_at,
         r.modified_at) for r in records
    ])  # fmt: skip


def insert_keys(keys: list[tuple[int, int, str]]) -> None:
    """(record id, field id, value) rows of the exact-value index."""
    if not keys:
        return
    if not fast():
        RecordKey.objects.bulk_create(
            [RecordKey(record_id=r, field_id=f, value=v) for r, f, v in keys], batch_size=2000
        )
        return
    sql = f"INSERT INTO {RecordKey._meta.db_table} (record_id, field_id, value) VALUES (%s, %s, %s)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, keys)


CHANGE_COLUMNS = (
    "org_id",
    "sequence",
    "module",
    "record_id",
    "op",
    "fields",
    "origin",
    "actor_id",
    "at",
)


def insert_changes(changes: list[tuple]) -> None:
    """Change-log rows as tuples in CHANGE_COLUMNS order."""
    if not fast():
        Change.objects.bulk_create(
            [Change(**dict(zip(CHANGE_COLUMNS, c, strict=True))) for c in changes], batch_size=500
        )
        return
    rows.insert(Change, CHANGE_COLUMNS, changes)
