"""Editing a ticket on its page (issue 13 §7): the description is edited as words, not HTML; a
date the page cannot read is refused in the page's words, beside the field, keeping what was
typed; a priority that moves the due date says so beside the due date."""

from __future__ import annotations

import html
import re

import pytest
from django.utils import translation

from tandem.desk import actions
from tandem.desk.models import Ticket

PAGE = "/desk/acme-support/tickets"


@pytest.fixture
def speaking(signed_in):
    """speaking("de") → the agent's browser, the agent reading German."""
    return lambda language="en": signed_in("agent@acme.test", language)


def textarea(page: str) -> str:
    edit = r'<details[^>]*id="edit-description".*?<textarea[^>]*>(.*?)</textarea>'
    found = re.search(edit, page, re.S)
    return html.unescape(found.group(1))


def test_the_description_is_edited_as_words_not_html(speaking, make_ticket):
    ticket = make_ticket(description="<p>Printer <b>smokes</b></p><p>Since Monday &amp; today</p>")
    page = speaking().get(f"{PAGE}/{ticket.id}/").content.decode()
    assert textarea(page) == "Printer smokes\n\nSince Monday & today"


def test_typed_words_are_saved_as_paragraphs(speaking, ticket):
    body = {"field": "description", "form": "description", "value": "First\r\n\r\nSecond & <b>"}
    r = speaking().post(f"{PAGE}/{ticket.id}/update/", body)
    assert r.status_code == 302
    stored = Ticket.objects.get(pk=ticket.pk).description
    assert stored == "<p>First</p>\n\n<p>Second &amp; &lt;b&gt;</p>"
    page = speaking().get(f"{PAGE}/{ticket.id}/").content.decode()
    assert textarea(page) == "First\n\nSecond & <b>"


def test_saving_the_words_unchanged_keeps_the_stored_html(speaking, make_ticket):
    rich = (
        '<p>See <a href="https://help.test/x" rel="noopener noreferrer nofollow">the guide</a></p>'
    )
    ticket = make_ticket(description=rich)
    client = speaking()
    words = textarea(client.get(f"{PAGE}/{ticket.id}/").content.decode())
    assert words == "See the guide (https://help.test/x)"
    unchanged = {"field": "description", "form": "description", "value": words}
    client.post(f"{PAGE}/{ticket.id}/update/", unchanged)
    assert Ticket.objects.get(pk=ticket.pk).description == rich


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "Enter a date as YYYY-MM-DD"),
        ("es", "Introduzca una fecha como AAAA-MM-DD"),
        ("de", "Geben Sie ein Datum als JJJJ-MM-TT"),
    ],
)
def test_a_bad_date_is_refused_in_the_pages_words_keeping_what_was_typed(
    speaking, ticket, language, words
):
    body = {"field": "due_date", "form": "update-field", "value": "31/12/2026"}
    r = speaking(language).post(f"{PAGE}/{ticket.id}/update/", body)
    assert r.status_code == 400
    page = r.content.decode()
    error = re.search(r'id="update-field-error">(.*?)<', page, re.S).group(1)
    assert words in html.unescape(error)
    assert "ISO 8601" not in page
    assert 'value="31/12/2026"' in page
    assert re.search(r'<option value="due_date" selected>', page)
    assert Ticket.objects.get(pk=ticket.pk).due_date == ticket.due_date


def test_a_date_typed_as_the_hint_says_is_taken(speaking, ticket):
    body = {"field": "due_date", "form": "update-field", "value": "2031-12-31"}
    assert speaking().post(f"{PAGE}/{ticket.id}/update/", body).status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).due_date.date().isoformat() == "2031-12-31"


def moved_note(page: str) -> str | None:
    found = re.search(r'id="ticket-due-date">.*?id="due-date-moved"[^>]*>(.*?)<', page, re.S)
    return html.unescape(found.group(1)) if found else None


def test_a_priority_that_moves_the_due_date_says_so_beside_it(speaking, ticket):
    client = speaking()
    before = ticket.due_date
    body = {"field": "priority", "value": "Urgent", "form": "update-field"}
    r = client.post(f"{PAGE}/{ticket.id}/update/", body, follow=True)
    after = Ticket.objects.get(pk=ticket.pk).due_date
    assert after != before  # the SLA's 8 hours for Urgent, not 72 for Medium
    with translation.override("en"):
        note = moved_note(r.content.decode())
    assert note is not None and note.startswith("The due date moved to")
    assert "as the SLA sets it for this priority" in note
    assert moved_note(client.get(f"{PAGE}/{ticket.id}/").content.decode()) is None  # said once


def test_a_due_date_set_by_hand_stays_and_nothing_is_said(speaking, admin, ticket):
    actions.do_update_ticket(actor=admin, ticket=ticket, data={"due_date": "2031-01-01"})
    body = {"field": "priority", "value": "Urgent", "form": "update-field"}
    r = speaking().post(f"{PAGE}/{ticket.id}/update/", body, follow=True)
    assert moved_note(r.content.decode()) is None


def test_the_note_is_in_the_readers_language(speaking, ticket):
    body = {"field": "priority", "value": "Urgent", "form": "update-field"}
    r = speaking("de").post(f"{PAGE}/{ticket.id}/update/", body, follow=True)
    assert moved_note(r.content.decode()).startswith("Das Fälligkeitsdatum")
