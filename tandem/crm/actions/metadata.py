"""Customization: custom modules and fields, reordering and hiding fields, web tabs."""

from __future__ import annotations

import re

from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tandem.crm import hooks
from tandem.crm.actions.common import member_of, require_feature
from tandem.crm.models import Field, Module, Org, Profile, Record, RecordKey
from tandem.web.errors import Problem

# Names the API and the UI use for their own paths; a module may not take them.
RESERVED = {"modules", "me", "users", "profiles", "signals", "integrations", "desk", "changes"}
SYSTEM_FIELDS = {"id", "Created_Time", "Modified_Time", "Owner"}
API_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,59}$")


def api_name_from(label: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", label or "")
    return "_".join(w[:1].upper() + w[1:] for w in words)[:60]


def _require_customizer(org: Org, actor):
    member = member_of(org, actor)
    require_feature(
        member,
        "customize_modules",
        _("Only administrators (profiles that may customize modules) can change modules."),
    )
    return member


def _require_administrator(org: Org, actor):
    """Adding or removing modules and fields changes the org's data structure for everyone:
    the contract (§4) keeps that to the Administrator profile, whatever else a profile allows.
    Relabelling, hiding and reordering stay with "customize modules"."""
    member = member_of(org, actor)
    if not member.profile.is_administrator:
        raise Problem(
            403,
            _(
                "Only administrators (users with the Administrator profile) can add or delete "
                "modules and fields."
            ),
        )
    return member


def _check_api_name(api_name: str, key: str) -> None:
    if not API_NAME.match(api_name or ""):
        raise Problem.invalid(
            {key: [_("Start with a letter; use letters, digits and underscores only.")]}
        )


@transaction.atomic
def do_create_module(
    *, actor, org: Org, singular_label: str, plural_label: str, api_name: str | None = None
) -> Module:
    _require_administrator(org, actor)
    singular, plural = (singular_label or "").strip(), (plural_label or "").strip()
    errors = {}
    if not singular:
        errors["singular_label"] = [_("A module needs a singular label.")]
    if not plural:
        errors["plural_label"] = [_("A module needs a plural label.")]
    if errors:
        raise Problem.invalid(errors)
    api_name = (api_name or "").strip() or api_name_from(plural)
    _check_api_name(api_name, "api_name")
    if api_name.lower() in RESERVED or Module.objects.filter(org=org, api_name=api_name).exists():
        raise Problem(
            409,
            _("The name %(name)s is taken.") % {"name": api_name},
            {"api_name": [_("Already taken.")]},
        )
    position = (Module.objects.filter(org=org).aggregate(m=Max("position"))["m"] or 0) + 1
    module = Module.objects.create(
        org=org,
        api_name=api_name,
        singular_label=singular,
        plural_label=plural,
        kind=Module.Kind.CUSTOM,
        position=position,
    )
    name_label = _("%(singular)s Name") % {"singular": singular}
    Field.objects.create(
        module=module,
        api_name=api_name_from(name_label) or "Name",
        label=name_label,
        type="text",
        required=True,
        in_name=True,
        is_custom=True,
    )
    # Every profile may use a new module until an administrator says otherwise.
    for profile in Profile.objects.filter(org=org, is_administrator=False):
        profile.module_permissions[api_name] = list(Profile.RECORD_ACTIONS)
        profile.save(update_fields=["module_permissions"])
    return module


@transaction.atomic
def do_create_field(
    *,
    actor,
    org: Org,
    module: Module,
    label: str,
    type: str,
    required: bool = False,
    api_name: str | None = None,
    picklist_values: list[str] | None = None,
    lookup_module: str | None = None,
) -> Field:
    _require_administrator(org, actor)
    if not module.has_records:
        raise Problem(409, _("A web tab has no fields."))
    label = (label or "").strip()
    errors: dict[str, list[str]] = {}
    if not label:
        errors["label"] = [_("A field needs a label.")]
    if type not in Field.Type.values:
        errors["type"] = [_("Choose one of: %(t)s.") % {"t": ", ".join(Field.Type.values)}]
    values = [str(v).strip() for v in (picklist_values or []) if str(v).strip()]
    if type == "picklist" and not values:
        errors["picklist_values"] = [_("A picklist needs at least one value.")]
    if len(set(values)) != len(values):
        errors["picklist_values"] = [_("Each value may appear once.")]
    target = None
    if type == "lookup":
        target = Module.objects.filter(org=org, api_name=lookup_module or "").first()
        if target is None or not target.has_records:
            errors["lookup_module"] = [_("Choose the module this field looks up.")]
    if errors:
        raise Problem.invalid(errors)
    api_name = (api_name or "").strip() or api_name_from(label)
    _check_api_name(api_name, "api_name")
    if api_name in SYSTEM_FIELDS or module.fields.filter(api_name=api_name).exists():
        raise Problem(
            409,
            _("%(module)s already has a field %(name)s.")
            % {"module": module.plural_label, "name": api_name},
            {"api_name": [_("Already taken.")]},
        )
    position = (module.fields.aggregate(m=Max("position"))["m"] or 0) + 1
    return Field.objects.create(
        module=module,
        api_name=api_name,
        label=label,
        type=type,
        required=bool(required),
        is_custom=True,
        position=position,
        picklist_values=values if type == "picklist" else [],
        lookup_module=target,
    )


@transaction.atomic
def do_update_field(
    *, actor, org: Org, field: Field, label=None, required=None, hidden=None, picklist_values=None
) -> Field:
    _require_customizer(org, actor)
    if label is not None:
        if not label.strip():
            raise Problem.invalid({"label": [_("A field needs a label.")]})
        field.label = label.strip()
    if hidden is not None:
        if hidden and (field.required or field.in_name):
            raise Problem(409, _("A required field cannot be hidden."))
        field.hidden = bool(hidden)
    if required is not None:
        if field.in_name and not required:
            raise Problem(409, _("The record name field is always required."))
        if required and field.hidden:
            raise Problem(409, _("A hidden field cannot be required."))
        field.required = bool(required)
    if picklist_values is not None and field.type == "picklist":
        values = [str(v).strip() for v in picklist_values if str(v).strip()]
        if not values:
            raise Problem.invalid({"picklist_values": [_("A picklist needs at least one value.")]})
        field.picklist_values = values
    field.save()
    return field


@transaction.atomic
def do_reorder_fields(*, actor, org: Org, module: Module, api_names: list[str]) -> None:
    _require_customizer(org, actor)
    fields = {f.api_name: f for f in module.fields.all()}
    if set(api_names) != set(fields) or len(api_names) != len(fields):
        raise Problem.invalid({"fields": [_("List every field of the module exactly once.")]})
    for position, name in enumerate(api_names):
        fields[name].position = position
    Field.objects.bulk_update(fields.values(), ["position"])


@transaction.atomic
def do_delete_field(*, actor, org: Org, field: Field) -> None:
    _require_administrator(org, actor)
    if not field.is_custom or field.in_name:
        raise Problem(409, _("Only custom fields can be deleted."))
    field.delete()  # values stay in Record.data, unread: a field of that name starts empty


@transaction.atomic
def do_delete_module(*, actor, org: Org, module: Module) -> None:
    """Delete a custom module (with its records) or a web tab. Standard modules stay."""
    _require_administrator(org, actor)
    if module.kind == Module.Kind.STANDARD:
        raise Problem(409, _("Standard modules cannot be deleted."))
    if module.has_records:
        # Plain DELETEs: the ORM's cascade would load every record of the module into memory.
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {RecordKey._meta.db_table} WHERE record_id IN"  # noqa: S608
                f" (SELECT id FROM {Record._meta.db_table} WHERE module_id = %s)",
                [module.pk],
            )
            cursor.execute(
                f"DELETE FROM {Record._meta.db_table} WHERE module_id = %s",  # noqa: S608
                [module.pk],
            )
    for profile in Profile.objects.filter(org=org, is_administrator=False):
        if profile.module_permissions.pop(module.api_name, None) is not None:
            profile.save(update_fields=["module_permissions"])
    module.delete()


@transaction.atomic
def do_add_web_tab(*, actor, org: Org, key: str) -> Module:
    """Add a registered web tab (e.g. the integration's Desk tab) to the org's navigation."""
    _require_customizer(org, actor)
    tab = hooks.web_tabs.get(key)
    if tab is None:
        raise Problem.invalid({"key": [_("No web tab %(key)s is registered.") % {"key": key}]})
    api_name = api_name_from(tab.label) or key
    existing = Module.objects.filter(org=org, web_tab=key).first()
    if existing:
        return existing
    if Module.objects.filter(org=org, api_name=api_name).exists():
        raise Problem(409, _("The name %(name)s is taken.") % {"name": api_name})
    position = (Module.objects.filter(org=org).aggregate(m=Max("position"))["m"] or 0) + 1
    return Module.objects.create(
        org=org,
        api_name=api_name,
        singular_label=str(tab.label),
        plural_label=str(tab.label),
        kind=Module.Kind.WEB_TAB,
        web_tab=key,
        position=position,
    )
