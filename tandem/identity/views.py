from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from tandem.identity import tenants, tokens
from tandem.identity.forms import ProfileForm, TokenForm
from tandem.web.errors import Problem


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("profile")
    return render(request, "identity/profile.html", {"form": form})


@login_required
def token_list(request):
    mine = tenants.memberships(request.user)
    form = TokenForm(request.POST or None, memberships=mine)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        kind, tenant_id = form.tenant_parts()
        try:
            _token, new_secret = tokens.do_create_token(
                actor=request.user, kind=kind, tenant_id=tenant_id, name=form.cleaned_data["name"]
            )
        except Problem as problem:
            messages.error(request, problem.detail)
        form = TokenForm(memberships=mine)
    names = {(m.kind, m.tenant_id): m.name for m in mine}
    rows = [
        (t, names.get((t.tenant_kind, t.tenant_id), "—")) for t in tokens.tokens_of(request.user)
    ]
    context = {"form": form, "rows": rows, "new_secret": new_secret}
    return render(request, "identity/tokens.html", context)


@login_required
@require_POST
def token_revoke(request, token_id: int):
    try:
        tokens.do_revoke_token(actor=request.user, token_id=token_id)
        messages.success(request, _("The token has been revoked."))
    except Problem as problem:
        messages.error(request, problem.detail)
    return redirect("tokens")


@require_POST
def switch_language(request):
    """Django's set_language, and for a signed-in person their saved preference too."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(
        request.user._meta.get_field("language").choices
    ):
        request.user.language = language
        request.user.save(update_fields=["language"])
    if not isinstance(response, HttpResponseRedirect):
        return redirect("home")
    return response
