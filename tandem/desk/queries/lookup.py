"""Finding the contact, account or product a person typed (#id, an email, a name, a code),
in one portal: the UI's Update Field reads it here, and so may the API."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tandem.desk.ids import as_id
from tandem.desk.models import Portal
from tandem.desk.queries.customers import accounts, contacts, contacts_by_email, products
from tandem.web.errors import Problem

MATCHES = 6  # candidates read for a typed contact, account or product: 5 named, a 6th is "…"
TYPED_FIELDS = ("contact_id", "account_id", "product_id")


def record_typed(portal: Portal, field: str, text: str) -> int:
    """The id of the contact, account or product (`field`: contact_id, account_id or
    product_id) typed as `text`: #id, an email, a name (or its start), a product code.
    None matching, or several, is a field error (Problem 400) that names the candidates.

    An #id is returned as typed, unread: whoever uses it (the action) checks that it is
    this portal's, so a cross-portal id is refused there like any other."""
    if field not in TYPED_FIELDS:
        raise ValueError(f"record_typed looks up {', '.join(TYPED_FIELDS)}, not {field!r}")
    text = text.strip()
    pk = as_id(text.lstrip("#"))
    # "#12" is an id; so is a bare "12", except where a product has that code (codes are
    # often numbers).
    code = field == "product_id" and not text.startswith("#")
    if pk is not None and not (code and _product_coded(portal, text)):
        return pk
    folded = " ".join(text.split()).casefold()
    if field == "contact_id":
        found = contacts_by_email(portal, text) if "@" in text else _contacts_named(portal, text)
        exact = [c for c in found if folded in (c.name.casefold(), c.email.casefold())]
        nobody = _("No contact has that email or name.")
    elif field == "account_id":
        qs = accounts(portal, text).only("id", "account_name", "email")
        # The exact name first: sorted candidates could leave it out past the sixth.
        found = list(qs.filter(account_name__iexact=text)[:2]) or list(
            qs.order_by("account_name", "id")[:MATCHES]
        )
        exact = [a for a in found if folded in (a.account_name.casefold(), a.email.casefold())]
        nobody = _("No account has that name or email.")
    else:
        qs = products(portal, text).prefetch_related(None)
        qs = qs.only("id", "product_name", "product_code")
        exact_first = qs.filter(Q(product_name__iexact=text) | Q(product_code__iexact=text))
        found = list(exact_first[:2]) or list(qs.order_by("product_name", "id")[:MATCHES])
        exact = [
            p for p in found if folded in (p.product_name.casefold(), p.product_code.casefold())
        ]
        nobody = _("No product has that name or code.")
    hint = _("Type the code or #id.") if field == "product_id" else _("Type the email or #id.")
    if len(exact) == 1 or len(found) == 1:
        return (exact or found)[0].pk
    if not found:
        raise Problem.invalid({field: [nobody]})
    # With the #id every time: two contacts may share an email, and "#id" is what to type.
    shown = ", ".join(
        f"{r} <{r.email}> (#{r.pk})" if getattr(r, "email", "") else f"{r} (#{r.pk})"
        for r in found[:5]
    )
    shown += " …" if len(found) > 5 else ""
    raise Problem.invalid({field: [_("Several match: %(names)s.") % {"names": shown}, hint]})


def _contacts_named(portal: Portal, text: str) -> list:
    """Contacts whose first name, last name or email starts with or is `text`, or whose full
    name starts with it ("Ann Lee"): read by the last word, then kept if the name matches."""
    columns = ("id", "first_name", "last_name", "email")

    def read(q: str, limit: int) -> list:
        qs = contacts(portal, q).select_related(None).only(*columns)
        return list(qs.order_by("last_name", "first_name", "id")[:limit])

    found = read(text, MATCHES)
    words = text.split()
    if not found and len(words) > 1:
        wanted = " ".join(words).casefold()
        found = [c for c in read(words[-1], 200) if c.name.casefold().startswith(wanted)]
    return found[:MATCHES]


def _product_coded(portal: Portal, code: str) -> bool:
    return products(portal).prefetch_related(None).filter(product_code__iexact=code).exists()
