"""The dry run before Done (X3): how many records would be matched, created on each side, or
skipped as ambiguous, with a few of each — computed like the sync, writing nothing."""

from __future__ import annotations

from tandem.crm import queries as crm
from tandem.desk import queries as desk
from tandem.integration.models import SyncModule
from tandem.integration.sync import engine

CHUNK = 2000
SAMPLES = 5


def preview(link, module: str, data: dict) -> dict:
    sm = SyncModule(integration=link, module=module, **_settings(data))
    ctx = engine.context(link, sm)
    counts = {"matched": 0, "to_create_in_desk": 0, "to_create_in_crm": 0, "ambiguous": 0}
    samples: dict[str, list] = {key: [] for key in counts}
    if ctx is None:
        return {**counts, "samples": samples}
    matched_desk: set[int] = set()
    after = 0
    while records := crm.records_after(ctx.module, after, CHUNK):
        after = records[-1]["id"]
        linked = ctx.links("crm", [r["id"] for r in records])
        counts["matched"] += sum(1 for r in records if r["id"] in linked)
        matched_desk.update(link.desk_id for link in linked.values())
        fresh = [r for r in records if r["id"] not in linked]
        values = {r["id"]: engine.crm_values(ctx, r) for r in fresh}
        by_value = engine._desk_candidates(
            ctx, {v for r in fresh for v in _keys(ctx, values[r["id"]])}
        )
        for record in fresh:
            found = set().union(*(by_value.get(v, set()) for v in _keys(ctx, values[record["id"]])))
            name = _name(values[record["id"]])
            outcome = "ambiguous" if len(found) > 1 else "matched" if found else "to_create_in_desk"
            counts[outcome] += 1
            matched_desk.update(found)
            _sample(samples[outcome], {"crm_id": record["id"], "name": name,
                                       "desk_ids": sorted(found)})  # fmt: skip
    if ctx.two_way:
        _desk_side(ctx, counts, samples, matched_desk)
    return {**counts, "samples": samples}


def _desk_side(ctx, counts, samples, matched_desk: set[int]) -> None:
    after = 0
    while rows := desk.customers_after(ctx.link.portal_id, ctx.spec.entity, after, CHUNK):
        after = rows[-1]["id"]
        linked = ctx.links("desk", [row["id"] for row in rows])
        fresh = [r for r in rows if r["id"] not in linked and r["id"] not in matched_desk]
        values = {r["id"]: engine.desk_values(ctx, r, {}) for r in fresh}
        by_value = engine._crm_candidates(
            ctx, {v for r in fresh for v in _keys(ctx, values[r["id"]])}
        )
        for row in fresh:
            found = set().union(*(by_value.get(v, set()) for v in _keys(ctx, values[row["id"]])))
            item = {"desk_id": row["id"], "name": _name(values[row["id"]])}
            if len(found) > 1:
                counts["ambiguous"] += 1
                _sample(samples["ambiguous"], {**item, "crm_ids": sorted(found)})
            elif not found:
                counts["to_create_in_crm"] += 1
                _sample(samples["to_create_in_crm"], item)


def _keys(ctx, values: dict) -> set[str]:
    return engine._match_values(ctx, values)


def _name(values: dict) -> str:
    return " ".join(v for v in values.values() if v and not v.startswith("desk:"))[:120]


def _sample(bucket: list, item: dict) -> None:
    if len(bucket) < SAMPLES:
        bucket.append(item)


def _settings(data: dict) -> dict:
    keys = ("direction", "match_fields", "department_id", "field_map", "conflict_winner")
    return {key: data[key] for key in keys}
