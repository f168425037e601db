"""Desk's refusals are translatable: text in the reader's language, never a lazy object in
JSON or a crash where they are joined, and fields called by their labels in the UI."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import translation

from tandem.desk import actions, mailin
from tandem.desk.models import Department, Ticket
from tandem.desk.views._common import refusal_text
from tandem.web.errors import Problem

from .conftest import problem

API = "/api/desk/v1"
BASE = "/desk/acme-support"


@pytest.fixture(autouse=True)
def english_after():
    # A request in German leaves German active in this thread: later tests must not read it.
    with translation.override("en"):
        yield


@pytest.fixture
def seats(admin):
    actions.do_add_ticket_field(actor=admin, portal=admin.portal, label="Seats", type="number")


def _alerts(response) -> str:
    assert response.status_code == 200, response.content
    return " ".join(re.findall(r'class="alert[^"]*"[^>]*>(.*?)<', response.content.decode(), re.S))


def _browser(person, email: str, language: str = "") -> Client:
    user = person(email)
    if language:
        user.language = language
        user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def test_refusals_in_the_api_are_plain_text_with_their_english_words(desk, ticket):
    body = problem(desk("agent").post(f"{API}/departments", {"name": "Sales"}), 403)
    assert body["detail"] == "Only a Desk administrator can add departments."
    reply = {"action": "reply", "content": "<p>On it.</p>"}
    body = problem(desk("light").post(f"{API}/tickets/{ticket.id}/threads", reply), 403)
    assert body["detail"] == "Light Agents can only comment on tickets."
    body = problem(desk("agent").patch(f"{API}/tickets/{ticket.id}", {"priority": "Soon"}), 400)
    assert body["detail"] == "The request has invalid fields."
    assert body["errors"] == {"priority": ["Choose one of: Low, Medium, High, Urgent."]}


def test_field_messages_are_in_the_language_the_request_asks_for(desk, seats, ticket):
    # "Enter a number." is already in a German catalogue (Django's own has it too).
    with translation.override("de"):
        in_german = translation.gettext("Enter a number.")
    assert in_german != "Enter a number."
    patch = {"cf": {"seats": "many"}}
    german = desk("agent").patch(
        f"{API}/tickets/{ticket.id}", patch, headers={"accept-language": "de"}
    )
    body = problem(german, 400)
    assert body["errors"] == {"cf.seats": [in_german]}
    assert isinstance(body["detail"], str) and body["detail"]
    english = problem(desk("agent").patch(f"{API}/tickets/{ticket.id}", patch), 400)
    assert english["errors"] == {"cf.seats": ["Enter a number."]}


def test_a_refused_form_names_the_field_by_its_label(person, department):
    client = _browser(person, "agent@acme.test")
    data = {"subject": "Help", "department_id": department("Support").id, "contact_id": "abc"}
    shown = _alerts(client.post(f"{BASE}/tickets/new/", data, follow=True))
    assert "Contact: No such item in this portal." in shown
    assert "contact_id" not in shown
    data = {"subject": "Help", "department_id": "9" * 30}
    shown = _alerts(client.post(f"{BASE}/tickets/new/", data, follow=True))
    assert "Department: No such item in this portal." in shown
    assert "department_id" not in shown


def test_a_refused_form_names_the_field_in_the_persons_language(person):
    client = _browser(person, "agent@acme.test", language="de")
    data = {"subject": "Hilfe", "department_id": "abc"}
    shown = _alerts(client.post(f"{BASE}/tickets/new/", data, follow=True))
    assert "Abteilung: " in shown and "department_id" not in shown
    assert not Ticket.objects.filter(subject="Hilfe").exists()


def test_a_custom_field_is_called_by_its_label(admin, seats):
    refused = Problem.invalid({"cf.seats": ["Enter a number."], "sort": ["Choose one."]})
    text = refusal_text(SimpleNamespace(member=admin), refused)
    assert text == "The request has invalid fields. Seats: Enter a number.; Sort: Choose one."


def test_an_unknown_key_keeps_its_name(admin):
    text = refusal_text(SimpleNamespace(member=admin), Problem.invalid({"wobble": ["No."]}))
    assert text == "The request has invalid fields. wobble: No."


def test_mail_in_prints_a_refusal_made_of_translatable_messages(person, capsys):
    # A portal without departments (only the database can do that) refuses new tickets with a
    # field error: it is printed, and the MTA is told the mail is bad, not "try again later".
    portal = actions.do_create_portal(actor=person("sales@acme.test"), name="Empty Help")
    Department.objects.filter(portal=portal).delete()
    raw = (
        b"From: Ana <ana@example.com>\r\nTo: support@acme.test\r\nSubject: Hello\r\n"
        b"Message-ID: <lazy-1@example.com>\r\n\r\nHi there\r\n"
    )
    code = mailin.main(portal.slug, io.BytesIO(raw))
    err = capsys.readouterr().err
    assert code == mailin.EX_DATAERR, err
    assert "department_id: A ticket needs a department." in err


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            {
                "subject": ["At most 255 characters."],
                "due_date": ["Enter a valid date/time."],
                "colour": ["This field is not known here."],
                "cf": ["Give an object ({…})."],
                "is_escalated": ["Give true or false."],
            },
        ),
        (
            "de",
            {
                "subject": ["Höchstens 255 Zeichen."],
                "due_date": ["Geben Sie ein gültiges Datum mit Uhrzeit ein."],
                "colour": ["Dieses Feld ist hier nicht bekannt."],
                "cf": ["Geben Sie ein Objekt an ({…})."],
                "is_escalated": ["Geben Sie true oder false an."],
            },
        ),
        (
            "es",
            {
                "subject": ["Como máximo 255 caracteres."],
                "due_date": ["Introduzca una fecha y hora válidas."],
                "colour": ["Este campo no se conoce aquí."],
                "cf": ["Indique un objeto ({…})."],
                "is_escalated": ["Indique true o false."],
            },
        ),
    ],
)
def test_a_body_that_does_not_fit_the_schema_is_told_in_the_requests_language(
    desk, language, expected
):
    # pydantic writes its messages in English only ("String should have at most 255
    # characters"): the German client got a German detail over English field messages.
    body = {"subject": "x" * 300, "due_date": "soon", "cf": 3, "is_escalated": "maybe"}
    body["colour"] = "red"
    answer = problem(
        desk("agent").post(f"{API}/tickets", body, headers={"accept-language": language}), 400
    )
    assert {field: answer["errors"].get(field) for field in expected} == expected
    assert not Ticket.objects.filter(subject__startswith="xxx").exists()
