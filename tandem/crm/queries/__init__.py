"""Tenant-scoped reads of the CRM. Everything outside the CRM reads through here."""

from tandem.crm.queries.changes import changes_since
from tandem.crm.queries.metadata import (
    field_for,
    fields_of,
    lookups_to,
    module_for,
    modules_of,
    record_modules,
)
from tandem.crm.queries.records import (
    find_records,
    owner_choices,
    record_for,
    record_names,
    records_of,
    related_records,
    serialize_records,
)
from tandem.crm.queries.signals import (
    last_signal_id,
    signal_for,
    signals_after,
    signals_for,
    still_listening,
    unread_count,
)
from tandem.crm.queries.sync import (
    count_records,
    last_change_sequence,
    lock_change_log,
    module_named,
    record_ids_by_value,
    record_object,
    records_after,
    records_by_ids,
)
from tandem.crm.queries.tenancy import (
    member_for,
    members_of,
    membership,
    memberships,
    org_by_slug,
    profiles_of,
)

__all__ = [
    "changes_since",
    "count_records",
    "field_for",
    "fields_of",
    "find_records",
    "last_change_sequence",
    "last_signal_id",
    "lock_change_log",
    "lookups_to",
    "member_for",
    "members_of",
    "membership",
    "memberships",
    "module_for",
    "module_named",
    "modules_of",
    "org_by_slug",
    "owner_choices",
    "profiles_of",
    "record_for",
    "record_ids_by_value",
    "record_modules",
    "record_names",
    "record_object",
    "records_after",
    "records_by_ids",
    "records_of",
    "related_records",
    "serialize_records",
    "signal_for",
    "signals_after",
    "signals_for",
    "still_listening",
    "unread_count",
]
