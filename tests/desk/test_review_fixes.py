"""Fixes from the Desk code review: each test fails without its fix."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tandem.desk import actions, links


def test_the_customer_never_sees_forwards_or_their_files(admin, ticket):
    upload = SimpleUploadedFile("cost.pdf", b"%PDF-1.4 x")
    forward = actions.do_send_thread(
        actor=admin, ticket=ticket, action="forward", to=["supplier@example.net"],
        content="Internal: supplier, please check", uploads=[upload],
    )  # fmt: skip
    actions.do_send_thread(actor=admin, ticket=ticket, action="reply", content="We are on it")
    token = links.customer_token(ticket)
    client = Client()
    page = client.get(f"/desk/c/{token}/").content.decode()
    assert "We are on it" in page
    assert "supplier, please check" not in page and "cost.pdf" not in page
    file_id = forward.attachments.get().id
    assert client.get(f"/desk/c/{token}/files/{file_id}/").status_code == 404
