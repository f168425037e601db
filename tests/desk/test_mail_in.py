"""Email in, with real .eml files: new tickets, threaded replies, attachments, charsets,
and malformed input rejected with nothing written."""

import io
from pathlib import Path

import pytest

from tandem.desk import actions, mailin
from tandem.desk.models import Attachment, Change, Contact, Thread, Ticket

MAIL = Path(__file__).parent / "mail"


def eml(name: str, **fill) -> bytes:
    raw = (MAIL / name).read_bytes()
    for key, value in fill.items():
        raw = raw.replace(f"{{{key}}}".encode(), str(value).encode())
    return raw


def run(portal_slug: str, raw: bytes, capsys) -> tuple[int, str, str]:
    code = mailin.main(portal_slug, io.BytesIO(raw))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_new_message_opens_a_ticket_and_creates_the_contact(portal, capsys):
    code, out, _ = run("acme-support", eml("multipart_with_attachment.eml"), capsys)
    assert code == 0 and out.startswith("new ticket #")
    ticket = Ticket.objects.get(portal=portal, message_id="<first-123@customer.test>")
    assert ticket.subject == "Screen stays black after update" and ticket.channel == "Email"
    assert "<b>stays black</b>" in ticket.description and "script" not in ticket.description
    contact = Contact.objects.get(pk=ticket.contact_id)
    assert (contact.email, contact.first_name, contact.last_name) == (
        "maria@customer.test", "Maria", "Lopez")  # fmt: skip
    [kept] = Attachment.objects.filter(ticket=ticket)
    assert kept.name == "screen.png" and kept.content_type == "image/png"
    refused = ticket.events.get(kind="attachment_refused")
    assert "tool.pdf" in refused.changes["files"][1][0]
    assert ticket.events.filter(kind="created", actor_label="maria@customer.test").exists()


def test_a_reply_threads_onto_its_ticket(portal, admin, capsys):
    run("acme-support", eml("multipart_with_attachment.eml"), capsys)
    ticket = Ticket.objects.get(portal=portal, message_id="<first-123@customer.test>")
    sent = actions.do_send_thread(actor=admin, ticket=ticket, action="reply", content="Try this")
    assert sent.in_reply_to == "<first-123@customer.test>"
    code, out, _ = run(
        "acme-support",
        eml("reply_to_agent.eml", number=ticket.number, in_reply_to=sent.message_id),
        capsys,
    )
    assert code == 0 and out.startswith(f"reply on ticket #{ticket.number}")
    incoming = Thread.objects.get(ticket=ticket, action="incoming")
    assert "It works again" in incoming.content and incoming.cc == ["boss@customer.test"]
    assert Ticket.objects.filter(portal=portal, subject__contains="Screen").count() == 1


def test_a_reply_found_by_the_ticket_tag_when_headers_are_lost(portal, make_ticket, capsys):
    ticket = make_ticket(contact={"last_name": "Lopez", "email": "maria@customer.test"})
    raw = eml("reply_to_agent.eml", number=ticket.number, in_reply_to="<unknown@x.test>")
    assert run("acme-support", raw, capsys)[0] == 0
    assert Thread.objects.filter(ticket=ticket, action="incoming").exists()


def test_html_only_message(portal, capsys):
    assert run("acme-support", eml("html_only.eml"), capsys)[0] == 0
    ticket = Ticket.objects.get(portal=portal, message_id="<html-only-1@kunde.test>")
    assert "120 €" in ticket.description and "onerror" not in ticket.description
    assert ticket.contact.last_name == "Weber"


def test_non_utf8_charset(portal, capsys):
    assert run("acme-support", eml("latin1_plain.eml"), capsys)[0] == 0
    ticket = Ticket.objects.get(portal=portal, message_id="<latin1-1@cliente.test>")
    assert ticket.subject == "Contraseña olvidada"
    assert "Olvidé mi contraseña" in ticket.description
    assert ticket.contact.first_name == "José"


def test_the_same_message_twice_is_filed_once(portal, capsys):
    raw = eml("html_only.eml")
    run("acme-support", raw, capsys)
    code, out, _ = run("acme-support", raw, capsys)
    assert code == 0 and out.startswith("already filed")
    assert Ticket.objects.filter(portal=portal, message_id="<html-only-1@kunde.test>").count() == 1


@pytest.mark.parametrize("name", ["not_a_message.eml", "no_sender.eml"])
def test_malformed_mail_is_rejected_and_nothing_is_written(name, portal, capsys):
    before = (Ticket.objects.count(), Contact.objects.count(), Change.objects.count())
    code, out, err = run("acme-support", eml(name), capsys)
    assert code == mailin.EX_DATAERR and "rejected" in err and out == ""
    assert (Ticket.objects.count(), Contact.objects.count(), Change.objects.count()) == before


def test_empty_input_is_rejected(portal, capsys):
    assert run("acme-support", b"", capsys)[0] == mailin.EX_DATAERR


def test_unknown_portal(db, capsys):
    code, _, err = run("nowhere", eml("html_only.eml"), capsys)
    assert code == mailin.EX_NOUSER and "nowhere" in err


def test_the_command_line(portal, capfdbinary, monkeypatch):
    from tandem import cli

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(eml("html_only.eml"))))
    with pytest.raises(SystemExit) as exit_:
        cli.cmd_mail_in(cli.parser().parse_args(["mail-in", "--portal", "acme-support"]))
    assert exit_.value.code == 0
    assert Ticket.objects.filter(message_id="<html-only-1@kunde.test>").exists()


def test_a_failure_after_storing_files_leaves_no_file_behind(portal, settings, monkeypatch):
    from tandem.desk.actions import tickets as ticket_actions

    real_event = ticket_actions.event

    def broken_event(ticket, kind, **kwargs):
        # Fails after the screenshot was stored (the refused .pdf is recorded last).
        if kind == "attachment_refused":
            assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
            raise RuntimeError("database went away")
        return real_event(ticket, kind, **kwargs)

    monkeypatch.setattr(ticket_actions, "event", broken_event)
    with pytest.raises(RuntimeError):
        mailin.file_message(portal, eml("multipart_with_attachment.eml"))
    uploads = Path(settings.MEDIA_ROOT)
    assert not uploads.exists() or not [p for p in uploads.rglob("*") if p.is_file()]
    assert not Ticket.objects.filter(message_id="<first-123@customer.test>").exists()
