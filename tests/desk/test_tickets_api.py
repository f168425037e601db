"""Tickets through the API: fields, numbers, views, filters, search, sorting, pages, history."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.desk import actions
from tandem.desk.models import Contact, Ticket

from .conftest import problem

T = "/api/desk/v1/tickets"
FIELDS = {
    "id", "number", "subject", "description", "status", "priority", "channel", "department_id",
    "contact_id", "account_id", "product_id", "assignee_id", "due_date", "is_overdue",
    "is_escalated", "created_at", "first_response_at", "closed_at", "rating", "rating_url",
    "crm_deal", "cf",
}  # fmt: skip


def test_a_ticket_has_every_contract_field(desk, department):
    r = desk("agent").post(
        T,
        {
            "subject": "Cannot log in",
            "description": "<p>Help<script>alert(1)</script></p>",
            "priority": "High",
            "department_id": department("Support").id,
            "contact": {"last_name": "Doe", "email": "Jane@Example.com"},
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) >= FIELDS
    assert body["status"] == "Open" and body["channel"] == "API" and body["priority"] == "High"
    assert body["description"] == "<p>Help</p>"
    assert body["rating_url"].startswith("http") and "/desk/rate/" in body["rating_url"]
    contact = Contact.objects.get(pk=body["contact_id"])
    assert contact.email == "jane@example.com" and contact.last_name == "Doe"
    assert desk("agent").get(f"{T}/{body['id']}").json() == body


def test_an_inline_contact_with_a_known_email_is_reused(desk, ticket):
    r = desk("agent").post(T, {"subject": "Again", "contact": {"email": "cu@example.com"}})
    assert r.json()["contact_id"] == ticket.contact_id


def test_numbers_count_per_portal(make_ticket, other_ticket):
    first, second = make_ticket(), make_ticket()
    assert second.number == first.number + 1
    assert other_ticket.number == 1


def test_missing_subject_and_bad_choices_name_their_fields(desk):
    body = problem(desk("agent").post(T, {"priority": "Whenever", "department_id": 999999}), 400)
    assert {"subject", "priority", "department_id"} <= set(body["errors"])


def test_a_subject_is_one_line(desk):
    # It becomes the Subject header of every email about the ticket.
    r = desk("admin").post(T, {"subject": "Broken\r\nBcc: victim@evil.test  again"})
    assert r.status_code == 201 and r.json()["subject"] == "Broken Bcc: victim@evil.test again"


def test_an_agent_cannot_file_into_another_department(desk, department):
    r = desk("agent").post(T, {"subject": "x", "department_id": department("Billing").id})
    assert "department_id" in problem(r, 400)["errors"]


def test_update_field_closes_and_reopens(desk, ticket):
    client = desk("agent")
    closed = client.patch(f"{T}/{ticket.id}", {"status": "Closed"}).json()
    assert closed["status"] == "Closed" and closed["closed_at"]
    reopened = client.patch(f"{T}/{ticket.id}", {"status": "Open"}).json()
    assert reopened["closed_at"] is None


def test_every_change_is_in_the_history(desk, ticket):
    client = desk("agent")
    client.patch(f"{T}/{ticket.id}", {"priority": "Urgent", "subject": "Fire!"})
    history = client.get(f"{T}/{ticket.id}/history").json()["data"]
    assert [e["kind"] for e in history] == ["created", "updated"]
    changes = history[1]["changes"]
    assert changes["priority"] == ["Medium", "Urgent"]
    assert changes["subject"] == ["Printer is on fire", "Fire!"]
    # Support's SLA promises Urgent tickets sooner: the due date it set moves with the priority.
    assert set(changes) == {"priority", "subject", "due_date"}
    assert history[1]["actor_label"] == "agent@acme.test"


def test_unknown_fields_cannot_be_updated(desk, ticket):
    body = problem(desk("agent").patch(f"{T}/{ticket.id}", {"number": 5}), 400)
    assert body["errors"]


def test_custom_fields_are_typed(desk, admin, ticket):
    fields = [
        ("Serial", "text", []),
        ("Seats", "number", []),
        ("Bought", "date", []),
        ("Tier", "picklist", ["Free", "Pro"]),
    ]
    for label, kind, choices in fields:
        r = desk("admin").post(
            "/api/desk/v1/ticket-fields", {"label": label, "type": kind, "choices": choices}
        )
        assert r.status_code == 201, r.content
    client = desk("agent")
    good = {"serial": "A-1", "seats": "12", "bought": "2026-01-02", "tier": "Pro"}
    saved = client.patch(f"{T}/{ticket.id}", {"cf": good}).json()["cf"]
    assert saved == {**good, "seats": 12}
    bad = {"seats": "many", "bought": "soon", "tier": "Gold", "nope": 1}
    errors = problem(client.patch(f"{T}/{ticket.id}", {"cf": bad}), 400)["errors"]
    assert set(errors) == {"cf.seats", "cf.bought", "cf.tier", "cf.nope"}


@pytest.fixture
def assorted(make_ticket, admin):
    who = {"last_name": "Assorted", "email": "assorted@example.com"}
    t = {
        name: make_ticket(name, contact=who) for name in ("plain", "closed", "high", "late", "hot")
    }
    actions.do_update_ticket(actor=admin, ticket=t["closed"], data={"status": "Closed"})
    actions.do_update_ticket(actor=admin, ticket=t["high"], data={"priority": "Urgent"})
    actions.do_update_ticket(actor=admin, ticket=t["hot"], data={"is_escalated": True})
    Ticket.objects.filter(pk=t["late"].pk).update(due_date=timezone.now() - timedelta(hours=1))
    actions.do_sla_sweep()
    return t


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ("all", {"plain", "closed", "high", "late", "hot"}),
        ("open", {"plain", "high", "late", "hot"}),
        ("closed", {"closed"}),
        ("high_priority", {"high"}),
        ("overdue", {"late"}),
        ("escalated", {"hot"}),
    ],
)
def test_views(view, expected, desk, assorted):
    data = desk("agent").get(f"{T}?view={view}&email=assorted@example.com").json()["data"]
    assert {t["subject"] for t in data} == expected


def test_unknown_view_is_a_400(desk):
    assert "view" in problem(desk("agent").get(f"{T}?view=mine"), 400)["errors"]


def test_filters(desk, admin, make_ticket, agent_of, department):
    a = make_ticket("one", contact={"last_name": "A", "email": "a@x.test"})
    make_ticket("two", contact={"last_name": "B", "email": "b@x.test"})
    account = actions.do_save_account(actor=admin, portal=admin.portal, data={"account_name": "X"})
    actions.do_update_ticket(
        actor=admin,
        ticket=a,
        data={"account_id": account.id, "assignee_id": agent_of("agent@acme.test").id},
    )
    client = desk("admin")

    def subjects(query):
        return [t["subject"] for t in client.get(f"{T}?{query}").json()["data"]]

    assert subjects(f"contact_id={a.contact_id}") == ["one"]
    assert subjects(f"account_id={account.id}") == ["one"]
    assert subjects("email=A@x.test") == ["one"]
    assert subjects(f"assignee_id={agent_of('agent@acme.test').id}") == ["one"]
    billing = department("Billing").id
    assert "one" not in subjects(f"department_id={billing}&limit=200")
    assert subjects("q=tw&email=b@x.test") == ["two"]
    assert subjects(f"q=%23{a.number}") == ["one"]


def test_sorting_and_cursor_pages(desk, make_ticket):
    who = {"last_name": "Sorted", "email": "sorted@example.com"}
    made = [make_ticket(f"t{i}", contact=who) for i in range(5)]
    client = desk("agent")
    mine = "email=sorted@example.com&limit=2&sort=created_at"
    page1 = client.get(f"{T}?{mine}").json()
    assert [t["id"] for t in page1["data"]] == [made[0].id, made[1].id]
    page2 = client.get(f"{T}?{mine}&cursor={page1['info']['next_cursor']}")
    assert [t["id"] for t in page2.json()["data"]] == [made[2].id, made[3].id]
    newest = client.get(f"{T}?limit=1").json()["data"][0]
    assert newest["id"] == made[-1].id
    assert "sort" in problem(client.get(f"{T}?sort=colour"), 400)["errors"]


def test_ticket_list_costs_the_same_for_50_tickets(
    desk, make_ticket, django_assert_max_num_queries
):
    client = desk("agent")
    for i in range(50):
        make_ticket(f"t{i}")
    with django_assert_max_num_queries(6):
        assert len(client.get(f"{T}?limit=50").json()["data"]) == 50


def test_stats_for_a_contact_and_an_account(desk, admin, make_ticket):
    account = actions.do_save_account(actor=admin, portal=admin.portal, data={"account_name": "A"})
    contact = actions.do_save_contact(
        actor=admin, portal=admin.portal, data={"last_name": "C", "account_id": account.id}
    )
    one = make_ticket("one", contact_id=contact.id, contact=None)
    make_ticket("two", contact_id=contact.id, contact=None)
    actions.do_send_thread(actor=admin, ticket=one, action="reply", to=["c@x.test"], content="Hi")
    actions.do_update_ticket(actor=admin, ticket=one, data={"status": "Closed"})
    actions.do_rate_ticket(ticket=one, rating="good")
    for query in (f"contact_id={contact.id}", f"account_id={account.id}"):
        stats = desk("agent").get(f"/api/desk/v1/stats?{query}").json()
        assert stats["total"] == 2 and stats["open"] == 1 and stats["closed"] == 1
        assert stats["overdue"] == 0 and stats["ratings"] == {"good": 1, "okay": 0, "bad": 0}
        assert stats["avg_first_response_seconds"] is not None
        assert stats["avg_resolution_seconds"] is not None
    problem(desk("agent").get("/api/desk/v1/stats"), 400)


def test_overdue_the_moment_the_due_date_passes(desk, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(due_date=timezone.now() - timedelta(seconds=1))
    assert desk("agent").get(f"{T}/{ticket.id}").json()["is_overdue"] is True
    Ticket.objects.filter(pk=ticket.pk).update(status="Closed", is_open=False)
    assert desk("agent").get(f"{T}/{ticket.id}").json()["is_overdue"] is False


def test_a_new_contact_brings_their_account_and_address(desk, admin, ticket):
    account = actions.do_save_account(
        actor=admin, portal=admin.portal, data={"account_name": "Globex"}
    )
    contact = actions.do_save_contact(
        actor=admin,
        portal=admin.portal,
        data={"last_name": "Moved", "email": "moved@globex.test", "account_id": account.id},
    )
    r = desk("agent").patch(f"{T}/{ticket.id}", {"contact_id": contact.id})
    body = r.json()
    assert (body["contact_id"], body["account_id"]) == (contact.id, account.id)
    ticket.refresh_from_db()
    assert ticket.email == "moved@globex.test"
    # An account given with the contact wins over the contact's own.
    other = actions.do_save_contact(
        actor=admin, portal=admin.portal, data={"last_name": "Solo", "email": "solo@x.test"}
    )
    r = desk("agent").patch(f"{T}/{ticket.id}", {"contact_id": other.id, "account_id": account.id})
    assert (r.json()["contact_id"], r.json()["account_id"]) == (other.id, account.id)


def test_a_new_contact_without_email_or_account_takes_the_address_keeps_the_account(
    desk, admin, ticket
):
    account = actions.do_save_account(actor=admin, portal=admin.portal, data={"account_name": "K"})
    desk("agent").patch(f"{T}/{ticket.id}", {"account_id": account.id})
    bare = actions.do_save_contact(actor=admin, portal=admin.portal, data={"last_name": "Bare"})
    body = desk("agent").patch(f"{T}/{ticket.id}", {"contact_id": bare.id}).json()
    assert (body["contact_id"], body["account_id"]) == (bare.id, account.id)
    ticket.refresh_from_db()
    assert ticket.email == ""  # replies no longer go to the previous customer


def test_list_rows_are_exactly_what_ninja_and_pydantic_would_answer(desk, portal):
    """The list answers through web.api.page_response (no per-row pydantic): its JSON must be
    the schema's, byte for byte, for rows with every kind of value."""
    import json

    from ninja.responses import NinjaJSONEncoder

    from tandem.desk.queries.tickets import light_rows
    from tandem.desk.schemas import TicketRowOut
    from tandem.web.api import page_of

    ticket = Ticket.objects.filter(portal=portal).order_by("-id").first()
    Ticket.objects.filter(pk=ticket.pk).update(
        due_date=timezone.now() - timedelta(hours=1, microseconds=123456),
        is_escalated=True,
        crm_deal={"id": 7, "name": "Renewal · Ünïcode", "open": True},
        cf={"plan": "Gold"},
    )
    r = desk("admin").get(f"{T}?limit=5")
    assert r.status_code == 200 and r["Content-Type"] == "application/json; charset=utf-8"
    ids = [row["id"] for row in r.json()["data"]]
    assert ticket.pk in ids
    by_id = {t.pk: t for t in light_rows(Ticket.objects.filter(pk__in=ids))}
    rows = [by_id[pk] for pk in ids]
    envelope = {"data": rows, "info": {"next_cursor": r.json()["info"]["next_cursor"]}}
    expected = page_of(TicketRowOut).model_validate(envelope).model_dump()
    assert json.loads(r.content) == json.loads(json.dumps(expected, cls=NinjaJSONEncoder))
    assert r.content == json.dumps(expected, cls=NinjaJSONEncoder).encode()


def test_a_list_row_says_what_the_ticket_says_alone(desk, admin, make_ticket, agent_of):
    """List rows are read as plain values (queries.TicketRow), a ticket alone as a model: each
    field of a row must come out as GET tickets/{id} has it, for every kind of value."""
    plain = make_ticket("Plain", contact=None)
    full = make_ticket(
        "Full · Ünïcode <b>", description="<p>" + "é" * 300 + "</p>", priority="Urgent"
    )
    actions.do_update_ticket(
        actor=admin, ticket=full, data={"assignee_id": agent_of("agent@acme.test").id}
    )
    Ticket.objects.filter(pk=full.pk).update(
        due_date=timezone.now() - timedelta(hours=1, microseconds=123456),  # overdue, unswept
        is_escalated=True,
        crm_deal={"id": 7, "name": "Renewal", "amount": "900.00", "open": True},
        cf={"plan": "Gold", "seats": 12},
        first_response_at=timezone.now() - timedelta(minutes=5),
    )
    closed = make_ticket("Closed and rated")
    desk("agent").patch(f"{T}/{closed.id}", {"status": "Closed"})
    Ticket.objects.filter(pk=closed.pk).update(rating="good")
    client = desk("admin")
    rows = {row["id"]: row for row in client.get(f"{T}?limit=100").json()["data"]}
    for ticket in (plain, full, closed):
        alone = client.get(f"{T}/{ticket.id}").json()
        description = alone.pop("description")
        row = rows[ticket.id]
        assert row.pop("description_preview") == description[:200]
        assert row == alone
    assert rows[full.id]["is_overdue"] and rows[full.id]["assignee_id"] is not None
