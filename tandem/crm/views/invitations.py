"""Accepting an invitation from the emailed link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tandem.crm import actions
from tandem.crm.actions.people import invitation_for
from tandem.crm.forms import AcceptForm
from tandem.web.errors import Problem


def accept(request, token: str):
    try:
        member = invitation_for(token)
    except Problem as problem:
        raise Http404(problem.detail) from None
    invited = member.user
    new_person = not invited.has_usable_password()
    form = AcceptForm(request.POST or None, initial={"name": invited.name}) if new_person else None
    if request.method == "POST":
        try:
            if new_person:
                if not form.is_valid():
                    raise Problem.invalid({})
                member = actions.do_accept_invitation(
                    token=token,
                    name=form.cleaned_data["name"],
                    password=form.cleaned_data["password"],
                )
                login(request, member.user, backend="tandem.identity.backends.EmailBackend")
            else:
                member = actions.do_accept_invitation(token=token, user=request.user)
        except Problem as problem:
            if form is not None:
                for name, errs in problem.errors.items():
                    for e in errs:
                        form.add_error(name if name in form.fields else None, e)
            if problem.detail and problem.status != 400:
                messages.error(request, problem.detail)
        else:
            messages.success(request, _("Welcome to %(org)s.") % {"org": member.org.name})
            return redirect("crm:home", member.org.slug)
    context = {
        "member": member,
        "form": form,
        "new_person": new_person,
        "signed_in_as_other": request.user.is_authenticated and request.user.pk != invited.pk,
    }
    return render(request, "crm/invitation.html", context)
