"""Extension hooks: registries other apps (the integration) fill from their AppConfig.ready().

HTML returned by hook functions is inserted as is: render it with templates (autoescaped).

The CRM reads them to draw record-page panels, Setup > Marketplace, web tabs in the top
navigation and Setup > Channels > SalesSignals, without knowing who registered what."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tandem.web.changes import ChangeListeners


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
    # (org id) -> whether the org has the tab at all right now (e.g. while an integration is
    # on): `GET modules` lists it only then; its module row stays, so it comes back as it was.
    available: Callable[[int], bool] = lambda org_id: True


def web_tab_available(module) -> bool:
    """A module row is listed unless it is a web tab whose provider says it is off."""
    if module.has_records:
        return True
    tab = web_tabs.get(module.web_tab)
    return tab is None or tab.available(module.org_id)


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
# ninja Routers mounted under /api/crm/v1/ (before the per-module record routes).
api_routers: list[Any] = []


def register_record_panel(panel: RecordPanel) -> None:
    record_panels[panel.key] = panel


def register_marketplace_entry(entry: MarketplaceEntry) -> None:
    marketplace[entry.key] = entry


def register_web_tab(tab: WebTab) -> None:
    web_tabs[tab.key] = tab


def register_signal_source(source: SignalSource) -> None:
    signal_sources[source.key] = source


def register_api_router(router) -> None:
    """Mount a ninja Router under /api/crm/v1/; call from AppConfig.ready() (before the URLs
    load). Its routes act with the CRM API's auth: request.member is the caller's OrgUser."""
    if router not in api_routers:
        api_routers.append(router)


# ---- Change listeners: told after commit that an org's change log grew --------------------


def _last_change_seq(org_id: int) -> int:
    from tandem.crm.models import Org

    return Org.objects.filter(pk=org_id).values_list("change_seq", flat=True).first() or 0


change_listeners = ChangeListeners("crm", _last_change_seq)


def register_change_listener(fn: Callable[[int, int], None]) -> None:
    """`fn(org_id, last_sequence)` runs once per committed transaction that appended to the
    org's change log, after the commit (never on rollback); `last_sequence` is the log's last
    committed row: read up to it with crm.queries.changes_since. A listener that raises is
    logged, never an error of the write."""
    change_listeners.register(fn)
