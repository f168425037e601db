"""Acting on Desk tickets from the CRM (I7, I16 to I21): the role matrix through the API, the
history under the person who acted, New Ticket with a typed contact and a file, deals linked
and unlinked as Desk sees them and kept current when the deal changes."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from tandem.desk import queries as desk

from .conftest import problem
from .tickets_helpers import *  # noqa: F403 (the fixtures)

CRM = "/api/crm/v1"
ONLY_COMMENT = {
    "sales@acme.test": "no active Desk account",
    "light@acme.test": "Light Agents can only comment",
}


@pytest.fixture
def one(contact_with_tickets):
    return contact_with_tickets[1][0]  # Support, Medium


@pytest.mark.parametrize("email", ["sales@acme.test", "light@acme.test"])
def test_no_desk_account_and_light_agents_may_only_comment(crm_api, one, email):
    client = crm_api(email)
    url = f"{CRM}/desk/tickets/{one.id}"
    for response in (
        client.patch(url, {"priority": "High"}),
        client.delete(url),
        client.post(f"{url}/threads", {"action": "reply_all", "content": "Hi"}),
        client.post(f"{url}/threads", {"action": "forward", "to": ["x@y.test"], "content": "Hi"}),
    ):
        assert ONLY_COMMENT[email] in problem(response, 403)["detail"]
    r = client.post(f"{url}/comments", {"content": "Customer called about renewal"})
    assert r.status_code == 201, r.content
    assert not mail.outbox
    assert desk.portal_ticket(one.portal_id, one.id).priority == "Medium"


def test_a_comment_without_a_desk_account_is_recorded_under_the_crm_person(crm_api, one):
    r = crm_api("sales@acme.test").post(
        f"{CRM}/desk/tickets/{one.id}/comments", {"content": "Renewal next week"}
    )
    assert r.json()["is_public"] is False
    last = list(desk.events_of(one))[-1]
    assert last.kind == "commented" and last.actor_label == "Sam Sales (CRM)"
    assert last.actor.email == "sales@acme.test"
    public = crm_api("sales@acme.test").post(
        f"{CRM}/desk/tickets/{one.id}/comments", {"content": "Hi", "is_public": True}
    )
    problem(public, 403)


def test_an_agent_replies_forwards_updates_and_closes_as_themselves(crm_api, one):
    agent = crm_api("agent@acme.test")
    url = f"{CRM}/desk/tickets/{one.id}"
    assert (
        agent.post(f"{url}/threads", {"action": "reply_all", "content": "On it"}).status_code == 201
    )
    r = agent.post(f"{url}/threads", {"action": "forward", "to": ["ops@x.test"], "content": "FYI"})
    assert r.status_code == 201
    r = agent.patch(url, {"priority": "High", "cf": {"plan": "Pro"}})
    assert r.status_code == 200 and r.json()["priority"] == "High", r.content
    assert agent.patch(url, {"status": "Closed"}).json()["status"] == "Closed"
    actors = {e.actor.email for e in desk.events_of(one) if e.kind != "created"}
    assert actors == {"agent@acme.test"}
    assert [t["action"] for t in agent.get(f"{url}/threads").json()["data"]] == [
        "reply_all",
        "forward",
    ]


def test_only_a_desk_admin_assigns_to_others(crm_api, one, agent):
    light = agent("light@acme.test")
    me = agent("agent@acme.test")
    url = f"{CRM}/desk/tickets/{one.id}"
    refused = problem(crm_api("agent@acme.test").patch(url, {"assignee_id": light.id}), 403)
    assert "Only a Desk administrator" in refused["detail"]
    assert crm_api("agent@acme.test").patch(url, {"assignee_id": me.id}).status_code == 200
    r = crm_api().patch(url, {"assignee_id": light.id})
    assert r.json()["assignee_id"] == light.id


def test_an_agent_outside_the_tickets_department_may_only_comment(crm_api, contact_with_tickets):
    billing = contact_with_tickets[1][1]
    client = crm_api("agent@acme.test")
    r = client.patch(f"{CRM}/desk/tickets/{billing.id}", {"priority": "High"})
    assert "department" in problem(r, 403)["detail"]
    assert (
        client.post(f"{CRM}/desk/tickets/{billing.id}/comments", {"content": "x"}).status_code
        == 201
    )


def test_delete_is_for_agents_and_removes_the_ticket(crm_api, one):
    problem(crm_api("light@acme.test").delete(f"{CRM}/desk/tickets/{one.id}"), 403)
    assert crm_api("agent@acme.test").delete(f"{CRM}/desk/tickets/{one.id}").status_code == 204
    problem(crm_api().get(f"{CRM}/desk/tickets/{one.id}"), 404)


def test_new_ticket_from_a_contact_with_a_typed_new_contact_and_a_file(crm_api, record):
    contact = record("Contacts", {"Last_Name": "Nia", "Email": "nia@x.test"})
    client = crm_api("agent@acme.test")
    url = f"{CRM}/Contacts/{contact.id}/tickets"
    r = client.post(url, {"subject": "From the CRM"})
    assert r.status_code == 201, r.content
    made = r.json()
    assert made["channel"] == "CRM" and made["email"] == "nia@x.test"
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("notes.txt", b"hello there", content_type="text/plain")
    r = client.client.post(
        url,
        {"subject": "With a file", "contact_last_name": "Otto", "contact_email": "otto@x.test",
         "file": upload},
        headers=client.headers,
    )  # fmt: skip
    assert r.status_code == 201, r.content
    ticket = desk.portal_ticket(desk.portal_by_slug("acme-support").id, r.json()["id"])
    assert ticket.contact.email == "otto@x.test"
    assert [a.name for a in desk.attachments_of(ticket)] == ["notes.txt"]
    problem(crm_api("light@acme.test").post(url, {"subject": "x"}), 403)
    problem(client.post(url, {"description": "no subject"}), 400)


def _deal(record, name="Renewal 2027", stage="Negotiation/Review"):
    return record("Deals", {"Deal_Name": name, "Amount": 12000, "Stage": stage})


def test_link_to_deals_then_desk_shows_the_deal_and_it_stays_current(
    crm_api, record, one, django_capture_on_commit_callbacks
):
    deal = _deal(record)
    agent = crm_api("agent@acme.test")
    r = agent.post(f"{CRM}/Deals/{deal.id}/tickets/link", {"ticket_ids": [one.id]})
    assert r.status_code == 200, r.content
    desk_side = desk.portal_ticket(one.portal_id, one.id).crm_deal
    assert desk_side["name"] == "Renewal 2027" and desk_side["stage"] == "Negotiation/Review"
    assert desk_side["open"] is True
    numbers = [t["number"] for t in crm_api().get(f"{CRM}/Deals/{deal.id}/tickets").json()["data"]]
    assert one.number in numbers
    with django_capture_on_commit_callbacks(execute=True):  # the CRM's change listener
        crm_api().patch(f"{CRM}/Deals/{deal.id}", {"Stage": "Closed Won", "Deal_Name": "Won it"})
    desk_side = desk.portal_ticket(one.portal_id, one.id).crm_deal
    assert desk_side["name"] == "Won it" and desk_side["stage"] == "Closed Won"
    assert desk_side["open"] is False
    r = agent.post(f"{CRM}/Deals/{deal.id}/tickets/unlink", {"ticket_ids": [one.id]})
    assert r.status_code == 200
    assert desk.portal_ticket(one.portal_id, one.id).crm_deal is None


def test_the_desk_api_shows_crm_deal(api, crm_api, record, one):
    deal = _deal(record)
    crm_api().post(f"{CRM}/Deals/{deal.id}/tickets/link", {"ticket_ids": [one.id]})
    body = (
        api("agent@acme.test", portal="acme-support").get(f"/api/desk/v1/tickets/{one.id}").json()
    )
    assert body["crm_deal"]["id"] == deal.id and body["crm_deal"]["amount"] == 12000


def test_a_deleted_deal_leaves_its_tickets(
    crm_api, record, one, django_capture_on_commit_callbacks
):
    deal = _deal(record)
    crm_api().post(f"{CRM}/Deals/{deal.id}/tickets/link", {"ticket_ids": [one.id]})
    with django_capture_on_commit_callbacks(execute=True):
        assert crm_api().delete(f"{CRM}/Deals/{deal.id}").status_code == 204
    assert desk.portal_ticket(one.portal_id, one.id).crm_deal is None


def test_linking_is_refused_to_light_agents_and_unknown_tickets(crm_api, record, one):
    deal = _deal(record)
    problem(
        crm_api("light@acme.test").post(
            f"{CRM}/Deals/{deal.id}/tickets/link", {"ticket_ids": [one.id]}
        ),
        403,
    )
    problem(crm_api().post(f"{CRM}/Deals/{deal.id}/tickets/link", {"ticket_ids": [10**12]}), 404)
    problem(crm_api().post(f"{CRM}/Deals/{deal.id}/tickets/unlink", {"ticket_ids": [one.id]}), 400)


def test_other_org_and_anonymous(api, crm_api, one, record):
    deal = _deal(record)
    for client, status in ((api(), 401), (crm_api("owner@other.test", "other"), 404)):
        assert client.get(f"{CRM}/desk/tickets/{one.id}").status_code == status
        assert (
            client.patch(f"{CRM}/desk/tickets/{one.id}", {"priority": "Low"}).status_code == status
        )
        r = client.post(f"{CRM}/Deals/{deal.id}/tickets/link", {"ticket_ids": [one.id]})
        assert r.status_code == status


def test_desk_offers_a_view_of_tickets_linked_to_open_deals(
    api, crm_api, record, one, person, django_capture_on_commit_callbacks
):
    deal = _deal(record)
    crm_api().post(f"{CRM}/Deals/{deal.id}/tickets/link", {"ticket_ids": [one.id]})
    desk_api = api("admin@acme.test", portal="acme-support")
    url = "/api/desk/v1/tickets?view=linked_open_deals"
    assert one.id in [t["id"] for t in desk_api.get(url).json()["data"]]
    with django_capture_on_commit_callbacks(execute=True):
        crm_api().patch(f"{CRM}/Deals/{deal.id}", {"Stage": "Closed Lost"})
    assert one.id not in [t["id"] for t in desk_api.get(url).json()["data"]]
    page = Client()
    page.force_login(person("agent@acme.test"))
    assert "Linked to open deals" in page.get("/desk/acme-support/tickets/").content.decode()
