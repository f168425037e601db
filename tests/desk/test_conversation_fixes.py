"""Conversation and email fixes: the customer's link stays out of forwards, Light Agents
attach no files, mail-in survives headers the stdlib cannot parse, and files an emailed
ticket came with show on the customer's page even without a body."""

from __future__ import annotations

import email
import email.policy
import io
import logging
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tandem.desk import actions, links, mailin
from tandem.desk.models import Attachment, Change, Contact, Thread, Ticket

from .conftest import problem

MAIL = Path(__file__).parent / "mail"
T = "/api/desk/v1/tickets"
BASE = "/desk/acme-support"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def eml(name: str, **fill) -> bytes:
    raw = (MAIL / name).read_bytes()
    for key, value in fill.items():
        raw = raw.replace(f"{{{key}}}".encode(), str(value).encode())
    return raw


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
    first, _html = sent(
        django_capture_on_commit_callbacks, actor=admin, ticket=ticket, action="reply",
        content="Any news?",
    )  # fmt: skip
    actions.file_incoming(
        ticket, from_email="cu@example.com", content="hi", cc=["boss@ex.com"],
        in_reply_to=first.extra_headers["Message-ID"],
    )  # fmt: skip
    message, html = sent(
        django_capture_on_commit_callbacks, actor=admin, ticket=ticket, action="reply_all",
        content="Both of you",
    )  # fmt: skip
    assert message.to == ["cu@example.com"] and message.cc == ["boss@ex.com"]
    assert links.customer_url(ticket) in html


def test_a_cc_on_a_message_that_answers_none_of_our_replies_is_not_trusted(
    admin, ticket, django_capture_on_commit_callbacks
):
    # Anyone can write "From: the customer": only an answer to our reply proves who got it.
    actions.file_incoming(ticket, from_email="cu@example.com", content="hi", cc=["boss@ex.com"])
    message, html = sent(
        django_capture_on_commit_callbacks, actor=admin, ticket=ticket, action="reply_all",
        content="Both of you",
    )  # fmt: skip
    assert message.cc == ["boss@ex.com"] and "/desk/c/" not in html


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


# 3. mail-in: a header the stdlib parser chokes on is a malformed message (65), an
# unexpected error a temporary failure (75); nothing is written either way.


def run(raw: bytes, capsys) -> tuple[int, str, str]:
    code = mailin.main("acme-support", io.BytesIO(raw))
    out, err = capsys.readouterr()
    return code, out, err


def counts():
    return (
        Ticket.objects.count(),
        Thread.objects.count(),
        Contact.objects.count(),
        Change.objects.count(),
        Attachment.objects.count(),
    )


def test_a_broken_from_header_is_malformed_and_nothing_is_written(portal, capsys, settings):
    before = counts()
    code, out, err = run(eml("broken_from.eml"), capsys)
    assert code == mailin.EX_DATAERR and out == ""
    assert "rejected" in err and "From" in err and "Traceback" not in err
    assert counts() == before and files_under(settings.MEDIA_ROOT) == []


def test_a_broken_cc_on_a_reply_is_malformed_and_nothing_is_written(
    portal, admin, ticket, capsys, settings
):
    reply = actions.do_send_thread(actor=admin, ticket=ticket, action="reply", content="Try it")
    before = counts()
    raw = eml("reply_with_broken_cc.eml", number=ticket.number, in_reply_to=reply.message_id)
    code, out, err = run(raw, capsys)
    assert code == mailin.EX_DATAERR and out == ""
    assert "rejected" in err and "Cc" in err
    assert counts() == before and not Thread.objects.filter(ticket=ticket, action="incoming")


def test_the_cc_reader_itself_turns_a_parse_error_into_malformed():
    # The second guard behind parse(): reading the Cc on the reply path.
    raw = b'From: a@b.test\nCc: "Boss" <\nSubject: x\n\nbody\n'
    message = email.message_from_bytes(raw, policy=email.policy.default)
    with pytest.raises(mailin.Malformed, match="Cc"):
        mailin._cc(message)


def test_an_unparseable_header_we_never_read_does_not_refuse_the_message(portal, capsys):
    raw = eml("html_only.eml").replace(b"Subject:", b'Reply-To: "x" <\nSubject:', 1)
    code, out, _ = run(raw, capsys)
    assert code == 0 and out.startswith("new ticket #")


def test_an_unexpected_error_is_a_temporary_failure_with_the_traceback_logged(
    portal, capsys, caplog, monkeypatch, settings
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(actions, "file_ticket", broken)
    before = counts()
    with caplog.at_level(logging.ERROR, logger="tandem.desk.mailin"):
        code, out, err = run(eml("multipart_with_attachment.eml"), capsys)
    assert code == mailin.EX_TEMPFAIL == 75 and out == ""
    assert err.count("\n") == 1 and "RuntimeError: disk on fire" in err
    assert "second line" not in err and "Traceback" not in err
    [record] = caplog.records
    assert record.exc_info and record.exc_info[0] is RuntimeError
    assert counts() == before and files_under(settings.MEDIA_ROOT) == []


def test_the_command_defers_mail_when_the_database_is_unreachable(monkeypatch, capsys):
    from django.db import OperationalError, connection

    from tandem import cli

    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", unreachable)
    with pytest.raises(SystemExit) as exit_:
        cli.main(["mail-in", "--portal", "acme-support"])
    assert exit_.value.code == mailin.EX_TEMPFAIL
    assert "cannot reach the database" in capsys.readouterr().err


# 4. The customer's page shows the files they sent, even with no message body.


def test_files_of_an_emailed_ticket_without_body_show_on_the_customer_page(portal, admin, capsys):
    code, _out, _ = run(eml("attachment_only.eml"), capsys)
    assert code == 0
    ticket = Ticket.objects.get(portal=portal, message_id="<attachment-only-1@customer.test>")
    assert not ticket.description
    sent_file = Attachment.objects.get(ticket=ticket, name="error.png")
    forward = actions.do_send_thread(
        actor=admin, ticket=ticket, action="forward", to=["supplier@partner.test"],
        content="Please look", uploads=[SimpleUploadedFile("internal.pdf", b"%PDF-1.4 x")],
    )  # fmt: skip
    token = links.customer_token(ticket)
    client = Client()
    page = client.get(f"/desk/c/{token}/").content.decode()
    assert "error.png" in page and f"/desk/c/{token}/files/{sent_file.id}/" in page
    assert "internal.pdf" not in page and "Please look" not in page
    assert client.get(f"/desk/c/{token}/files/{sent_file.id}/").status_code == 200
    assert client.get(f"/desk/c/{token}/files/{forward.attachments.get().id}/").status_code == 404
