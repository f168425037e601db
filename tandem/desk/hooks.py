"""Extension hooks Desk offers without knowing who uses them (the integration registers here
from its AppConfig.ready()): panels shown on the ticket page, e.g. the linked CRM deal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tandem.web.changes import ChangeListeners
from tandem.web.prepared import Prepared

_ticket_panels: list[Callable] = []


def register_ticket_panel(provider: Callable) -> None:
    """`provider(request, ticket)` returns safe HTML for a side panel of the ticket page, or ""."""
    _ticket_panels.append(provider)


def ticket_panels(request, ticket) -> list[str]:
    return [html for provider in _ticket_panels if (html := provider(request, ticket))]


# ---- API routes and Setup pages other apps add ---------------------------------------------

api_routers: list = []


def register_api_router(router) -> None:
    """Mount a ninja Router under /api/desk/v1/; call from AppConfig.ready(). Its routes act
    with the Desk API's auth: request.member is the caller's Agent."""
    if router not in api_routers:
        api_routers.append(router)


@dataclass(frozen=True)
class SetupPage:
    """A page listed in Desk Setup (e.g. Integrations > CRM)."""

    key: str
    label: str  # may be a lazy translation
    url: Callable[[str], str]  # (portal slug) -> URL


setup_pages: dict[str, SetupPage] = {}


def register_setup_page(page: SetupPage) -> None:
    setup_pages[page.key] = page


# ---- Portal listeners: told after commit when who administers a portal may have changed ----

_portal_listeners: list[Callable] = []


def register_portal_listener(listener: Callable) -> None:
    """`listener(portal_id)` runs after the commit of a change to the portal's agents (role,
    state) or its ZSC key: whoever relies on an admin's authority re-checks it at once."""
    _portal_listeners.append(listener)


def portal_changed(portal_id: int) -> None:
    """Called by Desk's actions inside their transaction; listeners run after commit, and one
    that fails is logged, never turned into an error of the write that committed."""
    import logging

    from django.db import transaction

    def notify() -> None:
        for listener in _portal_listeners:
            try:
                listener(portal_id)
            except Exception:
                logging.getLogger("tandem.desk").exception("portal listener %r failed", listener)

    transaction.on_commit(notify)


# ---- Change listeners: told after commit that a portal's change log grew ------------------


def _portal_counters(portal_id: int):
    from tandem.desk.models import Portal

    return Portal.objects.filter(pk=portal_id).only("id", "last_change_seq")[:1]


# After every Desk write: compiled once (web.prepared).
_read_counters = Prepared(_portal_counters)


def _last_change_seq(portal_id: int) -> int:
    found = _read_counters(portal_id)
    return found[0].last_change_seq if found else 0


change_listeners = ChangeListeners("desk", _last_change_seq)


def register_change_listener(fn: Callable[[int, int], None]) -> None:
    """`fn(portal_id, last_sequence)` runs once per committed transaction that appended to the
    portal's change log, after the commit (never on rollback); `last_sequence` is the log's
    last committed row: read up to it with desk.queries.changes_since. A listener that raises
    is logged, never an error of the write."""
    change_listeners.register(fn)
