"""Top-navigation tabs. Each tenant kind registers a function giving the tabs for a request;
the base template shows them, so no app's templates know of another app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Tab:
    label: str
    url: str
    active: bool = False


_providers: dict[str, list[Callable]] = {}


def register_tabs(kind: str, provider: Callable) -> None:
    _providers.setdefault(kind, []).append(provider)


def tabs_for(request) -> list[Tab]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return []
    tabs: list[Tab] = []
    for provider in _providers.get(membership.kind, []):
        tabs.extend(provider(request, membership))
    return tabs
