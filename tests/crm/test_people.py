"""Users and profiles: invitations by email, activation, deactivation, permissions enforced."""

import re

from django.core import mail
from django.test import Client

from tandem.crm.models import OrgUser, Profile
from tandem.identity.models import User

from .conftest import problem

BASE = "/api/crm/v1"


def _link(message) -> str:
    return re.search(r"http://\S+/crm/invitations/\S+/", message.body).group(0).split("8000", 1)[1]


def test_invited_newcomer_activates_from_the_email(
    admin_api, acme, django_capture_on_commit_callbacks, immediate_tasks
):
    standard = Profile.objects.get(org=acme, name="Standard")
    with django_capture_on_commit_callbacks(execute=True):
        invited = admin_api.post(
            f"{BASE}/users", {"email": "New@Acme.test", "profile_id": standard.pk}
        )
    assert invited.status_code == 201, invited.content
    assert invited.json()["state"] == "invited"
    [message] = [m for m in mail.outbox if "new@acme.test" in m.to]
    assert "Acme" in message.subject
    link = _link(message)
    browser = Client()
    assert browser.get(link).status_code == 200
    refused = browser.post(link, {"name": "Nina New", "password": "short"})
    assert refused.status_code == 200
    assert OrgUser.objects.get(org=acme, user__email="new@acme.test").state == "invited"
    accepted = browser.post(link, {"name": "Nina New", "password": "a-long-secret-42"})
    assert accepted.status_code == 302
    member = OrgUser.objects.get(org=acme, user__email="new@acme.test")
    assert member.state == "active" and member.user.name == "Nina New"
    assert browser.get("/crm/acme/").status_code == 200  # signed in by the activation
    assert browser.get(link).status_code == 404  # used once


def test_existing_person_just_accepts(
    admin_api, person, acme, django_capture_on_commit_callbacks, immediate_tasks
):
    owner = person("owner@other.test")
    with django_capture_on_commit_callbacks(execute=True):
        admin_api.post(f"{BASE}/users", {"email": owner.email, "profile": "Standard"})
    link = _link(next(m for m in mail.outbox if owner.email in m.to))
    browser = Client()
    browser.force_login(owner)
    assert browser.get("/crm/acme/").status_code == 404  # not a member until accepted
    assert browser.post(link).status_code == 302
    assert browser.get("/crm/acme/").status_code == 200
    assert not User.objects.get(pk=owner.pk).check_password("something-else")


def test_standard_user_cannot_invite_or_manage(sales_api, acme, person):
    body = problem(
        sales_api.post(f"{BASE}/users", {"email": "x@acme.test", "profile": "Standard"}), 403
    )
    assert "manage users" in body["detail"]
    agent = person("agent@acme.test")
    problem(sales_api.patch(f"{BASE}/users/{agent.id}", {"state": "deactivated"}), 403)
    problem(sales_api.post(f"{BASE}/profiles", {"name": "Mine"}), 403)


def test_deactivated_user_loses_access(admin_api, api, person):
    sales_api = api("sales@acme.test", org="acme")
    sales = person("sales@acme.test")
    response = admin_api.patch(f"{BASE}/users/{sales.id}", {"state": "deactivated"})
    assert response.json()["state"] == "deactivated"
    assert sales_api.get(f"{BASE}/Contacts").status_code == 401
    browser = Client()
    browser.force_login(sales)
    assert browser.get("/crm/acme/").status_code == 404
    admin_api.patch(f"{BASE}/users/{sales.id}", {"state": "active"})
    assert browser.get("/crm/acme/").status_code == 200


def test_the_last_administrator_stays(admin_api, person, acme):
    admin = person("admin@acme.test")
    problem(admin_api.patch(f"{BASE}/users/{admin.id}", {"state": "deactivated"}), 409)
    standard = Profile.objects.get(org=acme, name="Standard")
    problem(admin_api.patch(f"{BASE}/users/{admin.id}", {"profile_id": standard.pk}), 409)


def test_a_custom_profile_limits_what_its_users_may_do(admin_api, api, person, acme):
    created = admin_api.post(
        f"{BASE}/profiles",
        {
            "name": "Read only contacts",
            "features": ["import_export"],
            "module_permissions": {"Contacts": ["view"], "Accounts": ["view", "create", "edit"]},
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["module_permissions"]["Accounts"] == ["view", "create", "edit"]
    light = person("light@acme.test")
    admin_api.patch(f"{BASE}/users/{light.id}", {"profile_id": created.json()["id"]})
    light_api = api("light@acme.test", org="acme")
    assert light_api.get(f"{BASE}/Contacts").status_code == 200
    body = problem(light_api.post(f"{BASE}/Contacts", {"Last_Name": "No"}), 403)
    assert "Read only contacts" in body["detail"] and "create Contacts" in body["detail"]
    some_contact = light_api.get(f"{BASE}/Contacts?limit=1").json()["data"][0]
    problem(light_api.patch(f"{BASE}/Contacts/{some_contact['id']}", {"Title": "X"}), 403)
    problem(light_api.delete(f"{BASE}/Contacts/{some_contact['id']}"), 403)
    body = problem(light_api.get(f"{BASE}/Deals"), 403)
    assert "see Deals" in body["detail"]
    account = light_api.post(f"{BASE}/Accounts", {"Account_Name": "Allowed"})
    assert account.status_code == 201
    problem(light_api.delete(f"{BASE}/Accounts/{account.json()['id']}"), 403)
    # The UI refuses the same, with the same reason.
    browser = Client()
    browser.force_login(light)
    page = browser.get("/crm/acme/m/Deals/")
    assert page.status_code == 403 and "see Deals" in page.content.decode()
    refused = browser.post(f"/crm/acme/m/Contacts/{some_contact['id']}/delete/")
    assert refused.status_code == 403


def test_desk_integration_permission_is_named_exactly(admin_api, sales_api):
    assert "desk_integration" in admin_api.get(f"{BASE}/me").json()["permissions"]
    assert "desk_integration" not in sales_api.get(f"{BASE}/me").json()["permissions"]
    assert str(Profile.FEATURES["desk_integration"]) == "Desk integration"


def test_ui_invite_and_deactivate(client, person, acme):
    client.force_login(person("admin@acme.test"))
    standard = Profile.objects.get(org=acme, name="Standard")
    response = client.post(
        "/crm/acme/setup/users/", {"email": "ui@acme.test", "name": "", "profile_id": standard.pk}
    )
    assert response.status_code == 302
    assert OrgUser.objects.get(org=acme, user__email="ui@acme.test").state == "invited"
    agent = person("agent@acme.test")
    client.post(f"/crm/acme/setup/users/{agent.id}/", {"do": "deactivate"})
    assert OrgUser.objects.get(org=acme, user=agent).state == "deactivated"
    page = client.get("/crm/acme/setup/users/").content.decode()
    assert "ui@acme.test" in page and "Reactivate" in page


def test_changing_a_profile_in_setup_with_a_bad_id_is_a_form_error(client, person, acme):
    """C4: a tampered profile id is an error message on the page, never a 500."""
    from django.contrib.messages import get_messages
    from django.urls import reverse

    client.force_login(person("admin@acme.test"))
    agent = person("agent@acme.test")
    url = reverse("crm:setup_user_change", args=["acme", agent.id])
    before = OrgUser.objects.get(org=acme, user=agent).profile_id
    for bad in ("abc", "99999999999999999999999", "-3", "1.5"):
        response = client.post(url, {"do": "profile", "profile_id": bad})
        assert response.status_code == 302, bad
        assert any("Choose a profile" in str(m) for m in get_messages(response.wsgi_request))
    assert OrgUser.objects.get(org=acme, user=agent).profile_id == before


def test_a_refused_user_patch_changes_nothing(admin_api, acme, person):
    """C7: profile and state change as one; a refused part leaves the first part unapplied."""
    admin, agent = person("admin@acme.test"), person("agent@acme.test")
    administrator = Profile.objects.get(org=acme, is_administrator=True)
    standard = Profile.objects.get(org=acme, name="Standard")
    OrgUser.objects.filter(org=acme, user=agent).update(profile=administrator)
    body = problem(
        admin_api.patch(
            f"{BASE}/users/{admin.id}", {"profile_id": standard.pk, "state": "deactivated"}
        ),
        409,
    )
    assert "yourself" in body["detail"]
    me = OrgUser.objects.get(org=acme, user=admin)
    assert me.profile_id == administrator.pk and me.state == "active"
    problem(
        admin_api.patch(f"{BASE}/users/{agent.id}", {"profile_id": standard.pk, "state": "gone"}),
        400,
    )
    assert OrgUser.objects.get(org=acme, user=agent).profile_id == administrator.pk
    both = admin_api.patch(
        f"{BASE}/users/{agent.id}", {"profile_id": standard.pk, "state": "deactivated"}
    )
    assert both.status_code == 200, both.content
    assert both.json()["state"] == "deactivated"
