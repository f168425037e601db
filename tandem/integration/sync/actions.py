"""The sync's settings and controls, each an action of a CRM person with the Desk integration
permission: configure a module (Done), preview it (a dry run), pause, resume, retry."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tandem.crm import queries as crm
from tandem.desk import queries as desk
from tandem.integration import actions as link_actions
from tandem.integration import queries as link_queries
from tandem.integration.models import DeskIntegration, SyncLogEntry, SyncModule
from tandem.integration.sync import drain, engine, tasks
from tandem.integration.sync.log import entry
from tandem.integration.sync.spec import SPECS, compatible
from tandem.web.errors import Problem

WINNERS = ("latest", "crm", "desk")
DIRECTIONS = ("one_way", "two_way")


def _active_link(actor) -> DeskIntegration:
    link_actions.require_permission(actor)
    link = link_queries.integration_of(actor.org_id)
    if link is None or link.state != DeskIntegration.State.ACTIVE:
        raise Problem(409, _("The Desk integration must be active to sync."))
    return link


def spec_for(module: str):
    if module not in SPECS:
        raise Problem(404, _("Only Accounts, Contacts and Products are synced."))
    return SPECS[module]


def defaults(link: DeskIntegration | None, module: str) -> dict:
    """What `GET sync/{Module}` answers before the module is enabled."""
    spec = spec_for(module)
    department = None
    if spec.department and link is not None and link.portal_id:
        first = desk.departments_of(link.portal).first()
        department = first.id if first is not None else None
    return {
        "direction": "one_way" if spec.department else "two_way",
        "match_fields": list(spec.match_choices[0]),
        "department_id": department,
        "field_map": [{"crm": c, "desk": d} for c, d in spec.default_map],
        "conflict_winner": "latest",
        "state": "not_enabled",
    }


def settings_of(link: DeskIntegration | None, module: str) -> dict:
    """`GET sync/{Module}`: the stored settings, or the defaults before it is enabled."""
    sm = _module(link, module) if link is not None else None
    if sm is None:
        return defaults(link, module)
    return {
        "direction": sm.direction,
        "match_fields": sm.match_fields,
        "department_id": sm.department_id,
        "field_map": sm.field_map,
        "conflict_winner": sm.conflict_winner,
        "state": sm.state,
    }


def _module(link: DeskIntegration, module: str) -> SyncModule | None:
    return SyncModule.objects.filter(integration=link, module=module).first()


def clean(link: DeskIntegration, module: str, body: dict) -> dict:
    """The settings of `body` checked field by field (missing ones take the defaults);
    every refusal names its field, and a field-map pair of incompatible types names the pair."""
    spec = spec_for(module)
    data = {**defaults(link, module), **{k: v for k, v in body.items() if v is not None}}
    errors: dict[str, list] = {}
    if data["direction"] not in DIRECTIONS:
        errors["direction"] = [_("Choose one_way or two_way.")]
    if tuple(data["match_fields"] or ()) not in spec.match_choices:
        choices = " or ".join(str(list(c)) for c in spec.match_choices)
        errors["match_fields"] = [_("Choose %(choices)s.") % {"choices": choices}]
    if data["conflict_winner"] not in WINNERS:
        errors["conflict_winner"] = [_("Choose latest, crm or desk.")]
    if spec.department:
        try:
            desk.department_for(link.portal, data["department_id"])
        except Problem:
            errors["department_id"] = [_("Choose a department of the linked portal.")]
    else:
        data["department_id"] = None
    crm_module = crm.module_named(link.org_id, module)
    fields = {f.api_name: f for f in crm.fields_of(crm_module)} if crm_module else {}
    pairs, seen = [], set()
    for pair in data["field_map"] or []:
        c, d = (pair.get("crm"), pair.get("desk")) if isinstance(pair, dict) else (None, None)
        name = f"{c} → {d}"
        if c not in fields or d not in spec.desk_fields:
            errors.setdefault("field_map", []).append(
                _("%(pair)s: no such field.") % {"pair": name}
            )
        elif not compatible(fields[c], spec.desk_fields[d]):
            errors.setdefault("field_map", []).append(
                _("%(pair)s: a %(type)s field cannot fill this Desk field.")
                % {"pair": name, "type": fields[c].type}
            )
        elif d in seen:
            errors.setdefault("field_map", []).append(
                _("%(pair)s: %(desk)s is mapped twice.") % {"pair": name, "desk": d}
            )
        else:
            seen.add(d)
            pairs.append({"crm": c, "desk": d})
    if not pairs and "field_map" not in errors:
        errors["field_map"] = [_("Map at least one field.")]
    if errors:
        raise Problem.invalid(errors)
    data["field_map"] = pairs
    return data


def do_configure(*, actor, module: str, body: dict) -> SyncModule:
    """Done (I11): enable the module and start its initial sync at once in the background; on
    an enabled module only the field map and the conflict rule may change (I12)."""
    link = _active_link(actor)
    data = clean(link, module, body)
    with transaction.atomic():
        sm = SyncModule.objects.select_for_update().filter(integration=link, module=module).first()
        if sm is not None:
            fixed = ("direction", "match_fields", "department_id")
            changed = [f for f in fixed if f in body and body[f] is not None
                       and body[f] != getattr(sm, f)]  # fmt: skip
            if changed:
                message = _("Direction, match fields and department are fixed once enabled.")
                raise Problem(409, message, {f: [message] for f in changed})
            sm.field_map, sm.conflict_winner = data["field_map"], data["conflict_winner"]
            sm.save(update_fields=["field_map", "conflict_winner"])
        else:
            sm = SyncModule(
                integration=link, module=module, direction=data["direction"],
                match_fields=data["match_fields"], department_id=data["department_id"],
                field_map=data["field_map"], conflict_winner=data["conflict_winner"],
                enabled_by=actor.user,
            )  # fmt: skip
            drain.start_initial(sm, link)
            sm.save()
        tasks.kick(link.id)
    return sm


def _enabled(actor, module: str) -> tuple[DeskIntegration, SyncModule]:
    link = _active_link(actor)
    spec_for(module)
    sm = _module(link, module)
    if sm is None:
        raise Problem(409, _("This module is not synced yet: configure it first."))
    return link, sm


@transaction.atomic
def do_pause(*, actor, module: str) -> SyncModule:
    """Stop advancing the module's cursors; nothing is lost (I12)."""
    _link, sm = _enabled(actor, module)
    SyncModule.objects.filter(pk=sm.pk).update(state=SyncModule.State.PAUSED)
    sm.state = SyncModule.State.PAUSED
    return sm


@transaction.atomic
def do_resume(*, actor, module: str) -> SyncModule:
    """Continue from the cursors: what changed while paused syncs now."""
    link, sm = _enabled(actor, module)
    SyncModule.objects.filter(pk=sm.pk).update(state=SyncModule.State.ACTIVE)
    sm.state = SyncModule.State.ACTIVE
    tasks.kick(link.id)
    return sm


def do_retry(*, actor, entry_id) -> list[SyncLogEntry]:
    """Try a skipped or failed record again (after the data was fixed); answers what the sync
    decided this time."""
    link = _active_link(actor)
    found = SyncLogEntry.objects.filter(integration=link, pk=entry_id).first()
    if found is None:
        raise Problem(404, _("No such sync log entry here."))
    if found.outcome not in ("skipped", "failed"):
        raise Problem(409, _("Only skipped or failed records can be retried."))
    with transaction.atomic():
        sm = SyncModule.objects.select_for_update(of=("self",))
        sm = sm.filter(integration=link, module=found.module)
        sm = sm.select_related("enabled_by").first()
        ctx = engine.context(link, sm) if sm is not None else None
        if ctx is None:
            raise Problem(409, _("This module is not synced."))
        crm_id = found.crm_id
        if crm_id is None and found.desk_id is not None:
            crm_id = ctx.links("desk", [found.desk_id]).get(found.desk_id)
            crm_id = crm_id.crm_id if crm_id is not None else None
        if crm_id is not None:
            engine.sync_crm_records(ctx, crm.records_by_ids(ctx.module, [crm_id]))
        elif found.desk_id is not None and ctx.two_way:
            rows = desk.customers_by_ids(link.portal_id, ctx.spec.entity, [found.desk_id])
            engine.sync_desk_rows(ctx, rows)
        if not ctx.log:
            ctx.log.append(entry(ctx, "skipped", "gone", crm_id=found.crm_id,
                                 desk_id=found.desk_id))  # fmt: skip
        before = SyncLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        drain._finish(ctx)
        SyncLogEntry.objects.filter(pk=found.pk).update(retried_at=ctx.sm.last_synced_at)
        mine = SyncLogEntry.objects.filter(integration=link, module=found.module, id__gt=before)
        return list(mine.order_by("id"))
