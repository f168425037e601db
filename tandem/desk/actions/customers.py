"""Writes to contacts, accounts and products — each one logged in the change log."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.desk.actions._base import (
    DESK,
    actor_id,
    bump,
    changes_appended,
    me,
    record_change,
    require_admin,
)
from tandem.desk.ids import as_id
from tandem.desk.models import (
    Account,
    Agent,
    Change,
    Contact,
    Department,
    Portal,
    Product,
    Ticket,
)
from tandem.web.errors import Problem

CONTACT_FIELDS = ("first_name", "last_name", "email", "secondary_email", "phone", "mobile")
ACCOUNT_FIELDS = ("account_name", "email", "website", "phone")
PRODUCT_FIELDS = ("product_name", "product_code", "unit_price")


def _can_edit_customers(agent: Agent) -> None:
    if not agent.can_reply:
        raise Problem(403, _("Light Agents can only comment; they cannot change customers."))


def _validate(obj, exclude=()) -> None:
    try:
        obj.full_clean(exclude=["portal", *exclude], validate_unique=False)
    except ValidationError as exc:
        raise Problem.invalid(
            {f: [str(m) for e in errs for m in e.messages] for f, errs in exc.error_dict.items()}
        ) from None


def _assign(obj, data: dict, allowed) -> list[str]:
    changed = []
    for field in allowed:
        if field in data:
            value = data[field]
            value = value.strip() if isinstance(value, str) else value
            if value is None and field != "unit_price":
                value = ""
            if getattr(obj, field) != value:
                setattr(obj, field, value)
                changed.append(field)
    return changed


def _account_of(portal_id: int, account_id) -> Account | None:
    if account_id in (None, ""):
        return None
    pk = as_id(account_id)
    account = Account.objects.filter(portal=portal_id, pk=pk).first() if pk else None
    if account is None:
        raise Problem.invalid({"account_id": [_("No such account in this portal.")]})
    return account


def _save(obj, entity: str, changed: list[str], created: bool, origin: str, actor, exclude=()):
    _validate(obj, exclude)
    if not created and not changed:
        return obj
    obj.updated_at = timezone.now()
    obj.save()
    op = "create" if created else "update"
    record_change(obj.portal_id, entity, obj.pk, op, changed, origin, actor=actor)
    return obj


@transaction.atomic
def do_save_contact(
    *, actor, portal: Portal, data: dict, contact: Contact | None = None, origin: str = DESK
) -> Contact:
    """Create (`contact` None) or update a contact with the fields given in `data`."""
    agent = me(portal, actor)
    _can_edit_customers(agent)
    created = contact is None
    contact = contact or Contact(portal=portal)
    changed = _assign(contact, data, CONTACT_FIELDS)
    if "email" in changed:
        contact.email = contact.email.lower()
    if "secondary_email" in changed:
        contact.secondary_email = contact.secondary_email.lower()
    if "account_id" in data:
        account = _account_of(portal.id, data["account_id"])
        if contact.account_id != (account.id if account else None):
            contact.account = account
            changed.append("account_id")
    return _save(contact, "contact", changed, created, origin, agent, exclude=["account"])


@transaction.atomic
def do_save_account(
    *, actor, portal: Portal, data: dict, account: Account | None = None, origin: str = DESK
) -> Account:
    agent = me(portal, actor)
    _can_edit_customers(agent)
    created = account is None
    account = account or Account(portal=portal)
    changed = _assign(account, data, ACCOUNT_FIELDS)
    if "email" in changed:
        account.email = account.email.lower()
    return _save(account, "account", changed, created, origin, agent)


def _price(value):
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise Problem.invalid({"unit_price": [_("Enter a number.")]}) from None


@transaction.atomic
def do_save_product(
    *, actor, portal: Portal, data: dict, product: Product | None = None, origin: str = DESK
) -> Product:
    agent = me(portal, actor)
    require_admin(agent, _("change products"))
    created = product is None
    product = product or Product(portal=portal)
    if "unit_price" in data:
        data = {**data, "unit_price": _price(data["unit_price"])}
    changed = _assign(product, data, PRODUCT_FIELDS)
    departments = None
    if "department_ids" in data:
        wanted = {as_id(pk) for pk in data["department_ids"] or []}
        # None: junk or beyond a 64-bit column, where `pk__in` makes the database raise.
        departments = (
            [] if None in wanted else list(Department.objects.filter(portal=portal, pk__in=wanted))
        )
        if None in wanted or len(departments) != len(wanted):
            raise Problem.invalid({"department_ids": [_("Unknown department in this portal.")]})
        if created or {d.id for d in departments} != {d.id for d in product.departments.all()}:
            changed.append("department_ids")
    product = _save(product, "product", changed, created, origin, agent)
    if departments is not None:
        product.departments.set(departments)
    return product


@transaction.atomic
def do_delete_customer(*, actor, obj, origin: str = DESK) -> None:
    """Delete a contact, account or product; their tickets stay, without the link."""
    agent = me(obj.portal_id, actor)
    entity = {Contact: "contact", Account: "account", Product: "product"}[type(obj)]
    if entity == "product":
        require_admin(agent, _("delete products"))
    else:
        _can_edit_customers(agent)
    pk, portal_id = obj.pk, obj.portal_id
    # Their tickets lose the link (SET NULL), and an account's contacts lose their account:
    # each is a change to that row, logged too, so a reader of the log sees every value change.
    field = f"{entity}_id"
    losing = [
        ("ticket", t)
        for t in Ticket.objects.filter(**{field: pk}).order_by("pk").values_list("pk", flat=True)
    ]
    if entity == "account":
        losing += [
            ("contact", c)
            for c in Contact.objects.filter(account_id=pk)
            .order_by("pk")
            .values_list("pk", flat=True)
        ]
    obj.delete()
    record_change(portal_id, entity, pk, "delete", [], origin, actor=agent)
    if losing:
        last = bump(portal_id, "last_change_seq", len(losing))
        who = actor_id(agent)
        Change.objects.bulk_create(
            Change(portal_id=portal_id, seq=last - len(losing) + 1 + i, entity=kind,
                   entity_id=row, op="update", fields=[field], origin=origin, actor_id=who)
            for i, (kind, row) in enumerate(losing)
        )  # fmt: skip
        changes_appended(portal_id)
