from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import ConfigDict

# Input text is held to its column's length (the model's max_length): a 400 naming the field,
# the same on SQLite and PostgreSQL, and maxLength in the OpenAPI document.
Text255 = Annotated[str, Field(max_length=255)]
ApiName = Annotated[str, Field(max_length=60)]


class OrgOut(Schema):
    id: int
    slug: str
    name: str


class MeOut(Schema):
    user_id: int
    email: str
    name: str
    profile: str
    permissions: list[str]
    org: OrgOut


class OrgUserOut(Schema):
    user_id: int
    email: str
    name: str
    profile: str
    profile_id: int
    state: str

    @staticmethod
    def resolve_email(obj) -> str:
        return obj.user.email

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.user.name

    @staticmethod
    def resolve_profile(obj) -> str:
        return obj.profile.name


class FieldOut(Schema):
    api_name: str
    label: str
    type: str
    required: bool
    hidden: bool = False
    custom: bool = False
    picklist_values: list[str] | None = None
    lookup_module: str | None = None

    @staticmethod
    def resolve_custom(obj) -> bool:
        return getattr(obj, "is_custom", False)

    @staticmethod
    def resolve_picklist_values(obj):
        return obj.picklist_values if obj.type == "picklist" else None

    @staticmethod
    def resolve_lookup_module(obj):
        return obj.lookup_module.api_name if getattr(obj, "lookup_module", None) else None


class ModuleOut(Schema):
    api_name: str
    singular_label: str
    plural_label: str
    kind: str
    fields: list[FieldOut]

    @staticmethod
    def resolve_fields(obj) -> list:
        from tandem.crm.queries import fields_of

        if not obj.has_records:
            return []
        # Every record has an owner; the API shows it as a field of type "owner".
        owner = {"api_name": "Owner", "label": "Owner", "type": "owner", "required": False}
        return [owner, *fields_of(obj)]


class ModuleList(Schema):
    data: list[ModuleOut]


class ModuleIn(Schema):
    singular_label: str = Field(..., max_length=80)
    plural_label: str = Field(..., max_length=80)
    api_name: str | None = Field(None, max_length=60)


class FieldIn(Schema):
    label: str = Field(..., max_length=80)
    type: str = Field(..., max_length=10)
    required: bool = False
    api_name: str | None = Field(None, max_length=60)
    picklist_values: list[Text255] | None = None
    lookup_module: str | None = Field(None, max_length=60)


class FieldPatch(Schema):
    label: str | None = Field(None, max_length=80)
    required: bool | None = None
    hidden: bool | None = None
    picklist_values: list[Text255] | None = None


class FieldOrderIn(Schema):
    fields: list[ApiName]


class OwnerOut(Schema):
    id: int
    name: str
    email: str


class RecordOut(Schema):
    """A record: these keys plus one per field, by api name (lookups as {"id", "name"})."""

    model_config = ConfigDict(extra="allow")

    id: int
    Created_Time: datetime
    Modified_Time: datetime
    Owner: OwnerOut | None


class BulkIn(Schema):
    data: list[dict[str, Any]]


class BulkRowOut(Schema):
    status: str
    id: int | None = None
    errors: dict[str, list[str]] | None = None


class BulkOut(Schema):
    data: list[BulkRowOut]


class RelatedListOut(Schema):
    module: str
    field: str
    data: list[RecordOut]
    more: bool


class InviteIn(Schema):
    email: str = Field(..., max_length=254)
    profile_id: int | None = None
    profile: str | None = Field(None, max_length=80)
    name: str = Field("", max_length=150)


class OrgUserPatch(Schema):
    profile_id: int | None = None
    state: str | None = Field(None, max_length=12)


class ProfileOut(Schema):
    id: int
    name: str
    is_administrator: bool
    features: list[str]
    module_permissions: dict[str, list[str]]


class ProfileIn(Schema):
    name: str = Field(..., max_length=80)
    features: list[str] = []
    module_permissions: dict[str, list[str]] = {}


class ProfilePatch(Schema):
    name: str | None = Field(None, max_length=80)
    features: list[str] | None = None
    module_permissions: dict[str, list[str]] | None = None


class SignalOut(Schema):
    id: int
    source: str
    kind: str
    title: str
    body: str
    url: str
    data: dict[str, Any]
    created_at: datetime
    read: bool

    @staticmethod
    def resolve_read(obj) -> bool:
        return obj.read_at is not None


class ChangeOut(Schema):
    sequence: int
    module: str
    record_id: int
    op: str
    fields: list[str]
    origin: str
    at: datetime

    # The reader's rows (web.changes.ChangeRow) name them as Desk's do; the API keeps its words.
    @staticmethod
    def resolve_module(obj) -> str:
        return obj.entity

    @staticmethod
    def resolve_record_id(obj) -> int:
        return obj.entity_id


class ChangeList(Schema):
    data: list[ChangeOut]
    last_sequence: int
