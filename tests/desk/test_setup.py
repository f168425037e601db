"""Setup: invitations, agents, the ZSC key, SLA policies."""

import re

from django.core import mail
from django.test import Client

from tandem.desk import actions, queries
from tandem.desk.models import Agent
from tandem.identity.models import User

from .conftest import problem

API = "/api/desk/v1"


def invite(desk, capture, email, role="agent", **extra):
    with capture(execute=True):
        return desk("admin").post(f"{API}/agents", {"email": email, "role": role, **extra})


def link_in(message) -> str:
    return re.search(r"http://\S+/desk/invitation/\S+/", message.body).group(0)


def test_a_new_person_activates_from_the_email(
    desk, department, django_capture_on_commit_callbacks
):
    ids = [department("Billing").id]
    r = invite(desk, django_capture_on_commit_callbacks, "Newbie@Acme.test", department_ids=ids)
    assert r.status_code == 201, r.content
    assert r.json()["state"] == "invited" and r.json()["department_ids"] == ids
    path = link_in(mail.outbox[0]).split("8000", 1)[1]
    client = Client()
    assert client.get(path).status_code == 200
    short = client.post(path, {"name": "New Bie", "password": "x"})
    assert short.status_code == 200 and Agent.objects.get(pk=r.json()["id"]).state == "invited"
    done = client.post(path, {"name": "New Bie", "password": "a-long-enough-secret-77"})
    assert done.status_code == 302
    agent = Agent.objects.get(pk=r.json()["id"])
    assert agent.state == "active" and agent.user.name == "New Bie"
    assert client.get(path).status_code == 404  # used


def test_an_existing_person_just_accepts(desk, person, django_capture_on_commit_callbacks):
    r = invite(desk, django_capture_on_commit_callbacks, "sales@acme.test", role="light_agent")
    path = link_in(mail.outbox[0]).split("8000", 1)[1]
    stranger = Client()
    stranger.force_login(person("owner@other.test"))
    assert stranger.post(path).status_code == 200  # refused: wrong person
    client = Client()
    client.force_login(person("sales@acme.test"))
    assert client.post(path).status_code == 302
    assert Agent.objects.get(pk=r.json()["id"]).state == "active"


def test_inviting_an_active_agent_is_a_conflict(desk, django_capture_on_commit_callbacks):
    problem(invite(desk, django_capture_on_commit_callbacks, "agent@acme.test"), 409)


def test_deactivate_and_change_roles(desk, agent_of):
    agent = agent_of("agent@acme.test")
    client = desk("admin")
    assert client.patch(f"{API}/agents/{agent.id}", {"role": "light_agent"}).json()["role"] == (
        "light_agent"
    )
    assert client.delete(f"{API}/agents/{agent.id}").status_code == 204
    assert client.get(f"{API}/agents/{agent.id}").json()["state"] == "deactivated"
    back = client.patch(f"{API}/agents/{agent.id}", {"state": "active"}).json()
    assert back["state"] == "active"


def test_the_last_admin_cannot_step_down(desk, admin):
    problem(desk("admin").patch(f"{API}/agents/{admin.id}", {"role": "agent"}), 409)
    problem(desk("admin").delete(f"{API}/agents/{admin.id}"), 409)


def test_zsc_key_is_shown_once_and_regenerating_revokes(desk, portal):
    client = desk("admin")
    first = client.post(f"{API}/zsc-key").json()["zsc_key"]
    assert queries.verify_zsc_key("admin@acme.test", first) == portal
    assert queries.verify_zsc_key("agent@acme.test", first) is None
    assert queries.verify_zsc_key("admin@acme.test", "zsc_wrong") is None
    second = client.post(f"{API}/zsc-key").json()["zsc_key"]
    assert queries.verify_zsc_key("admin@acme.test", first) is None
    assert queries.verify_zsc_key("ADMIN@acme.test", second) == portal
    portal.refresh_from_db()
    assert second not in (portal.zsc_key_hash, portal.zsc_key_prefix)


def test_sla_policy_sets_due_dates(desk, department, make_ticket):
    support = department("Support")
    body = {"first_response_hours": {"High": 2}, "resolution_hours": {"High": 8, "Low": 48}}
    r = desk("admin").put(f"{API}/departments/{support.id}/sla", body)
    assert r.status_code == 200, r.content
    ticket = make_ticket(priority="High")
    assert (ticket.due_date - ticket.created_at).total_seconds() == 8 * 3600
    assert (ticket.response_due_at - ticket.created_at).total_seconds() == 2 * 3600
    bad = desk("admin").put(f"{API}/departments/{support.id}/sla", {"resolution_hours": {"X": 1}})
    assert "resolution_hours" in problem(bad, 400)["errors"]


def test_a_due_date_given_overrides_the_policy(admin, department, make_ticket):
    actions.do_set_sla(
        actor=admin,
        department=department("Support"),
        first_response_hours={},
        resolution_hours={"Medium": 4},
    )
    ticket = make_ticket(due_date="2030-01-01T10:00:00+00:00")
    assert ticket.due_date.year == 2030


def test_new_person_has_no_password_until_activation(desk, django_capture_on_commit_callbacks):
    invite(desk, django_capture_on_commit_callbacks, "fresh@acme.test")
    assert not User.objects.get(email="fresh@acme.test").has_usable_password()


def test_ticket_fields_are_listed_and_removed_by_admins(desk):
    made = desk("admin").post(f"{API}/ticket-fields", {"label": "Serial", "type": "text"}).json()
    assert made["name"] in [
        f["name"] for f in desk("agent").get(f"{API}/ticket-fields").json()["data"]
    ]
    problem(desk("agent").delete(f"{API}/ticket-fields/{made['id']}"), 403)
    assert desk("admin").delete(f"{API}/ticket-fields/{made['id']}").status_code == 204
    problem(desk("admin").delete(f"{API}/ticket-fields/{made['id']}"), 404)
