"""Signed links for people without a Desk sign-in: invitees and customers."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core import signing
from django.urls import reverse

CUSTOMER_SALT = "desk.customer"
RATING_SALT = "desk.rating"


def _absolute(path: str) -> str:
    return settings.BASE_URL + path


def invitation_url(agent) -> str:
    from tandem.desk.actions import invitation_token

    return _absolute(reverse("desk:invitation", args=[invitation_token(agent)]))


@cache
def _signer(salt: str, key: str) -> signing.Signer:
    return signing.Signer(key=key, salt=salt)


@cache
def _prefix(name: str) -> str:
    # reverse() once per URL name: a list of 200 tickets builds 200 rating links.
    return reverse(name, args=["TOKEN"]).replace("TOKEN/", "")


def _sign(ticket, salt: str) -> str:
    # No timestamp: a ticket's links stay the same in every email and API answer.
    signer = _signer(salt, settings.SECRET_KEY)
    return signer.sign_object({"t": ticket.pk, "p": ticket.portal_id})


def customer_token(ticket) -> str:
    return _sign(ticket, CUSTOMER_SALT)


def rating_token(ticket) -> str:
    return _sign(ticket, RATING_SALT)


def customer_url(ticket) -> str:
    return _absolute(f"{_prefix('desk:customer_ticket')}{customer_token(ticket)}/")


def rating_url(ticket) -> str:
    return _absolute(f"{_prefix('desk:rate')}{rating_token(ticket)}/")


def ticket_from(token: str, salt: str):
    """The ticket a signed link stands for, or None (bad signature or deleted ticket)."""
    from tandem.desk.models import Ticket

    try:
        data = signing.Signer(salt=salt).unsign_object(token)
    except signing.BadSignature:
        return None
    return Ticket.objects.select_related("portal").filter(pk=data["t"], portal=data["p"]).first()
