"""Tickets on records through the CRM API (CONTRACT §4): association by link and by email,
the views, visibility both ways, the settings, stats, and everything 404 once deactivated."""

from __future__ import annotations

import pytest

from .conftest import INTEGRATION, problem
from .tickets_helpers import *  # noqa: F403 (the fixtures)

CRM = "/api/crm/v1"


def numbers(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [t["number"] for t in response.json()["data"]]


def test_a_contacts_tickets_are_found_by_email_newest_first(crm_api, contact_with_tickets):
    contact, tickets = contact_with_tickets
    got = numbers(crm_api("sales@acme.test").get(f"{CRM}/Contacts/{contact.id}/tickets"))
    assert got == [t.number for t in reversed(tickets)]


def test_a_linked_contacts_tickets_are_those_of_its_desk_contact_not_its_email(
    crm_api, record, ticket, sync_link
):
    contact = record("Contacts", {"Last_Name": "Bo", "Email": "bo@x.test"})
    by_email = ticket("bo@x.test", "By address")
    linked = ticket("other@x.test", "Of the linked contact")
    sync_link("Contacts", contact.id, linked.contact_id)
    got = numbers(crm_api().get(f"{CRM}/Contacts/{contact.id}/tickets"))
    assert got == [linked.number] and by_email.number not in got


def test_an_account_goes_by_its_linked_desk_account_else_by_the_desk_accounts_email(
    crm_api, record, ticket, sync_link, person, portal
):
    from tandem.desk import actions as desk_actions

    admin = person("admin@acme.test")
    account = desk_actions.do_save_account(
        actor=admin, portal=portal, data={"account_name": "Zeta", "email": "hq@zeta.test"}
    )
    first = ticket("c1@zeta.test", "Zeta one", account_id=account.id)
    crm_account = record("Accounts", {"Account_Name": "Zeta", "Email": "hq@zeta.test"})
    assert numbers(crm_api().get(f"{CRM}/Accounts/{crm_account.id}/tickets")) == [first.number]
    other = record("Accounts", {"Account_Name": "Linked Zeta"})
    sync_link("Accounts", other.id, account.id)
    assert numbers(crm_api().get(f"{CRM}/Accounts/{other.id}/tickets")) == [first.number]


def test_leads_and_custom_modules_go_by_email(crm_api, record, ticket, acme, person):
    from tandem.crm import actions as crm_actions

    lead = record("Leads", {"Last_Name": "Lee", "Email": "lee@x.test"})
    mine = ticket("lee@x.test", "From a lead")
    admin = crm_api()
    assert admin.put(f"{INTEGRATION}/related-lists", {"modules": ["Leads"]}).status_code == 200
    assert numbers(admin.get(f"{CRM}/Leads/{lead.id}/tickets")) == [mine.number]
    module = crm_actions.do_create_module(
        actor=person("admin@acme.test"), org=acme, singular_label="Partner", plural_label="Partners"
    )
    crm_actions.do_create_field(
        actor=person("admin@acme.test"), org=acme, module=module, label="Mail", type="email"
    )
    body = {"modules": ["Leads", module.api_name]}
    assert admin.put(f"{INTEGRATION}/related-lists", body).json()["modules"] == body["modules"]
    partner = record(module.api_name, {"Mail": "lee@x.test", "Partner_Name": "P"})
    got = admin.get(f"{CRM}/{module.api_name}/{partner.id}/tickets")
    assert numbers(got) == [mine.number]


@pytest.mark.parametrize(
    ("view", "expected"),
    [("all", 3), ("high_priority", 1), ("closed", 0), ("overdue", 0), ("escalated", 0)],
)
def test_the_five_views(crm_api, contact_with_tickets, view, expected):
    contact, _ = contact_with_tickets
    r = crm_api().get(f"{CRM}/Contacts/{contact.id}/tickets?view={view}")
    assert len(numbers(r)) == expected


def test_an_unknown_view_is_a_400_naming_it(crm_api, contact_with_tickets):
    contact, _ = contact_with_tickets
    body = problem(crm_api().get(f"{CRM}/Contacts/{contact.id}/tickets?view=open"), 400)
    assert "view" in body["errors"]


def test_own_departments_visibility_hides_other_departments_and_all_from_non_agents(
    crm_api, contact_with_tickets
):
    contact, tickets = contact_with_tickets
    admin = crm_api()
    url = f"{CRM}/Contacts/{contact.id}/tickets"
    assert len(numbers(crm_api("agent@acme.test").get(url))) == 3  # all departments
    r = admin.put(f"{INTEGRATION}/visibility", {"tickets": "own_departments"})
    assert r.json() == {"tickets": "own_departments"}
    assert admin.get(f"{INTEGRATION}/visibility").json() == {"tickets": "own_departments"}
    billing = tickets[1].number
    agent_sees = numbers(crm_api("agent@acme.test").get(url))
    assert billing not in agent_sees and len(agent_sees) == 2  # Support only
    assert numbers(crm_api("sales@acme.test").get(url)) == []  # no Desk account
    assert len(numbers(admin.get(url))) == 3  # a Desk admin sees every department


def test_related_lists_refuse_a_module_without_an_email_field(crm_api):
    admin = crm_api()
    body = admin.get(f"{INTEGRATION}/related-lists").json()
    assert body["modules"] == ["Accounts", "Contacts", "Deals"]
    assert "Products" not in body["eligible"] and "Leads" in body["eligible"]
    refused = problem(admin.put(f"{INTEGRATION}/related-lists", {"modules": ["Products"]}), 400)
    assert "Products" in refused["detail"] and "modules" in refused["errors"]


def test_a_module_not_chosen_shows_no_desk_list(crm_api, contact_with_tickets):
    contact, _ = contact_with_tickets
    admin = crm_api()
    admin.put(f"{INTEGRATION}/related-lists", {"modules": ["Accounts"]})
    problem(admin.get(f"{CRM}/Contacts/{contact.id}/tickets"), 404)
    problem(admin.get(f"{CRM}/Contacts/{contact.id}/desk-stats"), 404)


def test_settings_need_the_desk_integration_permission(crm_api):
    sales = crm_api("sales@acme.test")
    problem(sales.get(f"{INTEGRATION}/related-lists"), 403)
    problem(sales.put(f"{INTEGRATION}/visibility", {"tickets": "all_departments"}), 403)


def test_stats_count_and_list_the_rated_tickets(crm_api, contact_with_tickets, person):
    from tandem.desk import actions as desk_actions

    contact, tickets = contact_with_tickets
    desk_actions.do_update_ticket(
        actor=person("admin@acme.test"), ticket=tickets[0], data={"status": "Closed"}
    )
    desk_actions.do_rate_ticket(ticket=tickets[0], rating="good", comment="")
    body = crm_api().get(f"{CRM}/Contacts/{contact.id}/desk-stats").json()
    assert body["total"] == 3 and body["closed"] == 1 and body["ratings"]["good"] == 1
    assert body["rated"] == [
        {"ticket_id": tickets[0].id, "number": tickets[0].number, "subject": "Cannot sign in",
         "rating": "good"}
    ]  # fmt: skip
    assert body["avg_resolution_seconds"] is not None


def test_after_deactivation_everything_is_404_and_returns_on_setting_up_again(
    crm_api, contact_with_tickets
):
    contact, tickets = contact_with_tickets
    admin = crm_api()
    assert admin.delete(INTEGRATION).status_code == 204
    for path in (
        f"/Contacts/{contact.id}/tickets",
        f"/Contacts/{contact.id}/desk-stats",
        f"/desk/tickets/{tickets[0].id}",
    ):
        problem(admin.get(CRM + path), 404)
    r = admin.post(INTEGRATION, {"mode": "own_portal", "portal": "acme-support"})
    assert r.status_code == 201
    assert len(numbers(admin.get(f"{CRM}/Contacts/{contact.id}/tickets"))) == 3


def test_another_orgs_people_never_see_acmes_tickets(crm_api, contact_with_tickets):
    contact, tickets = contact_with_tickets
    other = crm_api("owner@other.test", "other")
    problem(other.get(f"{CRM}/Contacts/{contact.id}/tickets"), 404)
    problem(other.get(f"{CRM}/desk/tickets/{tickets[0].id}"), 404)


def test_the_record_list_is_one_query_for_its_tickets(
    crm_api, contact_with_tickets, django_assert_max_num_queries
):
    contact, _ = contact_with_tickets
    client = crm_api()
    client.get(f"{CRM}/Contacts/{contact.id}/tickets")  # warm: token, settings row
    with django_assert_max_num_queries(12):
        assert client.get(f"{CRM}/Contacts/{contact.id}/tickets").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"{CRM}/Contacts/{contact.id}/desk-stats").status_code == 200


def test_the_endpoints_are_in_the_openapi_document(crm_api):
    paths = crm_api().get(f"{CRM}/openapi.json").json()["paths"]
    for path in (
        "/api/crm/v1/{module}/{record_id}/tickets",
        "/api/crm/v1/{module}/{record_id}/desk-stats",
        "/api/crm/v1/desk/tickets/{ticket_id}",
        "/api/crm/v1/desk/tickets/{ticket_id}/comments",
        "/api/crm/v1/desk/tickets/{ticket_id}/threads",
        "/api/crm/v1/Deals/{record_id}/tickets/link",
        "/api/crm/v1/Deals/{record_id}/tickets/unlink",
        "/api/crm/v1/integrations/desk/related-lists",
        "/api/crm/v1/integrations/desk/visibility",
    ):
        assert path in paths, path


def test_after_switching_portals_the_old_portals_tickets_no_longer_show(
    crm_api, contact_with_tickets, record
):
    contact, tickets = contact_with_tickets
    admin = crm_api()
    deal = record("Deals", {"Deal_Name": "Old portal deal"})
    admin.post(f"{CRM}/Deals/{deal.id}/tickets/link", {"ticket_ids": [tickets[0].id]})
    assert admin.delete(INTEGRATION).status_code == 204
    r = admin.post(INTEGRATION, {"mode": "new_portal", "portal_name": "Fresh Start"})
    assert r.status_code == 201, r.content
    assert numbers(admin.get(f"{CRM}/Contacts/{contact.id}/tickets")) == []
    assert numbers(admin.get(f"{CRM}/Deals/{deal.id}/tickets")) == []
    problem(admin.get(f"{CRM}/desk/tickets/{tickets[0].id}"), 404)
