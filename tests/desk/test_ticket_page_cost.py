"""The ticket page is the page an agent opens all day: its cost in queries does not grow with
the conversation, the files, the custom fields or the history.

10 queries: session, person, memberships (2: CRM and Desk, one read shared by the view and the
tenant switcher), ticket, emails, comments, files (once, for the emails and the side list) and
custom fields (Update Field's list, the side's labels); then an Agent's departments (which
tickets they see) or, for an Admin, the agents to assign to (an Agent can only take the
ticket). Update Field's suggestions for departments or products are read when that field is
chosen, and the history when it scrolls into view: each is its own small request."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.desk import actions

PAGE_QUERIES = 10


@pytest.fixture
def talked_about(admin, ticket, django_capture_on_commit_callbacks):
    """A ticket with replies, comments, files, a custom field value and history."""
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_add_ticket_field(
            actor=admin, portal=admin.portal, label="Renewal quarter", type="text"
        )
        for i in range(3):
            actions.do_send_thread(
                actor=admin,
                ticket=ticket,
                action="reply",
                to=ticket.email or "cu@example.com",
                cc="",
                content=f"Answer {i}",
                uploads=[SimpleUploadedFile(f"r{i}.pdf", b"%PDF-1.4 x", "application/pdf")],
                attachment_ids=[],
            )
            actions.do_add_comment(actor=admin, ticket=ticket, content=f"Note {i}", is_public=False)
        actions.do_update_ticket(actor=admin, ticket=ticket, data={"priority": "High"})
    return ticket


def page_costs(client, ticket, most: int, django_assert_max_num_queries):
    url = f"/desk/acme-support/tickets/{ticket.id}/"
    client.get(url)  # the session and language settle on the first visit
    with django_assert_max_num_queries(most):
        response = client.get(url)
    assert response.status_code == 200
    assert b"Answer 2" in response.content and b"Note 2" in response.content
    assert b"r2.pdf" in response.content
    return response.content.decode()


def test_an_agents_ticket_page_costs_at_most_10_queries(
    browser_as, talked_about, django_assert_max_num_queries
):
    page = page_costs(
        browser_as("agent"), talked_about, PAGE_QUERIES, django_assert_max_num_queries
    )
    assert "Renewal quarter" in page  # the custom field is offered in Update Field


def test_an_admins_ticket_page_costs_at_most_10_queries_and_offers_every_agent(
    browser_as, talked_about, django_assert_max_num_queries
):
    page = page_costs(
        browser_as("admin"), talked_about, PAGE_QUERIES, django_assert_max_num_queries
    )
    assert page.count("<option value=") > 3
    for name in ("Agent", "Light"):
        assert name in page


def test_update_field_suggests_departments_and_products_when_chosen(
    browser_as, talked_about, django_assert_max_num_queries
):
    client = browser_as("agent")
    url = "/desk/acme-support/tickets/field-choices/"
    client.get(url)  # the session and language settle on the first visit
    page = client.get(f"/desk/acme-support/tickets/{talked_about.id}/").content.decode()
    assert "Department: " not in page  # only the first field's (Status) come with the page
    assert 'value="Open">Status: Open' in page
    with django_assert_max_num_queries(5):  # session, person, memberships, departments
        departments = client.get(url, {"field": "department_id"}).content.decode()
    assert "Department: Support" in departments
    assert "Priority: Urgent" in client.get(url, {"field": "priority"}).content.decode()
    unknown = client.get(url, {"field": "<script>"})
    assert unknown.status_code == 200 and "<option" not in unknown.content.decode()


def test_the_history_is_its_own_request_in_the_agents_words(
    browser_as, talked_about, person, django_assert_max_num_queries
):
    url = f"/desk/acme-support/tickets/{talked_about.id}/history/"
    client = browser_as("agent")
    client.get(url)  # the session and language settle on the first visit
    with django_assert_max_num_queries(9):  # + departments, ticket, events, fields, names
        part = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="history"' in part and "<html" not in part and "Priority: Medium → High" in part
    whole = client.get(url).content.decode()  # without JavaScript: a page of its own
    assert "<html" in whole and "Priority: Medium → High" in whole
    assert browser_as("agent").get("/desk/acme-support/tickets/999999/history/").status_code == 404
