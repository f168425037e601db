"""A customer who writes in is told their request is ticket #N, once, threaded under their own
message; robots are never answered; a Desk admin can switch it off."""

import io
from pathlib import Path

import pytest
from django.test import Client

from tandem.desk import actions, mailin, tasks
from tandem.desk.models import Ticket
from tandem.web.errors import Problem

MAIL = Path(__file__).parent / "mail"
FIRST = (MAIL / "multipart_with_attachment.eml").read_bytes()


def mail_in(raw: bytes, capture) -> Ticket:
    with capture(execute=True):
        assert mailin.main("acme-support", io.BytesIO(raw)) == 0
    return Ticket.objects.order_by("-id").first()


def test_a_new_emailed_ticket_is_acknowledged_once(
    portal, mailoutbox, django_capture_on_commit_callbacks
):
    ticket = mail_in(FIRST, django_capture_on_commit_callbacks)
    [ack] = mailoutbox
    assert ack.to == ["maria@customer.test"]
    assert ack.subject == f"Re: [#{ticket.number}] Screen stays black after update"
    assert ack.extra_headers["In-Reply-To"] == "<first-123@customer.test>"
    assert ack.extra_headers["References"] == "<first-123@customer.test>"
    assert ack.extra_headers["Auto-Submitted"] == "auto-replied"
    assert f"ticket #{ticket.number}" in ack.body
    assert "/desk/c/" in ack.body  # the customer's signed ticket page
    assert ticket.events.filter(kind="acknowledged").count() == 1
    tasks.send_acknowledgement.call(ticket.id)  # a second run (a requeued task) sends nothing
    assert len(mailoutbox) == 1


def test_the_customers_answer_to_the_acknowledgement_threads_onto_the_ticket(
    portal, mailoutbox, django_capture_on_commit_callbacks
):
    ticket = mail_in(FIRST, django_capture_on_commit_callbacks)
    ack_id = mailoutbox[0].extra_headers["Message-ID"]
    answer = (MAIL / "reply_to_agent.eml").read_bytes()
    answer = answer.replace(b"{number}", str(ticket.number).encode())
    answer = answer.replace(b"{in_reply_to}", ack_id.encode())
    mail_in(answer, django_capture_on_commit_callbacks)
    assert ticket.threads.filter(action="incoming").count() == 1
    assert Ticket.objects.filter(portal=portal).order_by("-id").first() == ticket
    assert len(mailoutbox) == 1  # a reply is not acknowledged again


@pytest.mark.parametrize(
    "header",
    [
        b"Auto-Submitted: auto-replied",
        b"Precedence: bulk",
        b"X-Autoreply: yes",
        b"List-Id: <customers.list.test>",
        b"Return-Path: <>",
        b"From: Mail Delivery System <MAILER-DAEMON@customer.test>",
    ],
)
def test_robots_are_not_answered(portal, mailoutbox, django_capture_on_commit_callbacks, header):
    raw = FIRST.replace(b"MIME-Version: 1.0", header + b"\nMIME-Version: 1.0", 1)
    if header.startswith((b"Return-Path", b"From")):
        name = header.split(b":")[0]
        raw = b"\n".join(
            line for line in raw.split(b"\n") if not line.startswith(name + b": ") or line == header
        )
    ticket = mail_in(raw, django_capture_on_commit_callbacks)
    assert ticket.subject == "Screen stays black after update"  # filed all the same
    assert mailoutbox == []


def test_agents_tickets_are_not_acknowledged(desk, mailoutbox, django_capture_on_commit_callbacks):
    new = {"subject": "Called in", "contact": {"last_name": "Ng", "email": "ng@customer.test"}}
    with django_capture_on_commit_callbacks(execute=True):
        r = desk("agent").post("/api/desk/v1/tickets", new)
    assert r.status_code == 201 and r.json()["email"] == "ng@customer.test"
    assert mailoutbox == []


def test_an_admin_switches_acknowledgements_off_in_setup(
    portal, person, agent_of, mailoutbox, django_capture_on_commit_callbacks
):
    admin = Client()
    admin.force_login(person("admin@acme.test"))
    url = "/desk/acme-support/setup/"
    assert 'id="acknowledge-new-tickets" checked' in admin.get(url).content.decode()
    admin.post(url, {"op": "customer_emails"})  # the box unticked
    portal.refresh_from_db()
    assert portal.acknowledge_new_tickets is False
    assert 'id="acknowledge-new-tickets">' in admin.get(url).content.decode()
    mail_in(FIRST, django_capture_on_commit_callbacks)
    assert mailoutbox == []
    with pytest.raises(Problem) as refused:
        actions.do_update_portal(
            actor=agent_of("agent@acme.test"),
            portal=portal,
            data={"acknowledge_new_tickets": True},
        )
    assert refused.value.status == 403
    admin.post(url, {"op": "customer_emails", "acknowledge_new_tickets": "1"})
    portal.refresh_from_db()
    assert portal.acknowledge_new_tickets is True


def test_the_history_names_the_acknowledgement(
    portal, person, mailoutbox, django_capture_on_commit_callbacks
):
    ticket = mail_in(FIRST, django_capture_on_commit_callbacks)
    admin = Client()
    admin.force_login(person("admin@acme.test"))
    page = admin.get(f"/desk/acme-support/tickets/{ticket.id}/history/").content.decode()
    assert "acknowledgement sent" in page and "acknowledged" not in page
