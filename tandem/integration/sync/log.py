"""The sync log's reasons: stored as a code and its values, worded when read, in the reader's
language."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tandem.integration.models import SyncLogEntry

REASONS = {
    "matched": _("Matched on %(match)s."),
    "created_in_desk": _("New in the CRM: created in Desk."),
    "created_in_crm": _("New in Desk: created in the CRM."),
    "ambiguous": _("Several records match %(value)s: %(ids)s. Make the match unique, then retry."),
    "taken": _("%(value)s matches a record already linked to another one (%(other)s)."),
    "claimed": _("%(value)s matches the same record as %(other)s in this batch."),
    "invalid": _("Refused: %(detail)s"),
    "conflict": _("Both sides changed %(field)s; the %(winner)s value was kept."),
    "deleted_in_crm": _("Deleted in the CRM; the Desk record stays, with its tickets."),
    "deleted_in_desk": _("Deleted in Desk; the CRM record stays."),
    "partner_deleted": _("Not synced: its partner was deleted on the other side."),
    "updated": _("Updated %(fields)s."),
    "gone": _("The record no longer exists."),
}


def reason_text(code: str, args: dict) -> str:
    template = REASONS.get(code)
    if template is None:
        return code
    try:
        return str(template) % args
    except (KeyError, TypeError, ValueError):
        return str(template)


def entry(
    ctx,
    outcome: str,
    code: str,
    *,
    crm_id=None,
    desk_id=None,
    field="",
    kept="",
    lost="",
    search="",
    **args,
) -> SyncLogEntry:
    """A log entry (not saved: the batch saves its entries together)."""
    with translation.override("en"):
        english = reason_text(code, args)
    return SyncLogEntry(
        integration_id=ctx.link.id, module=ctx.spec.module, crm_id=crm_id, desk_id=desk_id,
        outcome=outcome, reason_code=code, reason_args=args, field=field, kept=kept[:2000],
        lost=lost[:2000], search=f"{search} {english}".lower()[:500],
    )  # fmt: skip
