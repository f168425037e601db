"""Per-tenant counters (ticket numbers, change-log sequences) kept on the tenant's row."""

from __future__ import annotations

from django.db import connection


def bump(model, pk: int, counters: dict[str, int]) -> tuple[int, ...]:
    """Add to counter columns of one row and return their new values, in one
    UPDATE … RETURNING (SQLite ≥ 3.35, PostgreSQL). The UPDATE holds the row's write lock
    until commit, so concurrent transactions get consecutive values in commit order, with
    no gaps: what a change-log reader reading by cursor relies on."""
    q = connection.ops.quote_name
    columns = [q(model._meta.get_field(name).column) for name in counters]
    assignments = ", ".join(f"{c} = {c} + %s" for c in columns)
    # Identifiers come from the model's metadata (quoted), values are parameters.
    table, key = q(model._meta.db_table), q(model._meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s RETURNING {', '.join(columns)}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*counters.values(), pk])
        row = cursor.fetchone()
    if row is None:
        raise model.DoesNotExist(f"No {model.__name__} {pk}.")
    return tuple(row)
