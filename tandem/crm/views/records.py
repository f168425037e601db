"""Record pages: list view, record page with related lists and panels, create/edit, delete."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.crm import actions, display, hooks, queries
from tandem.crm.forms import RecordForm
from tandem.crm.views import list_filter
from tandem.crm.views.common import crm_view, ui
from tandem.crm.widgets import TYPED
from tandem.web.api import keyset_page
from tandem.web.errors import Problem

LIST_PARAMS = {"q", "sort", "cursor", "cols", "filter_field", "filter_value", "pick"}
PAGE = 50
DEFAULT_COLUMNS = 6
FILTER_FORM = {"filter_field", "filter_value", f"filter_value{TYPED}", "cursor"}


def _columns(request, module, fields, picked: list[str] | None = None) -> list:
    """The chosen columns of this list view (remembered per module for the person)."""
    key = f"crm:cols:{module.org_id}:{module.api_name}"
    if picked is not None:
        request.session[key] = [c for c in picked if c]
    elif "cols" in request.GET:
        request.session[key] = [c for c in request.GET["cols"].split(",") if c]
    chosen = request.session.get(key)
    visible = [f for f in fields if not f.hidden and f.type != "textarea"]
    if chosen:
        by_name = {f.api_name: f for f in visible}
        picked = [by_name[c] for c in chosen if c in by_name]
        if picked:
            return picked
    return visible[:DEFAULT_COLUMNS]


@crm_view
def record_list(request, module: str):
    _actor, org, member = ui(request)
    target = queries.module_for(org, module)
    fields = queries.fields_of(target)
    if "pick" in request.GET:  # the column chooser: remember, then show the plain URL
        _columns(request, target, fields, picked=request.GET.getlist("pick"))
        params = {k: v for k, v in request.GET.items() if k != "pick"}
        return redirect(f"{request.path}?{urlencode(params)}" if params else request.path)
    if request.GET.get("filter_field"):
        params = {k: v for k, v in request.GET.items() if k not in FILTER_FORM}
        if list_filter.unpicked(request.GET):
            messages.error(request, _("Pick one of the suggestions to filter by it."))
        else:
            params[request.GET["filter_field"]] = request.GET.get("filter_value", "")
        return redirect(f"{request.path}?{urlencode(params)}" if params else request.path)
    filters = {k: v for k, v in request.GET.items() if k not in LIST_PARAMS}
    sort = request.GET.get("sort") or None
    try:
        qs, order = queries.records_of(
            member, target, q=request.GET.get("q"), filters=filters, sort=sort
        )
        rows, next_cursor = keyset_page(
            qs, order=order, cursor=request.GET.get("cursor") or None, limit=PAGE
        )
    except Problem as problem:
        if problem.status == 403:
            raise
        messages.error(
            request,
            problem.detail
            + " "
            + "; ".join(f"{k}: {' '.join(v)}" for k, v in problem.errors.items()),
        )
        return redirect(request.path)
    columns = _columns(request, target, fields)
    base = {k: v for k, v in request.GET.items() if k != "cursor"}
    context = {
        "org": org,
        "module": target,
        "fields": [f for f in fields if not f.hidden],
        "columns": columns,
        "column_names": [c.api_name for c in columns],
        "rows": _rows(target, rows, columns, org.slug),
        "next_url": f"?{urlencode({**base, 'cursor': next_cursor})}" if next_cursor else None,
        "first_url": f"?{urlencode(base)}" if request.GET.get("cursor") else None,
        "filters": filters,
        "filter_badges": list_filter.badges(org, target, filters),
        "filter_value": list_filter.value_widget(org, target, list_filter.OWNER),
        "q": request.GET.get("q", ""),
        "sort": sort or "",
        "base_query": urlencode({k: v for k, v in base.items() if k != "sort"}),
        "export_query": urlencode({k: v for k, v in base.items()}),
        "can_create": member.can_module(target.api_name, "create"),
        "can_import": member.can("import_export") and member.can_module(target.api_name, "create"),
        "can_export": member.can("import_export"),
    }
    return render(request, "crm/records/list.html", context)


def _rows(module, records, columns, slug: str) -> list[dict]:
    """Cells for a table, as display.cell shows them (lookups named and linked, one query for
    the whole page)."""
    serialized = queries.serialize_records(module, records)
    return [
        {
            "record": record,
            "cells": [display.cell(f, data.get(f.api_name), slug) for f in columns],
            "owner": data["Owner"],
        }
        for record, data in zip(records, serialized, strict=True)
    ]


def _record_form(request, org, module, data=None, initial=None) -> RecordForm:
    fields = queries.fields_of(module)
    lookup_urls = {
        f.api_name: reverse("crm:lookup_options", args=[org.slug, f.lookup_module.api_name])
        for f in fields
        if f.type == "lookup"
    }
    owners = queries.owner_choices(org.id)
    shown = [(data or initial or {}).get(f.api_name) for f in fields if f.type == "lookup"]
    names = queries.record_names(org, [v for v in shown if v not in (None, "")])
    return RecordForm(
        fields, owners, data, initial=initial, lookup_urls=lookup_urls, lookup_names=names
    )


def _unpicked(form) -> bool:
    """Shows on the form a name typed into a picker but never picked; True if there was one."""
    errors = form.unpicked() if form.is_bound else {}
    if errors:
        form.is_valid()
        form.show_errors(errors)
    return bool(errors)


@crm_view
def record_create(request, module: str):
    actor, org, _member = ui(request)
    target = queries.module_for(org, module)
    initial = {k: v for k, v in request.GET.items()}
    initial.setdefault("Owner", actor.id)
    form = _record_form(request, org, target, request.POST or None, initial=initial)
    if request.method == "POST" and not _unpicked(form):
        try:
            record = actions.do_create_record(
                actor=actor, org=org, module=target, values=form.values()
            )
        except Problem as problem:
            if problem.status != 400:
                raise
            form.is_valid()
            form.show_errors(problem.errors)
        else:
            messages.success(request, _("%(m)s created.") % {"m": target.singular})
            return redirect("crm:record", org.slug, target.api_name, record.pk)
    return render(
        request,
        "crm/records/form.html",
        {"org": org, "module": target, "form": form, "record": None},
    )


@crm_view
def record_edit(request, module: str, record_id: int):
    actor, org, member = ui(request)
    target = queries.module_for(org, module)
    record = queries.record_for(member, target, record_id)
    initial = {**record.data, "Owner": record.owner_id}
    form = _record_form(request, org, target, request.POST or None, initial=initial)
    if request.method == "POST" and not _unpicked(form):
        try:
            actions.do_update_record(actor=actor, org=org, record=record, values=form.values())
        except Problem as problem:
            if problem.status != 400:
                raise
            form.is_valid()
            form.show_errors(problem.errors)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("crm:record", org.slug, target.api_name, record.pk)
    return render(
        request,
        "crm/records/form.html",
        {"org": org, "module": target, "form": form, "record": record},
    )


@crm_view
def record_page(request, module: str, record_id: int):
    _actor, org, member = ui(request)
    target = queries.module_for(org, module)
    record = queries.record_for(member, target, record_id)
    data = queries.serialize_records(target, [record])[0]
    details = [
        (f, data.get(f.api_name), display.cell(f, data.get(f.api_name), org.slug))
        for f in queries.fields_of(target)
        if not f.hidden
    ]
    related = []
    found = queries.related_records(member, record)
    for rel in found:
        columns = [f for f in queries.fields_of(rel["module"]) if not f.hidden][:4]
        rows = _rows(rel["module"], rel["records"], columns, org.slug)
        related.append(
            {**rel, "columns": columns, "rows": rows, "title": _related_title(rel, found)}
        )
    panels = [
        # HTML from an installed app's hook, which escapes what it puts in (see hooks.py).
        {"key": p.key, "title": p.title, "html": mark_safe(html)}  # noqa: S308
        for p in hooks.record_panels.values()
        if p.applies(member, target) and (html := p.render(request, member, target, record))
    ]
    context = {
        "org": org,
        "module": target,
        "record": record,
        "data": data,
        "details": details,
        "shown_as_cells": ("boolean", "currency", "integer", "decimal"),
        "related": related,
        "panels": panels,
        "owners": queries.owner_choices(org.id),
        "can_edit": member.can_module(target.api_name, "edit"),
        "can_delete": member.can_module(target.api_name, "delete"),
    }
    return render(request, "crm/records/detail.html", context)


def _related_title(rel, lists) -> str:
    """A related list is named by its module ("Deals"); only when two lookups of one module point
    at this record does the title say which lookup it follows."""
    if sum(other["module"].pk == rel["module"].pk for other in lists) < 2:
        return rel["module"].plural
    return _("%(records)s where this is the %(field)s") % {
        "records": rel["module"].plural,
        "field": rel["field"].title,
    }


@crm_view
@require_POST
def record_assign(request, module: str, record_id: int):
    actor, org, member = ui(request)
    target = queries.module_for(org, module)
    record = queries.record_for(member, target, record_id)
    try:
        actions.do_update_record(
            actor=actor, org=org, record=record, values={"Owner": request.POST.get("owner")}
        )
        messages.success(request, _("Owner changed."))
    except Problem as problem:
        details = " ".join(m for msgs in problem.errors.values() for m in msgs)
        messages.error(request, f"{problem.detail} {details}".strip())
    return redirect("crm:record", org.slug, target.api_name, record.pk)


@crm_view
@require_POST
def record_delete(request, module: str, record_id: int):
    actor, org, member = ui(request)
    target = queries.module_for(org, module)
    record = queries.record_for(member, target, record_id)
    actions.do_delete_record(actor=actor, org=org, record=record)
    messages.success(request, _("%(m)s deleted.") % {"m": target.singular})
    return redirect("crm:list", org.slug, target.api_name)


@crm_view
def lookup_options(request, module: str):
    """Suggestions for a picker: records of `module` whose name matches what was typed."""
    _actor, org, member = ui(request)
    target = queries.module_for(org, module)
    typed = next((v for k, v in request.GET.items() if v), "")
    qs, order = queries.records_of(member, target, q=typed or None)
    hint = next((f.api_name for f in queries.fields_of(target) if f.type == "email"), None)
    options = [
        (r.pk, r.name, r.data.get(hint, "") if hint else "") for r in qs.order_by(*order)[:20]
    ]
    return render(request, "crm/widgets/_options.html", {"options": options})


@crm_view
def filter_value(request, module: str):
    """The list filter's value box for the field just chosen (htmx swaps it in)."""
    _actor, org, _member = ui(request)
    target = queries.module_for(org, module)
    field_name = request.GET.get("filter_field") or list_filter.OWNER
    return HttpResponse(list_filter.value_widget(org, target, field_name))


@crm_view
def owner_options(request):
    """Suggestions for an owner picker: the org's active people whose name or email matches."""
    _actor, org, _member = ui(request)
    typed = next((v for k, v in request.GET.items() if v), "")
    people = [(uid, name, "") for uid, name in queries.owner_choices(org.id, term=typed)[:20]]
    return render(request, "crm/widgets/_options.html", {"options": people})
