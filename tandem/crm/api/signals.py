"""SalesSignals (the caller's notifications) and the change log."""

from typing import Any

from ninja import Body, Router

from tandem.crm import actions, hooks, queries
from tandem.crm.api.helpers import context
from tandem.crm.schemas import ChangeList, SignalOut
from tandem.web.api import page_of, paginate

router = Router()


@router.get("/signals", response=page_of(SignalOut), tags=["SalesSignals"], summary="Newest first")
def list_signals(
    request, unread: bool = False, cursor: str | None = None, limit: int | None = None
):
    return paginate(request, queries.signals_for(request.member, unread=unread))


def _settings(org) -> dict:
    return {
        key: {kind: bool(org.signal_settings.get(key, {}).get(kind, True)) for kind in src.settings}
        for key, src in hooks.signal_sources.items()
    }


@router.get("/signals/settings", response=dict[str, dict[str, bool]], tags=["SalesSignals"])
def get_signal_settings(request):
    return _settings(request.member.org)


@router.put("/signals/settings", response=dict[str, dict[str, bool]], tags=["SalesSignals"])
def put_signal_settings(request, body: dict[str, Any] = Body(...)):  # noqa: B008
    actor, org, _member = context(request)
    actions.do_update_signal_settings(actor=actor, org=org, settings=body)
    org.refresh_from_db(fields=["signal_settings"])
    return _settings(org)


@router.post("/signals/read-all", response=dict[str, int], tags=["SalesSignals"])
def read_all(request):
    actor, org, _member = context(request)
    return {"marked": actions.do_mark_all_signals_read(actor=actor, org=org)}


@router.post("/signals/{signal_id}/read", response=SignalOut, tags=["SalesSignals"])
def read_signal(request, signal_id: int):
    actor, org, member = context(request)
    signal = queries.signal_for(member, signal_id)
    return actions.do_mark_signal_read(actor=actor, org=org, signal=signal)


@router.get("/changes", response=ChangeList, tags=["Change log"], summary="The change log")
def list_changes(request, after: int = 0, limit: int = 200):
    """Record changes with sequence > `after`, oldest first. Pass `last_sequence` back."""
    rows, last = queries.changes_since(request.member.org_id, after, limit=max(1, min(limit, 1000)))
    return {"data": rows, "last_sequence": last}
