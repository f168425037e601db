"""Tenant-scoped reads of contacts, accounts and products, and of the change log."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tandem.desk.ids import as_id
from tandem.desk.models import Account, Change, Contact, Portal, Product
from tandem.web.changes import ChangeRow, read_after
from tandem.web.errors import Problem


def contacts(portal: Portal, q: str = "", account_id=None) -> QuerySet[Contact]:
    qs = Contact.objects.filter(portal=portal).select_related("account")
    if account_id not in (None, ""):
        pk = as_id(account_id)
        if pk is None:  # beyond a 64-bit column the database raises, not "no rows"
            raise Problem.invalid({"account_id": [_("Give an account id.")]})
        qs = qs.filter(account_id=pk)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(email__iexact=q)
            | Q(last_name__istartswith=q)
            | Q(first_name__istartswith=q)
            | Q(secondary_email__iexact=q)
        )
    return qs


def accounts(portal: Portal, q: str = "") -> QuerySet[Account]:
    qs = Account.objects.filter(portal=portal)
    q = (q or "").strip()
    return qs.filter(Q(account_name__istartswith=q) | Q(email__iexact=q)) if q else qs


def products(portal: Portal, q: str = "") -> QuerySet[Product]:
    qs = Product.objects.filter(portal=portal).prefetch_related("departments")
    q = (q or "").strip()
    return qs.filter(Q(product_name__icontains=q) | Q(product_code__iexact=q)) if q else qs


def _one(qs, pk, missing):
    pk = as_id(pk)
    obj = qs.filter(pk=pk).first() if pk else None
    if obj is None:
        raise Problem(404, missing)
    return obj


def contact_for(portal: Portal, contact_id) -> Contact:
    return _one(contacts(portal), contact_id, _("No such contact in this portal."))


def account_for(portal: Portal, account_id) -> Account:
    return _one(accounts(portal), account_id, _("No such account in this portal."))


def product_for(portal: Portal, product_id) -> Product:
    return _one(products(portal), product_id, _("No such product in this portal."))


def contacts_by_email(portal: Portal, email: str) -> list[Contact]:
    """Contacts whose primary or secondary email is `email` (matching for sync and mail-in)."""
    email = (email or "").strip().lower()
    if not email:
        return []
    return list(
        Contact.objects.filter(portal=portal)
        .filter(Q(email=email) | Q(secondary_email=email))
        .order_by("id")
    )


# Desk stores the op as a verb ("create"); the reader speaks the CRM's words ("created").
OPS = {"create": "created", "update": "updated", "delete": "deleted"}


def changes_since(
    tenant_id: int, after: int = 0, *, limit: int = 500, exclude_origin: str | None = None
) -> tuple[list[ChangeRow], int]:
    """The portal's change log after a cursor, oldest first, at most `limit` rows, and the
    last sequence read. `sequence` is per portal, gap-free and in commit order: store `last`
    and pass it back as `after`, and nothing is skipped. `exclude_origin` drops your own
    writes (the sync's origin tag, so it does not echo them back); `last` still moves past
    them. The same reader, with the same rows, as crm.queries.changes_since."""
    return read_after(
        Change.objects.filter(portal_id=tenant_id),
        "seq",
        ("seq", "entity", "entity_id", "op", "fields", "origin", "actor_id", "created_at"),
        _change_row,
        after,
        limit,
        exclude_origin,
    )


def _change_row(seq, entity, entity_id, op, fields, origin, actor, at) -> ChangeRow:
    return ChangeRow(seq, entity, entity_id, OPS.get(op, op), tuple(fields), origin, actor, at)
