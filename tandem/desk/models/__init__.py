"""Desk's tables: tenancy and setup, customers, tickets and their conversation, the change log."""

from tandem.desk.models.changes import Change
from tandem.desk.models.customers import Account, Contact, Product
from tandem.desk.models.tenancy import Agent, Department, Portal, SlaPolicy, TicketField
from tandem.desk.models.tickets import Attachment, Comment, Thread, Ticket, TicketEvent

__all__ = [
    "Account",
    "Agent",
    "Attachment",
    "Change",
    "Comment",
    "Contact",
    "Department",
    "Portal",
    "Product",
    "SlaPolicy",
    "Thread",
    "Ticket",
    "TicketEvent",
    "TicketField",
]
