"""Record writes: create, update (including owner assignment), delete, bulk create. Each writes
the record, its index keys and its change-log rows in one transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.crm.actions import bulk
from tandem.crm.actions.common import log_changes, member_of, require_module
from tandem.crm.actions.signals import deliver
from tandem.crm.models import Field, Module, Org, Record, RecordKey
from tandem.crm.queries.metadata import fields_of
from tandem.crm.values import Validator
from tandem.web.errors import Problem

SEARCHED_TYPES = {"text", "email", "phone"}
BULK_MAX = 1000


def display_name(fields: list[Field], data: dict) -> str:
    parts = [str(data[f.api_name]) for f in fields if f.in_name and data.get(f.api_name)]
    return " ".join(parts)[:255]


def search_text(fields: list[Field], data: dict) -> str:
    parts = [
        str(data[f.api_name]) for f in fields if f.type in SEARCHED_TYPES and data.get(f.api_name)
    ]
    return " ".join(parts).lower()[:1000]


def keys_for(fields: list[Field], data: dict) -> list[tuple[int, str]]:
    keys = []
    for field in fields:
        value = data.get(field.api_name)
        if field.indexed and value is not None and value != "":
            text = str(value).lower() if field.type == "email" else str(value)
            keys.append((field.id, text[:255]))
    return keys


def _apply(data: dict, changes: dict) -> dict:
    merged = dict(data)
    for key, value in changes.items():
        if key == "Owner":
            continue
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def _raise_if_invalid(errors: dict) -> None:
    if errors:
        raise Problem.invalid(errors)


def _notify_assigned(org: Org, module: Module, records: list[Record], actor) -> None:
    from django.urls import reverse

    for record in records:
        if record.owner_id and record.owner_id != actor.id:
            deliver(
                org=org,
                user_ids=[record.owner_id],
                source="crm",
                kind="assigned",
                title=_("%(actor)s assigned %(module)s %(name)s to you")
                % {
                    "actor": actor.display_name,
                    "module": module.singular,
                    "name": record.name or f"#{record.pk}",
                },
                url=reverse("crm:record", args=[org.slug, module.api_name, record.pk]),
            )


def _validate_rows(module: Module, rows: list[Any], fields: list[Field]):
    validator = Validator(module, fields)
    cleaned = [validator.clean(row) for row in rows]
    validator.check_references(cleaned)
    return cleaned


def _new_record(org, module, fields, changes, actor, now) -> bulk.NewRecord:
    data = _apply({}, changes)
    return bulk.NewRecord(
        org_id=org.pk,
        module_id=module.pk,
        data=data,
        name=display_name(fields, data),
        search=search_text(fields, data),
        owner_id=changes.get("Owner") or actor.id,
        created_at=now,
        modified_at=now,
    )


@transaction.atomic
def do_create_record(*, actor, org: Org, module: Module, values: Any, origin: str = "user"):
    member = member_of(org, actor)
    require_module(member, module, "create")
    fields = fields_of(module)
    [(changes, errors)] = _validate_rows(module, [values], fields)
    _raise_if_invalid(errors)
    new = _new_record(org, module, fields, changes, actor, timezone.now())
    write_records(org, module, fields, [new], origin=origin, actor_id=actor.id)
    _notify_assigned(org, module, [new], actor)
    return Record.objects.select_related("owner", "module").get(pk=new.pk)


@transaction.atomic
def do_bulk_create_records(
    *, actor, org: Org, module: Module, rows: list[Any], origin: str = "user"
) -> list[dict]:
    """Create the valid rows, refuse the others; one answer per row, in order."""
    member = member_of(org, actor)
    require_module(member, module, "create")
    if len(rows) > BULK_MAX:
        raise Problem.invalid(
            {"data": [_("Send at most %(n)d records at a time.") % {"n": BULK_MAX}]}
        )
    fields = fields_of(module)
    cleaned = _validate_rows(module, rows, fields)
    now = timezone.now()
    records = [
        _new_record(org, module, fields, changes, actor, now)
        for changes, errors in cleaned
        if not errors
    ]
    write_records(org, module, fields, records, origin=origin, actor_id=actor.id)
    _notify_assigned(org, module, records, actor)
    created = iter(records)
    return [
        {"status": "error", "errors": errors}
        if errors
        else {"status": "created", "id": next(created).pk}
        for _changes, errors in cleaned
    ]


def write_records(org, module, fields, records: list[Record], *, origin: str, actor_id) -> None:
    """Insert prepared records with their keys and change-log rows (inside a transaction)."""
    bulk.insert_records(records)
    bulk.insert_keys(
        [(record.pk, f, v) for record in records for f, v in keys_for(fields, record.data)]
    )
    log_changes(
        org,
        module.api_name,
        [(r.pk, "created", [*r.data, "Owner"]) for r in records],
        origin=origin,
        actor_id=actor_id,
    )


@transaction.atomic
def do_update_record(*, actor, org: Org, record: Record, values: Any, origin: str = "user"):
    member = member_of(org, actor)
    module = record.module
    require_module(member, module, "edit")
    fields = fields_of(module)
    validator = Validator(module, fields)
    changes, errors = validator.clean(values, existing=record.data)
    validator.check_references([(changes, errors)])
    _raise_if_invalid(errors)
    record = Record.objects.select_for_update().get(pk=record.pk)
    new_data = _apply(record.data, changes)
    changed = [k for k in set(record.data) | set(new_data) if record.data.get(k) != new_data.get(k)]
    new_owner = changes.get("Owner")
    owner_changed = new_owner is not None and new_owner != record.owner_id
    if owner_changed:
        changed.append("Owner")
        record.owner_id = new_owner
    if not changed:
        return record
    by_id = {f.api_name: f for f in fields}
    reindexed = [by_id[k] for k in changed if k in by_id and by_id[k].indexed]
    record.data = new_data
    record.name = display_name(fields, new_data)
    record.search = search_text(fields, new_data)
    record.modified_at = timezone.now()
    record.save()
    if reindexed:
        RecordKey.objects.filter(record=record, field__in=reindexed).delete()
        RecordKey.objects.bulk_create(
            [
                RecordKey(record=record, field_id=f, value=v)
                for f, v in keys_for(reindexed, new_data)
            ]
        )
    log_changes(
        org, module.api_name, [(record.pk, "updated", changed)], origin=origin, actor_id=actor.id
    )
    if owner_changed:
        _notify_assigned(org, module, [record], actor)
    return record


@transaction.atomic
def do_delete_record(*, actor, org: Org, record: Record, origin: str = "user") -> None:
    member = member_of(org, actor)
    require_module(member, record.module, "delete")
    record_id = record.pk
    # Lookups pointing here become empty rather than dangling.
    pointing = RecordKey.objects.filter(field__type="lookup", value=str(record_id)).filter(
        field__lookup_module=record.module
    )
    referrers = list(pointing.select_related("record__module", "field"))
    for key in referrers:
        key.record.data.pop(key.field.api_name, None)
        Record.objects.filter(pk=key.record_id).update(
            data=key.record.data, modified_at=timezone.now()
        )
    pointing.delete()
    record.delete()
    entries = [(record_id, "deleted", [])]
    log_changes(org, record.module.api_name, entries, origin=origin, actor_id=actor.id)
    for key in referrers:
        log_changes(
            org,
            key.record.module.api_name,
            [(key.record_id, "updated", [key.field.api_name])],
            origin=origin,
            actor_id=actor.id,
        )
