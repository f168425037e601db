"""The sync's pages, inside Setup > Marketplace > Desk: a module's settings ("Configure now":
direction, match, department, field map, conflict rule, Preview, Done; then Pause/Resume and
the initial sync's progress) and the sync health page (counts, lag, the log, Retry)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tandem.crm import queries as crm
from tandem.desk import queries as desk
from tandem.identity.decorators import tenant_view
from tandem.integration import actions as link_actions
from tandem.integration import queries as link_queries
from tandem.integration.pages import refusals_as_pages
from tandem.integration.sync import actions, status
from tandem.integration.sync.preview import preview
from tandem.integration.sync.spec import ORDER, SPECS, compatible
from tandem.web.errors import Problem

RULES = (
    ("latest", gettext_lazy("The change made last wins")),
    ("crm", gettext_lazy("The CRM wins")),
    ("desk", gettext_lazy("Desk wins")),
)
OUTCOMES = {
    "linked": gettext_lazy("Linked"),
    "created": gettext_lazy("Created"),
    "updated": gettext_lazy("Updated"),
    "skipped": gettext_lazy("Skipped"),
    "failed": gettext_lazy("Failed"),
    "conflict": gettext_lazy("Conflict"),
    "unlinked": gettext_lazy("Unlinked"),
}


def _link(request):
    link_actions.require_permission(request.member)
    link = link_queries.integration_of(request.member.org_id)
    if link is None or not link.is_on:
        raise Problem(404, _("The Desk integration is not active."))
    return link


def _posted(request, module: str) -> dict:
    spec = SPECS[module]
    post = request.POST
    body = {
        "direction": post.get("direction") or None,
        "match_fields": [f for f in post.get("match_fields", "").split("+") if f] or None,
        "conflict_winner": post.get("conflict_winner") or None,
        "field_map": [
            {"crm": post[f"map-{d}"], "desk": d} for d in spec.desk_fields if post.get(f"map-{d}")
        ],
    }
    if spec.department:
        raw = post.get("department_id", "")
        body["department_id"] = (
            int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 18 else -1
        )
    return body


def sections(link) -> list[dict]:
    """Per module: its settings state and status, for the integration page."""
    return [{"module": m, "status": status.status_of(link, m)} for m in ORDER]


@tenant_view("crm")
@refusals_as_pages
@require_http_methods(["GET", "POST"])
def configure(request, module: str):
    link = _link(request)
    actions.spec_for(module)
    spec = SPECS[module]
    current = actions.settings_of(link, module)
    result, form = None, current
    if request.method == "POST":
        body = _posted(request, module)
        form = {**current, **{k: v for k, v in body.items() if v is not None}}
        try:
            if request.POST.get("op") == "preview":
                data = actions.clean(link, module, {**current, **body})
                result = preview(link, module, data)
            else:
                actions.do_configure(actor=request.member, module=module, body=body)
                messages.success(request, _("Sync of %(module)s is on.") % {"module": module})
                return redirect("integration:sync_module", request.member.org.slug, module)
        except Problem as problem:
            if problem.status == 403:
                raise
            messages.error(request, problem.text())
    crm_module = crm.module_named(link.org_id, module)
    fields = crm.fields_of(crm_module) if crm_module else []
    mapped = {pair["desk"]: pair["crm"] for pair in form["field_map"]}
    labels = {f.api_name: f.label for f in fields}
    rows = [
        {
            "desk": name,
            "choices": [f for f in fields if compatible(f, kind)],
            "chosen": mapped.get(name, ""),
        }
        for name, kind in spec.desk_fields.items()
    ]
    context = {
        "org": request.member.org,
        "section": "marketplace",
        "module": module,
        "spec": spec,
        "form": form,
        "enabled": current["state"] != "not_enabled",
        "rows": rows,
        "match_choices": [
            ("+".join(c), " + ".join(_(labels.get(f, f)) for f in c)) for c in spec.match_choices
        ],
        "chosen_match": "+".join(form["match_fields"]),
        "departments": list(desk.departments_of(link.portal)) if spec.department else [],
        "rules": RULES,
        "preview": result,
        "status": status.status_of(link, module),
    }
    return render(request, "integration/sync/configure.html", context)


@tenant_view("crm")
@refusals_as_pages
def progress(request, module: str):
    """The initial sync's bar and the counts (htmx polls it while the sync runs)."""
    link = _link(request)
    context = {"module": module, "status": status.status_of(link, module)}
    return render(request, "integration/sync/_progress.html", context)


@tenant_view("crm")
@refusals_as_pages
@require_POST
def control(request, module: str):
    """Pause or Resume."""
    _link(request)
    if request.POST.get("op") == "pause":
        actions.do_pause(actor=request.member, module=module)
        messages.success(request, _("Paused. Nothing is lost: changes sync when you resume."))
    else:
        actions.do_resume(actor=request.member, module=module)
        messages.success(request, _("Resumed."))
    return redirect("integration:sync_module", request.member.org.slug, module)


@tenant_view("crm")
@refusals_as_pages
def health(request):
    """Per module counts and lag, and the sync log with its filters and Retry."""
    link = _link(request)
    module = request.GET.get("module") or None
    outcome = request.GET.get("outcome") or None
    q = request.GET.get("q", "")
    try:
        log = list(status.entries(link, module=module, outcome=outcome, q=q).order_by("-id")[:100])
    except Problem as problem:
        messages.error(request, problem.text())
        log = []
    context = {
        "org": request.member.org,
        "section": "marketplace",
        "sections": sections(link),
        "log": [status.entry_out(e) for e in log],
        "module": module or "",
        "outcome": outcome or "",
        "q": q,
        "outcomes": [(code, OUTCOMES[code]) for code in sorted(status.OUTCOMES)],
        "outcome_labels": OUTCOMES,
        "modules": ORDER,
    }
    return render(request, "integration/sync/health.html", context)


@tenant_view("crm")
@refusals_as_pages
@require_POST
def retry(request, entry_id: int):
    _link(request)
    try:
        done = actions.do_retry(actor=request.member, entry_id=entry_id)
    except Problem as problem:
        if problem.status == 403:
            raise
        messages.error(request, problem.text())
    else:
        outcome = ", ".join(sorted({str(OUTCOMES.get(e.outcome, e.outcome)) for e in done}))
        messages.success(request, _("Retried: %(outcome)s.") % {"outcome": outcome})
    return redirect("integration:sync_health", request.member.org.slug)
