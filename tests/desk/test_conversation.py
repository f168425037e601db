"""Replies and forwards are real emails that thread; comments; attachments."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.desk.models import Attachment, Thread

from .conftest import problem

T = "/api/desk/v1/tickets"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def send(client, ticket, capture, **body):
    with capture(execute=True):
        return client.post(f"{T}/{ticket.id}/threads", {"action": "reply", **body})


def test_reply_emails_the_customer_and_sets_first_response(
    desk, ticket, django_capture_on_commit_callbacks
):
    r = send(desk("agent"), ticket, django_capture_on_commit_callbacks, content="<b>Fixed</b>")
    assert r.status_code == 201, r.content
    [message] = mail.outbox
    assert message.to == ["cu@example.com"]
    assert f"[#{ticket.number}]" in message.subject
    assert message.extra_headers["Message-ID"] == r.json()["message_id"]
    html = message.alternatives[0][0]
    assert "<b>Fixed</b>" in html and "/desk/c/" in html
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None and ticket.first_response_seconds is not None
    assert Thread.objects.get(ticket=ticket).sent_at is not None


def test_second_reply_threads_on_the_first(desk, ticket, django_capture_on_commit_callbacks):
    client = desk("agent")
    first = send(client, ticket, django_capture_on_commit_callbacks, content="One").json()
    send(client, ticket, django_capture_on_commit_callbacks, content="Two")
    second = mail.outbox[1]
    assert second.extra_headers["In-Reply-To"] == first["message_id"]
    assert first["message_id"] in second.extra_headers["References"]
    assert len(mail.outbox) == 2


def test_reply_all_copies_the_customers_cc(desk, ticket, django_capture_on_commit_callbacks):
    from tandem.desk.actions import file_incoming

    file_incoming(ticket, from_email="cu@example.com", content="and", cc=["boss@example.com"])
    send(desk("agent"), ticket, django_capture_on_commit_callbacks, action="reply_all",
         content="Both of you")  # fmt: skip
    assert mail.outbox[0].cc == ["boss@example.com"]


def test_forward_needs_a_recipient_and_is_not_a_first_response(
    desk, ticket, django_capture_on_commit_callbacks
):
    client = desk("agent")
    r = send(client, ticket, django_capture_on_commit_callbacks, action="forward", content="x")
    assert "to" in problem(r, 400)["errors"]
    r = send(client, ticket, django_capture_on_commit_callbacks, action="forward",
             to=["vendor@partner.test"], content="FYI")  # fmt: skip
    assert r.status_code == 201 and mail.outbox[0].to == ["vendor@partner.test"]
    ticket.refresh_from_db()
    assert ticket.first_response_at is None


def test_bad_addresses_are_named(desk, ticket, django_capture_on_commit_callbacks):
    r = send(desk("agent"), ticket, django_capture_on_commit_callbacks, to=["nope"], content="x")
    assert "to" in problem(r, 400)["errors"]
    assert not mail.outbox


def test_thread_email_sent_by_the_worker(transactional_db, settings, ticket_for_worker):
    """With the real database task backend: the worker sends it, once."""
    from tandem import worker
    from tandem.desk import actions

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    admin, ticket = ticket_for_worker
    actions.do_send_thread(
        actor=admin, ticket=ticket, action="reply", to=["c@x.test"], content="Hi"
    )
    assert not mail.outbox
    worker.run_worker(batch=True)
    assert len(mail.outbox) == 1
    worker.run_worker(batch=True)
    assert len(mail.outbox) == 1


@pytest.fixture
def ticket_for_worker(transactional_db):
    from tandem import demo
    from tandem.desk import actions
    from tandem.desk.models import Agent

    demo.load()
    admin = Agent.objects.get(portal__slug="acme-support", user__email="admin@acme.test")
    ticket = actions.do_create_ticket(actor=admin, portal=admin.portal, data={"subject": "W"})
    return admin, ticket


def test_comments_private_and_public(desk, ticket):
    client = desk("light")
    r = client.post(f"{T}/{ticket.id}/comments", {"content": "<i>internal</i>", "is_public": False})
    assert r.status_code == 201 and r.json()["is_public"] is False
    # Public comments are for Agents and Admins (test_light_agent_reach.py).
    desk("agent").post(f"{T}/{ticket.id}/comments", {"content": "visible", "is_public": True})
    assert [c["is_public"] for c in client.get(f"{T}/{ticket.id}/comments").json()["data"]] == [
        False, True]  # fmt: skip
    assert not mail.outbox


def upload(client, ticket, name, content):
    return client.client.post(
        f"{T}/{ticket.id}/attachments",
        {"file": SimpleUploadedFile(name, content)},
        headers=client.headers,
    )


def test_attachment_type_comes_from_the_bytes(desk, ticket):
    client = desk("agent")  # Light Agents attach nothing (test_conversation_fixes.py)
    r = upload(client, ticket, "photo.txt", PNG)
    assert r.status_code == 201, r.content
    assert r.json()["content_type"] == "image/png" and r.json()["name"] == "photo.txt"
    exe = upload(client, ticket, "invoice.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    assert "file" in problem(exe, 400)["errors"]
    html = upload(client, ticket, "notes.txt", b"<html><script>alert(1)</script></html>")
    problem(html, 400)
    assert Attachment.objects.count() == 1


def test_too_large_upload_is_a_413(desk, ticket, settings):
    settings.TANDEM_MAX_UPLOAD_BYTES = 1000
    r = upload(desk("agent"), ticket, "big.png", PNG + b"\x00" * 1000)
    assert problem(r, 413)["detail"]
    assert not Attachment.objects.exists()


def test_attachment_download_only_for_those_who_see_the_ticket(desk, billing_ticket, settings):
    admin = desk("admin")
    att = upload(admin, billing_ticket, "a.pdf", b"%PDF-1.4 hello").json()
    r = admin.get(att["url"])
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4 hello"
    assert r["Content-Type"] == "application/pdf"
    assert str(settings.MEDIA_ROOT) in Attachment.objects.get().file.path
    problem(desk("agent").get(att["url"]), 404)
    problem(desk("light").get(f"{T}/{billing_ticket.id}/attachments"), 404)


def test_an_email_that_failed_is_sent_again(admin, ticket, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from tandem.desk import actions, tasks

    thread = actions.do_send_thread(actor=admin, ticket=ticket, action="reply", content="Hi")
    Thread.objects.filter(pk=thread.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert not mail.outbox  # never committed in this test, so never sent: like a failure
    assert tasks.resend_unsent.call() == 1
    assert len(mail.outbox) == 1
    assert tasks.resend_unsent.call() == 0


def test_files_uploaded_first_go_out_with_a_reply(
    desk, ticket, billing_ticket, django_capture_on_commit_callbacks
):
    client = desk("admin")
    screenshot = upload(client, ticket, "screen.png", PNG).json()["id"]
    elsewhere = upload(client, billing_ticket, "other.png", PNG).json()["id"]
    wrong = send(
        client, ticket, django_capture_on_commit_callbacks, content="See",
        attachment_ids=[screenshot, elsewhere],
    )  # fmt: skip
    assert "attachment_ids" in problem(wrong, 400)["errors"]
    assert mail.outbox == [] and Attachment.objects.get(pk=screenshot).thread is None
    r = send(
        client, ticket, django_capture_on_commit_callbacks, content="See the file",
        attachment_ids=[screenshot],
    )  # fmt: skip
    assert r.status_code == 201, r.content
    [message] = mail.outbox
    assert [(name, kind) for name, _data, kind in message.attachments] == [
        ("screen.png", "image/png")
    ]
    assert Attachment.objects.get(pk=screenshot).thread_id == r.json()["id"]
    again = send(
        client, ticket, django_capture_on_commit_callbacks, content="Again",
        attachment_ids=[screenshot],
    )  # fmt: skip
    problem(again, 400)  # already part of an email
    for junk in ([2**63], ["abc"], [-1], [True], [screenshot, 2**70]):
        bad = send(client, ticket, django_capture_on_commit_callbacks, content="x",
                   attachment_ids=junk)  # fmt: skip
        assert bad.status_code in (400, 422) and bad["Content-Type"] == "application/problem+json"
