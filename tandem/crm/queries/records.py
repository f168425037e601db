"""Record reads: list with search, exact filters and sort; one record; related lists; and the
shape records are given out in (UI and API alike)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, FloatField, Q, QuerySet, TextField, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _

from tandem.crm.models import Field, Module, OrgUser, Record
from tandem.crm.queries.metadata import fields_of, lookups_to
from tandem.crm.values import PARSERS, Invalid, parse_id
from tandem.identity.models import User
from tandem.web.errors import Problem

NUMERIC = {"integer", "decimal", "currency"}
RELATED_PAGE = 10


def can_view(member: OrgUser, module: Module) -> None:
    if not member.can_module(module.api_name, "view"):
        raise Problem(
            403,
            _("Your profile (%(profile)s) does not allow you to see %(module)s.")
            % {"profile": member.profile.title, "module": module.plural},
        )


def records_of(
    member: OrgUser,
    module: Module,
    *,
    q: str | None = None,
    filters: dict[str, str] | None = None,
    sort: str | None = None,
) -> tuple[QuerySet, tuple[str, ...]]:
    """The module's records the member may see, searched and filtered, with the keyset order
    to page them by. `filters` maps field api names (or Owner) to exact values."""
    can_view(member, module)
    qs = Record.objects.filter(module=module).select_related("owner")
    if q and q.strip():
        qs = qs.filter(search__contains=q.strip().lower())
    fields = {f.api_name: f for f in fields_of(module)}
    errors: dict[str, list[str]] = {}
    for name, raw in (filters or {}).items():
        if name == "Owner":
            owner_id = parse_id(raw)
            if owner_id is None:  # not a number, or too large for an id (SQLite overflows)
                errors[name] = [_("Give the id of a user.")]
            else:
                qs = qs.filter(owner_id=owner_id)
            continue
        field = fields.get(name)
        if field is None:
            errors[name] = [_("There is no field %(name)s here.") % {"name": name}]
            continue
        try:
            value = PARSERS[field.type](field, raw) if raw not in ("", None) else None
        except Invalid as problem:
            errors[name] = [problem.message]
            continue
        if value is None:
            qs = qs.filter(**{f"data__{name}__isnull": True})
        elif field.indexed:
            key = str(value).lower() if field.type == "email" else str(value)
            # One join per filter: each is an index seek on (field, value).
            qs = qs.filter(keys__field=field, keys__value=key)
        else:
            qs = qs.filter(**{f"data__{name}": value})
    if errors:
        raise Problem.invalid(errors, _("Some filters name no field or have invalid values."))
    return _sorted(qs, fields, sort)


def _sorted(qs: QuerySet, fields: dict[str, Field], sort: str | None):
    if not sort:
        return qs, ("-id",)
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    sign = "-" if descending else ""
    if name in ("name", "Created_Time"):
        column = "name" if name == "name" else "id"
        return qs, (f"{sign}{column}", f"{sign}id") if column != "id" else (f"{sign}id",)
    if name == "Modified_Time":
        return qs, (f"{sign}modified_at", f"{sign}id")
    field = fields.get(name)
    if field is None:
        raise Problem.invalid({"sort": [_("There is no field %(name)s here.") % {"name": name}]})
    if field.in_name and sum(f.in_name for f in fields.values()) == 1:
        return qs, (f"{sign}name", f"{sign}id")
    if field.type in NUMERIC:
        expr = Coalesce(Cast(KT(f"data__{name}"), FloatField()), Value(-1e300))
    else:
        expr = Coalesce(KT(f"data__{name}"), Value(""), output_field=TextField())
    return qs.annotate(sort_value=expr), (f"{sign}sort_value", f"{sign}id")


def record_for(member: OrgUser, module: Module, record_id: Any) -> Record:
    """One record of this module in this org; anything else is a 404."""
    can_view(member, module)
    record_id = parse_id(record_id)
    if record_id is None:
        raise Problem(404, _("No such record here."))
    record = (
        Record.objects.select_related("owner", "module")
        .filter(module=module, org_id=member.org_id, pk=record_id)
        .first()
    )
    if record is None:
        raise Problem(404, _("No such record here."))
    return record


def find_records(member: OrgUser, module: Module, field_name: str, value: str) -> list[Record]:
    """Records whose field equals `value` exactly (e.g. an Email), for matching."""
    qs, order = records_of(member, module, filters={field_name: value})
    return list(qs.order_by(*order)[:100])


def related_records(member: OrgUser, record: Record) -> list[dict]:
    """The related lists of a record: one per lookup field (of any module) pointing at its
    module — Account → Contacts, Deals; Contact → Deals; a custom lookup → its module."""
    lists = []
    for field in lookups_to(record.module):
        module = field.module
        if not module.has_records or not member.can_module(module.api_name, "view"):
            continue
        qs = (
            Record.objects.filter(module=module, keys__field=field, keys__value=str(record.pk))
            .select_related("owner")
            .order_by("-id")
        )
        rows = list(qs[: RELATED_PAGE + 1])
        lists.append(
            {
                "field": field,
                "module": module,
                "records": rows[:RELATED_PAGE],
                "more": len(rows) > RELATED_PAGE,
            }
        )
    return lists


def serialize_records(module: Module, records: list[Record]) -> list[dict]:
    """Records as the API gives them out: id, Created_Time, Modified_Time, Owner and fields by
    api name; lookups as {"id", "name"}. Two queries at most, whatever the page size."""
    fields = fields_of(module)
    lookups = [f for f in fields if f.type == "lookup"]
    users = [f for f in fields if f.type == "owner"]
    ref_ids = {r.data[f.api_name] for r in records for f in lookups if f.api_name in r.data}
    names = dict(Record.objects.filter(pk__in=ref_ids).values_list("pk", "name")) if ref_ids else {}
    user_ids = {r.data[f.api_name] for r in records for f in users if f.api_name in r.data}
    people = {u.pk: u for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    out = []
    for record in records:
        row: dict[str, Any] = {
            "id": record.pk,
            "Created_Time": record.created_at,
            "Modified_Time": record.modified_at,
            "Owner": _person(record.owner),
        }
        for field in fields:
            value = record.data.get(field.api_name)
            if value is not None and field.type == "lookup":
                value = {"id": value, "name": names.get(value, "")}
            elif value is not None and field.type == "owner":
                value = _person(people.get(value))
            row[field.api_name] = value
        out.append(row)
    return out


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.display_name, "email": user.email}


def owner_choices(org_id: int, term: str | None = None) -> list[tuple[int, str]]:
    """(user id, name) of the org's active people; with `term`, those whose name or email
    contains it."""
    members = OrgUser.objects.filter(org_id=org_id, state=OrgUser.State.ACTIVE)
    if term and term.strip():
        members = members.filter(
            Q(user__name__icontains=term.strip()) | Q(user__email__icontains=term.strip())
        )
    return [
        (m.user_id, m.user.display_name)
        for m in members.select_related("user").order_by(
            F("user__name").asc(nulls_last=True), "user__email"
        )
    ]


def record_names(org, ids) -> dict[str, str]:
    """{"id": name} of this org's records among `ids` (what a picker shows for a chosen id)."""
    wanted = {i for i in (parse_id(v) for v in ids) if i is not None}
    if not wanted:
        return {}
    found = Record.objects.filter(org=org, pk__in=wanted).values_list("pk", "name")
    return {str(pk): name for pk, name in found}
