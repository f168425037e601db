"""CSV import: upload → map columns to fields → validate every row → write all or nothing.

All rows are validated before anything is written, and the writing happens in one transaction
(in batches, to keep memory flat), so a bad file never leaves half an import behind."""

from __future__ import annotations

import csv
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.crm.actions.common import member_of, require_feature, require_module
from tandem.crm.actions.records import _new_record, write_records
from tandem.crm.import_headers import guess_mapping
from tandem.crm.models import ImportJob, Module, Org, OrgUser, Record
from tandem.crm.queries.metadata import fields_of
from tandem.crm.values import Validator
from tandem.web import bulk
from tandem.web.errors import Problem
from tandem.web.tasks import enqueue_on_commit

log = logging.getLogger("tandem.crm.imports")
BATCH = 1000
REPORT_MAX = 500
MAX_BYTES = 200 * 1024 * 1024


def _import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "crm-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _rows(path: str) -> Iterator[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        yield from csv.DictReader(handle)


@transaction.atomic
def do_start_import(
    *, actor, org: Org, module: Module, upload, again: ImportJob | None = None
) -> ImportJob:
    """A new import of `upload`, its columns matched to fields; `again`: a refused import of
    the same module by the same person, whose column choices the fixed file keeps."""
    member = member_of(org, actor)
    require_feature(member, "import_export", _("Your profile does not allow importing."))
    require_module(member, module, "create")
    if upload is None:
        raise Problem.invalid({"file": [_("Choose a CSV file.")]})
    if upload.size > MAX_BYTES:
        raise Problem(413, _("The file is larger than 200 MB."))
    path = _import_dir() / f"{uuid.uuid4().hex}.csv"
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), None)
    except (UnicodeDecodeError, csv.Error):
        header = None
    if not header or not any(h.strip() for h in header):
        path.unlink(missing_ok=True)
        raise Problem.invalid({"file": [_("This is not a CSV file with a header row.")]})
    fields = fields_of(module)
    same_kind = again and again.module_id == module.pk and again.user_id == actor.id
    previous = again.mapping if same_kind else None
    return ImportJob.objects.create(
        org=org,
        module=module,
        user=actor,
        file_name=(upload.name or "import.csv")[:255],
        path=str(path),
        columns=header,
        mapping=guess_mapping(header, fields, previous),
    )


@transaction.atomic
def do_map_import(*, actor, org: Org, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    """Save the column → field mapping and queue the import."""
    member_of(org, actor)
    if job.user_id != actor.id or job.state != ImportJob.State.UPLOADED:
        raise Problem(409, _("This import has already started."))
    names = {f.api_name for f in fields_of(job.module)} | {"Owner"}
    clean = {c: f for c, f in mapping.items() if c in job.columns and f}
    errors = {c: [_("No such field.")] for c, f in clean.items() if f not in names}
    targets = list(clean.values())
    errors.update(
        {c: [_("Two columns go to one field.")] for c, f in clean.items() if targets.count(f) > 1}
    )
    if not clean:
        errors["mapping"] = [_("Map at least one column to a field.")]
    if errors:
        raise Problem.invalid(errors)
    job.mapping = clean
    job.state = ImportJob.State.QUEUED
    job.save(update_fields=["mapping", "state"])
    from tandem.crm.tasks import run_import

    enqueue_on_commit(run_import, job.pk)
    return job


class _Resolver:
    """Lookups may be given as ids or as names (exports of other CRMs carry names); owners as
    ids or emails. Resolved per batch, one query per lookup field."""

    def __init__(self, job: ImportJob, fields):
        self.lookups = {f.api_name: f for f in fields if f.type == "lookup"}
        self.owners = {
            email.lower(): uid
            for uid, email in OrgUser.objects.filter(
                org=job.org, state=OrgUser.State.ACTIVE
            ).values_list("user_id", "user__email")
        }

    def apply(self, rows: list[dict]) -> None:
        for name, field in self.lookups.items():
            wanted = {r[name] for r in rows if r.get(name) and not str(r[name]).isdigit()}
            if not wanted:
                continue
            ids = dict(
                Record.objects.filter(module_id=field.lookup_module_id, name__in=wanted)
                .values_list("name", "pk")
                .order_by("-pk")
            )
            for r in rows:
                if r.get(name) in ids:
                    r[name] = ids[r[name]]
        for r in rows:
            owner = r.get("Owner")
            if owner and "@" in str(owner):
                r["Owner"] = self.owners.get(str(owner).strip().lower(), owner)


def _batches(job: ImportJob) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for raw in _rows(job.path):
        batch.append({field: raw.get(column, "") for column, field in job.mapping.items()})
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def run_import(job_id: int) -> ImportJob:
    """Validate every row, then write them all in one transaction; or write nothing and report
    each bad row. Safe to run again: a finished job is left alone."""
    job = ImportJob.objects.select_related("org", "module", "user").get(pk=job_id)
    if job.finished:
        return job
    module, fields = job.module, fields_of(job.module)
    resolver = _Resolver(job, fields)
    validator = Validator(module, fields)
    job.state, job.processed, job.rejected, job.report = ImportJob.State.VALIDATING, 0, 0, []
    try:
        # Counting reads the whole file: a bad byte past what the upload checked shows here.
        job.total = sum(1 for _ in _rows(job.path))
        job.save()
        bulk.lean_connection(cache_mb=8, memory_map=False)
        for batch in _batches(job):
            resolver.apply(batch)
            cleaned = [validator.clean(row) for row in batch]
            validator.check_references(cleaned)
            for i, (_changes, errors) in enumerate(cleaned):
                if errors:
                    job.rejected += 1
                    if len(job.report) < REPORT_MAX:
                        job.report.append({"row": job.processed + i + 2, "errors": errors})
            job.processed += len(batch)
            job.save(update_fields=["processed", "rejected", "report"])
        if job.rejected:
            return _finish(
                job, ImportJob.State.REJECTED, _("Nothing was imported: fix the rows below.")
            )
        job.state = ImportJob.State.WRITING
        job.save(update_fields=["state"])
        now = timezone.now()
        with transaction.atomic():
            for batch in _batches(job):
                resolver.apply(batch)
                cleaned = [validator.clean(row) for row in batch]
                records = [
                    _new_record(job.org, module, fields, c, job.user, now) for c, _e in cleaned
                ]
                write_records(
                    job.org, module, fields, records, origin="import", actor_id=job.user_id
                )
                job.created += len(records)
        return _finish(job, ImportJob.State.DONE, _("%(n)d records imported.") % {"n": job.created})
    except (UnicodeDecodeError, csv.Error) as exc:
        job.created = 0
        return _finish(
            job, ImportJob.State.FAILED, _("The file could not be read: %(e)s") % {"e": exc}
        )
    except Exception:
        # Whatever went wrong, the job must not stay queued forever with its file on disk:
        # the writes rolled back, so say nothing was imported, and keep the trace in the log.
        log.exception("CRM import %s failed", job.pk)
        Path(job.path).unlink(missing_ok=True)
        job.created = 0
        return _finish(
            job,
            ImportJob.State.FAILED,
            _("The import failed unexpectedly; nothing was imported. Please try again."),
        )


def _finish(job: ImportJob, state: str, message: str) -> ImportJob:
    job.state, job.message, job.finished_at = state, message, timezone.now()
    job.save()
    Path(job.path).unlink(missing_ok=True)
    return job
