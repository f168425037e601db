"""The sync's endpoints under /api/crm/v1/integrations/desk/ (CONTRACT §4): settings, preview,
pause, resume, status, the sync log and retry. Parse, delegate, shape."""

from __future__ import annotations

from ninja import Router
from ninja.responses import Status

from tandem.integration import actions as link_actions
from tandem.integration import queries as link_queries
from tandem.integration.sync import actions, status
from tandem.integration.sync.preview import preview
from tandem.integration.sync.schemas import (
    LogEntries,
    LogEntryOut,
    PreviewOut,
    StatusOut,
    SyncSettingsIn,
    SyncSettingsOut,
)
from tandem.web.api import page_of

router = Router(tags=["Desk integration: sync"])
BASE = "/integrations/desk/sync"


def _link(request):
    link_actions.require_permission(request.member)
    return link_queries.integration_of(request.member.org_id)


def _body(body: SyncSettingsIn | None) -> dict:
    if body is None:
        return {}
    data = body.dict(exclude_unset=True)
    if data.get("field_map") is not None:
        data["field_map"] = [dict(pair) for pair in data["field_map"]]
    return data


@router.get(BASE + "/{module}", response=SyncSettingsOut)
def get_settings(request, module: str):
    """The module's sync settings, or the defaults before it is enabled."""
    return actions.settings_of(_link(request), module)


@router.put(BASE + "/{module}", response=SyncSettingsOut)
def put_settings(request, module: str, body: SyncSettingsIn):
    """Done: enable the module (its initial sync starts at once in the background); once
    enabled, only `field_map` and `conflict_winner` may change."""
    actions.do_configure(actor=request.member, module=module, body=_body(body))
    return actions.settings_of(_link(request), module)


@router.post(BASE + "/{module}/preview", response=PreviewOut)
def dry_run(request, module: str, body: SyncSettingsIn | None = None):
    """A dry run with this body (or the stored settings): changes nothing."""
    link = actions._active_link(request.member)
    data = actions.clean(link, module, {**actions.settings_of(link, module), **_body(body)})
    return preview(link, module, data)


@router.post(BASE + "/{module}/pause", response={204: None})
def pause(request, module: str):
    actions.do_pause(actor=request.member, module=module)
    return Status(204, None)


@router.post(BASE + "/{module}/resume", response={204: None})
def resume(request, module: str):
    actions.do_resume(actor=request.member, module=module)
    return Status(204, None)


@router.get(BASE + "/{module}/status", response=StatusOut)
def module_status(request, module: str):
    """Counts, lag, last sync and the initial sync's progress."""
    return status.status_of(_link(request), module)


@router.get("/integrations/desk/sync-log", response=page_of(LogEntryOut))
def sync_log(
    request,
    module: str | None = None,
    outcome: str | None = None,
    q: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    """Newest first, one entry per record decision; `q` searches reasons, emails and names."""
    return status.log_page(request, _link(request), module=module, outcome=outcome, q=q)


@router.post("/integrations/desk/sync-log/{entry_id}/retry", response=LogEntries)
def retry(request, entry_id: int):
    """Retry a skipped or failed record; answers what the sync decided this time."""
    entries = actions.do_retry(actor=request.member, entry_id=entry_id)
    return {"data": [status.entry_out(e) for e in entries]}
