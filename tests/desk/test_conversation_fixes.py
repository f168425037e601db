"""Conversation and email fixes: the customer's link stays out of forwards, Light Agents
attach no files."""

from __future__ import annotations

from pathlib import Path

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tandem.desk import actions, links
from tandem.desk.models import Attachment

from .conftest import problem

T = "/api/desk/v1/tickets"
BASE = "/desk/acme-support"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def sent(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_send_thread(**kwargs)
    message = mail.outbox[-1]
    return message, message.alternatives[0][0]  # the HTML part


def files_under(root) -> list:
    root = Path(root)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# 1. The signed customer link is a credential: only the customer gets it.


def test_a_forward_carries_no_customer_link_and_a_reply_does(
    admin, ticket, django_capture_on_commit_callbacks
):
    token = links.customer_token(ticket)
    forward, html = sent(
        django_capture_on_commit_callbacks, actor=admin, ticket=ticket, action="forward",
        to=["supplier@partner.test"], content="Supplier, please check",
    )  # fmt: skip
    assert forward.to == ["supplier@partner.test"]
    assert token not in html and token not in forward.body and "/desk/c/" not in html
    reply, html = sent(
        django_capture_on_commit_callbacks, actor=admin, ticket=ticket, action="reply",
        content="We are on it",
    )  # fmt: skip
    assert reply.to == ["cu@example.com"] and links.customer_url(ticket) in html


def test_reply_all_to_the_customer_carries_the_link(
    admin, ticket, django_capture_on_commit_callbacks
):
    actions.file_incoming(ticket, from_email="cu@example.com", content="hi", cc=["boss@ex.com"])
    message, html = sent(
        django_capture_on_commit_callbacks, actor=admin, ticket=ticket, action="reply_all",
        content="Both of you",
    )  # fmt: skip
    assert message.to == ["cu@example.com"] and message.cc == ["boss@ex.com"]
    assert links.customer_url(ticket) in html


def test_a_reply_to_someone_else_carries_no_link_even_with_the_customer_in_cc(
    admin, ticket, django_capture_on_commit_callbacks
):
    message, html = sent(
        django_capture_on_commit_callbacks, actor=admin, ticket=ticket, action="reply",
        to=["colleague@partner.test"], cc=["cu@example.com"], content="Over to you",
    )  # fmt: skip
    assert message.to == ["colleague@partner.test"]
    assert links.customer_token(ticket) not in html


# 2. Light Agents can only comment: no files either.


def test_light_agent_cannot_attach_and_nothing_is_stored(desk, ticket, settings):
    client = desk("light")
    r = client.client.post(
        f"{T}/{ticket.id}/attachments",
        {"file": SimpleUploadedFile("photo.png", PNG)},
        headers=client.headers,
    )
    assert "only comment" in problem(r, 403)["detail"]
    assert not Attachment.objects.exists() and files_under(settings.MEDIA_ROOT) == []
    assert not ticket.events.filter(kind="attached").exists()


def test_an_agent_still_attaches(desk, ticket):
    client = desk("agent")
    r = client.client.post(
        f"{T}/{ticket.id}/attachments",
        {"file": SimpleUploadedFile("photo.png", PNG)},
        headers=client.headers,
    )
    assert r.status_code == 201, r.content
    assert Attachment.objects.get().name == "photo.png"


def test_light_agent_page_has_no_attach_form_and_the_form_post_is_refused(person, ticket, settings):
    client = Client()
    client.force_login(person("light@acme.test"))
    url = f"{BASE}/tickets/{ticket.id}/"
    page = client.get(url).content.decode()
    assert 'id="attachments"' in page and 'id="attach-form"' not in page
    assert f"/tickets/{ticket.id}/attach/" not in page
    refused = client.post(
        f"{url}attach/", {"file": SimpleUploadedFile("photo.png", PNG)}, follow=True
    )
    assert "only comment" in refused.content.decode()
    assert not Attachment.objects.exists() and files_under(settings.MEDIA_ROOT) == []


def test_an_agent_page_has_the_attach_form(person, ticket):
    client = Client()
    client.force_login(person("agent@acme.test"))
    page = client.get(f"{BASE}/tickets/{ticket.id}/").content.decode()
    assert 'id="attach-form"' in page
