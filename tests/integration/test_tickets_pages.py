"""The Desk panel on CRM record pages and its popups, the settings on the integration page, the
Desk tab, and the deal on Desk's ticket page: the same role rules as the API, in three
languages, with pinned query counts."""

from __future__ import annotations

import pytest

from tandem.desk import queries as desk

from .tickets_helpers import *  # noqa: F403 (the fixtures)

CRM = "/api/crm/v1"


def page(client, url, status=200) -> str:
    r = client.get(url)
    assert r.status_code == status, (url, r.status_code)
    return r.content.decode()


def test_the_record_page_shows_the_desk_panel_with_its_tickets(browser, contact_with_tickets):
    contact, _tickets = contact_with_tickets
    html = page(browser("sales@acme.test"), f"/crm/acme/m/Contacts/{contact.id}/")
    assert 'id="desk-panel"' in html and "Invoice twice" in html
    assert "New Ticket" not in html and "no active Desk account" in html
    html = page(browser("agent@acme.test"), f"/crm/acme/m/Contacts/{contact.id}/")
    assert "New Ticket" in html and "Link to Deals" in html and "Show Stats" in html


def test_the_record_page_with_the_panel_is_a_pinned_number_of_queries(
    browser, contact_with_tickets, django_assert_max_num_queries
):
    contact, _ = contact_with_tickets
    client = browser("agent@acme.test")
    page(client, f"/crm/acme/m/Contacts/{contact.id}/")
    with django_assert_max_num_queries(26):
        page(client, f"/crm/acme/m/Contacts/{contact.id}/")


def test_filters_reload_the_list(browser, contact_with_tickets):
    contact, _ = contact_with_tickets
    url = f"/crm/acme/desk-tickets/list/Contacts/{contact.id}/"
    html = page(browser(), url + "?view=high_priority")
    assert "Site down" in html and "Invoice twice" not in html


def test_a_light_agent_finds_only_comment_in_the_popup(browser, contact_with_tickets):
    ticket = contact_with_tickets[1][0]
    html = page(browser("light@acme.test"), f"/crm/acme/desk-tickets/{ticket.id}/")
    assert 'id="desk-action-comment"' in html
    for absent in ("reply-all", "forward", "update", "close", "delete", "more"):
        assert f'id="desk-action-{absent}"' not in html
    html = page(browser("agent@acme.test"), f"/crm/acme/desk-tickets/{ticket.id}/")
    for present in ("reply-all", "forward", "comment", "update", "close", "delete"):
        assert f'id="desk-action-{present}"' in html


def test_a_refused_action_in_the_ui_is_a_403_as_in_the_api(browser, contact_with_tickets):
    ticket = contact_with_tickets[1][0]
    r = browser("light@acme.test").post(
        f"/crm/acme/desk-tickets/{ticket.id}/update/", {"field": "priority", "value": "High"}
    )
    assert r.status_code == 403
    r = browser("sales@acme.test").post(
        f"/crm/acme/desk-tickets/{ticket.id}/comment/", {"content": "Called them"}
    )
    assert r.status_code == 200 and r["HX-Trigger"] == "deskChanged"


def test_update_field_close_and_delete_from_the_popup(browser, contact_with_tickets):
    ticket = contact_with_tickets[1][0]
    client = browser("agent@acme.test")
    base = f"/crm/acme/desk-tickets/{ticket.id}/"
    r = client.post(base + "update/", {"field": "priority", "value": "Urgent"})
    assert r.status_code == 200 and r["HX-Trigger"] == "deskChanged"
    assert desk.portal_ticket(ticket.portal_id, ticket.id).priority == "Urgent"
    r = client.post(base + "update/", {"field": "cf:plan", "value": "Pro"})
    assert desk.portal_ticket(ticket.portal_id, ticket.id).cf["plan"] == "Pro"
    r = client.post(base + "update/", {"field": "due_date", "value": "not a date"})
    assert 'id="desk-error"' in r.content.decode()
    client.post(base + "close/")
    assert desk.portal_ticket(ticket.portal_id, ticket.id).status == "Closed"
    assert client.post(base + "delete/").status_code == 200
    assert client.get(base).status_code == 404


def test_new_ticket_from_the_popup(browser, contact_with_tickets):
    contact, _ = contact_with_tickets
    client = browser("agent@acme.test")
    url = f"/crm/acme/desk-tickets/new/Contacts/{contact.id}/"
    assert "Attachment" in page(client, url)
    r = client.post(url, {"subject": "Called about renewal", "priority": "High"})
    assert 'id="desk-created"' in r.content.decode()
    r = client.post(url, {"subject": ""})
    assert 'id="desk-error"' in r.content.decode()


def test_show_stats_gives_charts_data(browser, contact_with_tickets):
    contact, _ = contact_with_tickets
    html = page(browser(), f"/crm/acme/desk-tickets/stats/Contacts/{contact.id}/")
    assert 'data-chart="desk-chart-status-data"' in html and 'id="desk-stat-total">3<' in html


def test_link_to_deals_from_the_list(browser, contact_with_tickets, record):
    tickets = contact_with_tickets[1]
    deal = record("Deals", {"Deal_Name": "Renewal", "Stage": "Qualification"})
    client = browser("agent@acme.test")
    r = client.post(
        f"/crm/acme/desk-tickets/link/Contacts/{contact_with_tickets[0].id}/",
        {"deal_id": deal.id, "ticket_ids": [tickets[0].id, tickets[2].id]},
    )
    assert "2 tickets linked" in r.content.decode()
    html = page(browser(), f"/desk/acme-support/tickets/{tickets[0].id}/")
    assert 'id="crm-deal-panel"' in html and "Renewal" in html
    assert f"/crm/acme/m/Deals/{deal.id}/" in html


def test_the_integration_page_saves_related_lists_and_visibility(browser, crm_api):
    client = browser()
    html = page(client, "/crm/acme/setup/marketplace/desk/")
    assert 'id="desk-related-lists"' in html and 'id="desk-visibility"' in html
    url = "/crm/acme/setup/marketplace/desk/tickets/"
    client.post(url, {"op": "related_lists", "modules": ["Leads", "Accounts"]})
    client.post(url, {"op": "visibility", "tickets": "own_departments"})
    api = crm_api()
    assert api.get(f"{CRM}/integrations/desk/related-lists").json()["modules"] == [
        "Leads",
        "Accounts",
    ]
    assert api.get(f"{CRM}/integrations/desk/visibility").json()["tickets"] == "own_departments"
    r = client.post(url, {"op": "related_lists", "modules": ["Products"]}, follow=True)
    assert "Products cannot" in r.content.decode()
    assert browser("sales@acme.test").post(url, {"op": "visibility"}).status_code in (302, 403)


def test_the_desk_tab_shows_only_with_a_desk_account_and_can_be_removed_and_added(browser, crm_api):
    assert "/crm/acme/desk-tab/" in page(browser("agent@acme.test"), "/crm/acme/")
    assert "/crm/acme/desk-tab/" not in page(browser("sales@acme.test"), "/crm/acme/")
    r = browser("agent@acme.test").get("/crm/acme/desk-tab/")
    assert r.status_code == 302 and r["Location"].startswith("/desk/acme-support/tickets")
    kinds = {m["api_name"]: m["kind"] for m in crm_api().get(f"{CRM}/modules").json()["data"]}
    assert kinds["Desk"] == "web_tab"
    assert crm_api().delete(f"{CRM}/modules/Desk").status_code == 204
    assert "/crm/acme/desk-tab/" not in page(browser("agent@acme.test"), "/crm/acme/")
    client = browser()
    assert 'id="add-desk-tab"' in page(client, "/crm/acme/setup/marketplace/desk/")
    client.post("/crm/acme/setup/marketplace/desk/tickets/", {"op": "add_tab"})
    assert "/crm/acme/desk-tab/" in page(browser("agent@acme.test"), "/crm/acme/")


def test_after_deactivation_panels_and_tab_are_gone(browser, crm_api, contact_with_tickets):
    contact, tickets = contact_with_tickets
    crm_api().delete("/api/crm/v1/integrations/desk")
    client = browser("agent@acme.test")
    assert 'id="desk-panel"' not in page(client, f"/crm/acme/m/Contacts/{contact.id}/")
    assert "/crm/acme/desk-tab/" not in page(client, "/crm/acme/")
    assert client.get(f"/crm/acme/desk-tickets/{tickets[0].id}/").status_code == 404
    assert client.get("/crm/acme/desk-tab/").status_code == 404
    modules = crm_api().get(f"{CRM}/modules").json()["data"]
    assert "Desk" not in [m["api_name"] for m in modules]  # back once set up again
    setup = {"mode": "own_portal", "portal": "acme-support"}
    crm_api().post("/api/crm/v1/integrations/desk", setup)
    modules = crm_api().get(f"{CRM}/modules").json()["data"]
    assert "Desk" in [m["api_name"] for m in modules]


@pytest.mark.parametrize(("language", "word"), [("es", "Nuevo ticket"), ("de", "Neues Ticket")])
def test_the_panel_speaks_spanish_and_german(browser, contact_with_tickets, language, word):
    contact, tickets = contact_with_tickets
    client = browser("agent@acme.test", language)
    html = page(client, f"/crm/acme/m/Contacts/{contact.id}/")
    assert word in html
    html = page(client, f"/crm/acme/desk-tickets/{tickets[0].id}/")
    assert "Update Field" not in html and "Reply all" not in html
