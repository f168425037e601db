"""The sync engine's record work: match, link, create, three-way merge, unlink. Every function
takes a batch and runs inside the caller's transaction (drain.py), so the cursor the batch
advances is stored with the writes it caused: a crash replays the batch, never skips it, and a
replay changes nothing (links and shadows make every step idempotent)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from tandem.crm import actions as crm_actions
from tandem.crm import queries as crm
from tandem.desk import actions as desk_actions
from tandem.desk import queries as desk
from tandem.integration.models import DeskIntegration, SyncLink, SyncModule
from tandem.integration.sync import spec as specs
from tandem.integration.sync.links import Link, links_for, rows_for
from tandem.integration.sync.log import entry
from tandem.web import bulk
from tandem.web.errors import Problem

ORIGIN = specs.SYNC_ORIGIN


@dataclass
class Context:
    """One module of one integration, ready to sync a batch."""

    link: DeskIntegration
    sm: SyncModule
    spec: specs.Spec
    module: Any  # the CRM module
    pairs: list[tuple[str, str, str, str]]  # (crm api name, desk field, desk kind, crm type)
    log: list = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    @property
    def two_way(self) -> bool:
        return self.sm.direction == SyncModule.Direction.TWO_WAY

    @property
    def apis(self) -> list[str]:
        return [p[0] for p in self.pairs]

    def links(self, side: str, ids, *, without_shadow: bool = False) -> dict[int, Link]:
        # Without the shadow when only the link's ids and tombstone are wanted: its JSON is
        # most of a link's cost to read.
        found = links_for(self.link.id, self.spec.module, side, ids, shadow=not without_shadow)
        return {getattr(link, f"{side}_id"): link for link in found}

    def linked_ids(self, side: str, ids) -> set[int]:
        """Which of `ids` (of `side`) have a link or a tombstone."""
        rows = rows_for(self.link.id, self.spec.module, side, ids, [f"{side}_id"])
        return {row[0] for row in rows}


def context(link: DeskIntegration, sm: SyncModule) -> Context | None:
    module = crm.module_named(link.org_id, sm.module)
    if module is None:
        return None
    spec = specs.SPECS[sm.module]
    fields = {f.api_name: f for f in crm.fields_of(module)}
    pairs = [
        (p["crm"], p["desk"], spec.desk_fields[p["desk"]], fields[p["crm"]].type)
        for p in sm.field_map
        if p.get("crm") in fields and p.get("desk") in spec.desk_fields
    ]
    return Context(link=link, sm=sm, spec=spec, module=module, pairs=pairs)


# ---- values ---------------------------------------------------------------------------------


def _account_maps(ctx: Context, crm_records, desk_rows) -> tuple[dict, dict]:
    """(desk account id -> crm id, crm account id -> desk id) for the accounts a batch names."""
    account_pair = next((p for p in ctx.pairs if p[2] == "account"), None)
    if account_pair is None:
        return {}, {}
    crm_ids = {r["data"].get(account_pair[0]) for r in crm_records} - {None, ""}
    desk_ids = {row["account_id"] for row in desk_rows} - {None}
    links = SyncLink.objects.filter(integration_id=ctx.link.id, module="Accounts", gone="")
    pairs = links.filter(crm_id__in=[int(i) for i in crm_ids if str(i).isdigit()]) | links.filter(
        desk_id__in=desk_ids
    )
    rows = list(pairs.values_list("crm_id", "desk_id"))
    return {d: c for c, d in rows}, dict(rows)


def crm_values(ctx: Context, record: dict) -> dict[str, str]:
    data = record["data"]
    return {api: specs.canon_crm(ftype, data.get(api)) for api, _d, _k, ftype in ctx.pairs}


def desk_values(ctx: Context, row: dict, crm_account_of: dict) -> dict[str, str]:
    return {
        api: specs.canon_desk(kind, row.get(dfield), crm_account_of)
        for api, dfield, kind, _t in ctx.pairs
    }


def _desk_data(ctx: Context, values: dict[str, str], desk_account_of: dict) -> dict:
    data = {}
    for api, dfield, kind, _t in ctx.pairs:
        if api in values:
            value = specs.to_desk(kind, values[api], desk_account_of)
            if value is not specs.SKIP:
                data[dfield] = value
    return data


def _crm_data(ctx: Context, values: dict[str, str]) -> dict:
    data = {}
    for api, _d, _k, ftype in ctx.pairs:
        if api in values:
            value = specs.to_crm(ftype, values[api])
            if value is not specs.SKIP:
                data[api] = value
    return data


def merge(ctx: Context, crm_vals, desk_vals, shadow, crm_time, desk_time):
    """Field-level three-way merge against the last synced values (X4). Returns the values to
    write to Desk, to the CRM, the new shadow, and the conflicts (field, kept, lost, winner)."""
    to_desk, to_crm, conflicts = {}, {}, []
    new_shadow = dict(shadow or {})
    for api in ctx.apis:
        c, d = crm_vals.get(api, ""), desk_vals.get(api, "")
        base = (shadow or {}).get(api)
        if c == d:
            new_shadow[api] = c
        elif base is None:  # first sight: the CRM's value, unless (two-way) it has none
            if c or not ctx.two_way:
                to_desk[api] = new_shadow[api] = c
            else:
                to_crm[api] = new_shadow[api] = d
        elif c != base and d == base:
            to_desk[api] = new_shadow[api] = c
        elif d != base and c == base:
            if ctx.two_way:
                to_crm[api] = new_shadow[api] = d
            # One-way: the Desk edit stays until the CRM next changes this field.
        elif not ctx.two_way:
            to_desk[api] = new_shadow[api] = c
        else:
            rule = ctx.sm.conflict_winner
            crm_wins = rule == "crm" or (rule == "latest" and crm_time >= desk_time)
            kept, lost = (c, d) if crm_wins else (d, c)
            (to_desk if crm_wins else to_crm)[api] = new_shadow[api] = kept
            conflicts.append((api, kept, lost, "crm" if crm_wins else "desk"))
    return to_desk, to_crm, new_shadow, conflicts


# ---- matching -------------------------------------------------------------------------------


def _match_values(ctx: Context, values: dict[str, str]) -> set[str]:
    return {values.get(f, "") for f in ctx.sm.match_fields} - {""}


def _desk_candidates(ctx: Context, wanted: set[str]) -> dict[str, set]:
    desk_fields = {d for f in ctx.sm.match_fields for d in ctx.spec.match_desk.get(f, ())}
    return desk.customer_ids_by_value(ctx.link.portal_id, ctx.spec.entity, desk_fields, wanted)


def _crm_candidates(ctx: Context, wanted: set[str]) -> dict[str, set]:
    found: dict[str, set] = {}
    for name in ctx.sm.match_fields:
        try:
            match_field = crm.field_for(ctx.module, name)
        except Problem:
            continue
        for value, ids in crm.record_ids_by_value(ctx.module, match_field, wanted).items():
            found.setdefault(value, set()).update(ids)
    return found


def _pair_up(ctx, side: str, items, values_of, candidates_of, other_side: str, others: dict):
    """Split unlinked records of `side` into (to_link, to_create); skip the ambiguous. A
    candidate already linked elsewhere is taken; one a tombstone points at may be re-linked.
    The candidates' rows read on the way are added to `others` (by id)."""
    keys = {item["id"]: _match_values(ctx, values_of(item)) for item in items}
    wanted = set().union(*keys.values()) if keys else set()
    by_value = candidates_of(ctx, wanted) if wanted else {}
    everyone = {c for ids in by_value.values() for c in ids}
    # Only tombstones among these reach the merge (as new pairs): their shadows are never read.
    taken = ctx.links(other_side, everyone, without_shadow=True)
    claimed: dict[int, int] = {}
    to_link, to_create = [], []

    def skip(item, mine, code, **args):  # the reason's words only for the few skipped
        shown = ", ".join(sorted(mine))
        ctx.log.append(entry(ctx, "skipped", code, **{side + "_id": item["id"]}, search=shown,
                             value=shown, **args))  # fmt: skip
        ctx.counts["skipped"] += 1

    for item in items:
        mine = keys[item["id"]]
        found = set().union(*(by_value.get(v, ()) for v in mine)) if mine else ()
        if not found:
            to_create.append(item)
        elif len(found) > 1:
            skip(item, mine, "ambiguous", ids=", ".join(f"#{i}" for i in sorted(found)))
        else:
            (other,) = found
            link = taken.get(other)
            if link is not None and not link.gone:
                skip(item, mine, "taken", other=f"#{getattr(link, f'{side}_id')}")
            elif other in claimed:
                skip(item, mine, "claimed", other=f"#{claimed[other]}")
            else:
                claimed[other] = item["id"]
                to_link.append((item, other, link))
    return _unique_both_ways(ctx, side, to_link, others), to_create


def _unique_both_ways(ctx: Context, side: str, to_link: list, others: dict) -> list:
    """A pair is linked only if each is the other's one candidate: a Desk contact whose email
    two CRM records share is ambiguous from either side, whichever side comes first. The
    candidates are read once, locked on PostgreSQL (the merge uses these rows: see below)."""
    if not to_link:
        return to_link
    wanted = [other for _item, other, _link in to_link]
    if side == "crm":
        rows = desk.customers_by_ids(ctx.link.portal_id, ctx.spec.entity, wanted, lock=_locking())
        values = {row["id"]: desk_values(ctx, row, {}) for row in rows}
        lookup = _crm_candidates
    else:
        rows = crm.records_by_ids(ctx.module, wanted, lock=_locking())
        values = {r["id"]: crm_values(ctx, r) for r in rows}
        lookup = _desk_candidates
    others.update((row["id"], row) for row in rows)
    keys = {other: _match_values(ctx, vals) for other, vals in values.items()}
    by_value = lookup(ctx, set().union(*keys.values())) if keys else {}
    unique = []
    for item, other, link in to_link:
        mine = set().union(*(by_value.get(v, set()) for v in keys.get(other, set())))
        if len(mine) > 1:
            shown = ", ".join(sorted(keys.get(other, set())))
            listed = ", ".join(f"#{i}" for i in sorted(mine))
            ids = {side + "_id": item["id"]}
            ctx.log.append(entry(ctx, "skipped", "ambiguous", **ids, search=shown, value=shown,
                                 ids=listed))  # fmt: skip
            ctx.counts["skipped"] += 1
        else:
            unique.append((item, other, link))
    return unique


# ---- the two batch entry points --------------------------------------------------------------


# PostgreSQL: a batch locks the rows it may write before it reads them for the merge (so it never
# writes over an edit committed after its read), and it locks them all before its first write
# takes a change-log counter, then both counters in one order. A user's edit locks its row and
# then its tenant's counter: a batch holding a counter while it waits for that row deadlocks with
# the edit (and one of the two fails). SQLite: the writer holds the whole database already.
def _locking() -> bool:
    return connection.features.has_select_for_update


def _lock_counters(ctx: Context) -> None:
    if _locking():
        crm.lock_change_log(ctx.link.org_id)
        desk.lock_change_log(ctx.link.portal_id)


def sync_crm_records(ctx: Context, records: list[dict]) -> None:
    """CRM records that were created or changed: link, create in Desk, or merge."""
    if not records:
        return
    links = ctx.links("crm", [r["id"] for r in records])
    if _locking():
        records = crm.records_by_ids(ctx.module, [r["id"] for r in records], lock=True)
    # Each Desk row is read once, before the writes (which only add rows): the partners here,
    # the found ones by _pair_up.
    partners = [link.desk_id for link in links.values() if not link.gone]
    rows = {row["id"]: row for row in desk.customers_by_ids(
        ctx.link.portal_id, ctx.spec.entity, partners, lock=_locking())}  # fmt: skip
    values = {r["id"]: crm_values(ctx, r) for r in records}  # matching and creating share them
    linked = [(r, links[r["id"]]) for r in records if r["id"] in links]
    fresh = [r for r in records if r["id"] not in links]
    to_link, to_create = _pair_up(
        ctx, "crm", fresh, lambda r: values[r["id"]], _desk_candidates, "desk", rows
    )
    _lock_counters(ctx)
    _create_in_desk(ctx, to_create, values)
    triples = [(r, rows.get(link.desk_id), link) for r, link in linked if not link.gone]
    triples += [(r, rows.get(d), old) for r, d, old in to_link]
    _reconcile(ctx, triples)


def sync_desk_rows(ctx: Context, rows: list[dict]) -> None:
    """Desk records that were created or changed: merge with their CRM partner; two-way, also
    link or create in the CRM."""
    if not rows:
        return
    links = ctx.links("desk", [row["id"] for row in rows])
    if _locking():
        ids = [row["id"] for row in rows]
        rows = desk.customers_by_ids(ctx.link.portal_id, ctx.spec.entity, ids, lock=True)
    partners = [link.crm_id for link in links.values() if not link.gone]
    records = {r["id"]: r for r in crm.records_by_ids(ctx.module, partners, lock=_locking())}
    linked = [(row, links[row["id"]]) for row in rows if row["id"] in links]
    fresh = [row for row in rows if row["id"] not in links] if ctx.two_way else []
    crm_account_of, _ = _account_maps(ctx, [], fresh)
    values = {row["id"]: desk_values(ctx, row, crm_account_of) for row in fresh}
    to_link, to_create = _pair_up(
        ctx, "desk", fresh, lambda row: values[row["id"]], _crm_candidates, "crm", records
    )
    _lock_counters(ctx)
    _create_in_crm(ctx, to_create, values)
    triples = [(records.get(link.crm_id), row, link) for row, link in linked if not link.gone]
    triples += [(records.get(c), row, old) for row, c, old in to_link]
    _reconcile(ctx, triples)


def unlink(ctx: Context, side: str, ids) -> None:
    """Records deleted on `side`: their links become tombstones; the partner stays (X5)."""
    now = timezone.now()
    live = [link for link in ctx.links(side, ids, without_shadow=True).values() if not link.gone]
    SyncLink.objects.filter(pk__in=[link.pk for link in live]).update(gone=side)
    for link in live:
        code = "deleted_in_crm" if side == "crm" else "deleted_in_desk"
        ctx.log.append(entry(ctx, "unlinked", code, crm_id=link.crm_id, desk_id=link.desk_id))
        ctx.counts["unlinked"] += 1
    ctx.sm.last_synced_at = now


# ---- writes ------------------------------------------------------------------------------------


def _create_in_desk(ctx: Context, records: list[dict], crm_vals: dict) -> None:
    if not records:
        return
    _, desk_account_of = _account_maps(ctx, records, [])
    values = [crm_vals[r["id"]] for r in records]
    creates = [_desk_data(ctx, v, desk_account_of) for v in values]
    result = desk_actions.do_bulk_save_customers(
        actor=ctx.link.authorized_by, portal=ctx.link.portal, entity=ctx.spec.entity,
        creates=creates, updates={}, origin=ORIGIN, department_id=ctx.sm.department_id,
    )  # fmt: skip
    new_links = []
    for index, (record, vals) in enumerate(zip(records, values, strict=True)):
        desk_id = result.created[index]
        if desk_id is None:
            detail = result.errors.get(("create", index), "")
            ctx.log.append(entry(ctx, "failed", "invalid", crm_id=record["id"],
                                 search=" ".join(vals.values()), detail=detail))  # fmt: skip
            ctx.counts["failed"] += 1
            continue
        new_links.append(_new_link(ctx, record["id"], desk_id, vals))
        ctx.log.append(entry(ctx, "created", "created_in_desk", crm_id=record["id"],
                             desk_id=desk_id, search=" ".join(vals.values())))  # fmt: skip
        ctx.counts["created_in_desk"] += 1
    save_links(new_links)


def _create_in_crm(ctx: Context, rows: list[dict], desk_vals: dict) -> None:
    if not rows:
        return
    values = [desk_vals[row["id"]] for row in rows]
    new_links = []
    for start in range(0, len(rows), 1000):
        chunk = values[start : start + 1000]
        answers = crm_actions.do_bulk_create_records(
            actor=ctx.sm.enabled_by, org=ctx.link.org, module=ctx.module,
            rows=[_crm_data(ctx, v) for v in chunk], origin=ORIGIN,
        )  # fmt: skip
        for row, vals, answer in zip(rows[start : start + 1000], chunk, answers, strict=True):
            if answer["status"] != "created":
                detail = "; ".join(f"{k}: {' '.join(map(str, m))}" for k, m in
                                   answer.get("errors", {}).items())  # fmt: skip
                ctx.log.append(entry(ctx, "failed", "invalid", desk_id=row["id"],
                                     search=" ".join(vals.values()), detail=detail))  # fmt: skip
                ctx.counts["failed"] += 1
                continue
            shadow = {api: v for api, v in vals.items() if not v.startswith("desk:")}
            new_links.append(_new_link(ctx, answer["id"], row["id"], shadow))
            ctx.log.append(entry(ctx, "created", "created_in_crm", crm_id=answer["id"],
                                 desk_id=row["id"], search=" ".join(vals.values())))  # fmt: skip
            ctx.counts["created_in_crm"] += 1
    save_links(new_links)


LINK_COLUMNS = ["integration_id", "module", "crm_id", "desk_id", "shadow", "linked_at", "gone"]


def save_links(links: list[tuple]) -> None:
    """Insert new links, each as made by _new_link."""
    now = timezone.now()
    bulk.insert(SyncLink, LINK_COLUMNS, [(*link, now, "") for link in links])


def _new_link(ctx: Context, crm_id: int, desk_id: int, shadow: dict) -> tuple:
    # A row, not a model instance: an initial sync makes hundreds of thousands of them.
    return (ctx.link.id, ctx.spec.module, crm_id, desk_id, shadow)


def _reconcile(ctx: Context, triples) -> None:
    """Merge each (crm record, desk row, link-or-tombstone) pair and write what changed: Desk in
    one bulk call, the CRM record by record (rare: Desk-side edits)."""
    triples = [t for t in triples if _still_there(ctx, t)]
    if not triples:
        return
    crm_account_of, desk_account_of = _account_maps(
        ctx, [t[0] for t in triples], [t[1] for t in triples]
    )
    desk_updates, crm_updates, plans = {}, [], []
    for record, row, link in triples:
        is_new = link is None or bool(link.gone)
        shadow = None if is_new else link.shadow
        c_vals, d_vals = crm_values(ctx, record), desk_values(ctx, row, crm_account_of)
        to_desk, to_crm, new_shadow, conflicts = merge(
            ctx, c_vals, d_vals, shadow, record["modified_at"], row["updated_at"]
        )
        if to_desk:
            desk_updates[row["id"]] = _desk_data(ctx, to_desk, desk_account_of)
        if to_crm:
            crm_updates.append((record, _crm_data(ctx, to_crm)))
        plans.append((record, row, link, is_new, new_shadow, conflicts, to_desk, to_crm, c_vals))
    failed_desk = set()
    if desk_updates:
        result = desk_actions.do_bulk_save_customers(
            actor=ctx.link.authorized_by, portal=ctx.link.portal, entity=ctx.spec.entity,
            creates=[], updates=desk_updates, origin=ORIGIN,
        )  # fmt: skip
        failed_desk = {pk for (_kind, pk) in result.errors}
        for (_kind, pk), detail in result.errors.items():
            ctx.log.append(entry(ctx, "failed", "invalid", desk_id=pk, detail=detail))
            ctx.counts["failed"] += 1
    failed_crm = set()
    for record, values in crm_updates:
        if values and not _update_crm(ctx, record, values):
            failed_crm.add(record["id"])
    _save_links(ctx, plans, failed_desk, failed_crm)


def _still_there(ctx: Context, triple) -> bool:
    record, row, link = triple
    if record is not None and row is not None:
        return True
    if link is not None and not link.gone:  # its delete is on its way in the other log
        unlink(ctx, "crm" if record is None else "desk", [link.crm_id if record is None else
                                                          link.desk_id])  # fmt: skip
    return False


def _update_crm(ctx: Context, record: dict, values: dict) -> bool:
    target = crm.record_object(ctx.module, record["id"])
    if target is None:
        return False
    try:
        with transaction.atomic():
            crm_actions.do_update_record(
                actor=ctx.sm.enabled_by, org=ctx.link.org, record=target, values=values,
                origin=ORIGIN,
            )  # fmt: skip
    except Problem as problem:
        ctx.log.append(entry(ctx, "failed", "invalid", crm_id=record["id"],
                             detail=problem.text()))  # fmt: skip
        ctx.counts["failed"] += 1
        return False
    return True


def _save_links(ctx: Context, plans, failed_desk: set, failed_crm: set) -> None:
    new_links, changed, replaced = [], [], []
    for record, row, link, is_new, new_shadow, conflicts, to_desk, to_crm, c_vals in plans:
        ok = row["id"] not in failed_desk and record["id"] not in failed_crm
        search = " ".join(v for v in c_vals.values() if v)
        if is_new:
            if link is not None:  # a tombstone on one of the two: the new link replaces it
                replaced.append(link.pk)
            new_links.append(_new_link(ctx, record["id"], row["id"], new_shadow if ok else {}))
            ctx.log.append(entry(ctx, "linked", "matched", crm_id=record["id"], desk_id=row["id"],
                                 search=search, match=" + ".join(ctx.sm.match_fields)))  # fmt: skip
            ctx.counts["linked"] += 1
        elif ok and new_shadow != link.shadow:
            link.shadow = new_shadow
            changed.append(link)
            if to_desk or to_crm:
                names = ", ".join(sorted({*to_desk, *to_crm}))
                ctx.log.append(entry(ctx, "updated", "updated", crm_id=record["id"],
                                     desk_id=row["id"], search=search, fields=names))  # fmt: skip
        for api, kept, lost, winner in conflicts if ok else []:
            ctx.log.append(entry(ctx, "conflict", "conflict", crm_id=record["id"],
                                 desk_id=row["id"], field=api, kept=kept, lost=lost,
                                 search=search, winner=winner))  # fmt: skip
            ctx.counts["conflicts"] += 1
    SyncLink.objects.filter(pk__in=replaced).delete()
    save_links(new_links)
    bulk.update(SyncLink, ["shadow"], [(link.shadow, link.pk) for link in changed])
