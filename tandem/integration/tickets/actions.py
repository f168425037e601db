"""Ticket actions from the CRM (I16 to I20), with the role rules of I7 checked here, so the
record panel, the popups and the API refuse the same things with the same words:

- a CRM person with no active Desk account, and a Light Agent, only comment;
- an Agent (of the ticket's department) also replies, forwards, updates, closes, deletes and
  opens tickets; only a Desk Admin assigns tickets to others (Desk's own rule).

Whoever has a Desk account acts as themselves in Desk: the ticket's history shows them. A
comment by someone without one is written with the authority of the Desk admin who authorized
the integration, under the CRM person's name ("Ana Díaz (CRM)")."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tandem.desk import actions as desk
from tandem.integration.actions import ORIGIN
from tandem.integration.tickets import staged
from tandem.integration.tickets.access import Reader
from tandem.web.errors import Problem


def _crm_label(reader: Reader) -> str:
    user = reader.member.user
    return f"{user.display_name} (CRM)"


def do_comment(*, reader: Reader, ticket, content: str, is_public: bool = False):
    """Everyone who sees the ticket may comment (I7, I18)."""
    if reader.agent is not None and reader.agent.can_see_department(ticket.department_id):
        return desk.do_add_comment(
            actor=reader.agent, ticket=ticket, content=content, is_public=is_public, origin=ORIGIN
        )
    if is_public:
        raise Problem(
            403,
            _(
                "Only Desk agents comment publicly: a public comment reaches the customer. "
                "Your comment can be private."
            ),
        )
    return desk.do_comment_on_behalf(
        actor=reader.link.authorized_by,
        ticket=ticket,
        content=content,
        author=reader.member.user,
        author_label=_crm_label(reader),
        origin=ORIGIN,
    )


def do_send_thread(*, reader: Reader, ticket, action: str, to=(), cc=(), content: str, uploads=()):
    """Reply all or Forward (I18): an email to the customer or someone else."""
    reader.require_work(ticket)
    return desk.do_send_thread(
        actor=reader.agent,
        ticket=ticket,
        action=action,
        to=to,
        cc=cc,
        content=content,
        uploads=uploads,
        origin=ORIGIN,
    )


def do_update(*, reader: Reader, ticket, data: dict):
    """Update Field (I19), Close (I20): any ticket field; assigning to others, Admins only."""
    reader.require_work(ticket)
    if not data:
        raise Problem.invalid({"field": [_("Choose a field to update.")]})
    if "crm_deal" in data:
        raise Problem.invalid({"crm_deal": [_("Link tickets to deals with Link to Deals.")]})
    return desk.do_update_ticket(actor=reader.agent, ticket=ticket, data=data, origin=ORIGIN)


def do_close(*, reader: Reader, ticket):
    return do_update(reader=reader, ticket=ticket, data={"status": "Closed"})


def do_delete(*, reader: Reader, ticket) -> None:
    """Delete (I20, under More): the ticket and its conversation leave Desk."""
    reader.require_work(ticket)
    desk.do_delete_ticket(actor=reader.agent, ticket=ticket, origin=ORIGIN)


@transaction.atomic
def do_create_ticket(*, reader: Reader, module, record, data: dict, upload=None):
    """New Ticket from a record (I16). The contact: the one chosen (`contact_id`), else a new
    one typed (`contact`: {last_name, email}), else the record's own Desk contact. A file
    given (`upload`, or files staged before and named in `attachment_ids`) is attached in the
    same transaction: no ticket without its files."""
    reader.require_work()
    data = {"channel": "CRM", **data}
    attachment_ids = data.pop("attachment_ids", None) or []
    if not data.get("contact_id") and not data.get("contact"):
        contact_id = _record_contact(reader, module, record)
        if contact_id is not None:
            data["contact_id"] = contact_id
        elif module.api_name in ("Contacts", "Leads") and record.data.get("Email"):
            name = record.data.get("Last_Name") or record.name
            data["contact"] = {
                "last_name": name,
                "first_name": record.data.get("First_Name") or "",
                "email": record.data["Email"],
            }
    ticket = desk.do_create_ticket(
        actor=reader.agent, portal=reader.link.portal, data=data, origin=ORIGIN
    )
    if upload is not None:
        desk.do_attach(actor=reader.agent, ticket=ticket, upload=upload, origin=ORIGIN)
    staged.attach_staged(reader, ticket, attachment_ids)
    return ticket


def _record_contact(reader: Reader, module, record) -> int | None:
    """The record's Desk contact: its synced one (Contacts), else the Deal's contact's."""
    from tandem.integration.sync import links

    if module.api_name == "Contacts":
        crm_id = record.pk
    elif module.api_name == "Deals" and isinstance(record.data.get("Contact_Name"), int):
        crm_id = record.data["Contact_Name"]
    else:
        return None
    return links.desk_ids_for(reader.link.id, "Contacts", [crm_id]).get(crm_id)
