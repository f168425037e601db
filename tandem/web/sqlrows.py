"""Rows read with plain SQL, given back as the ORM gives them. The sync reads records and
customers by the thousand; building each query through the ORM and converting each value
through its per-value machinery was about a third of those reads' cost (crm.queries.sync and
desk.queries.sync both read this way)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.transaction import TransactionManagementError
from django.utils.dateparse import parse_datetime

CHUNK = 10_000  # parameters per query: under SQLite's limit on a statement's parameters


def chunks(values: list, size: int = CHUNK):
    """`values` in slices short enough for one query's parameters."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def locked_in_id_order() -> str:
    """What ends a read that locks its rows (FOR UPDATE where the database has it) in id
    order, so that readers locking by chunks never wait for each other in a cycle. Like
    the ORM's select_for_update, refused outside a transaction."""
    if not connection.features.has_select_for_update:
        return " ORDER BY id"
    if connection.get_autocommit() and connection.features.supports_transactions:
        raise TransactionManagementError(
            "select_for_update cannot be used outside of a transaction."
        )
    return f" ORDER BY id {connection.ops.for_update_sql()}"


def select(model, fields, where: str, params: list, suffix: str = "") -> list[tuple]:
    """`fields`' columns of the `model` rows `where` selects, converted as the ORM would."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(f.column for f in fields)} FROM {model._meta.db_table}"  # noqa: S608
            f" WHERE {where}{suffix}",
            params,
        )
        rows = cursor.fetchall()
    return converted(rows, fields)


def among_ids(read, scope: str, params: list, ids, *, lock: bool = False) -> list:
    """`read(where, params, suffix)` of the rows among `ids` within `scope` (a WHERE clause
    and its `params`), a chunk of ids at a time; with `lock`, locked (FOR UPDATE, in id
    order) until the caller's transaction ends."""
    wanted = [int(i) for i in ids if i is not None]
    if not wanted:
        return []
    suffix = ""
    if lock:
        wanted.sort()  # the chunks one after the other lock in id order
        suffix = locked_in_id_order()
    found = []
    for chunk in chunks(wanted):
        found += read(f"{scope} AND id IN ({placeholders(chunk)})", [*params, *chunk], suffix)
    return found


def _reader(field):
    """How the ORM turns the driver's value of `field`'s column into the field's (None: as it
    comes). SQLite's datetimes come naive and are made aware in the connection's time zone, as
    its convert_datetimefield_value does, without that one's settings look-ups per value;
    PostgreSQL's come aware already. Other conversions (JSON, decimals) are the ORM's own."""
    col = field.get_col(field.model._meta.db_table)
    converters = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
    if not converters:
        return None
    if field.get_internal_type() == "DateTimeField" and connection.vendor == "sqlite":
        if not settings.USE_TZ:
            return lambda value: parse_datetime(value) if isinstance(value, str) else value
        zone = connection.timezone

        def aware(value):
            if value is None:
                return None
            if not isinstance(value, datetime):
                value = parse_datetime(value)
            return value if value.utcoffset() is not None else value.replace(tzinfo=zone)

        return aware

    def convert(value):
        for converter in converters:
            value = converter(value, col, connection)
        return value

    return convert


def converted(rows: list, fields) -> list[tuple]:
    """`rows` (of `fields`' columns) as the ORM gives them, converted column by column."""
    columns = [
        list(map(read, column)) if (read := _reader(field)) else column
        for field, column in zip(fields, zip(*rows, strict=True), strict=False)
    ]
    return list(zip(*columns, strict=True))
