"""The ticket page is the page an agent opens all day: its cost in queries does not grow with
the conversation, the files, the custom fields or the history.

14 today: session, person, membership, ticket, emails, comments, files (once, for the emails
and the side list), history, departments, products, custom fields, agents (names only), and
the shell's two tenant lists. Issue 15 asks for 10: the rest needs the Update Field and Assign
choices read when they are opened, or the shell reusing the membership the view resolved."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.desk import actions

PAGE_QUERIES = 14


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


def test_ticket_page_costs_at_most_14_queries_however_long_the_conversation(
    browser_as, talked_about, django_assert_max_num_queries
):
    client = browser_as("admin")
    url = f"/desk/acme-support/tickets/{talked_about.id}/"
    client.get(url)  # the session and language settle on the first visit
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert b"Answer 2" in response.content and b"Note 2" in response.content
    assert b"r2.pdf" in response.content
