"""The integration's pages: CRM Setup > Marketplace > Desk and Desk Setup > Integrations > CRM,
as each role, in each language, with bad input."""

from __future__ import annotations

import pytest

from tandem.integration import queries

PAGE = "/crm/acme/setup/marketplace/desk/"
DESK_PAGE = "/desk/acme-support/setup/integrations/crm/"


def test_the_marketplace_lists_desk(browser):
    page = browser().get("/crm/acme/setup/marketplace/").content.decode()
    assert PAGE in page


def test_the_page_shows_state_portal_authority_and_users(browser):
    page = browser().get(PAGE).content.decode()
    for words in (
        "Desk integration",
        "Acme Support",
        "admin@acme.test",
        "Mutual users",
        "Invite users",
        "Deactivate",
        "sales@acme.test",
    ):
        assert words in page, words
    assert 'data-state="active"' in page


def test_without_the_permission_the_page_is_refused_saying_why(browser):
    r = browser("sales@acme.test").get(PAGE)
    assert r.status_code == 403
    assert "Desk integration permission" in r.content.decode()


def test_strangers_and_anonymous_people_do_not_see_the_page(browser, client):
    assert browser("owner@other.test").get(PAGE).status_code == 404
    r = client.get(PAGE)
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_deactivate_then_the_three_ways_in(browser, acme):
    client = browser()
    r = client.post(PAGE, {"op": "deactivate"}, follow=True)
    assert queries.integration_of(acme.id).state == "deactivated"
    page = r.content.decode()
    for words in (
        "Set up now",
        "Configure another user's portal",
        "Portal name",
        "The Desk integration is deactivated.",
    ):
        assert words in page, words
    assert "switch-warning" in page
    r = client.post(PAGE, {"op": "own_portal", "portal": "acme-support"}, follow=True)
    assert "The Desk integration is active." in r.content.decode()
    assert queries.integration_of(acme.id).state == "active"


def test_a_wrong_key_on_the_page_is_a_message_and_links_nothing(browser, acme):
    client = browser()
    client.post(PAGE, {"op": "deactivate"})
    r = client.post(
        PAGE,
        {"op": "other_portal", "admin_email": "owner@other.test", "zsc_key": "<b>x</b>"},
        follow=True,
    )
    page = r.content.decode()
    assert r.status_code == 200
    assert "do not belong together" in page
    assert "<b>x</b>" not in page
    assert queries.integration_of(acme.id).state == "deactivated"


def test_hostile_input_on_the_page_is_never_a_crash(browser):
    client = browser()
    for data in (
        {"op": "invite", "user_ids": ["abc", "9" * 40], "role": "agent"},
        {"op": "invite", "user_ids": ["1"], "role": "x" * 5000},
        {"op": "nonsense"},
        {"op": "own_portal", "portal": "\x00"},
        {"op": "new_portal", "portal_name": "x" * 500},
    ):
        r = client.post(PAGE, data)
        assert r.status_code in (302, 400), (data, r.status_code)


def test_inviting_from_the_page(browser, person, django_capture_on_commit_callbacks):
    from django.core import mail

    sales = person("sales@acme.test")
    with django_capture_on_commit_callbacks(execute=True):
        r = browser().post(
            PAGE, {"op": "invite", "user_ids": [str(sales.id)], "role": "light_agent"}, follow=True
        )
    assert "Invitations sent." in r.content.decode()
    assert [m.to for m in mail.outbox] == [["sales@acme.test"]]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("es", ["Integración con Desk", "Usuarios mutuos", "Invitar usuarios", "Desactivar"]),
        ("de", ["Desk-Integration", "Gemeinsame Benutzer", "Benutzer einladen", "Deaktivieren"]),
    ],
)
def test_the_page_speaks_spanish_and_german(browser, language, words):
    page = browser(language=language).get(PAGE).content.decode()
    for word in words:
        assert word in page, word


def test_desk_setup_links_to_the_crm_integration(browser):
    assert DESK_PAGE in browser().get("/desk/acme-support/setup/").content.decode()


def test_desk_shows_the_link_and_delete_to_admins_only(browser, acme):
    admin_page = browser().get(DESK_PAGE).content.decode()
    assert "Acme" in admin_page and "Delete" in admin_page and "admin@acme.test" in admin_page
    agent = browser("agent@acme.test")
    agent_page = agent.get(DESK_PAGE).content.decode()
    assert "Contact your Desk administrator" in agent_page and "confirm-delete" not in agent_page
    assert agent.post(DESK_PAGE).status_code == 403
    assert queries.integration_of(acme.id).state == "active"
    r = browser().post(DESK_PAGE, follow=True)
    assert r.status_code == 200
    assert queries.integration_of(acme.id).state == "deactivated"
    crm_page = browser().get(PAGE).content.decode()
    assert "Deleted in Desk" in crm_page
