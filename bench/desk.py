"""Desk at volume: 1,000,000 tickets over 100,000 contacts in one portal (issue 3's figures).

Data is generated once with bulk inserts (raw executemany) and kept in the bench database;
a second run reuses it. Timings are server time in process: Django's test client, a bearer
token, the real middleware and views."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from bench.harness import scenario, timed
from tandem.desk import actions, search
from tandem.desk.models import Account, Contact, Department, Portal, Ticket
from tandem.identity import tokens
from tandem.identity.models import User

SLUG = "bench-desk"
VIEWS = ["all", "open", "overdue", "closed", "escalated", "high_priority", "linked_open_deals"]
DEAL_EVERY = 200  # one open ticket in 200 is linked to an open CRM deal


def _sizes(quick: bool, tickets: int | None = None) -> tuple[int, int, int]:
    # (tickets, contacts, accounts): a contact per 10 tickets, an account per 10 contacts
    n = tickets or (20_000 if quick else 1_000_000)
    return n, max(10, n // 10), max(1, n // 100)


def _portal(admin, n_tickets: int = 1_000_000) -> Portal:
    """The bench portal of that size, kept between runs (`--tickets` picks another)."""
    slug = SLUG if n_tickets == 1_000_000 else f"{SLUG}-{n_tickets}"
    portal = Portal.objects.filter(slug=slug).first()
    if portal is None:
        portal = actions.do_create_portal(actor=admin, name=f"Bench {n_tickets:,}", slug=slug)
        actions.do_create_department(actor=admin, portal=portal, name="Billing")
    return portal


def _insert(table: str, columns: list[str], rows) -> None:
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _generate(portal: Portal, n_tickets: int, n_contacts: int, n_accounts: int, console) -> None:
    rng = random.Random(1)
    now = timezone.now()
    departments = list(Department.objects.filter(portal=portal).values_list("id", flat=True))
    with transaction.atomic():
        _insert(
            "desk_account",
            ["portal_id", "account_name", "email", "website", "phone", "created_at", "updated_at"],
            (
                (portal.id, f"Account {i}", f"info@a{i}.test", f"a{i}.test", "", now, now)
                for i in range(n_accounts)
            ),
        )
    first_account = Account.objects.filter(portal=portal).order_by("id").first().id
    with transaction.atomic():
        _insert(
            "desk_contact",
            [
                "portal_id",
                "first_name",
                "last_name",
                "email",
                "secondary_email",
                "phone",
                "mobile",
                "account_id",
                "created_at",
                "updated_at",
            ],
            (
                (
                    portal.id,
                    "Pat",
                    f"Customer {i}",
                    f"c{i}@customers.test",
                    "",
                    "",
                    "",
                    first_account + i % n_accounts,
                    now,
                    now,
                )
                for i in range(n_contacts)
            ),
        )
    first_contact = Contact.objects.filter(portal=portal).order_by("id").first().id
    columns = [
        "portal_id",
        "number",
        "subject",
        "description",
        "status",
        "priority",
        "channel",
        "department_id",
        "contact_id",
        "account_id",
        "email",
        "due_date",
        "is_overdue",
        "is_escalated",
        "is_open",
        "is_high_priority",
        "created_at",
        "updated_at",
        "first_response_at",
        "first_response_seconds",
        "closed_at",
        "resolution_seconds",
        "rating",
        "rating_comment",
        "cf",
        "message_id",
    ]
    statuses = ["Open", "Open", "On Hold", "Closed", "Closed", "Closed"]
    priorities = ["Low", "Medium", "Medium", "High", "Urgent"]

    def rows(start: int, stop: int):
        for i in range(start, stop):
            c = rng.randrange(n_contacts)
            status, priority = rng.choice(statuses), rng.choice(priorities)
            created = now - timedelta(minutes=(n_tickets - i) * 2)
            due = created + timedelta(hours=72)
            is_open = status != "Closed"
            responded = rng.random() < 0.8
            closed = created + timedelta(hours=rng.randint(1, 100)) if not is_open else None
            yield (
                portal.id,
                i + 1,
                f"Problem number {i}",
                "",
                status,
                priority,
                "Email",
                departments[i % len(departments)],
                first_contact + c,
                first_account + c % n_accounts,
                f"c{c}@customers.test",
                due,
                is_open and due < now,
                is_open and rng.random() < 0.05,
                is_open,
                priority in ("High", "Urgent"),
                created,
                created,
                created + timedelta(minutes=30) if responded else None,
                1800 if responded else None,
                closed,
                int((closed - created).total_seconds()) if closed else None,
                rng.choice([None, None, "good", "okay", "bad"]) if closed else None,
                "",
                "{}",
                "",
            )

    batch = 50_000
    started = time.perf_counter()
    # Like any bulk load: the search index is built once at the end, not row by row.
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS desk_ticket_search_ai")
    for start in range(0, n_tickets, batch):
        with transaction.atomic():
            _insert("desk_ticket", columns, rows(start, min(n_tickets, start + batch)))
        console.print(f"  {min(n_tickets, start + batch):,} tickets", end="\r")
    search.repair()  # the trigger back, and the index rebuilt from the tickets
    Portal.objects.filter(pk=portal.pk).update(last_ticket_number=n_tickets)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    console.print(f"  generated in {time.perf_counter() - started:.1f} s")


def link_deals(portal: Portal) -> None:
    """Link one open ticket in DEAL_EVERY to an open deal, as the CRM integration does (once:
    the bench database keeps them), so "Linked to open deals" lists tickets, not none."""
    mine = Ticket.objects.filter(portal=portal)
    if mine.filter(has_open_deal=True).exists():
        return
    ids = list(mine.filter(is_open=True).order_by("id").values_list("id", flat=True))[::DEAL_EVERY]
    deal = {"id": 1, "name": "Renewal", "amount": "12000.00", "stage": "Proposal", "open": True}
    with transaction.atomic():
        for start in range(0, len(ids), 500):
            mine.filter(id__in=ids[start : start + 500]).update(crm_deal=deal, has_open_deal=True)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # figures for the view's indexes, as ANALYZE would
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone():
                cursor.execute("ANALYZE desk_t_deal_p")
                cursor.execute("ANALYZE desk_t_deal_due_p")


@scenario("desk", "Desk at 1M tickets / 100k contacts: list views, customer tickets, stats, create")
def desk(rec, *, quick: bool, console, tickets: int | None = None) -> None:
    n_tickets, n_contacts, n_accounts = _sizes(quick, tickets)
    admin = User.objects.filter(email="bench@desk.test").first() or User.objects.create_user(
        "bench@desk.test", "bench-desk-password", name="Bench Admin"
    )
    portal = _portal(admin, n_tickets)
    have = Ticket.objects.filter(portal=portal).count()
    if have < n_tickets:
        Ticket.objects.filter(portal=portal).delete()
        Contact.objects.filter(portal=portal).delete()
        Account.objects.filter(portal=portal).delete()
        started = time.perf_counter()
        _generate(portal, n_tickets, n_contacts, n_accounts, console)
        rec.value("data generation", time.perf_counter() - started, "s", note=f"{n_tickets:,}")
    link_deals(portal)
    _token, secret = tokens.do_create_token(actor=admin, kind="desk", tenant_id=portal.id)
    client = Client()
    client.force_login(admin)
    headers = {"Authorization": f"Bearer {secret}"}
    repeat = 50 if quick else 200
    rng = random.Random(2)
    contact_ids = list(
        Contact.objects.filter(portal=portal).values_list("id", flat=True)[
            :: max(1, n_contacts // 500)
        ]
    )
    account_ids = list(
        Account.objects.filter(portal=portal).values_list("id", flat=True)[
            :: max(1, n_accounts // 500)
        ]
    )

    def get(path: str, api: bool = True):
        response = client.get(path, headers=headers if api else {})
        assert response.status_code == 200, (path, response.content[:300])

    for view in VIEWS:
        rec.latency(
            f"API tickets?view={view}",
            timed(lambda v=view: get(f"/api/desk/v1/tickets?view={v}"), repeat),
            target_ms=50,
        )
        rec.latency(
            f"page tickets?view={view}",
            timed(
                lambda v=view: get(f"/desk/{portal.slug}/tickets/?view={v}", api=False), repeat // 2
            ),
            target_ms=50,
        )
    # Subject search: a text in one ticket is looked up in the trigram index; a common one
    # finds a page among the newest tickets.
    rec.latency(
        "API tickets?q=(a rare subject)",
        timed(
            lambda: get(
                f"/api/desk/v1/tickets?q=number {rng.randrange(n_tickets // 10, n_tickets)}"
            ),
            repeat,
        ),
        target_ms=50,
    )
    rec.latency(
        "page tickets?q=(a common word)",
        timed(lambda: get(f"/desk/{portal.slug}/tickets/?q=problem", api=False), repeat // 2),
        target_ms=50,
    )
    rec.latency(
        "API tickets?contact_id",
        timed(lambda: get(f"/api/desk/v1/tickets?contact_id={rng.choice(contact_ids)}"), repeat),
        target_ms=50,
    )
    rec.latency(
        "API tickets?account_id",
        timed(lambda: get(f"/api/desk/v1/tickets?account_id={rng.choice(account_ids)}"), repeat),
        target_ms=50,
    )
    rec.latency(
        "page tickets?contact_id",
        timed(
            lambda: get(
                f"/desk/{portal.slug}/tickets/?contact_id={rng.choice(contact_ids)}", api=False
            ),
            repeat // 2,
        ),
        target_ms=50,
    )
    for kind, ids in (("contact", contact_ids), ("account", account_ids)):
        rec.latency(
            f"page {kind} (tickets, stats, charts)",
            timed(
                lambda k=kind, i=ids: get(f"/desk/{portal.slug}/{k}s/{rng.choice(i)}/", api=False),
                repeat // 2,
            ),
            target_ms=50,
        )
    rec.latency(
        "API stats?contact_id",
        timed(lambda: get(f"/api/desk/v1/stats?contact_id={rng.choice(contact_ids)}"), repeat),
        target_ms=10,
    )
    rec.latency(
        "API stats?account_id",
        timed(lambda: get(f"/api/desk/v1/stats?account_id={rng.choice(account_ids)}"), repeat),
        target_ms=10,
    )

    def create():
        response = client.post(
            "/api/desk/v1/tickets",
            {"subject": "Bench ticket", "contact_id": rng.choice(contact_ids), "priority": "High"},
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 201, response.content[:300]

    rec.latency("API POST tickets", timed(create, repeat), target_ms=20)
