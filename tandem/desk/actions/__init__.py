"""Every write to Desk goes through here: explicit actor, permission check, one transaction,
a change-log row for syncable entities, side effects after commit."""

from tandem.desk.actions._base import DESK, record_change, sanitize
from tandem.desk.actions.conversation import (
    do_add_comment,
    do_attach,
    do_send_thread,
    file_customer_reply,
    file_incoming,
    store_attachment,
    vet_upload,
)
from tandem.desk.actions.customers import (
    do_delete_customer,
    do_save_account,
    do_save_contact,
    do_save_product,
)
from tandem.desk.actions.customers_bulk import BulkResult, do_bulk_save_customers
from tandem.desk.actions.on_behalf import do_comment_on_behalf
from tandem.desk.actions.ratings import do_rate_ticket, rating_refusal
from tandem.desk.actions.samples import do_seed_samples
from tandem.desk.actions.setup import (
    do_accept_invitation,
    do_add_agent,
    do_add_ticket_field,
    do_create_department,
    do_create_portal,
    do_delete_department,
    do_delete_ticket_field,
    do_generate_zsc_key,
    do_invite_agent,
    do_rename_department,
    do_set_agent_state,
    do_set_sla,
    do_update_agent,
    do_update_portal,
    invitation_token,
    invited_agent,
)
from tandem.desk.actions.sla import do_sla_sweep
from tandem.desk.actions.tickets import (
    do_create_ticket,
    do_delete_ticket,
    do_forget_crm_deals,
    do_set_crm_deal,
    do_update_ticket,
    file_ticket,
    require_can_work,
)

__all__ = [
    "DESK",
    "BulkResult",
    "do_accept_invitation",
    "do_add_agent",
    "do_add_comment",
    "do_add_ticket_field",
    "do_attach",
    "do_bulk_save_customers",
    "do_comment_on_behalf",
    "do_create_department",
    "do_create_portal",
    "do_create_ticket",
    "do_delete_customer",
    "do_delete_department",
    "do_delete_ticket",
    "do_delete_ticket_field",
    "do_forget_crm_deals",
    "do_generate_zsc_key",
    "do_invite_agent",
    "do_rate_ticket",
    "do_rename_department",
    "do_save_account",
    "do_save_contact",
    "do_save_product",
    "do_seed_samples",
    "do_send_thread",
    "do_set_agent_state",
    "do_set_crm_deal",
    "do_set_sla",
    "do_sla_sweep",
    "do_update_agent",
    "do_update_portal",
    "do_update_ticket",
    "file_customer_reply",
    "file_incoming",
    "file_ticket",
    "invitation_token",
    "invited_agent",
    "rating_refusal",
    "record_change",
    "require_can_work",
    "sanitize",
    "store_attachment",
    "vet_upload",
]
