"""Records of any module: /{Module}, /{Module}/{id}, /{Module}/bulk, related lists."""

from typing import Any

from django.http import JsonResponse
from django.urls import register_converter
from ninja import Body, Router
from ninja.renderers import NinjaJSONEncoder
from ninja.responses import Status

from tandem.crm import actions, queries
from tandem.crm.api.helpers import context
from tandem.crm.schemas import BulkIn, BulkOut, RecordOut, RelatedListOut
from tandem.web.api import keyset_page, page_of, parse_limit


class ModuleNameConverter:
    """Module api names only (letters, digits, underscores): any other path under the API
    stays an unknown endpoint (404) rather than a module lookup."""

    regex = "[A-Za-z][A-Za-z0-9_]{0,59}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ModuleNameConverter, "crm_module")
router = Router(tags=["Records"])
NOT_FILTERS = {"q", "cursor", "limit", "sort"}


def _json(data, status: int = 200) -> JsonResponse:
    # Records have one key per field, known only at run time: shaped by serialize_records and
    # sent as is (the schemas document the fixed keys for OpenAPI).
    return JsonResponse(data, status=status, encoder=NinjaJSONEncoder, safe=False)


def _one(module, record, status: int = 200) -> JsonResponse:
    return _json(queries.serialize_records(module, [record])[0], status)


@router.get(
    "/{crm_module:module}",
    response=page_of(RecordOut),
    summary="List records: ?q= searches, ?<Field>=<value> filters exactly, ?sort=[-]Field",
)
def list_records(
    request,
    module: str,
    q: str | None = None,
    sort: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    _actor, org, member = context(request)
    target = queries.module_for(org, module)
    filters = {k: v for k, v in request.GET.items() if k not in NOT_FILTERS}
    qs, order = queries.records_of(member, target, q=q, filters=filters, sort=sort)
    rows, next_cursor = keyset_page(
        qs, order=order, cursor=cursor or None, limit=parse_limit(request.GET.get("limit"))
    )
    return _json(
        {"data": queries.serialize_records(target, rows), "info": {"next_cursor": next_cursor}}
    )


@router.post("/{crm_module:module}", response={201: RecordOut}, summary="Create a record")
def create_record(request, module: str, body: dict[str, Any] = Body(...)):  # noqa: B008
    actor, org, _member = context(request)
    target = queries.module_for(org, module)
    record = actions.do_create_record(actor=actor, org=org, module=target, values=body)
    return _one(target, record, 201)


@router.post("/{crm_module:module}/bulk", response=BulkOut, summary="Create up to 1,000 records")
def bulk_create(request, module: str, body: BulkIn):
    actor, org, _member = context(request)
    target = queries.module_for(org, module)
    rows = actions.do_bulk_create_records(actor=actor, org=org, module=target, rows=body.data)
    return {"data": rows}


@router.get("/{crm_module:module}/{int:record_id}", response=RecordOut)
def get_record(request, module: str, record_id: int):
    _actor, org, member = context(request)
    target = queries.module_for(org, module)
    return _one(target, queries.record_for(member, target, record_id))


@router.patch(
    "/{crm_module:module}/{int:record_id}", response=RecordOut, summary="Change fields or Owner"
)
def update_record(request, module: str, record_id: int, body: dict[str, Any] = Body(...)):  # noqa: B008
    actor, org, member = context(request)
    target = queries.module_for(org, module)
    record = queries.record_for(member, target, record_id)
    record = actions.do_update_record(actor=actor, org=org, record=record, values=body)
    return _one(target, record)


@router.delete("/{crm_module:module}/{int:record_id}", response={204: None})
def delete_record(request, module: str, record_id: int):
    actor, org, member = context(request)
    target = queries.module_for(org, module)
    actions.do_delete_record(
        actor=actor, org=org, record=queries.record_for(member, target, record_id)
    )
    return Status(204, None)


@router.get(
    "/{crm_module:module}/{int:record_id}/related",
    response=list[RelatedListOut],
    summary="Related lists: records of any module whose lookup points here",
)
def related_lists(request, module: str, record_id: int):
    _actor, org, member = context(request)
    target = queries.module_for(org, module)
    record = queries.record_for(member, target, record_id)
    return _json(
        [
            {
                "module": rel["module"].api_name,
                "field": rel["field"].api_name,
                "data": queries.serialize_records(rel["module"], rel["records"]),
                "more": rel["more"],
            }
            for rel in queries.related_records(member, record)
        ]
    )
