"""Many customer writes at once, for a writer that moves thousands a second (the integration's
initial sync): one permission check, one validation pass, bulk inserts and updates, and one
change-log row per created or changed customer, in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.desk.actions._base import actor_id, bump, changes_appended, me, require_admin
from tandem.desk.models import Account, Change, Contact, Product
from tandem.web.errors import Problem

MODELS = {"contact": Contact, "account": Account, "product": Product}
FIELDS = {
    "contact": ("first_name", "last_name", "email", "secondary_email", "phone", "mobile"),
    "account": ("account_name", "email", "website", "phone"),
    "product": ("product_name", "product_code", "unit_price"),
}
REQUIRED = {"contact": "last_name", "account": "account_name", "product": "product_name"}


@dataclass
class BulkResult:
    created: list[int | None] = field(default_factory=list)  # ids, aligned with `creates`
    updated: list[int] = field(default_factory=list)  # ids that changed
    errors: dict = field(default_factory=dict)  # ("create", index) | ("update", id) -> text


def _clean(model, entity: str, data: dict, accounts: set[int]) -> tuple[dict, str]:
    clean: dict = {}
    for name in FIELDS[entity]:
        if name not in data:
            continue
        value = data[name]
        if name == "unit_price":
            try:
                value = None if value in (None, "") else Decimal(str(value))
            except InvalidOperation:
                return {}, _("Unit price: enter a number.")
            if value is not None and (not value.is_finite() or abs(value) >= 10**12):
                return {}, _("Unit price: enter a number.")
        else:
            value = "" if value is None else str(value).strip()
            limit = model._meta.get_field(name).max_length
            if len(value) > limit:
                return {}, _("%(field)s: at most %(n)s characters.") % {"field": name, "n": limit}
            if name in ("email", "secondary_email") and value:
                value = value.lower()
                try:
                    validate_email(value)
                except ValidationError:
                    return {}, _("%(field)s: not a valid email address.") % {"field": name}
        clean[name] = value
    if "account_id" in data and entity == "contact":
        account = data["account_id"]
        if account is not None and account not in accounts:
            return {}, _("account_id: no such account in this portal.")
        clean["account_id"] = account
    return clean, ""


@transaction.atomic
def do_bulk_save_customers(
    *,
    actor,
    portal,
    entity: str,
    creates: list[dict],
    updates: dict[int, dict],
    origin: str,
    department_id: int | None = None,
) -> BulkResult:
    """Create the `creates` and apply `updates` ({id: {field: value}}) to contacts, accounts or
    products; a row that does not validate is left out and named in `errors`, the rest are
    written. Contacts and accounts: Admins and Agents; products: Admins."""
    agent = me(portal, actor)
    if entity == "product":
        require_admin(agent, _("change products"))
    elif not agent.can_reply:
        raise Problem(403, _("Light Agents can only comment; they cannot change customers."))
    model = MODELS[entity]
    wanted_accounts = {
        d["account_id"] for d in [*creates, *updates.values()] if d.get("account_id") is not None
    }
    accounts = set(
        Account.objects.filter(portal=portal, pk__in=wanted_accounts).values_list("pk", flat=True)
    )
    now = timezone.now()
    result = BulkResult(created=[None] * len(creates))
    fresh = []
    for index, data in enumerate(creates):
        clean, error = _clean(model, entity, data, accounts)
        if not error and not clean.get(REQUIRED[entity]):
            error = _("%(field)s is required.") % {"field": REQUIRED[entity]}
        if error:
            result.errors[("create", index)] = error
            continue
        obj = model(portal=portal, created_at=now, updated_at=now, **clean)
        fresh.append((index, obj, sorted(clean)))
    model.objects.bulk_create([obj for _i, obj, _f in fresh], batch_size=500)
    for index, obj, _f in fresh:
        result.created[index] = obj.pk
    if entity == "product" and department_id and fresh:
        through = Product.departments.through
        through.objects.bulk_create(
            [through(product_id=obj.pk, department_id=department_id) for _i, obj, _f in fresh],
            batch_size=500,
        )
    changed_objs, changed_fields, log = [], set(), []
    existing = model.objects.filter(portal=portal, pk__in=list(updates)).in_bulk()
    for pk, data in updates.items():
        obj = existing.get(pk)
        clean, error = _clean(model, entity, data, accounts) if obj else ({}, _("Deleted."))
        if not error and REQUIRED[entity] in clean and not clean[REQUIRED[entity]]:
            error = _("%(field)s is required.") % {"field": REQUIRED[entity]}
        if error:
            result.errors[("update", pk)] = error
            continue
        names = [name for name, value in clean.items() if getattr(obj, name) != value]
        if not names:
            continue
        for name in names:
            setattr(obj, name, clean[name])
        obj.updated_at = now
        changed_objs.append(obj)
        changed_fields.update(names)
        log.append((obj.pk, "update", sorted(names)))
    if changed_objs:
        model.objects.bulk_update(changed_objs, [*sorted(changed_fields), "updated_at"], 500)
        result.updated = [obj.pk for obj in changed_objs]
    log = [(obj.pk, "create", names) for _i, obj, names in fresh] + log
    if log:
        last = bump(portal.id, "last_change_seq", len(log))
        who = actor_id(agent)
        Change.objects.bulk_create(
            [
                Change(portal_id=portal.id, seq=last - len(log) + 1 + i, entity=entity,
                       entity_id=pk, op=op, fields=names, origin=origin[:40], actor_id=who,
                       created_at=now)
                for i, (pk, op, names) in enumerate(log)
            ],
            batch_size=500,
        )  # fmt: skip
        changes_appended(portal.id)
    return result
