"""The customer's signed link is a bearer credential: it goes only to the customer's side of the
conversation, and only while the ticket is theirs. Enqueueing after commit never turns a
committed write into an error. Mail-in defers (75) on any unexpected error and files once."""

import io
import logging
from pathlib import Path

from django.core import mail, signing
from django.test import Client
from django_tasks.base import Task

from tandem.desk import actions, links, mailin, tasks
from tandem.desk.models import Agent, Thread, Ticket

T = "/api/desk/v1/tickets"


def sent(capture, **kwargs):
    with capture(execute=True):
        actions.do_send_thread(**kwargs)
    message = mail.outbox[-1]
    return message, message.body + message.alternatives[0][0]


def path_of(url: str) -> str:
    return url.split("8000", 1)[1]


# 1. The link goes only where everyone already shares the customer's side of the conversation.


def test_a_cc_the_agent_typed_on_a_reply_to_the_customer_gets_no_link(
    admin, ticket, django_capture_on_commit_callbacks
):
    message, text = sent(
        django_capture_on_commit_callbacks, actor=admin, ticket=ticket, action="reply",
        cc=["stranger@elsewhere.test"], content="Looping in a stranger",
    )  # fmt: skip
    assert message.to == ["cu@example.com"] and message.cc == ["stranger@elsewhere.test"]
    assert links.customer_token(ticket) not in text and "/desk/c/" not in text
    assert "Looping in a stranger" in text  # the email itself still goes


def test_a_second_to_address_the_customer_never_copied_gets_no_link(
    admin, ticket, django_capture_on_commit_callbacks
):
    _message, text = sent(
        django_capture_on_commit_callbacks, actor=admin, ticket=ticket, action="reply",
        to=["cu@example.com", "stranger@elsewhere.test"], content="Two of you",
    )  # fmt: skip
    assert "/desk/c/" not in text


def answered(ticket, admin, capture, **incoming):
    """The customer answers our reply, as a mail client does (In-Reply-To: our Message-ID)."""
    with capture(execute=True):
        reply = actions.do_send_thread(actor=admin, ticket=ticket, action="reply", content="Q?")
    actions.file_incoming(ticket, in_reply_to=reply.message_id, content="A.", **incoming)


def test_a_cc_the_customer_copied_gets_the_link_whoever_typed_it(
    admin, ticket, django_capture_on_commit_callbacks
):
    answered(
        ticket, admin, django_capture_on_commit_callbacks,
        from_email="CU@example.com", cc=["Boss@Ex.com"],
    )  # fmt: skip
    message, text = sent(
        django_capture_on_commit_callbacks, actor=admin, ticket=ticket, action="reply",
        cc=["boss@ex.com"], content="Both of you",
    )  # fmt: skip
    assert message.cc == ["boss@ex.com"] and links.customer_url(ticket) in text
    message, text = sent(
        django_capture_on_commit_callbacks, actor=admin, ticket=ticket, action="reply_all",
        content="Reply all",
    )  # fmt: skip
    assert message.cc == ["Boss@Ex.com"] and links.customer_url(ticket) in text  # as received


def test_one_new_cc_among_known_ones_is_enough_to_leave_the_link_out(
    admin, ticket, django_capture_on_commit_callbacks
):
    answered(
        ticket, admin, django_capture_on_commit_callbacks,
        from_email="cu@example.com", cc=["boss@ex.com"],
    )  # fmt: skip
    message, text = sent(
        django_capture_on_commit_callbacks, actor=admin, ticket=ticket, action="reply_all",
        cc=["boss@ex.com", "new@ex.com"], content="Three",
    )  # fmt: skip
    assert message.cc == ["boss@ex.com", "new@ex.com"] and "/desk/c/" not in text


def test_the_cc_of_someone_elses_message_on_the_ticket_is_not_trusted(
    admin, ticket, django_capture_on_commit_callbacks
):
    # A supplier answers a forward (it threads onto the ticket) and copies a colleague.
    actions.file_incoming(
        ticket, from_email="supplier@partner.test", content="On it", cc=["mate@partner.test"]
    )
    _message, text = sent(
        django_capture_on_commit_callbacks, actor=admin, ticket=ticket, action="reply",
        cc=["mate@partner.test"], content="News",
    )  # fmt: skip
    assert "/desk/c/" not in text
    _message, text = sent(
        django_capture_on_commit_callbacks, actor=admin, ticket=ticket, action="reply",
        cc=["supplier@partner.test"], content="News",
    )  # fmt: skip
    assert "/desk/c/" not in text


def test_a_forged_from_answering_a_forward_does_not_make_its_cc_trusted(
    admin, ticket, django_capture_on_commit_callbacks
):
    # The supplier got a forward; they write "From: the customer", answering the forward, and
    # copy themselves: the next reply-all must not hand them the customer's link.
    with django_capture_on_commit_callbacks(execute=True):
        forward = actions.do_send_thread(
            actor=admin, ticket=ticket, action="forward", to=["supplier@partner.test"],
            content="FYI",
        )  # fmt: skip
    actions.file_incoming(
        ticket, from_email="cu@example.com", content="Me, honest", cc=["supplier@partner.test"],
        in_reply_to=forward.message_id,
    )  # fmt: skip
    message, text = sent(
        django_capture_on_commit_callbacks, actor=admin, ticket=ticket, action="reply_all",
        content="Answer",
    )  # fmt: skip
    assert message.cc == ["supplier@partner.test"] and "/desk/c/" not in text


# 2. A link is bound to the ticket's customer address at the time it was made.


def test_the_customer_link_stops_working_when_the_ticket_changes_hands(ticket):
    client = Client()
    old = path_of(links.customer_url(ticket))
    assert client.get(old).status_code == 200
    Ticket.objects.filter(pk=ticket.pk).update(email="new-owner@example.com")
    ticket.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.post(old, {"content": "I am still here"}).status_code == 404
    assert not Thread.objects.filter(ticket=ticket, action="incoming").exists()
    new = path_of(links.customer_url(ticket))
    assert new != old and client.get(new).status_code == 200


def test_the_rating_link_stops_working_when_the_ticket_changes_hands(ticket):
    client = Client()
    old = path_of(links.rating_url(ticket))
    assert client.get(old).status_code == 200  # not closed yet: the page says so
    Ticket.objects.filter(pk=ticket.pk).update(email="new-owner@example.com")
    ticket.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.get(path_of(links.rating_url(ticket))).status_code == 200


def test_the_address_binds_case_insensitively_and_a_link_without_it_is_refused(ticket):
    client = Client()
    old = path_of(links.customer_url(ticket))
    Ticket.objects.filter(pk=ticket.pk).update(email="CU@Example.COM")
    assert client.get(old).status_code == 200  # the same address
    unbound = signing.Signer(salt=links.CUSTOMER_SALT).sign_object(
        {"t": ticket.pk, "p": ticket.portal_id}
    )
    assert client.get(f"/desk/c/{unbound}/").status_code == 404


def test_links_survive_a_secret_key_rotation(ticket, settings):
    old = path_of(links.customer_url(ticket))
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-brand-new-secret-key-" + "x" * 40
    assert Client().get(old).status_code == 200


# 3. A failed enqueue after commit is logged; the committed write answers normally.


def failing(monkeypatch, name: str) -> None:
    original = Task.enqueue

    def enqueue(self, *args, **kwargs):
        if self.name == name:
            raise ConnectionError("broker down")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Task, "enqueue", enqueue)


def test_a_reply_whose_enqueue_fails_is_created_and_resent_later(
    desk, ticket, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    failing(monkeypatch, "send_thread_email")
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        r = desk("agent").post(f"{T}/{ticket.id}/threads", {"action": "reply", "content": "Hi"})
    assert r.status_code == 201, r.content
    thread = Thread.objects.get(pk=r.json()["id"])
    assert thread.sent_at is None and not mail.outbox
    [record] = [r for r in caplog.records if "send_thread_email" in r.getMessage()]
    assert record.levelno == logging.ERROR and record.exc_info[0] is ConnectionError
    # The safety net: resend_unsent picks the unsent thread up once it is 2 minutes old.
    monkeypatch.undo()
    from datetime import timedelta

    Thread.objects.filter(pk=thread.pk).update(created_at=thread.created_at - timedelta(minutes=3))
    assert tasks.resend_unsent.call() == 1
    assert len(mail.outbox) == 1 and Thread.objects.get(pk=thread.pk).sent_at is not None


def test_an_invitation_whose_enqueue_fails_is_created_and_logged(
    desk, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    failing(monkeypatch, "send_invitation")
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        r = desk("admin").post("/api/desk/v1/agents", {"email": "new@acme.test", "role": "agent"})
    assert r.status_code == 201, r.content
    assert Agent.objects.get(pk=r.json()["id"]).state == "invited" and not mail.outbox
    assert any("send_invitation" in r.getMessage() and r.exc_info for r in caplog.records)


# 4. Mail-in: a bug defers the message (75); once fixed it is filed, and filed only once.


def test_a_message_deferred_by_a_bug_is_filed_once_after_the_fix(portal, monkeypatch, capsys):
    raw = (Path(__file__).parent / "mail" / "multipart_with_attachment.eml").read_bytes()

    def bug(*args, **kwargs):
        raise KeyError("a bug, not the database")

    with monkeypatch.context() as patch:
        patch.setattr(actions, "file_ticket", bug)
        assert mailin.main("acme-support", io.BytesIO(raw)) == mailin.EX_TEMPFAIL
    assert not Ticket.objects.filter(message_id="<first-123@customer.test>").exists()
    assert mailin.main("acme-support", io.BytesIO(raw)) == mailin.EX_OK
    assert mailin.main("acme-support", io.BytesIO(raw)) == mailin.EX_OK  # the MTA again
    assert "already filed as" in capsys.readouterr().out
    assert Ticket.objects.filter(message_id="<first-123@customer.test>").count() == 1


# 5. Links signed with keys derived once are the links Django's signing makes: links already
# sent in emails keep working, and Django's own Signer reads the new ones.


def test_links_are_signed_as_djangos_signer_signs_them(ticket, settings):
    from django.utils.crypto import salted_hmac

    for secret in (settings.SECRET_KEY, "another key, as after a rotation"):
        settings.SECRET_KEY = secret
        owner = salted_hmac("desk.link-owner", ticket.email, secret, algorithm="sha256")
        data = {"t": ticket.pk, "p": ticket.portal_id, "e": owner.hexdigest()[:16]}
        for salt, token in (
            (links.RATING_SALT, links.rating_token(ticket)),
            (links.CUSTOMER_SALT, links.customer_token(ticket)),
        ):
            assert token == signing.Signer(key=secret, salt=salt).sign_object(data)
            assert links.ticket_from(token, salt) == ticket
