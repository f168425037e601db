"""Plain executemany inserts and updates for writers that move thousands of rows a second
(the CRM's bulk create, Desk's bulk customer save, the sync's links and log). The ORM's
bulk_create and bulk_update spend most of their time building SQL per row; these build it once.
Ids are reserved up front: a PostgreSQL sequence, or on SQLite the table's AUTOINCREMENT
counter under the write lock that every transaction there holds."""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import connection, models

PREPARED = (models.JSONField, models.DateTimeField, models.DecimalField, models.DateField)


def lean_connection(*, cache_mb: int = 16, memory_map: bool = True) -> None:
    """Big reads and writes (an import, the sync) touch much of the database: on SQLite, keep
    this worker's connection to a small page cache instead of the 64 MB the settings allow
    every connection, and, if asked, off the 256 MB memory map (its pages are the OS file
    cache's, shared, but counted in the process's RSS). For the rest of the connection's life:
    a worker's, not a page's. The sync keeps the map (its initial sync of 1,000,000 contacts
    peaked at 132 MB with it); the CSV import, which reads most of the file once, does not."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            if not memory_map:
                cursor.execute("PRAGMA mmap_size=0")
            cursor.execute(f"PRAGMA cache_size=-{int(cache_mb) * 1024}")


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # The AUTOINCREMENT counter (not MAX(id) alone) keeps ids of deleted rows from coming
        # back; the table's own insert moves the counter past what we use.
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (a model's table)
        start = max(row[0] if row else 0, cursor.fetchone()[0]) + 1
        return list(range(start, start + count))


def _json_dumps():
    """json.dumps, without making its C encoder anew for every value: that was half the cost
    of the small dicts and lists (shadows, log reasons, change fields) written here by the
    hundred thousand. The same text as json.dumps; json.dumps itself where C is missing."""
    make = json.encoder.c_make_encoder
    if make is None:
        return json.dumps
    encode = make(None, json.JSONEncoder().default, json.encoder.encode_basestring_ascii, None,
                  ": ", ", ", False, False, True)  # fmt: skip
    return lambda value: "".join(encode(value, 0))


dumps = _json_dumps()


def _preparers(model, columns: Sequence[str]):
    """Per column, how a Python value becomes what the driver takes (None: as it is). JSON and
    datetimes, the common cases, take the short way: the field's own preparation costs more
    than the insert."""
    ops = connection.ops
    preparers = []
    for field in (model._meta.get_field(c) for c in columns):
        if isinstance(field, models.JSONField) and connection.vendor == "sqlite":
            preparers.append(lambda v: None if v is None else dumps(v))
        elif isinstance(field, models.DateTimeField):
            preparers.append(_same_as_last(ops.adapt_datetimefield_value))
        elif isinstance(field, PREPARED):
            preparers.append(lambda v, f=field: f.get_db_prep_save(v, connection))
        else:
            preparers.append(None)
    return preparers


def _same_as_last(prepare):
    """A batch's rows mostly share one timestamp (`now`): it is prepared once, not per row."""
    last = [object(), None]

    def prepared(value):
        if value is not last[0]:
            last[0], last[1] = value, prepare(value)
        return last[1]

    return prepared


def _prepared(rows, preparers) -> list:
    """The rows with each prepared column's value prepared (the others as they are)."""
    prepared = [(i, p) for i, p in enumerate(preparers) if p is not None]
    if not prepared:
        return list(rows)
    out = []
    for row in rows:
        if len(row) != len(preparers):
            raise ValueError(f"a row of {len(row)} values for {len(preparers)} columns")
        values = list(row)
        for i, prepare in prepared:
            values[i] = prepare(values[i])
        out.append(values)
    return out


def insert(model: type[models.Model], columns: Sequence[str], rows: list[tuple]) -> None:
    """INSERT rows (tuples in `columns` order; by field name, e.g. "portal_id")."""
    if not rows:
        return
    names = [model._meta.get_field(c).column for c in columns]
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, _prepared(rows, _preparers(model, columns)))


def update(model: type[models.Model], columns: Sequence[str], rows: list[tuple]) -> None:
    """UPDATE … SET columns WHERE id: each row is (values in `columns` order…, id)."""
    if not rows:
        return
    names = [model._meta.get_field(c).column for c in columns]
    assignments = ", ".join(f"{n} = %s" for n in names)
    sql = f"UPDATE {model._meta.db_table} SET {assignments} WHERE id = %s"  # noqa: S608
    preparers = [*_preparers(model, columns), None]
    with connection.cursor() as cursor:
        cursor.executemany(sql, _prepared(rows, preparers))
