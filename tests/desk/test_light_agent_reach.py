"""A Light Agent never reaches the customer: no public comment, no email (reply or forward),
no file sent, no status change that mails a rating request, no customer address changed.
Every way is refused in the action, so the API and the pages agree (issue 13 §2)."""

from __future__ import annotations

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tandem.desk import links
from tandem.desk.models import Attachment, Comment, Thread, Ticket

from .conftest import problem

T = "/api/desk/v1/tickets"
PAGE = "/desk/acme-support/tickets"


def test_light_agent_cannot_comment_publicly_through_the_api(desk, ticket):
    r = desk("light").post(f"{T}/{ticket.id}/comments", {"content": "Hi", "is_public": True})
    body = problem(r, 403)
    assert "Light Agents can only comment privately" in body["detail"]
    assert not Comment.objects.filter(ticket=ticket).exists()


def test_light_agent_still_comments_privately(desk, ticket):
    r = desk("light").post(f"{T}/{ticket.id}/comments", {"content": "Looked", "is_public": False})
    assert r.status_code == 201 and r.json()["is_public"] is False


def test_agents_and_admins_still_comment_publicly(desk, ticket):
    for who in ("agent", "admin"):
        r = desk(who).post(f"{T}/{ticket.id}/comments", {"content": "Hello", "is_public": True})
        assert r.status_code == 201 and r.json()["is_public"] is True


def test_the_light_agents_comment_form_has_no_public_checkbox(browser_as, ticket):
    with translation.override("en"):
        light = browser_as("light").get(f"{PAGE}/{ticket.id}/").content.decode()
        agent = browser_as("agent").get(f"{PAGE}/{ticket.id}/").content.decode()
    assert 'name="is_public"' not in light and "Your comments are private" in light
    assert 'name="is_public"' in agent


def test_a_forged_public_comment_from_the_page_is_refused_and_the_customer_sees_nothing(
    browser_as, client, ticket
):
    page = browser_as("light")
    r = page.post(f"{PAGE}/{ticket.id}/comment/", {"content": "Secret", "is_public": "on"})
    assert r.status_code == 302
    assert not Comment.objects.filter(ticket=ticket).exists()
    shown = page.get(r["Location"]).content.decode()
    assert "Light Agents can only comment privately" in shown
    customer_page = client.get(links.customer_url(ticket).split("://", 1)[1].split("/", 1)[1])
    assert "Secret" not in customer_page.content.decode()


def test_light_agent_cannot_email_the_customer_or_forward(desk, ticket):
    for action in ("reply", "reply_all", "forward"):
        body = {"action": action, "to": ["someone@partner.test"], "content": "Hi"}
        problem(desk("light").post(f"{T}/{ticket.id}/threads", body), 403)
    assert not mail.outbox and not Thread.objects.filter(ticket=ticket).exists()


def test_light_agent_cannot_send_or_add_files(desk, browser_as, ticket):
    api = desk("light")
    upload = SimpleUploadedFile("note.txt", b"plain text", content_type="text/plain")
    r = api.client.post(f"{T}/{ticket.id}/attachments", {"file": upload}, headers=api.headers)
    problem(r, 403)
    upload = SimpleUploadedFile("note.txt", b"plain text", content_type="text/plain")
    browser_as("light").post(f"{PAGE}/{ticket.id}/attach/", {"file": upload})
    assert not Attachment.objects.filter(ticket=ticket).exists()


def test_light_agent_cannot_close_a_ticket_and_so_mail_a_rating_request(
    desk, browser_as, ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        problem(desk("light").patch(f"{T}/{ticket.id}", {"status": "Closed"}), 403)
        browser_as("light").post(
            f"{PAGE}/{ticket.id}/update/", {"field": "status", "value": "Closed"}
        )
    assert Ticket.objects.get(pk=ticket.pk).status == "Open"
    assert not mail.outbox


def test_light_agent_cannot_change_where_the_customers_mail_goes(desk, ticket):
    r = desk("light").patch(f"/api/desk/v1/contacts/{ticket.contact_id}", {"email": "me@evil.test"})
    problem(r, 403)
    problem(desk("light").patch(f"{T}/{ticket.id}", {"contact_id": None}), 403)
    assert Ticket.objects.get(pk=ticket.pk).email == "cu@example.com"
