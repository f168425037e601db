"""Top-navigation tabs and navbar widgets. Each tenant kind registers functions giving the tabs
(and widgets, e.g. the CRM's SalesSignals bell) for a request; the base template shows them, so
no app's templates know of another app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Tab:
    label: str
    url: str
    active: bool = False


class NavTabs(list):
    """The tabs of the current tenant, and in `.widgets` the HTML of its navbar widgets."""

    widgets: list[str]


_providers: dict[str, list[Callable]] = {}
_widgets: dict[str, list[Callable]] = {}


def register_tabs(kind: str, provider: Callable) -> None:
    _providers.setdefault(kind, []).append(provider)


def register_widget(kind: str, provider: Callable) -> None:
    """`provider(request, membership)` returns safe HTML shown in the navbar of that tenant
    kind's pages (or "")."""
    _widgets.setdefault(kind, []).append(provider)


def tabs_for(request) -> NavTabs:
    tabs = NavTabs()
    tabs.widgets = []
    membership = getattr(request, "membership", None)
    if membership is None:
        return tabs
    for provider in _providers.get(membership.kind, []):
        tabs.extend(provider(request, membership))
    for provider in _widgets.get(membership.kind, []):
        html = provider(request, membership)
        if html:
            tabs.widgets.append(html)
    return tabs
