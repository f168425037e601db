"""Portal-wide customer reads for a reader that is not an agent (the integration's sync): by
id, in id order from a cursor, and by exact value. The caller is scoped by portal.

The reads the sync makes by the thousand are plain SQL (building a 5,000-id query and
converting each value through the ORM was about a third of their cost) and give what the ORM
gives: the same columns, decoded the same way on SQLite and PostgreSQL (web.sqlrows)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import connection
from django.db.models import Max

from tandem.desk.models import Account, Contact, Portal, Product
from tandem.web.sqlrows import among_ids, chunks, converted, placeholders, select

ENTITIES = {"contact": Contact, "account": Account, "product": Product}
FIELDS = {
    "contact": ("first_name", "last_name", "email", "secondary_email", "phone", "mobile",
                "account_id"),
    "account": ("account_name", "email", "website", "phone"),
    "product": ("product_name", "product_code", "unit_price"),
}  # fmt: skip
EMAIL_FIELDS = {"email", "secondary_email"}


def last_change_sequence(portal_id: int) -> int:
    """The head of the portal's change log."""
    return (
        Portal.objects.filter(pk=portal_id).values_list("last_change_seq", flat=True).first() or 0
    )


def _fields(entity: str, names) -> list:
    meta = ENTITIES[entity]._meta
    return [meta.get_field(name) for name in names]


def _rows(entity: str, where: str, params: list, suffix: str = "") -> list[dict]:
    """Plain rows (`id`, `updated_at` and the synced fields) of the `entity` rows `where`
    selects."""
    names = ("id", "updated_at", *FIELDS[entity])
    rows = select(ENTITIES[entity], _fields(entity, names), where, params, suffix)
    return [dict(zip(names, row, strict=True)) for row in rows]


def customers_by_ids(
    portal_id: int, entity: str, ids: Iterable[int], *, lock: bool = False
) -> list[dict]:
    """Plain rows (`id`, `updated_at` and the synced fields) of `entity` among `ids`; with
    `lock`, locked (FOR UPDATE, in id order) until the caller's transaction ends."""
    return among_ids(partial(_rows, entity), "portal_id = %s", [int(portal_id)], ids, lock=lock)


def lock_change_log(portal_id: int) -> None:
    """Hold the portal's change-log counter until the caller's transaction ends."""
    list(Portal.objects.select_for_update().filter(pk=portal_id).values_list("pk", flat=True))


def customers_after(
    portal_id: int, entity: str, after_id: int, limit: int, until_id: int | None = None
) -> list[dict]:
    """Up to `limit` customers in id order after `after_id` (and up to `until_id`)."""
    if limit <= 0:
        return []
    where, params = "portal_id = %s AND id > %s", [int(portal_id), int(after_id)]
    if until_id is not None:
        where, params = f"{where} AND id <= %s", [*params, int(until_id)]
    return _rows(entity, where, params, f" ORDER BY id LIMIT {int(limit)}")


def last_customer_id(portal_id: int, entity: str) -> int:
    """The newest customer's id in the portal (0 if none)."""
    found = ENTITIES[entity].objects.filter(portal_id=portal_id).aggregate(last=Max("id"))
    return found["last"] or 0


def count_customers(portal_id: int, entity: str) -> int:
    return ENTITIES[entity].objects.filter(portal_id=portal_id).count()


def customer_ids_by_value(
    portal_id: int, entity: str, fields: Iterable[str], values: Iterable[str]
) -> dict[str, set]:
    """{value: {ids}} of `entity` rows where any of `fields` equals one of `values` (emails
    are stored lower-cased: pass them lower-cased)."""
    fields = [f for f in fields if f in FIELDS[entity]]
    wanted = {str(v) for v in values if v}
    found: dict[str, set] = {}
    if not wanted or not fields:
        return found
    # One query per field: each is a seek on its (portal, field) index, where one query with
    # `a IN (...) OR b IN (...)` reads every row of the portal.
    listed = list(wanted)
    meta = ENTITIES[entity]._meta
    table, pk_field = meta.db_table, meta.pk
    with connection.cursor() as cursor:
        for field in _fields(entity, fields):
            as_text = field.get_internal_type() in ("CharField", "TextField")
            for chunk in chunks(listed):
                params = chunk if as_text else [field.get_db_prep_value(v, connection)
                                                for v in chunk]  # fmt: skip
                cursor.execute(
                    f"SELECT {pk_field.column}, {field.column} FROM {table}"  # noqa: S608
                    f" WHERE portal_id = %s AND {field.column} IN ({placeholders(chunk)})",
                    [int(portal_id), *params],
                )
                for pk, value in converted(cursor.fetchall(), [pk_field, field]):
                    if value and str(value) in wanted:
                        found.setdefault(str(value), set()).add(pk)
    return found
