"""Extension hooks: registries other apps (the integration) fill from their AppConfig.ready().

HTML returned by hook functions is inserted as is: render it with templates (autoescaped).

The CRM reads them to draw record-page panels, Setup > Marketplace, web tabs in the top
navigation and Setup > Channels > SalesSignals, without knowing who registered what."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RecordPanel:
    """A panel (typically a related list) on a record page."""

    key: str
    title: str
    # (request, member, module, record) -> HTML to embed; "" hides the panel.
    render: Callable[[Any, Any, Any, Any], str]
    # (member, module) -> whether the panel shows on this module's record pages.
    applies: Callable[[Any, Any], bool] = lambda member, module: True


@dataclass(frozen=True)
class MarketplaceEntry:
    key: str
    name: str
    description: str
    # (org slug) -> the URL of the entry's Setup page.
    setup_url: Callable[[str], str]


@dataclass(frozen=True)
class WebTab:
    """A top-navigation tab an org can have (a Module of kind web_tab points at it by key)."""

    key: str
    label: str
    url: Callable[[str], str]  # (org slug) -> URL
    # (request, member) -> whether this person sees the tab (e.g. only with a Desk account).
    visible: Callable[[Any, Any], bool] = lambda request, member: True


@dataclass(frozen=True)
class SignalSource:
    """Where SalesSignals come from. `settings` are the notification kinds an admin can switch
    on or off in Setup > Channels > SalesSignals ({key: label}); all are on by default."""

    key: str
    label: str
    settings: dict[str, str] = field(default_factory=dict)
    # (request, member, signal) -> HTML of actions on the signal's detail page (e.g. reply,
    # comment, update a field at once); None for none.
    render_detail: Callable[[Any, Any, Any], str] | None = None


record_panels: dict[str, RecordPanel] = {}
marketplace: dict[str, MarketplaceEntry] = {}
web_tabs: dict[str, WebTab] = {}
signal_sources: dict[str, SignalSource] = {}


def register_record_panel(panel: RecordPanel) -> None:
    record_panels[panel.key] = panel


def register_marketplace_entry(entry: MarketplaceEntry) -> None:
    marketplace[entry.key] = entry


def register_web_tab(tab: WebTab) -> None:
    web_tabs[tab.key] = tab


def register_signal_source(source: SignalSource) -> None:
    signal_sources[source.key] = source
