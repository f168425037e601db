"""Every write to the CRM goes through here: explicit actor, permission check, one transaction.
Record actions take an `origin` tag that lands in the change log (the sync passes its own)."""

from tandem.crm.actions.metadata import (
    do_add_web_tab,
    do_create_field,
    do_create_module,
    do_delete_field,
    do_delete_module,
    do_reorder_fields,
    do_update_field,
)
from tandem.crm.actions.orgs import do_add_member, do_create_org
from tandem.crm.actions.people import (
    do_accept_invitation,
    do_change_profile,
    do_create_profile,
    do_deactivate_user,
    do_delete_profile,
    do_invite_user,
    do_reactivate_user,
    do_update_profile,
    do_update_user,
)
from tandem.crm.actions.records import (
    do_bulk_create_records,
    do_create_record,
    do_delete_record,
    do_update_record,
)
from tandem.crm.actions.signals import (
    do_mark_all_signals_read,
    do_mark_signal_read,
    do_send_signal,
    do_update_signal_settings,
)

__all__ = [
    "do_accept_invitation",
    "do_add_member",
    "do_add_web_tab",
    "do_bulk_create_records",
    "do_change_profile",
    "do_create_field",
    "do_create_module",
    "do_create_org",
    "do_create_profile",
    "do_create_record",
    "do_deactivate_user",
    "do_delete_field",
    "do_delete_module",
    "do_delete_profile",
    "do_delete_record",
    "do_invite_user",
    "do_mark_all_signals_read",
    "do_mark_signal_read",
    "do_reactivate_user",
    "do_reorder_fields",
    "do_send_signal",
    "do_update_field",
    "do_update_profile",
    "do_update_record",
    "do_update_signal_settings",
    "do_update_user",
]
