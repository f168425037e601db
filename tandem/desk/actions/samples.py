"""Sample customers and tickets for a portal (the demo), written in bulk: a few dozen queries
instead of thousands, because every test that loads the demo pays for it. Still one
transaction, with ticket events and change-log rows like any other write."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.desk.actions._base import DESK, actor_id, bump, changes_appended, me, require_admin
from tandem.desk.models import (
    Account,
    Agent,
    Change,
    Comment,
    Contact,
    Department,
    Portal,
    SlaPolicy,
    Thread,
    Ticket,
    TicketEvent,
)

FIRST = ["Ana", "Ben", "Chloe", "Dario", "Eva", "Farid", "Greta", "Hugo", "Ines", "Jonas"]
LAST = ["Garcia", "Muller", "Smith", "Rossi", "Dubois", "Kowalski", "Silva", "Nakamura"]


def _changes(portal: Portal, entity: str, objs, now, actor) -> list[Change]:
    last = bump(portal.id, "last_change_seq", len(objs))
    first = last - len(objs) + 1
    return [
        Change(
            portal=portal,
            seq=first + i,
            entity=entity,
            entity_id=o.pk,
            op="create",
            fields=["sample"],
            origin=DESK,
            actor_id=actor_id(actor),
            created_at=now,
        )
        for i, o in enumerate(objs)
    ]


@transaction.atomic
def do_seed_samples(
    *, actor, portal: Portal, accounts: list[tuple[str, str]], subjects: list[str], seed: int = 7
) -> int:
    """Add 30 contacts over `accounts` and 36 tickets with replies, comments, ratings, some
    overdue and escalated. Returns the number of tickets made."""
    admin = me(portal, actor)
    require_admin(admin, _("load sample data"))
    rng, now = random.Random(seed), timezone.now()
    departments = list(Department.objects.filter(portal=portal).order_by("id"))
    agents = list(Agent.objects.filter(portal=portal, state="active").select_related("user"))
    repliers = [a for a in agents if a.can_reply]
    policies = {p.department_id: p for p in SlaPolicy.objects.filter(department__portal=portal)}
    has_plan = portal.ticket_fields.filter(name="plan").exists()
    made_accounts = Account.objects.bulk_create(
        Account(portal=portal, account_name=name, website=site, email=f"info@{site}")
        for name, site in accounts
    )
    contacts = Contact.objects.bulk_create(
        Contact(
            portal=portal,
            first_name=FIRST[i % len(FIRST)],
            last_name=LAST[i % len(LAST)],
            email=f"{FIRST[i % len(FIRST)].lower()}.{i}@{made_accounts[i % len(accounts)].website}",
            phone=f"+1 555 01{i:02d}",
            account=made_accounts[i % len(accounts)],
        )
        for i in range(30)
    )
    count = 36
    first_number = bump(portal.id, "last_ticket_number", count) - count + 1
    tickets = []
    for i in range(count):
        contact = contacts[i % len(contacts)]
        # Mostly recent, a few weeks old: some overdue, most not.
        created = now - timedelta(hours=rng.randint(2, 24 * 20 if i % 3 == 0 else 30))
        t = Ticket(
            portal=portal,
            number=first_number + i,
            subject=subjects[i % len(subjects)],
            description=f"<p>{subjects[i % len(subjects)]}. Please help.</p>",
            priority=rng.choice(["Low", "Medium", "Medium", "High", "Urgent"]),
            channel=rng.choice(["Email", "Web", "Phone"]),
            department=departments[1 if i % 4 == 3 and len(departments) > 1 else 0],
            contact=contact,
            account_id=contact.account_id,
            email=contact.email,
            created_at=created,
            updated_at=created,
            cf={"plan": rng.choice(["Free", "Pro"])} if has_plan else {},
        )
        policy = policies.get(t.department.id)
        if policy and policy.hours("resolution", t.priority):
            t.due_date = created + timedelta(hours=policy.hours("resolution", t.priority))
        if i % 3 != 2:
            t.first_response_at = created + timedelta(minutes=rng.randint(5, 600))
            t.first_response_seconds = int((t.first_response_at - created).total_seconds())
        if i % 5 == 1:
            t.status, t.closed_at = (
                "Closed",
                min(now, created + timedelta(hours=rng.randint(1, 40))),
            )
            t.resolution_seconds = int((t.closed_at - created).total_seconds())
            t.rating = rng.choice(["good", "good", "okay", "bad"])
            t.rated_at = t.closed_at
        t.sync_flags()
        t.is_overdue = t.is_open and t.due_date is not None and t.due_date <= now
        t.is_escalated = t.is_open and (i % 7 == 0 or (t.is_overdue and i % 2 == 0))
        tickets.append(t)
    Ticket.objects.bulk_create(tickets)
    threads, comments, events = [], [], []
    for i, t in enumerate(tickets):
        events.append(
            TicketEvent(
                ticket=t,
                actor=admin.user,
                actor_label=admin.user.email,
                kind="created",
                created_at=t.created_at,
            )
        )
        if t.first_response_at:
            author = repliers[i % len(repliers)]
            threads.append(
                Thread(
                    ticket=t,
                    action="reply",
                    author=author.user,
                    to=[t.email],
                    subject=f"Re: [#{t.number}] {t.subject}",
                    sent_at=t.first_response_at,
                    content="<p>Thanks for writing — we are looking into it.</p>",
                    message_id=f"<sample-{t.pk}@tandem.localhost>",
                    created_at=t.first_response_at,
                )
            )
            threads.append(
                Thread(
                    ticket=t,
                    action="incoming",
                    from_email=t.email,
                    to=[],
                    subject=f"Re: [#{t.number}] {t.subject}",
                    content="<p>Any news?</p>",
                    message_id=f"<sample-in-{t.pk}@example.test>",
                    in_reply_to=f"<sample-{t.pk}@tandem.localhost>",
                    created_at=t.first_response_at + timedelta(minutes=30),
                )
            )
            events.append(
                TicketEvent(
                    ticket=t,
                    actor=author.user,
                    actor_label=author.user.email,
                    kind="replied",
                    created_at=t.first_response_at,
                )
            )
        if i % 4 == 0:
            comments.append(
                Comment(
                    ticket=t,
                    author=admin.user,
                    content="<p>Checked the logs.</p>",
                    created_at=t.created_at + timedelta(minutes=1),
                )
            )
        for flag in ("is_overdue", "is_escalated"):
            if getattr(t, flag):
                events.append(
                    TicketEvent(
                        ticket=t, actor_label="SLA", kind="updated", changes={flag: [False, True]}
                    )
                )
        if t.rating:
            events.append(
                TicketEvent(
                    ticket=t,
                    actor_label=t.email,
                    kind="updated",
                    changes={"rating": [None, t.rating]},
                )
            )
    Thread.objects.bulk_create(threads)
    Comment.objects.bulk_create(comments)
    TicketEvent.objects.bulk_create(events)
    Change.objects.bulk_create(
        _changes(portal, "account", made_accounts, now, admin)
        + _changes(portal, "contact", contacts, now, admin)
        + _changes(portal, "ticket", tickets, now, admin)
    )
    changes_appended(portal.id)
    return count
