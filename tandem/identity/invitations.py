"""Inviting a person into an org or a portal. The CRM and Desk keep their own memberships,
roles and signed links; the person, how they accept, and the email are the same, so they
live here once."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from tandem.identity.models import User, normalize_email
from tandem.web.errors import Problem

VALID_DAYS = 14  # how long an emailed invitation link works


def invitee(email: str, name: str = "") -> User:
    """The person an invitation is for: found by email, or created without a password (they
    choose it when they accept). A malformed address is a 400 on `email`."""
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise Problem.invalid({"email": [_("Enter a valid email address.")]}) from None
    found = User.objects.filter(email=email).first()
    return found or User.objects.create_user(email, None, name=(name or "").strip()[:150])


def accept_as(invited: User, *, user=None, password: str = "", name: str = "") -> None:
    """Check that the invited person is the one accepting: signed in as them, or, for a person
    new to Tandem, choosing a password now (the emailed link proves they own the address)."""
    if user is not None and user.is_authenticated:
        if user.pk != invited.pk:
            raise Problem(403, _("This invitation is for %(email)s.") % {"email": invited.email})
        return
    if invited.has_usable_password():
        raise Problem(403, _("Sign in as %(email)s to accept.") % {"email": invited.email})
    try:
        validate_password(password, invited)
    except ValidationError as exc:
        raise Problem.invalid({"password": list(exc.messages)}) from None
    invited.set_password(password)
    if name.strip():
        invited.name = name.strip()[:150]
    invited.save()


def send_invitation(
    invited: User, *, inviter: str, place: str, product: str, role, url: str
) -> None:
    """The invitation email, in the invited person's language. `place` is the org or portal,
    `product` "Tandem CRM" or "Tandem Desk"; `role` may be a lazy translation: it is rendered
    in that language too."""
    with translation.override(invited.language or settings.LANGUAGE_CODE):
        context = {"inviter": inviter, "place": place, "product": product, "role": role}
        context.update(url=url, days=VALID_DAYS)
        subject = _("%(inviter)s invites you to %(place)s on Tandem") % context
        body = render_to_string("identity/email/invitation.txt", context)
    send_mail(subject, body, None, [invited.email])
