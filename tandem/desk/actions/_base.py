"""What every Desk action shares: who is acting, the change log, counters, HTML sanitising."""

from __future__ import annotations

import nh3
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.desk import hooks
from tandem.desk.models import Agent, Change, Portal
from tandem.web.counters import bump as counters_bump
from tandem.web.errors import Problem
from tandem.web.prepared import insert

DESK = "desk"  # the origin tag of writes made in Desk itself (UI, API, mail-in)


def me(portal: Portal | int, actor) -> Agent:
    """The acting person's active Agent in `portal`. `actor` is a User, or already that Agent
    (the API has it at hand: no second query). Anyone else is refused."""
    portal_id = portal if isinstance(portal, int) else portal.id
    if isinstance(actor, Agent):
        if actor.portal_id == portal_id and actor.state == Agent.State.ACTIVE:
            return actor
        raise Problem(403, _("You are not an active agent of this portal."))
    agent = (
        Agent.objects.filter(portal_id=portal_id, user=actor, state=Agent.State.ACTIVE)
        .select_related("user")
        .first()
    )
    if agent is None:
        raise Problem(403, _("You are not an active agent of this portal."))
    return agent


def user_of(actor):
    return actor.user if isinstance(actor, Agent) else actor


def require_admin(agent: Agent, doing: str) -> None:
    """`doing` completes "Only a Desk administrator can …": a lazy translation, such as
    _("add departments"), so the refusal reads in the agent's language."""
    if not agent.is_admin:
        # Translators: %(doing)s is what they tried, e.g. "add departments".
        raise Problem(403, _("Only a Desk administrator can %(doing)s.") % {"doing": doing})


def bump(portal_id: int, field: str, by: int = 1) -> int:
    """Increase a per-portal counter and return its new value. The UPDATE holds the portal
    row's lock until commit, so concurrent writers get consecutive values in commit order."""
    return bump_many(portal_id, {field: by})[0]


def bump_many(portal_id: int, counters: dict[str, int]) -> tuple[int, ...]:
    """Several counters in one statement (a new ticket needs two)."""
    return counters_bump(Portal, portal_id, counters)


def record_change(
    portal_id: int,
    entity: str,
    entity_id: int,
    op: str,
    fields,
    origin: str = DESK,
    seq: int | None = None,
    *,
    actor=None,
) -> Change:
    """Append to Desk's change log; call inside the transaction of the write it describes.
    `seq` is given when the caller already took it (with bump_many); `actor` is who acted (a
    User or an Agent), None for the system or a customer."""
    seq = seq or bump(portal_id, "last_change_seq")
    change = Change(
        portal_id=portal_id,
        seq=seq,
        entity=entity,
        entity_id=entity_id,
        op=op,
        fields=sorted(set(fields)),
        origin=(origin or DESK)[:40],
        actor_id=actor_id(actor),
        created_at=timezone.now(),
    )
    insert(change)
    changes_appended(portal_id)
    return change


def actor_id(actor) -> int | None:
    return user_of(actor).pk if actor is not None else None


def changes_appended(portal_id: int) -> None:
    """Tell the change listeners (desk.hooks) after commit; call once rows are appended."""
    hooks.change_listeners.appended(portal_id)


ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr", "i", "li",
    "ol", "p", "pre", "span", "strong", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
    "img",
}  # fmt: skip


def sanitize(html: str) -> str:
    """Ticket HTML as customers and agents write it, minus scripts, handlers and styles."""
    return nh3.clean(html or "", tags=ALLOWED_TAGS, link_rel="noopener noreferrer nofollow")


def strip_blank(value: str | None) -> str:
    return (value or "").strip()
