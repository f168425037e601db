"""What each synced module is on both sides: the Desk entity and its fields, the default field
map, the match choices, which CRM field types may map to which Desk field, and how a value of
either side is written as the one canonical text the three-way merge compares."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

SYNC_ORIGIN = "sync"  # the origin tag of the sync's own writes: never read back (no echo)
SKIP = object()  # a value that cannot be written on the other side (an unlinked account)
ORDER = ("Accounts", "Contacts", "Products")  # accounts first: contacts point at them


@dataclass(frozen=True)
class Spec:
    module: str
    entity: str  # Desk's name for it
    desk_fields: dict[str, str]  # Desk field -> kind (text, email, phone, url, decimal, account)
    default_map: tuple[tuple[str, str], ...]
    match_choices: tuple[tuple[str, ...], ...]  # the first is the default
    # CRM match field -> the Desk fields it is compared with.
    match_desk: dict[str, tuple[str, ...]]
    department: bool = False  # Products: synced into a chosen Desk department


SPECS = {
    "Contacts": Spec(
        module="Contacts",
        entity="contact",
        desk_fields={
            "first_name": "text", "last_name": "text", "email": "email",
            "secondary_email": "email", "phone": "phone", "mobile": "phone",
            "account_id": "account",
        },
        default_map=(
            ("First_Name", "first_name"), ("Last_Name", "last_name"), ("Email", "email"),
            ("Secondary_Email", "secondary_email"), ("Phone", "phone"), ("Mobile", "mobile"),
            ("Account_Name", "account_id"),
        ),
        match_choices=(("Email",), ("Email", "Secondary_Email")),
        # With Secondary_Email chosen, either CRM address may match either Desk address.
        match_desk={"Email": ("email",), "Secondary_Email": ("email", "secondary_email")},
    ),
    "Accounts": Spec(
        module="Accounts",
        entity="account",
        desk_fields={"account_name": "text", "email": "email", "website": "url", "phone": "phone"},
        default_map=(
            ("Account_Name", "account_name"), ("Email", "email"), ("Website", "website"),
            ("Phone", "phone"),
        ),
        match_choices=(("Email",), ("Account_Name",)),
        match_desk={"Email": ("email",), "Account_Name": ("account_name",)},
    ),
    "Products": Spec(
        module="Products",
        entity="product",
        desk_fields={"product_name": "text", "product_code": "text", "unit_price": "decimal"},
        default_map=(
            ("Product_Name", "product_name"), ("Product_Code", "product_code"),
            ("Unit_Price", "unit_price"),
        ),
        match_choices=(("Product_Code",), ("Product_Name",)),
        match_desk={"Product_Code": ("product_code",), "Product_Name": ("product_name",)},
        department=True,
    ),
}  # fmt: skip

# Which CRM field types may fill a Desk field of each kind (I11: type-compatible pairs only).
COMPATIBLE = {
    "text": {"text", "textarea", "email", "phone", "url", "picklist"},
    "email": {"email"},
    "phone": {"phone", "text"},
    "url": {"url", "text"},
    "decimal": {"currency", "decimal", "integer"},
    "account": {"lookup"},  # a lookup to Accounts
}
NUMERIC = {"currency", "decimal", "integer"}


def compatible(crm_field, desk_kind: str) -> bool:
    if crm_field.type not in COMPATIBLE[desk_kind]:
        return False
    if desk_kind == "account":
        target = crm_field.lookup_module
        return target is not None and target.api_name == "Accounts"
    return True


def _number(value) -> str:
    try:
        return format(Decimal(str(value)).normalize(), "f")
    except (InvalidOperation, ValueError):
        return str(value)


def canon_crm(field_type: str, value) -> str:
    """A CRM value as the merge's text: "" for empty, emails lower-cased, numbers normalised,
    lookups as the record id."""
    if value is None or value == "":
        return ""
    if isinstance(value, dict):  # a lookup as read out: {"id", "name"}
        value = value.get("id")
    if field_type == "email":
        return str(value).strip().lower()
    if field_type in NUMERIC:
        return _number(value)
    return str(value).strip()


def canon_desk(kind: str, value, crm_account_of: dict[int, int]) -> str:
    """A Desk value as the merge's text; an account as its CRM account's id when the two are
    linked, else "desk:<id>" (which the CRM cannot take)."""
    if value is None or value == "":
        return ""
    if kind == "account":
        crm_id = crm_account_of.get(int(value))
        return str(crm_id) if crm_id is not None else f"desk:{value}"
    if kind == "email":
        return str(value).strip().lower()
    if kind == "decimal":
        return _number(value)
    return str(value).strip()


def to_desk(kind: str, text: str, desk_account_of: dict[int, int]):
    if kind == "account":
        if not text:
            return None
        if text.startswith("desk:"):
            return int(text[5:])
        desk_id = desk_account_of.get(int(text))
        return desk_id if desk_id is not None else SKIP
    if kind == "decimal":
        return text or None
    return text


def to_crm(field_type: str, text: str):
    if not text:
        return None
    if field_type == "lookup":
        return SKIP if text.startswith("desk:") else int(text)
    return text
