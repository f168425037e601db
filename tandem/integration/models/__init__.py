"""The integration's own tables, one file per part: the link and its history (link.py), the
sync engine (sync.py), tickets in CRM records (tickets.py), SalesSignals (signals.py)."""

from tandem.integration.models.link import DeskIntegration, IntegrationEvent
from tandem.integration.models.signals import SignalCursor, SignalEvent, SignalReceipt
from tandem.integration.models.sync import SyncLink, SyncLogEntry, SyncModule
from tandem.integration.models.tickets import DealTicket, StagedFile, TicketSettings

__all__ = [
    "DealTicket",
    "DeskIntegration",
    "IntegrationEvent",
    "SignalCursor",
    "SignalEvent",
    "SignalReceipt",
    "StagedFile",
    "SyncLink",
    "SyncLogEntry",
    "SyncModule",
    "TicketSettings",
]
