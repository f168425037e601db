"""CSV import (upload, map columns, progress, report) and CSV export of a list view."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tandem.crm import queries
from tandem.crm.actions import imports
from tandem.crm.models import ImportJob
from tandem.crm.queries.export import export_rows
from tandem.crm.values import parse_id
from tandem.crm.views.common import crm_view, ui
from tandem.crm.views.records import LIST_PARAMS
from tandem.web.csvexport import csv_download
from tandem.web.errors import Problem


@crm_view
def import_upload(request, module: str):
    actor, org, member = ui(request)
    target = queries.module_for(org, module)
    if request.method == "POST":
        again = _job(org, target, actor, request.POST["again"]) if "again" in request.POST else None
        job = imports.do_start_import(
            actor=actor, org=org, module=target, upload=request.FILES.get("file"), again=again
        )
        return redirect("crm:import_job", org.slug, target.api_name, job.pk)
    if not member.can("import_export"):
        raise PermissionDenied(_("Your profile does not allow importing."))
    return render(request, "crm/imports/upload.html", {"org": org, "module": target})


def _job(org, module, actor, job_id) -> ImportJob:
    """One of this person's imports into this module; anything else is a 404."""
    job = ImportJob.objects.filter(
        pk=parse_id(job_id) or 0, org=org, module=module, user=actor
    ).first()
    if job is None:
        raise Problem(404, _("No such import here."))
    return job


@crm_view
def import_job(request, module: str, job_id: int):
    actor, org, _member = ui(request)
    target = queries.module_for(org, module)
    job = _job(org, target, actor, job_id)
    errors = {}
    if request.method == "POST" and job.state == ImportJob.State.UPLOADED:
        mapping = {c: request.POST.get(f"col-{i}", "") for i, c in enumerate(job.columns)}
        try:
            imports.do_map_import(actor=actor, org=org, job=job, mapping=mapping)
            return redirect("crm:import_job", org.slug, target.api_name, job.pk)
        except Problem as problem:
            if problem.status != 400:
                raise
            errors = problem.errors
            job.mapping = mapping
    context = {
        "org": org,
        "module": target,
        "job": job,
        "columns": [
            (i, c, job.mapping.get(c, ""), errors.get(c)) for i, c in enumerate(job.columns)
        ],
        "fields": queries.fields_of(target),
        "errors": errors,
        "report": _report(job, target),
    }
    template = "crm/imports/_progress.html" if request.htmx else "crm/imports/job.html"
    return render(request, template, context)


def _report(job, module) -> list[tuple[int, list[tuple[str, str]]]]:
    """The refused rows, each problem under the field's name as the person reads it."""
    titles = {f.api_name: f.title for f in queries.fields_of(module)} | {"Owner": _("Owner")}
    return [
        (item["row"], [(titles.get(k, k), " ".join(v)) for k, v in item["errors"].items()])
        for item in job.report
    ]


@crm_view
def export_csv(request, module: str):
    _actor, org, member = ui(request)
    target = queries.module_for(org, module)
    if not member.can("import_export"):
        raise PermissionDenied(_("Your profile does not allow exporting."))
    filters = {k: v for k, v in request.GET.items() if k not in LIST_PARAMS}
    qs, order = queries.records_of(
        member, target, q=request.GET.get("q"), filters=filters, sort=request.GET.get("sort")
    )
    return csv_download(request, export_rows(target, qs, order), f"{target.api_name}.csv")
