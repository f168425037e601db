"""Extension hooks Desk offers without knowing who uses them (the integration registers here
from its AppConfig.ready()): panels shown on the ticket page, e.g. the linked CRM deal."""

from __future__ import annotations

from collections.abc import Callable

_ticket_panels: list[Callable] = []


def register_ticket_panel(provider: Callable) -> None:
    """`provider(request, ticket)` returns safe HTML for a side panel of the ticket page, or ""."""
    _ticket_panels.append(provider)


def ticket_panels(request, ticket) -> list[str]:
    return [html for provider in _ticket_panels if (html := provider(request, ticket))]
