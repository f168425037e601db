"""I6 and I7: CRM users and mutual users; inviting CRM users into the portal with a role, by
Desk's own invitation (email in their language, activation link)."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client

from tandem.desk import actions as desk_actions

from .conftest import INTEGRATION, problem


def _rows(client) -> dict:
    return {row["email"]: row for row in client.get(f"{INTEGRATION}/users").json()["data"]}


def test_users_lists_mutual_users_with_their_role_and_the_rest(crm_api):
    rows = _rows(crm_api())
    assert (
        rows["admin@acme.test"]["desk"] == "mutual" and rows["admin@acme.test"]["role"] == "admin"
    )
    assert rows["light@acme.test"]["role"] == "light_agent"
    assert rows["sales@acme.test"] == {
        "user_id": rows["sales@acme.test"]["user_id"],
        "email": "sales@acme.test",
        "name": "Sam Sales",
        "desk": "none",
        "role": None,
    }
    assert "owner@other.test" not in rows


def test_an_invited_user_gets_an_email_and_activates_into_desk(
    crm_api, person, agent, django_capture_on_commit_callbacks
):
    client = crm_api()
    sales = _rows(client)["sales@acme.test"]
    person_sales = person("sales@acme.test")
    person_sales.language = "de"
    person_sales.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            f"{INTEGRATION}/invitations", {"user_ids": [sales["user_id"]], "role": "light_agent"}
        )
    assert r.status_code == 201, r.content
    assert r.json()["data"][0]["desk"] == "invited"
    assert _rows(client)["sales@acme.test"]["desk"] == "invited"
    [message] = mail.outbox
    assert message.to == ["sales@acme.test"]
    assert "lädt Sie" in message.subject  # in the invited person's language
    url = re.search(r"https?://\S+/desk/invitation/\S+/", message.body).group(0)
    browser = Client()
    browser.force_login(person("sales@acme.test"))
    path = url.split("://", 1)[1].split("/", 1)[1]
    page = browser.get("/" + path)
    assert page.status_code == 200
    token = path.rstrip("/").rsplit("/", 1)[1]
    desk_actions.do_accept_invitation(token=token, user=person("sales@acme.test"))
    row = _rows(client)["sales@acme.test"]
    assert row["desk"] == "mutual" and row["role"] == "light_agent"
    assert agent("sales@acme.test").role == "light_agent"


def test_invitations_with_departments(crm_api, agent):
    from tandem.desk import queries as desk

    billing = desk.departments_of(desk.portal_by_slug("acme-support")).get(name="Billing")
    client = crm_api()
    sales = _rows(client)["sales@acme.test"]
    r = client.post(
        f"{INTEGRATION}/invitations",
        {"user_ids": [sales["user_id"]], "role": "agent", "department_ids": [billing.id]},
    )
    assert r.status_code == 201, r.content
    assert agent("sales@acme.test").department_ids() == {billing.id}


def test_inviting_someone_outside_the_org_or_no_one_is_refused(crm_api, person):
    client = crm_api()
    outsider = person("owner@other.test").id
    for ids in ([outsider], [], [10**30]):
        r = client.post(f"{INTEGRATION}/invitations", {"user_ids": ids, "role": "agent"})
        assert r.status_code == 400, r.content
    assert not mail.outbox


def test_an_unknown_role_or_department_is_refused_and_invites_no_one(crm_api):
    client = crm_api()
    sales = _rows(client)["sales@acme.test"]["user_id"]
    problem(client.post(f"{INTEGRATION}/invitations", {"user_ids": [sales], "role": "boss"}), 400)
    r = client.post(
        f"{INTEGRATION}/invitations",
        {"user_ids": [sales], "role": "agent", "department_ids": [999999]},
    )
    assert "department_ids" in problem(r, 400)["errors"]
    assert _rows(client)["sales@acme.test"]["desk"] == "none"
    assert not mail.outbox


def test_inviting_a_mutual_user_is_a_conflict(crm_api):
    client = crm_api()
    light = _rows(client)["light@acme.test"]["user_id"]
    r = client.post(f"{INTEGRATION}/invitations", {"user_ids": [light], "role": "agent"})
    assert "already an agent" in problem(r, 409)["detail"]


def test_no_invitations_while_the_integration_is_off(crm_api):
    client = crm_api()
    client.delete(INTEGRATION)
    sales = _rows(client)["sales@acme.test"]
    assert sales["desk"] == "none"
    r = client.post(f"{INTEGRATION}/invitations", {"user_ids": [sales["user_id"]], "role": "agent"})
    problem(r, 409)
