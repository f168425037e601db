"""Mail-in stores only what every database can: NUL and lone surrogates are dropped or
replaced in every stored header and part, and an oversized body is kept as attachments
rather than refused (issue 14, points 6 and 7)."""

import io

from tandem.desk import mailin
from tandem.desk.limits import DESCRIPTION_MAX
from tandem.desk.models import Attachment, Contact, Ticket


def message(subject: str = "Hello", body: str = "Hi there", **headers) -> bytes:
    lines = [
        "From: Nul Person <nul@customer.test>",
        "To: support@acme.test",
        f"Subject: {subject}",
        "Message-ID: <hardening-1@customer.test>",
        *(f"{k.replace('_', '-')}: {v}" for k, v in headers.items()),
        "Content-Type: text/plain; charset=utf-8",
        "",
        body,
    ]
    return "\r\n".join(lines).encode("utf-8", "surrogateescape")


def file(raw: bytes, capsys) -> tuple[int, Ticket | None]:
    code = mailin.main("acme-support", io.BytesIO(raw))
    capsys.readouterr()
    return code, Ticket.objects.filter(message_id="<hardening-1@customer.test>").first()


def test_a_nul_in_the_subject_and_body_is_dropped_and_the_mail_filed(portal, capsys):
    code, ticket = file(message(subject="Broken\x00 printer", body="It\x00 jams"), capsys)
    assert code == 0
    assert ticket.subject == "Broken printer" and "\x00" not in ticket.description


def test_raw_8bit_bytes_in_a_header_become_replacement_characters(portal, capsys):
    # Undeclared 8-bit bytes in a header are read as surrogate escapes: never stored as such.
    raw = message(subject="Caf\udce9 order").replace(b"Nul Person", b"Nul P\xe9rson")
    code, ticket = file(raw, capsys)
    assert code == 0
    assert ticket.subject == "Caf\ufffd order"
    contact = Contact.objects.get(pk=ticket.contact_id)
    assert contact.last_name == "P\ufffdrson"


def test_an_overlong_subject_is_cut_to_its_column(portal, capsys):
    code, ticket = file(message(subject="s" * 2000), capsys)
    assert code == 0 and ticket.subject == "s" * 255


def test_an_oversized_body_is_kept_as_an_attachment_not_refused(portal, capsys, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    body = "line of a very long log\n" * (DESCRIPTION_MAX // 10)
    code, ticket = file(message(body=body), capsys)
    assert code == 0
    assert len(ticket.description) <= DESCRIPTION_MAX
    assert "all of it is attached: message.txt" in ticket.description
    [whole] = Attachment.objects.filter(ticket=ticket)
    assert whole.name == "message.txt" and whole.size > len(body)


def test_a_body_larger_than_the_upload_limit_is_attached_in_parts(
    portal, capsys, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.TANDEM_MAX_UPLOAD_BYTES = 100_000
    code, ticket = file(message(body="x" * 250_000), capsys)
    assert code == 0
    names = sorted(Attachment.objects.filter(ticket=ticket).values_list("name", flat=True))
    assert names == ["message-1.txt", "message-2.txt", "message-3.txt"]
