"""Org-wide record reads for a reader that is not a person (the integration's sync): by id, in
id order from a cursor, and by exact value. No profile applies; the caller is scoped by org."""

from __future__ import annotations

from collections.abc import Iterable

from tandem.crm.models import Field, Module, Org, Record, RecordKey


def module_named(org_id: int, api_name: str) -> Module | None:
    return Module.objects.filter(org_id=org_id, api_name=api_name).first()


def last_change_sequence(org_id: int) -> int:
    """The head of the org's change log (every row up to it is committed and readable)."""
    return Org.objects.filter(pk=org_id).values_list("change_seq", flat=True).first() or 0


def _rows(qs) -> list[dict]:
    return [
        {"id": pk, "data": data, "owner_id": owner_id, "modified_at": modified_at}
        for pk, data, owner_id, modified_at in qs.values_list(
            "id", "data", "owner_id", "modified_at"
        )
    ]


def records_by_ids(module: Module, ids: Iterable[int], *, lock: bool = False) -> list[dict]:
    """`{"id", "data", "owner_id", "modified_at"}` of the module's records among `ids`; with
    `lock`, locked (FOR UPDATE, in id order) until the caller's transaction ends."""
    wanted = list(ids)
    if not wanted:
        return []
    found = Record.objects.filter(module=module, pk__in=wanted)
    return _rows(found.select_for_update().order_by("pk") if lock else found)


def lock_change_log(org_id: int) -> None:
    """Hold the org's change-log counter until the caller's transaction ends."""
    list(Org.objects.select_for_update().filter(pk=org_id).values_list("pk", flat=True))


def records_after(module: Module, after_id: int, limit: int) -> list[dict]:
    """The module's records with id > after_id, in id order, at most `limit`."""
    return _rows(Record.objects.filter(module=module, pk__gt=after_id).order_by("id")[:limit])


def count_records(module: Module) -> int:
    return Record.objects.filter(module=module).count()


def record_ids_by_value(module: Module, field: Field, values: Iterable[str]) -> dict[str, set]:
    """{value: {record ids}} of the module's records whose `field` equals one of `values`
    exactly (emails without regard to case). Indexed fields use the key index; others compare
    the stored value."""
    wanted = {str(v).lower() if field.type == "email" else str(v) for v in values if v}
    found: dict[str, set] = {}
    if not wanted:
        return found
    if field.indexed:
        rows = RecordKey.objects.filter(field=field, value__in=wanted).values_list(
            "value", "record_id"
        )
    else:
        rows = Record.objects.filter(
            module=module, **{f"data__{field.api_name}__in": list(wanted)}
        ).values_list(f"data__{field.api_name}", "id")
    for value, pk in rows:
        found.setdefault(str(value), set()).add(pk)
    return found


def record_object(module: Module, record_id: int) -> Record | None:
    """The record to hand back to crm.actions (update, delete), or None if it is gone."""
    return Record.objects.select_related("module").filter(module=module, pk=record_id).first()
