"""The CRM's models, one module per concern."""

from tandem.crm.models.imports import ImportJob
from tandem.crm.models.metadata import Field, Module
from tandem.crm.models.records import Change, Record, RecordKey
from tandem.crm.models.signals import Signal
from tandem.crm.models.tenancy import Org, OrgUser, Profile

__all__ = [
    "Change",
    "Field",
    "ImportJob",
    "Module",
    "Org",
    "OrgUser",
    "Profile",
    "Record",
    "RecordKey",
    "Signal",
]
