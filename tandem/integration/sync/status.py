"""The sync's health (X2): per module its counts, lag and initial-sync progress; the log,
newest first, searchable and filterable."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tandem.integration.models import DeskIntegration, SyncLogEntry, SyncModule
from tandem.integration.sync import actions, drain
from tandem.integration.sync.log import reason_text
from tandem.web.api import keyset_page, parse_limit
from tandem.web.errors import Problem

OUTCOMES = {choice for choice, _label in SyncLogEntry.Outcome.choices}


def status_of(link: DeskIntegration | None, module: str) -> dict:
    actions.spec_for(module)
    sm = SyncModule.objects.filter(integration=link, module=module).first() if link else None
    if sm is None:
        return {
            "state": "not_enabled", "linked": 0, "created_in_desk": 0, "created_in_crm": 0,
            "skipped": 0, "failed": 0, "conflicts": 0, "lag_seconds": 0.0,
            "last_synced_at": None, "initial_sync": None,
        }  # fmt: skip
    initial = None
    if sm.initial_state:
        state = "done" if sm.initial_state == "done" else "running"
        initial = {"state": state, "done": sm.initial_done, "total": sm.initial_total}
    return {
        "state": sm.state,
        "linked": drain.links_count(link.id, module),
        "created_in_desk": sm.created_in_desk,
        "created_in_crm": sm.created_in_crm,
        "skipped": sm.skipped,
        "failed": sm.failed,
        "conflicts": sm.conflicts,
        "lag_seconds": round(drain.lag_seconds(sm, link), 3),
        "last_synced_at": sm.last_synced_at,
        "initial_sync": initial,
    }


def entries(link: DeskIntegration | None, *, module=None, outcome=None, q=None):
    """The integration's log entries, filtered; an unknown filter value is a 400 naming it."""
    errors = {}
    if module and module not in ("Accounts", "Contacts", "Products"):
        errors["module"] = [_("Choose Accounts, Contacts or Products.")]
    if outcome and outcome not in OUTCOMES:
        choices = ", ".join(sorted(OUTCOMES))
        errors["outcome"] = [_("Choose one of: %(values)s.") % {"values": choices}]
    if errors:
        raise Problem.invalid(errors)
    qs = SyncLogEntry.objects.filter(integration=link) if link else SyncLogEntry.objects.none()
    if module:
        qs = qs.filter(module=module)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if q and q.strip():
        qs = qs.filter(search__contains=q.strip().lower()[:100])
    return qs


def entry_out(e: SyncLogEntry) -> dict:
    return {
        "id": e.id, "at": e.at, "module": e.module, "crm_id": e.crm_id, "desk_id": e.desk_id,
        "outcome": e.outcome, "reason": reason_text(e.reason_code, e.reason_args),
        "field": e.field, "kept": e.kept, "lost": e.lost,
    }  # fmt: skip


def log_page(request, link, **filters) -> dict:
    qs = entries(link, **filters)
    limit = parse_limit(request.GET.get("limit"))
    rows, next_cursor = keyset_page(
        qs, order=("-id",), cursor=request.GET.get("cursor") or None, limit=limit
    )
    return {"data": [entry_out(e) for e in rows], "info": {"next_cursor": next_cursor}}
