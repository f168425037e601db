"""Setup: Users, Profiles, Modules and Fields, Marketplace, Channels > SalesSignals."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.crm import actions, hooks, queries
from tandem.crm.forms import FieldForm, InviteForm, ModuleForm, ProfileForm
from tandem.crm.models import Profile
from tandem.crm.values import parse_id
from tandem.crm.views.common import crm_view, ui
from tandem.crm.views.setup_sections import require_section, sections_for
from tandem.web.errors import Problem


def _page(request, template: str, context: dict, section: str):
    return render(request, template, {**context, "section": section, "org": request.member.org})


def _need(member, section: str) -> None:
    require_section(member, section)


@crm_view
def setup_home(request):
    _actor, org, member = ui(request)
    sections = sections_for(member)
    if not sections:
        require_section(member, "users")  # the refusal, in the same words as every part's
    return redirect(sections[0].url(org.slug))


@crm_view
def users(request):
    actor, org, member = ui(request)
    _need(member, "users")
    profiles = list(queries.profiles_of(org))
    form = InviteForm(profiles, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_invite_user(actor=actor, org=org, **form.cleaned_data)
        except Problem as problem:
            form.add_error(None, problem.detail)
            for name, errs in problem.errors.items():
                for e in errs:
                    form.add_error(name if name in form.fields else None, e)
        else:
            messages.success(
                request, _("Invitation sent to %(e)s.") % {"e": form.cleaned_data["email"]}
            )
            return redirect("crm:setup_users", org.slug)
    context = {"members": queries.members_of(org), "profiles": profiles, "form": form}
    return _page(request, "crm/setup/users.html", context, "users")


@crm_view
@require_POST
def user_change(request, user_id: int):
    actor, org, _member = ui(request)
    target = queries.member_for(org, user_id)
    what = request.POST.get("do")
    if what == "deactivate":
        actions.do_deactivate_user(actor=actor, org=org, member=target)
        messages.success(request, _("%(e)s deactivated.") % {"e": target.user.email})
    elif what == "reactivate":
        actions.do_reactivate_user(actor=actor, org=org, member=target)
        messages.success(request, _("%(e)s reactivated.") % {"e": target.user.email})
    elif what == "profile":
        profile_id = parse_id(request.POST.get("profile_id") or "")
        if profile_id is None:
            raise Problem.invalid({"profile_id": [_("Choose a profile of this org.")]})
        actions.do_change_profile(actor=actor, org=org, member=target, profile_id=profile_id)
        messages.success(request, _("Profile changed."))
    return redirect("crm:setup_users", org.slug)


@crm_view
def profiles(request):
    _actor, org, member = ui(request)
    _need(member, "profiles")
    context = {"profiles": queries.profiles_of(org), "features": Profile.FEATURES}
    return _page(request, "crm/setup/profiles.html", context, "profiles")


@crm_view
def profile_edit(request, profile_id: int | None = None):
    actor, org, member = ui(request)
    _need(member, "profiles")
    profile = queries.profiles_of(org).filter(pk=profile_id).first() if profile_id else None
    if profile_id and profile is None:
        raise Problem(404, _("No such profile here."))
    modules = queries.record_modules(org)
    initial = {"name": profile.name, "features": profile.features} if profile else {}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        perms = {m.api_name: request.POST.getlist(f"perm-{m.api_name}") for m in modules}
        data = form.cleaned_data
        if profile:
            actions.do_update_profile(
                actor=actor,
                org=org,
                profile=profile,
                name=data["name"],
                features=data["features"],
                module_permissions=perms,
            )
        else:
            actions.do_create_profile(
                actor=actor,
                org=org,
                name=data["name"],
                features=data["features"],
                module_permissions=perms,
            )
        messages.success(request, _("Profile saved."))
        return redirect("crm:setup_profiles", org.slug)
    matrix = [
        (
            m,
            [
                (
                    a,
                    Profile.RECORD_ACTION_LABELS[a],
                    profile is None or profile.allows_module(m.api_name, a),
                )
                for a in Profile.RECORD_ACTIONS
            ],
        )
        for m in modules
    ]
    context = {
        "profile": profile,
        "form": form,
        "matrix": matrix,
        "actions": Profile.RECORD_ACTION_LABELS.values(),
    }
    return _page(request, "crm/setup/profile_form.html", context, "profiles")


@crm_view
@require_POST
def profile_delete(request, profile_id: int):
    actor, org, _member = ui(request)
    profile = queries.profiles_of(org).filter(pk=profile_id).first()
    if profile is None:
        raise Problem(404, _("No such profile here."))
    actions.do_delete_profile(actor=actor, org=org, profile=profile)
    messages.success(request, _("Profile deleted."))
    return redirect("crm:setup_profiles", org.slug)


@crm_view
def modules(request):
    actor, org, member = ui(request)
    _need(member, "modules")
    form = ModuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        module = actions.do_create_module(actor=actor, org=org, **form.cleaned_data)
        messages.success(request, _("Module %(m)s created.") % {"m": module.plural})
        return redirect("crm:setup_module", org.slug, module.api_name)
    context = {"modules": queries.modules_of(org), "form": form}
    return _page(request, "crm/setup/modules.html", context, "modules")


@crm_view
@require_POST
def module_delete(request, module: str):
    actor, org, _member = ui(request)
    target = queries.module_for(org, module, records=False)
    actions.do_delete_module(actor=actor, org=org, module=target)
    messages.success(request, _("%(m)s deleted.") % {"m": target.plural})
    return redirect("crm:setup_modules", org.slug)


@crm_view
def module_fields(request, module: str):
    actor, org, member = ui(request)
    _need(member, "modules")
    target = queries.module_for(org, module)
    form = FieldForm(queries.record_modules(org), request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_create_field(
                actor=actor,
                org=org,
                module=target,
                label=data["label"],
                type=data["type"],
                required=data["required"],
                picklist_values=data["picklist_values"].splitlines(),
                lookup_module=data["lookup_module"] or None,
            )
        except Problem as problem:
            if problem.status not in (400, 409):
                raise
            form.add_error(None, problem.detail)
            for name, errs in problem.errors.items():
                for e in errs:
                    form.add_error(name if name in form.fields else None, e)
        else:
            messages.success(request, _("Field %(f)s added.") % {"f": data["label"]})
            return redirect("crm:setup_module", org.slug, target.api_name)
    context = {"module": target, "fields": queries.fields_of(target), "form": form}
    return _page(request, "crm/setup/module_fields.html", context, "modules")


@crm_view
@require_POST
def field_change(request, module: str, field: str):
    actor, org, _member = ui(request)
    target = queries.module_for(org, module)
    the_field = queries.field_for(target, field)
    what = request.POST.get("do")
    if what in ("up", "down"):
        names = [f.api_name for f in queries.fields_of(target)]
        i = names.index(field)
        j = i - 1 if what == "up" else i + 1
        if 0 <= j < len(names):
            names[i], names[j] = names[j], names[i]
            actions.do_reorder_fields(actor=actor, org=org, module=target, api_names=names)
    elif what in ("hide", "show"):
        actions.do_update_field(actor=actor, org=org, field=the_field, hidden=what == "hide")
    elif what in ("require", "optional"):
        actions.do_update_field(actor=actor, org=org, field=the_field, required=what == "require")
    elif what == "edit":
        values = request.POST.get("picklist_values")
        actions.do_update_field(
            actor=actor,
            org=org,
            field=the_field,
            label=request.POST.get("label"),
            picklist_values=values.splitlines() if values is not None else None,
        )
        messages.success(request, _("Field %(f)s saved.") % {"f": the_field.label})
    elif what == "delete":
        actions.do_delete_field(actor=actor, org=org, field=the_field)
        messages.success(request, _("Field %(f)s deleted.") % {"f": the_field.label})
    return redirect("crm:setup_module", org.slug, target.api_name)


@crm_view
def marketplace(request):
    _actor, org, member = ui(request)
    _need(member, "marketplace")
    entries = [{"entry": e, "url": e.setup_url(org.slug)} for e in hooks.marketplace.values()]
    return _page(request, "crm/setup/marketplace.html", {"entries": entries}, "marketplace")


@crm_view
def signal_channels(request):
    actor, org, member = ui(request)
    _need(member, "signals")
    sources = list(hooks.signal_sources.values())
    if request.method == "POST":
        chosen = {s.key: {k: f"{s.key}.{k}" in request.POST for k in s.settings} for s in sources}
        actions.do_update_signal_settings(actor=actor, org=org, settings=chosen)
        messages.success(request, _("SalesSignals settings saved."))
        return redirect("crm:setup_signals", org.slug)
    rows = [
        (
            s,
            [
                (k, label, org.signal_settings.get(s.key, {}).get(k, True))
                for k, label in s.settings.items()
            ],
        )
        for s in sources
    ]
    context = {"sources": rows, "can_change": member.can("customize_modules")}
    return _page(request, "crm/setup/signals.html", context, "signals")
