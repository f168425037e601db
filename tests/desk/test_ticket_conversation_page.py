"""The ticket page's conversation (views/conversation.py builds it in Python): each email and
comment in order, who, what and when, its files, and every name escaped."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tandem.desk import actions
from tandem.desk.actions.conversation import file_incoming
from tandem.desk.models import Thread

HOSTILE = '<img src=x onerror="alert(1)">'


def cards(html: str) -> list[str]:
    """The conversation's cards, one per line as the page writes them."""
    return [
        line for line in html.splitlines() if re.search(r'class="card mb-2 (thread|comment)', line)
    ]


def test_emails_and_comments_in_order_with_their_files_and_names_escaped(
    browser_as, admin, ticket, django_capture_on_commit_callbacks
):
    admin.user.name = f"Ada {HOSTILE}"
    admin.user.save(update_fields=["name"])
    file_incoming(ticket, from_email="cu@example.com", content="<p>It is <b>broken</b></p>")
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_send_thread(
            actor=admin,
            ticket=ticket,
            action="reply",
            to="cu@example.com",
            cc="boss@example.com",
            content="<p>Fixed</p>",
            uploads=[SimpleUploadedFile(f"{HOSTILE}.pdf", b"%PDF-1.4 x", "application/pdf")],
            attachment_ids=[],
        )
        actions.do_add_comment(actor=admin, ticket=ticket, content="Seen", is_public=True)
        actions.do_add_comment(actor=admin, ticket=ticket, content="Watch it", is_public=False)
    file_id = ticket.attachments.get().id

    html = browser_as("admin").get(f"/desk/acme-support/tickets/{ticket.id}/").content.decode()

    incoming, reply, public, private = cards(html)
    assert 'data-action="incoming"' in incoming and "border-primary" in incoming
    assert "cu@example.com ·" in incoming and "<p>It is <b>broken</b></p>" in incoming
    assert 'data-action="reply"' in reply and "border-primary" not in reply
    assert "· Reply → cu@example.com (cc boss@example.com) ·" in reply
    assert "<p>Fixed</p>" in reply
    assert f'href="/desk/acme-support/attachments/{file_id}/"' in reply
    assert "bg-info-subtle" in public and "Public comment" in public and ">Seen<" in public
    assert "bg-warning-subtle" in private and "Private comment" in private
    # What people typed (a name, a file name) is text, never markup.
    assert HOSTILE not in html
    assert "Ada &lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in reply
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.pdf" in reply


def test_an_email_not_sent_yet_says_so_in_the_agents_language(browser_as, admin, ticket):
    thread = Thread.objects.create(
        ticket=ticket, action="reply", author=admin.user, to=["cu@example.com"], content="Hi"
    )
    assert thread.sent_at is None
    admin.user.language = "de"
    admin.user.save(update_fields=["language"])
    html = browser_as("admin").get(f"/desk/acme-support/tickets/{ticket.id}/").content.decode()
    (reply,) = cards(html)
    with translation.override("de"):
        assert translation.gettext("Not sent yet") != "Not sent yet"
        assert translation.gettext("Not sent yet") in reply
        assert translation.gettext("Reply") in reply
