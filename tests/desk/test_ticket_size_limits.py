"""Ticket text has limits, and list pages stay light whatever the tickets hold (issue 14,
point 7): the API refuses more with a 400 naming the field, the last guard refuses it on any
other path, and list rows carry a preview, not the description."""

import pytest

from tandem.desk import actions
from tandem.desk.limits import COMMENT_MAX, DESCRIPTION_MAX, THREAD_MAX
from tandem.desk.models import Comment, Ticket
from tandem.web.errors import Problem

from .conftest import problem

T = "/api/desk/v1/tickets"


def test_a_description_over_the_limit_is_a_400_naming_it(desk):
    r = desk("agent").post(T, {"subject": "Big", "description": "x" * (DESCRIPTION_MAX + 1)})
    assert "description" in problem(r, 400)["errors"]
    assert not Ticket.objects.filter(subject="Big").exists()


def test_a_reply_and_a_comment_over_their_limits_are_400s(desk, ticket):
    client = desk("agent")
    r = client.post(
        f"{T}/{ticket.id}/threads",
        {"action": "reply", "to": ["cu@example.com"], "content": "y" * (THREAD_MAX + 1)},
    )
    assert "content" in problem(r, 400)["errors"]
    r = client.post(f"{T}/{ticket.id}/comments", {"content": "z" * (COMMENT_MAX + 1)})
    assert "content" in problem(r, 400)["errors"]
    assert not Comment.objects.filter(ticket=ticket).exists()


def test_the_limits_hold_on_paths_without_a_schema(admin, ticket):
    with pytest.raises(Problem) as refused:
        actions.do_add_comment(actor=admin, ticket=ticket, content="z" * (COMMENT_MAX + 1))
    assert refused.value.status == 400 and list(refused.value.errors) == ["content"]


def test_a_comment_over_the_limit_from_the_page_is_a_message_not_a_crash(browser_as, ticket):
    r = browser_as("agent").post(
        f"/desk/acme-support/tickets/{ticket.id}/comment/",
        {"content": "z" * (COMMENT_MAX + 1)},
        follow=True,
    )
    assert r.status_code == 200 and "32000" in r.content.decode()
    assert not Comment.objects.filter(ticket=ticket).exists()


def test_list_rows_carry_a_preview_not_the_description(desk, make_ticket):
    big = make_ticket(description="<p>" + "word " * 15_000 + "</p>")
    page = desk("agent").get(f"{T}?limit=50").json()
    [row] = [r for r in page["data"] if r["id"] == big.id]
    assert "description" not in row
    preview = row["description_preview"]
    assert preview.startswith("<p>word") and len(preview) == 200
    assert len(desk("agent").get(f"{T}/{big.id}").json()["description"]) > 70_000
