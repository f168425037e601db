from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from tandem.identity.models import TIME_ZONES, User


class SignInForm(AuthenticationForm):
    """The field is still called `username` (the contract's sign-in form), but it is an email."""

    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=[(z, z) for z in TIME_ZONES])

    class Meta:
        model = User
        fields = ["name", "language", "time_zone"]


class TokenForm(forms.Form):
    tenant = forms.ChoiceField(label=_("For"))
    name = forms.CharField(label=_("Name"), max_length=100, required=False)

    def __init__(self, *args, memberships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tenant"].choices = [
            (f"{m.kind}:{m.tenant_id}", f"{'CRM' if m.kind == 'crm' else 'Desk'} · {m.name}")
            for m in memberships
        ]

    def tenant_parts(self) -> tuple[str, int]:
        kind, tenant_id = self.cleaned_data["tenant"].split(":")
        return kind, int(tenant_id)
