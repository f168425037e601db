"""API tokens: made once, shown once, stored as a SHA-256 digest, bound to a person and a tenant."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.identity import tenants
from tandem.identity.models import ApiToken, User
from tandem.web.errors import Problem
from tandem.web.prepared import Prepared

PREFIX = "tdm_"
# Recording every use would turn each API read into a write; once a minute is enough to tell.
LAST_USED_RESOLUTION = timedelta(seconds=60)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def do_create_token(
    *, actor: User, kind: str, tenant_id: int, name: str = ""
) -> tuple[ApiToken, str]:
    """Create a token for `actor` in a tenant they belong to. Returns the token and its secret,
    which is never stored and cannot be shown again."""
    if tenants.membership(actor, kind, tenant_id=tenant_id) is None:
        raise Problem(403, _("You are not an active member of that tenant."))
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        tenant_kind=kind,
        tenant_id=tenant_id,
        name=name.strip()[:100],
        prefix=raw[: len(PREFIX) + 6],
        token_hash=digest(raw),
    )
    return token, raw


@transaction.atomic
def do_revoke_token(*, actor: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(user=actor, pk=token_id).first()
    if token is None:
        raise Problem(404, _("No such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def tokens_of(user: User):
    return ApiToken.objects.filter(user=user).order_by("-created_at")


# The hash is unique: no ORDER BY needed. Every API request reads it: compiled once.
_live_by_hash = Prepared(
    lambda token_hash: ApiToken.objects.select_related("user").filter(
        token_hash=token_hash, revoked_at__isnull=True, user__is_active=True
    )[:1]
)


def authenticate(raw: str) -> ApiToken | None:
    """The live token for a presented secret, or None. Records the last-used time."""
    if not raw or not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    token = next(iter(_live_by_hash(digest(raw))), None)
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
