"""The customer's side: a signed ticket page with the public conversation, and the rating."""

import re

from django.core import mail
from django.test import Client

from tandem.desk import actions, links
from tandem.desk.models import Thread, Ticket


def test_customer_reads_the_public_conversation_and_replies(admin, ticket):
    actions.do_send_thread(actor=admin, ticket=ticket, action="reply", to=[], content="Try again")
    actions.do_add_comment(actor=admin, ticket=ticket, content="Secret note", is_public=False)
    actions.do_add_comment(actor=admin, ticket=ticket, content="Public note", is_public=True)
    client = Client()
    path = links.customer_url(ticket).split("8000", 1)[1]
    page = client.get(path).content.decode()
    assert "Try again" in page and "Public note" in page and "Secret note" not in page
    assert client.post(path, {"content": "Still <b>broken</b>"}).status_code == 302
    incoming = Thread.objects.get(ticket=ticket, action="incoming")
    assert incoming.from_email == "cu@example.com" and "&lt;b&gt;" in incoming.content
    assert ticket.events.filter(kind="customer_replied").exists()


def test_a_forged_link_is_a_404(ticket):
    token = links.customer_token(ticket)
    assert Client().get(f"/desk/c/{token}x/").status_code == 404
    assert Client().get(f"/desk/rate/{links.customer_token(ticket)}/").status_code == 404


def test_closing_emails_a_rating_link_that_records_the_rating(
    admin, ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_update_ticket(actor=admin, ticket=ticket, data={"status": "Closed"})
    [message] = mail.outbox
    assert message.to == ["cu@example.com"]
    url = re.search(r"http://\S+/desk/rate/\S+/", message.body).group(0)
    assert url == links.rating_url(ticket)
    client = Client()
    path = url.split("8000", 1)[1]
    form = client.get(path).content.decode()
    assert 'name="rating"' in form and 'value="okay"' in form
    assert client.post(path, {"rating": "great"}).status_code == 200
    assert Ticket.objects.get(pk=ticket.pk).rating is None
    assert client.post(path, {"rating": "bad", "comment": "Slow"}).status_code == 200
    ticket.refresh_from_db()
    assert ticket.rating == "bad" and ticket.rating_comment == "Slow"
    assert ticket.events.filter(changes__has_key="rating").exists()


def test_a_customer_reply_reopens_a_closed_ticket(admin, ticket):
    actions.do_update_ticket(actor=admin, ticket=ticket, data={"status": "Closed"})
    actions.file_customer_reply(ticket=ticket, content="It broke again")
    ticket.refresh_from_db()
    assert ticket.status == "Open" and ticket.closed_at is None


def test_customer_downloads_emailed_files_but_not_internal_ones(admin, ticket):
    from django.core.files.uploadedfile import SimpleUploadedFile

    emailed = actions.do_send_thread(
        actor=admin, ticket=ticket, action="reply", content="Here",
        uploads=[SimpleUploadedFile("guide.pdf", b"%PDF-1.4 guide")],
    )  # fmt: skip
    internal = actions.do_attach(
        actor=admin, ticket=ticket, upload=SimpleUploadedFile("notes.txt", b"internal notes")
    )
    token = links.customer_token(ticket)
    client = Client()
    page = client.get(f"/desk/c/{token}/").content.decode()
    assert "guide.pdf" in page and "notes.txt" not in page
    file_id = emailed.attachments.get().id
    assert client.get(f"/desk/c/{token}/files/{file_id}/").status_code == 200
    assert client.get(f"/desk/c/{token}/files/{internal.id}/").status_code == 404


def rating_mails(outbox) -> list:
    return [m for m in outbox if "how did we do" in m.subject]


def test_the_rating_request_goes_once_per_closing(
    admin, ticket, mailoutbox, django_capture_on_commit_callbacks
):
    from tandem.desk import tasks

    def update(status):
        with django_capture_on_commit_callbacks(execute=True):
            actions.do_update_ticket(actor=admin, ticket=ticket, data={"status": status})

    update("Closed")
    assert len(rating_mails(mailoutbox)) == 1
    tasks.send_rating_request.call(ticket.id)  # a requeued task
    assert tasks.catch_up_rating_requests.call() == 0
    assert len(rating_mails(mailoutbox)) == 1
    update("Open")
    update("Closed")
    assert len(rating_mails(mailoutbox)) == 2


def test_a_lost_rating_request_is_caught_up(
    admin, ticket, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks.base import Task

    from tandem.desk import tasks

    original = Task.enqueue

    def enqueue(self, *args, **kwargs):
        if self.name == "send_rating_request":
            raise ConnectionError("the task table is down")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Task, "enqueue", enqueue)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_update_ticket(actor=admin, ticket=ticket, data={"status": "Closed"})
    monkeypatch.undo()
    assert not rating_mails(mailoutbox)
    assert tasks.catch_up_rating_requests.call() == 0  # too fresh: its task may still run
    Ticket.objects.filter(pk=ticket.pk).update(closed_at=timezone.now() - timedelta(minutes=5))
    assert tasks.catch_up_rating_requests.call() == 1
    assert [m.to for m in rating_mails(mailoutbox)] == [["cu@example.com"]]
