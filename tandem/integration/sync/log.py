"""The sync log's reasons: stored as a code and its values, worded when read, in the reader's
language. The templates are plain English (marked for translation, translated when read), so
writing an entry costs a dict lookup: the initial sync writes hundreds of thousands."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

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


def reason_text(code: str, args: dict, *, english: bool = False) -> str:
    template = REASONS.get(code)
    if template is None:
        return code
    template = template if english else gettext(template)
    try:
        return template % args
    except (KeyError, TypeError, ValueError):
        return template


@dataclass(slots=True)
class Decision:
    """A sync-log entry before it is saved (the batch saves its entries together)."""

    integration_id: int
    module: str
    crm_id: int | None
    desk_id: int | None
    outcome: str
    reason_code: str
    reason_args: dict
    field: str
    kept: str
    lost: str
    search: str


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
) -> Decision:
    if field:  # the conflict's reason names it
        args = {"field": field, **args}
    english = reason_text(code, args, english=True)
    return Decision(
        ctx.link.id, ctx.spec.module, crm_id, desk_id, outcome, code, args, field, kept[:2000],
        lost[:2000], f"{search} {english}".lower()[:500],
    )  # fmt: skip
