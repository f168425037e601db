"""Ticket writes: create, update any field, assign, close, delete, rate — each one logged as a
ticket event (history) and in the change log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.desk.actions._base import DESK, bump_many, me, record_change, sanitize, user_of
from tandem.desk.actions.deadlines import renew_deadlines, set_deadlines
from tandem.desk.actions.ticket_values import clean_cf, due_date
from tandem.desk.ids import as_id
from tandem.desk.models import (
    Account,
    Agent,
    Contact,
    Department,
    Portal,
    Product,
    Ticket,
    TicketEvent,
)
from tandem.web.errors import Problem
from tandem.web.group_commit import write_together
from tandem.web.prepared import Prepared, insert
from tandem.web.tasks import enqueue_on_commit

EDITABLE = (
    "subject", "description", "status", "priority", "channel", "department_id", "contact_id",
    "account_id", "product_id", "assignee_id", "due_date", "is_escalated", "cf",
)  # fmt: skip
CHOICES = {
    "status": Ticket.Status.values,
    "priority": Ticket.Priority.values,
    "channel": Ticket.Channel.values,
}


def can_see(agent: Agent, ticket: Ticket) -> bool:
    return agent.is_active and agent.can_see_department(ticket.department_id)


def require_can_see(agent: Agent, ticket: Ticket) -> None:
    # Seeing is checked by queries (404); this guards actions called with any ticket.
    if ticket.portal_id != agent.portal_id or not can_see(agent, ticket):
        raise Problem(404, _("No such ticket in this portal."))


def require_can_work(agent: Agent, ticket: Ticket | None = None) -> None:
    if ticket is not None:
        require_can_see(agent, ticket)
    if not agent.can_reply:
        raise Problem(403, _("Light Agents can only comment on tickets."))


def _json(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def event(
    ticket: Ticket, kind: str, *, actor=None, label: str = "", changes=None, shown_as: str = ""
) -> TicketEvent:
    """A history line. `shown_as`: the name a writer from outside Desk is shown by."""
    line = TicketEvent(
        ticket=ticket,
        actor=user_of(actor) if actor is not None else None,
        actor_label=label or (user_of(actor).email if actor is not None else "System"),
        shown_as=shown_as[:200],
        kind=kind,
        changes={k: [_json(a), _json(b)] for k, (a, b) in (changes or {}).items()},
    )
    insert(line)
    return line


# The reads that check a ticket's references, compiled once (web.prepared): they run inside
# the write's transaction, and on SQLite every writer on the machine waits for it.
_references: dict[tuple, Prepared] = {}


def _reference(model, related: tuple, names: tuple) -> Prepared:
    key = (model, related, names)
    if key not in _references:
        _references[key] = Prepared(
            lambda portal, pk, *values: model.objects.select_related(*related).filter(
                portal=portal, pk=pk, **dict(zip(names, values, strict=True))
            )[:1]
        )
    return _references[key]


def _fk(model, portal_id: int, value, field: str, errors: dict, related=(), **extra):
    if value in (None, ""):
        return None
    pk = as_id(value)
    read = _reference(model, tuple(related), tuple(extra))
    found = read(portal_id, pk, *extra.values()) if pk else []
    if not found:
        errors.setdefault(field, []).append(_("No such item in this portal."))
        return None
    return found[0]


def _resolve(ticket: Ticket, data: dict, errors: dict, agent: Agent | None) -> dict:
    """The new values `data` asks for, checked; errors collected per field."""
    pid = ticket.portal_id
    new: dict = {}
    for field in ("subject", "description", "status", "priority", "channel"):
        if field in data:
            value = data[field] if data[field] is not None else ""
            value = str(value).strip() if field != "description" else sanitize(str(value))
            if field == "subject":
                value = " ".join(value.split())  # one line: it becomes an email header
            if field in CHOICES and value not in CHOICES[field]:
                choices = ", ".join(CHOICES[field])
                errors.setdefault(field, []).append(
                    _("Choose one of: %(choices)s.") % {"choices": choices}
                )
            elif field == "subject" and not value:
                errors.setdefault(field, []).append(_("A ticket needs a subject."))
            else:
                new[field] = value[:255] if field == "subject" else value
    if "department_id" in data:
        department = _fk(
            Department, pid, data["department_id"], "department_id", errors, related=["sla"]
        )
        if department is None and "department_id" not in errors:
            errors["department_id"] = [_("A ticket needs a department.")]
        elif department and agent and not agent.can_see_department(department.id):
            errors["department_id"] = [_("You are not in that department.")]
        new["department"] = department
    if "contact_id" in data:
        new["contact"] = _fk(
            Contact, pid, data["contact_id"], "contact_id", errors, related=["account"]
        )
    if "account_id" in data:
        new["account"] = _fk(Account, pid, data["account_id"], "account_id", errors)
    if "product_id" in data:
        new["product"] = _fk(Product, pid, data["product_id"], "product_id", errors)
    if "assignee_id" in data:
        assignee = _fk(
            Agent, pid, data["assignee_id"], "assignee_id", errors, state=Agent.State.ACTIVE
        )
        mine = assignee is None or (agent is not None and assignee.pk == agent.pk)
        if agent is not None and not agent.is_admin and not mine:
            raise Problem(403, _("Only a Desk administrator can assign tickets to others."))
        new["assignee"] = assignee
    if "due_date" in data:
        new["due_date"] = due_date(data["due_date"], errors)
        # The SLA no longer moves it; clearing it counts too, but a new ticket given no due
        # date still gets the policy's.
        new["due_date_by_hand"] = ticket.pk is not None or new["due_date"] is not None
    if "is_escalated" in data:
        new["is_escalated"] = bool(data["is_escalated"])
    if "cf" in data:
        new["cf"] = {**ticket.cf, **clean_cf(pid, data["cf"] or {}, errors)}
    return new


_first_department = Prepared(
    lambda portal: Department.objects.filter(portal=portal).order_by("id").only("id")[:1]
)


@dataclass
class Draft:
    """A new ticket as asked for, its references checked, nothing written yet."""

    ticket: Ticket
    new: dict  # the values asked for, as _resolve checked them
    inline: dict | None  # a contact to find or create by email


def draft_ticket(*, portal: Portal, data: dict, agent=None) -> Draft:
    """Check `data` for a new ticket in `portal` (400 naming each field) and build it. Reads
    only: it can run before the write's transaction (see do_create_ticket)."""
    errors: dict = {}
    ticket = Ticket(portal=portal, cf={})
    data = dict(data)
    if not data.get("department_id"):
        mine = sorted(agent.department_ids()) if agent and not agent.is_admin else []
        first = _first_department(portal.id)
        data["department_id"] = mine[0] if mine else (first[0].pk if first else None)
    if "subject" not in data:
        errors["subject"] = [_("A ticket needs a subject.")]
    inline = data.pop("contact", None)
    new = _resolve(ticket, data, errors, agent)
    if errors:
        raise Problem.invalid(errors)
    for key, value in new.items():
        setattr(ticket, key, value)
    if ticket.contact and "account" not in new:
        ticket.account_id = ticket.contact.account_id
    if ticket.contact and not ticket.email:
        ticket.email = ticket.contact.email
    if ticket.status == Ticket.Status.ESCALATED:
        ticket.is_escalated = True
    ticket.sync_flags()
    return Draft(ticket, new, inline if inline and not new.get("contact") else None)


def file_draft(
    draft: Draft, *, actor=None, label: str = "", origin: str = DESK, acknowledge: bool = False
) -> Ticket:
    """Write the drafted ticket (inside the caller's transaction): its number, history line
    and change-log row."""
    ticket, portal = draft.ticket, draft.ticket.portal
    if draft.inline:
        ticket.contact = draft.new["contact"] = _inline_contact(portal, draft.inline, origin, actor)
        if "account" not in draft.new:
            ticket.account_id = ticket.contact.account_id
        ticket.email = ticket.email or ticket.contact.email
    # Stamped under the write lock, with the number: creation times follow ticket numbers.
    ticket.created_at = ticket.updated_at = timezone.now()
    set_deadlines(ticket)
    counters = {"last_ticket_number": 1, "last_change_seq": 1}
    ticket.number, seq = bump_many(portal.id, counters)
    insert(ticket)
    event(ticket, "created", actor=actor, label=label)
    fields = ["subject", *draft.new]
    record_change(portal.id, "ticket", ticket.pk, "create", fields, origin, seq=seq, actor=actor)
    if acknowledge and ticket.email and portal.acknowledge_new_tickets:
        from tandem.desk import tasks

        enqueue_on_commit(tasks.send_acknowledgement, ticket.id)
    return ticket


def file_ticket(
    *,
    portal: Portal,
    data: dict,
    actor=None,
    label: str = "",
    origin: str = DESK,
    agent=None,
    acknowledge: bool = False,
) -> Ticket:
    """Create a ticket (inside the caller's transaction). `actor` None: a customer or the
    mail gateway opened it, described by `label`. `acknowledge`: email the customer that
    their request is ticket #N (if the portal does that)."""
    draft = draft_ticket(portal=portal, data=data, agent=agent)
    return file_draft(draft, actor=actor, label=label, origin=origin, acknowledge=acknowledge)


def _inline_contact(portal: Portal, inline: dict, origin: str, actor=None) -> Contact:
    """`"contact": {"last_name", "email"}`: reuse the contact with that email, else create it."""
    if not isinstance(inline, dict):
        raise Problem.invalid({"contact": [_("Give last_name and email.")]})
    email = str(inline.get("email") or "").strip().lower()
    if email:
        existing = Contact.objects.filter(portal=portal, email=email).order_by("id").first()
        if existing:
            return existing
    last_name = str(inline.get("last_name") or "").strip() or email.split("@")[0]
    if not last_name:
        raise Problem.invalid({"contact.last_name": [_("A new contact needs a name or an email.")]})
    contact = Contact.objects.create(
        portal=portal,
        last_name=last_name[:100],
        first_name=str(inline.get("first_name") or "").strip()[:100],
        email=email,
    )
    record_change(
        portal.id, "contact", contact.pk, "create", ["last_name", "email"], origin, actor=actor
    )
    return contact


def do_create_ticket(*, actor, portal: Portal, data: dict, origin: str = DESK) -> Ticket:
    agent = me(portal, actor)
    require_can_work(agent)
    data = {"channel": data.get("channel", Ticket.Channel.API), **data}
    # Checked and built before the write's transaction: on SQLite every writer on the machine
    # waits while one holds it, and these reads were a fifth of a create's time there.
    draft = draft_ticket(portal=portal, data=data, agent=agent)
    return create_from_draft(draft, agent=agent, data=data, origin=origin)


def create_from_draft(draft: Draft, *, agent: Agent, data: dict, origin: str = DESK) -> Ticket:
    """Write a ticket checked outside the transaction. If something it refers to was deleted
    since (its commit fails on the foreign key), check `data` again inside the transaction,
    which refuses with the field's name."""
    try:
        # On SQLite, with the other creates this process has waiting: one writer-lock turn.
        return write_together(partial(file_draft, draft, actor=agent, origin=origin))
    except IntegrityError:
        if transaction.get_connection().in_atomic_block:
            raise  # checked inside the caller's transaction already: not a race
    portal = draft.ticket.portal
    with transaction.atomic():
        return file_ticket(portal=portal, data=data, actor=agent, origin=origin, agent=agent)


@transaction.atomic
def do_update_ticket(*, actor, ticket: Ticket, data: dict, origin: str = DESK) -> Ticket:
    """Update any ticket field (Update Field, assign, close, reopen, escalate by hand)."""
    agent = me(ticket.portal_id, actor)
    lock_ticket(ticket)  # first: who may change it depends on where it is now
    require_can_work(agent, ticket)
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise Problem.invalid({f: [_("This field cannot be changed.")] for f in sorted(unknown)})
    errors: dict = {}
    new = _resolve(ticket, data, errors, agent)
    if errors:
        raise Problem.invalid(errors)
    contact = new.get("contact")
    if contact is not None and contact.pk != ticket.contact_id:
        # The ticket follows its new customer: their address (where replies go, what the
        # email filter and the customer's signed link are bound to) and their account, unless
        # one is given with it or they have none.
        new["email"] = contact.email
        if contact.account_id:
            new.setdefault("account", contact.account)
    return apply_changes(ticket, new, actor=agent, origin=origin)


# What the actions read of a ticket besides its row (one join, no query later).
RELATED = ("department__sla", "contact", "account", "product", "assignee__user", "portal")


def lock_ticket(ticket: Ticket, *, same_customer: bool = False) -> None:
    """Re-read `ticket` under its row lock, before checking and changing it: the SLA sweep, a
    reply or another agent may have written it since it was read, and saving a stale copy
    would undo their changes. (SQLite's write transactions are serial already; this matters on
    PostgreSQL.) Deleted meanwhile: 404. `same_customer`: the caller acts for the customer the
    ticket belonged to when it was read (a signed link); if it changed hands since, 404."""
    customer = ticket.email
    locked = Ticket.objects.select_for_update(of=("self",)).select_related(*RELATED)
    try:
        ticket.refresh_from_db(from_queryset=locked)
    except Ticket.DoesNotExist:
        raise Problem(404, _("No such ticket in this portal.")) from None
    if same_customer and ticket.email != customer:
        raise Problem(404, _("No such ticket in this portal."))


# Set along with a change but not a change of their own (history, change log).
QUIET = {"due_date_by_hand"}


def _plain(value):
    return value.pk if hasattr(value, "pk") else value


def apply_changes(ticket: Ticket, new: dict, *, actor=None, label="", origin=DESK) -> Ticket:
    now = timezone.now()
    if new.get("status") == Ticket.Status.ESCALATED:
        new.setdefault("is_escalated", True)
    changes, quiet = {}, []
    for key, value in new.items():
        old = getattr(ticket, key)
        if old == value:
            continue
        setattr(ticket, key, value)
        if key in QUIET:
            quiet.append(key)
        else:
            name = f"{key}_id" if key in ("department", "contact", "account", "product") else key
            name = "assignee_id" if key == "assignee" else name
            changes[name] = (_plain(old), _plain(value))
    if not changes:
        if quiet:  # e.g. the due date re-entered as it was: now the agent's, still no change
            ticket.save(update_fields=quiet)
        return ticket
    ticket.sync_flags()  # is_open and is_high_priority as of the new status and priority
    if "status" in changes:
        closing = ticket.status == Ticket.Status.CLOSED
        ticket.closed_at = now if closing else None
        ticket.rating_requested_at = None  # each closing asks anew (unless already rated)
        took = int((now - ticket.created_at).total_seconds())
        ticket.resolution_seconds = took if closing else None
        if closing:
            ticket.is_overdue = False
    if "priority" in changes or "department_id" in changes:
        renew_deadlines(ticket, changes)
    if "due_date" in changes:
        # Overdue the moment a new due date is in the past, no longer once it is ahead.
        overdue = bool(ticket.is_open and ticket.due_date and ticket.due_date <= now)
        if overdue != ticket.is_overdue:
            changes["is_overdue"] = (ticket.is_overdue, overdue)
            ticket.is_overdue = overdue
    ticket.updated_at = now
    ticket.save()
    kind = "closed" if changes.get("status", (0, 0))[1] == "Closed" else "updated"
    if list(changes) == ["assignee_id"]:
        kind = "assigned"
    event(ticket, kind, actor=actor, label=label, changes=changes)
    record_change(
        ticket.portal_id, "ticket", ticket.pk, "update", list(changes), origin, actor=actor
    )
    if kind == "closed" and ticket.email:
        from tandem.desk import tasks

        enqueue_on_commit(tasks.send_rating_request, ticket.id)
    return ticket


@transaction.atomic
def do_delete_ticket(*, actor, ticket: Ticket, origin: str = DESK) -> None:
    agent = me(ticket.portal_id, actor)
    require_can_work(agent, ticket)
    files = [a.file.name for a in ticket.attachments.all()]
    pk, portal_id = ticket.pk, ticket.portal_id
    ticket.delete()
    record_change(portal_id, "ticket", pk, "delete", [], origin, actor=agent)
    from tandem.desk import tasks

    if files:
        enqueue_on_commit(tasks.delete_files, files)


@transaction.atomic
def do_set_crm_deal(*, actor, ticket: Ticket, deal: dict | None, origin: str = DESK) -> Ticket:
    """The integration shows a ticket's CRM deal (`{"id", "name", "amount", "stage"}` or None)."""
    agent = me(ticket.portal_id, actor)
    lock_ticket(ticket)
    require_can_see(agent, ticket)
    return apply_changes(ticket, {"crm_deal": deal}, actor=agent, origin=origin)


@transaction.atomic
def do_forget_crm_deals(*, portal_id: int, origin: str) -> int:
    """The CRM org that linked deals to this portal's tickets is no longer linked to it: the
    tickets stay, the deals leave them (each change in the ticket's history, by `origin`).
    No agent acts: the CRM person who switched portals was checked by the caller."""
    linked = Ticket.objects.filter(portal_id=portal_id, crm_deal__isnull=False)
    count = 0
    for ticket in linked.select_for_update().order_by("id"):
        apply_changes(ticket, {"crm_deal": None}, label="CRM integration", origin=origin)
        count += 1
    return count
