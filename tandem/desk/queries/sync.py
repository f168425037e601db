"""Portal-wide customer reads for a reader that is not an agent (the integration's sync): by
id, in id order from a cursor, and by exact value. The caller is scoped by portal."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from tandem.desk.models import Account, Contact, Portal, Product

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


def _rows(entity: str, qs) -> list[dict]:
    names = ("id", "updated_at", *FIELDS[entity])
    return [dict(zip(names, row, strict=True)) for row in qs.values_list(*names)]


def customers_by_ids(
    portal_id: int, entity: str, ids: Iterable[int], *, lock: bool = False
) -> list[dict]:
    """Plain rows (`id`, `updated_at` and the synced fields) of `entity` among `ids`; with
    `lock`, locked (FOR UPDATE, in id order) until the caller's transaction ends."""
    wanted = list(ids)
    if not wanted:
        return []
    found = ENTITIES[entity].objects.filter(portal_id=portal_id, pk__in=wanted)
    return _rows(entity, found.select_for_update().order_by("pk") if lock else found)


def lock_change_log(portal_id: int) -> None:
    """Hold the portal's change-log counter until the caller's transaction ends."""
    list(Portal.objects.select_for_update().filter(pk=portal_id).values_list("pk", flat=True))


def customers_after(portal_id: int, entity: str, after_id: int, limit: int) -> list[dict]:
    qs = ENTITIES[entity].objects.filter(portal_id=portal_id, pk__gt=after_id).order_by("id")
    return _rows(entity, qs[:limit])


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
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__in": wanted})
    qs = ENTITIES[entity].objects.filter(Q(portal_id=portal_id) & condition)
    for row in qs.values_list("id", *fields):
        for value in row[1:]:
            if value and str(value) in wanted:
                found.setdefault(str(value), set()).add(row[0])
    return found
