"""Signed links for people without a Desk sign-in: invitees and customers."""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes

CUSTOMER_SALT = "desk.customer"
RATING_SALT = "desk.rating"


def _absolute(path: str) -> str:
    return settings.BASE_URL + path


def invitation_url(agent) -> str:
    from tandem.desk.actions import invitation_token

    return _absolute(reverse("desk:invitation", args=[invitation_token(agent)]))


@cache
def _keyed(key_salt: str, secret: str | bytes):
    """`salted_hmac(key_salt, …, secret, algorithm="sha256")` before the message: the derived
    key is hashed once, not for every link (an API page of 50 tickets signs 50 rating links,
    two HMACs each; deriving the keys anew was a sixth of the page's time)."""
    key = hashlib.sha256(force_bytes(key_salt) + force_bytes(secret)).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def _hmac(key_salt: str, value: str, secret: str | bytes):
    """The same HMAC as django.utils.crypto.salted_hmac(…, algorithm="sha256")."""
    mac = _keyed(key_salt, secret).copy()
    mac.update(value.encode())
    return mac


class _Signer(signing.Signer):
    """Django's Signer, the same signatures, its keys derived once (`_keyed`)."""

    def signature(self, value, key=None):
        key = key or self.key
        if self.algorithm != "sha256":
            return super().signature(value, key)
        return signing.b64_encode(_hmac(self.salt + "signer", value, key).digest()).decode()


@cache
def _signer(salt: str, key: str) -> signing.Signer:
    return _Signer(key=key, salt=salt)


@cache
def _prefix(name: str) -> str:
    # reverse() once per URL name: a list of 200 tickets builds 200 rating links.
    return reverse(name, args=["TOKEN"]).replace("TOKEN/", "")


def _owner(email: str, secret: str) -> str:
    """A short keyed hash of the customer's address: binds a link to who the ticket belongs to
    without putting the address (or a guessable hash of it) in a URL that ends up in logs."""
    value = (email or "").strip().lower()
    return _hmac("desk.link-owner", value, secret).hexdigest()[:16]


def _sign(ticket, salt: str) -> str:
    # No timestamp: a ticket's links stay the same in every email and API answer, as long as
    # the ticket belongs to the same customer address ("e"; see ticket_from).
    # What Signer.sign_object({"t", "p", "e"}) writes (compact JSON in URL-safe base64 without
    # its padding, ":", the signature), without a serializer and json.dumps for each link: an
    # API page of tickets signs one per row.
    secret = settings.SECRET_KEY
    owner = _owner(ticket.email, secret).encode()
    data = b'{"t":%d,"p":%d,"e":"%s"}' % (ticket.pk, ticket.portal_id, owner)
    payload = base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    return f"{payload}:{_signer(salt, secret).signature(payload)}"


def customer_token(ticket) -> str:
    return _sign(ticket, CUSTOMER_SALT)


def rating_token(ticket) -> str:
    return _sign(ticket, RATING_SALT)


def customer_url(ticket) -> str:
    return _absolute(f"{_prefix('desk:customer_ticket')}{customer_token(ticket)}/")


def rating_url(ticket) -> str:
    return _absolute(f"{_prefix('desk:rate')}{rating_token(ticket)}/")


def ticket_from(token: str, salt: str):
    """The ticket a signed link stands for, or None: a bad signature, a deleted ticket, or a
    ticket that now belongs to another customer address (its contact or email changed: the
    previous customer's link must not read or answer someone else's ticket). A link signed
    before links carried the owner ("e") is refused the same way; the next email has a new one.
    """
    from tandem.desk.models import Ticket

    try:
        data = signing.Signer(salt=salt).unsign_object(token)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("e"), str):
        return None
    ticket = (
        Ticket.objects.select_related("portal")
        .filter(pk=data.get("t"), portal=data.get("p"))
        .first()
    )
    if ticket is None:
        return None
    # Every key the signature accepts (SECRET_KEY_FALLBACKS too): rotating the key keeps links.
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(constant_time_compare(data["e"], _owner(ticket.email, key)) for key in secrets):
        return None
    return ticket
