"""Modules and fields (metadata). Changing them needs the customize-modules permission."""

from ninja import Router
from ninja.responses import Status

from tandem.crm import actions, hooks, queries
from tandem.crm.api.helpers import context
from tandem.crm.schemas import (
    FieldIn,
    FieldOrderIn,
    FieldOut,
    FieldPatch,
    ModuleIn,
    ModuleList,
    ModuleOut,
)

router = Router(tags=["Modules"])


@router.get("/modules", response=ModuleList, summary="Modules and their fields")
def list_modules(request):
    modules = queries.modules_of(request.member.org, with_fields=True)
    return {"data": [m for m in modules if hooks.web_tab_available(m)]}


@router.get("/modules/{module}", response=ModuleOut)
def get_module(request, module: str):
    return queries.module_for(request.member.org, module, records=False)


@router.post("/modules", response={201: ModuleOut}, summary="Create a custom module")
def create_module(request, body: ModuleIn):
    actor, org, _member = context(request)
    module = actions.do_create_module(
        actor=actor,
        org=org,
        singular_label=body.singular_label,
        plural_label=body.plural_label,
        api_name=body.api_name,
    )
    return Status(201, module)


@router.delete(
    "/modules/{module}", response={204: None}, summary="Delete a custom module or web tab"
)
def delete_module(request, module: str):
    actor, org, _member = context(request)
    target = queries.module_for(org, module, records=False)
    actions.do_delete_module(actor=actor, org=org, module=target)
    return Status(204, None)


@router.post("/modules/{module}/fields", response={201: FieldOut}, summary="Add a custom field")
def create_field(request, module: str, body: FieldIn):
    actor, org, _member = context(request)
    field = actions.do_create_field(
        actor=actor,
        org=org,
        module=queries.module_for(org, module),
        label=body.label,
        type=body.type,
        required=body.required,
        api_name=body.api_name,
        picklist_values=body.picklist_values,
        lookup_module=body.lookup_module,
    )
    return Status(201, field)


@router.patch("/modules/{module}/fields/{field}", response=FieldOut, summary="Relabel, hide…")
def update_field(request, module: str, field: str, body: FieldPatch):
    actor, org, _member = context(request)
    target = queries.field_for(queries.module_for(org, module), field)
    return actions.do_update_field(
        actor=actor,
        org=org,
        field=target,
        label=body.label,
        required=body.required,
        hidden=body.hidden,
        picklist_values=body.picklist_values,
    )


@router.delete("/modules/{module}/fields/{field}", response={204: None})
def delete_field(request, module: str, field: str):
    actor, org, _member = context(request)
    target = queries.field_for(queries.module_for(org, module), field)
    actions.do_delete_field(actor=actor, org=org, field=target)
    return Status(204, None)


@router.put("/modules/{module}/field-order", response=ModuleOut, summary="Reorder fields")
def reorder_fields(request, module: str, body: FieldOrderIn):
    actor, org, _member = context(request)
    target = queries.module_for(org, module)
    actions.do_reorder_fields(actor=actor, org=org, module=target, api_names=body.fields)
    return queries.module_for(org, module)
