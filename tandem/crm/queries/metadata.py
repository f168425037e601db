"""Reads of modules and fields, scoped to one org."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tandem.crm.models import Field, Module, Org
from tandem.web.errors import Problem


def modules_of(org: Org, *, with_fields: bool = False) -> list[Module]:
    modules = Module.objects.filter(org=org)
    if with_fields:
        modules = modules.prefetch_related("fields__lookup_module")
    modules = list(modules)
    if with_fields:
        for module in modules:
            module._fields = list(module.fields.all())
    return modules


def record_modules(org: Org) -> list[Module]:
    return [m for m in modules_of(org) if m.has_records]


def module_for(org: Org, api_name: str, *, records: bool = True) -> Module:
    """The org's module by api name (web tabs only when records=False); else a 404."""
    module = Module.objects.filter(org=org, api_name=api_name).first()
    if module is None or (records and not module.has_records):
        raise Problem(404, _("There is no module %(name)s here.") % {"name": api_name})
    return module


def fields_of(module: Module) -> list[Field]:
    """The module's fields in display order, loaded once per module object."""
    if not hasattr(module, "_fields"):
        module._fields = list(Field.objects.filter(module=module).select_related("lookup_module"))
    return module._fields


def field_for(module: Module, api_name: str) -> Field:
    for field in fields_of(module):
        if field.api_name == api_name:
            return field
    raise Problem(
        404,
        _("There is no field %(name)s in %(module)s.")
        % {"name": api_name, "module": module.plural},
    )


def lookups_to(module: Module) -> list[Field]:
    """Lookup fields of any module of the org pointing at `module`: its related lists."""
    return list(
        Field.objects.filter(lookup_module=module, type="lookup")
        .select_related("module")
        .order_by("module__position", "position")
    )
