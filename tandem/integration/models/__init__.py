"""The integration's own tables, one file per part: the link and its history (link.py), the
sync engine (sync.py), tickets in CRM records (tickets.py), SalesSignals (signals.py)."""

from tandem.integration.models.link import DeskIntegration, IntegrationEvent
from tandem.integration.models.sync import SyncLink, SyncLogEntry, SyncModule

__all__ = ["DeskIntegration", "IntegrationEvent", "SyncLink", "SyncLogEntry", "SyncModule"]
