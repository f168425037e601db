"""The role matrix of issue 3 §2, through the API (the actions decide, so the UI agrees)."""

import pytest
from django.core import mail

from tandem.desk.models import Comment, Thread, Ticket

from .conftest import problem

T = "/api/desk/v1/tickets"
REPLY = {"action": "reply", "content": "<p>We are on it.</p>"}


@pytest.mark.parametrize(
    ("who", "status"), [("admin", 201), ("agent", 201), ("light", 403)], ids=str
)
def test_who_may_reply(who, status, desk, ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = desk(who).post(f"{T}/{ticket.id}/threads", REPLY)
    assert r.status_code == status, r.content
    if status == 403:
        assert "only comment" in r.json()["detail"]
        assert not mail.outbox and not Thread.objects.filter(ticket=ticket).exists()
    else:
        assert len(mail.outbox) == 1


@pytest.mark.parametrize("who", ["admin", "agent", "light"])
def test_everyone_in_the_department_may_comment(who, desk, ticket):
    r = desk(who).post(f"{T}/{ticket.id}/comments", {"content": "Looked at it", "is_public": False})
    assert r.status_code == 201, r.content
    assert Comment.objects.filter(ticket=ticket).count() == 1


@pytest.mark.parametrize("who", ["admin", "agent"])
def test_admins_and_agents_forward(who, desk, ticket):
    body = {"action": "forward", "to": ["expert@partner.test"], "content": "Can you help?"}
    assert desk(who).post(f"{T}/{ticket.id}/threads", body).status_code == 201


def test_light_agent_cannot_forward(desk, ticket):
    body = {"action": "forward", "to": ["expert@partner.test"], "content": "Can you help?"}
    problem(desk("light").post(f"{T}/{ticket.id}/threads", body), 403)


@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("agent", 200), ("light", 403)])
def test_who_may_update_fields(who, status, desk, ticket):
    r = desk(who).patch(f"{T}/{ticket.id}", {"priority": "High"})
    assert r.status_code == status
    ticket.refresh_from_db()
    assert (ticket.priority == "High") == (status == 200)


@pytest.mark.parametrize(("who", "status"), [("admin", 201), ("agent", 201), ("light", 403)])
def test_who_may_create_tickets(who, status, desk):
    r = desk(who).post(T, {"subject": "New one", "contact": {"last_name": "X", "email": "x@y.z"}})
    assert r.status_code == status


def test_only_an_admin_assigns_to_others(desk, agent_of, ticket):
    light = agent_of("light@acme.test")
    agent = agent_of("agent@acme.test")
    body = problem(desk("agent").patch(f"{T}/{ticket.id}", {"assignee_id": light.id}), 403)
    assert "administrator" in body["detail"]
    assert desk("agent").patch(f"{T}/{ticket.id}", {"assignee_id": agent.id}).status_code == 200
    assert desk("admin").patch(f"{T}/{ticket.id}", {"assignee_id": light.id}).status_code == 200
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == light.id


@pytest.mark.parametrize(("who", "status"), [("admin", 204), ("agent", 204), ("light", 403)])
def test_who_may_delete(who, status, desk, ticket):
    assert desk(who).delete(f"{T}/{ticket.id}").status_code == status
    assert Ticket.objects.filter(pk=ticket.pk).exists() == (status == 403)


@pytest.mark.parametrize("who", ["agent", "light"])
def test_other_departments_tickets_are_invisible(who, desk, billing_ticket):
    client = desk(who)
    problem(client.get(f"{T}/{billing_ticket.id}"), 404)
    problem(client.post(f"{T}/{billing_ticket.id}/comments", {"content": "hi"}), 404)
    assert billing_ticket.id not in [t["id"] for t in client.get(T).json()["data"]]


def test_admin_sees_every_department(desk, billing_ticket):
    assert desk("admin").get(f"{T}/{billing_ticket.id}").status_code == 200


@pytest.mark.parametrize("who", ["admin", "agent", "light"])
def test_other_portals_tickets_are_404(who, desk, other_ticket):
    client = desk(who)
    problem(client.get(f"{T}/{other_ticket.id}"), 404)
    problem(client.patch(f"{T}/{other_ticket.id}", {"priority": "Low"}), 404)
    problem(client.delete(f"{T}/{other_ticket.id}"), 404)
    problem(client.post(f"{T}/{other_ticket.id}/comments", {"content": "x"}), 404)
    problem(client.post(f"{T}/{other_ticket.id}/threads", REPLY), 404)
    problem(client.get(f"{T}/{other_ticket.id}/attachments"), 404)
    assert Ticket.objects.get(pk=other_ticket.pk).priority == "Medium"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/desk/v1/departments", {"name": "Sales"}),
        ("post", "/api/desk/v1/agents", {"email": "new@acme.test", "role": "agent"}),
        ("post", "/api/desk/v1/zsc-key", None),
        ("post", "/api/desk/v1/ticket-fields", {"label": "Serial", "type": "text"}),
        ("post", "/api/desk/v1/products", {"product_name": "Gizmo"}),
    ],
)
@pytest.mark.parametrize("who", ["agent", "light"])
def test_setup_is_for_admins(who, method, path, body, desk):
    r = getattr(desk(who), method)(path, body)
    assert "administrator" in problem(r, 403)["detail"]


def test_light_agent_cannot_change_customers(desk):
    problem(desk("light").post("/api/desk/v1/contacts", {"last_name": "Nope"}), 403)
    assert desk("agent").post("/api/desk/v1/contacts", {"last_name": "Yes"}).status_code == 201


def test_deactivated_agent_is_locked_out(desk, agent_of, admin):
    from tandem.desk import actions

    client = desk("agent")
    actions.do_set_agent_state(actor=admin, agent=agent_of("agent@acme.test"), active=False)
    problem(client.get(T), 401)


def test_another_portals_customer_shows_nothing(desk, other_portal, person):
    from tandem.desk import actions

    owner = person("owner@other.test")
    theirs = actions.do_create_ticket(
        actor=owner,
        portal=other_portal,
        data={"subject": "Theirs", "contact": {"last_name": "T", "email": "t@other.test"}},
    )
    client = desk("admin")
    assert client.get(f"{T}?contact_id={theirs.contact_id}").json()["data"] == []
    assert client.get(f"/api/desk/v1/stats?contact_id={theirs.contact_id}").json()["total"] == 0


def test_agent_sees_only_its_departments_tickets_of_a_customer(desk, make_ticket):
    who = {"last_name": "Both", "email": "both@example.com"}
    support, billing = make_ticket("s", contact=who), make_ticket("b", dept="Billing", contact=who)
    ids = [
        t["id"] for t in desk("agent").get(f"{T}?contact_id={support.contact_id}").json()["data"]
    ]
    assert support.id in ids and billing.id not in ids
    stats = desk("agent").get(f"/api/desk/v1/stats?contact_id={support.contact_id}").json()
    assert stats["total"] == 1
    assert desk("admin").get(f"/api/desk/v1/stats?contact_id={support.contact_id}").json()[
        "total"] == 2  # fmt: skip
