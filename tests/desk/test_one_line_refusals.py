"""A refusal read as one line (Problem.text): the reason, then each field by its label and its
messages. The pages and the mail-in command all say it the same way."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext_lazy

from tandem.desk.models import Portal
from tandem.web.errors import Problem

BASE = "/desk/acme-support"


@pytest.fixture(autouse=True)
def english_after():
    with translation.override("en"):
        yield


def test_the_reason_then_each_field_and_its_messages():
    refused = Problem.invalid({"department_id": ["Give a number.", "Or none."], "sort": ["No."]})
    assert (
        refused.text()
        == "The request has invalid fields. department_id: Give a number. Or none.; sort: No."
    )
    labels = {"department_id": "Department"}
    assert refused.text(labels) == (
        "The request has invalid fields. Department: Give a number. Or none.; sort: No."
    )


def test_without_fields_it_is_the_reason_alone():
    assert Problem(403, "Only a Desk administrator can add departments.").text() == (
        "Only a Desk administrator can add departments."
    )


def test_lazy_translations_become_text_in_the_active_language():
    refused = Problem.invalid({"seats": [gettext_lazy("Enter a number.")]})
    with translation.override("de"):
        text = refused.text({"seats": gettext_lazy("Seats")})
        words = (translation.gettext("The request has invalid fields."),
                 translation.gettext("Enter a number."))  # fmt: skip
    assert text == f"{words[0]} Seats: {words[1]}"
    assert words[1] != "Enter a number."


def _alerts(html: str) -> str:
    return " ".join(re.findall(r'class="(?:alert|invalid-feedback)[^"]*"[^>]*>(.*?)<', html, re.S))


def test_the_new_portal_page_names_the_field(person):
    client = Client()
    client.force_login(person("sales@acme.test"))
    r = client.post("/desk/portals/new/", {"name": "   "})
    assert r.status_code == 200
    assert _alerts(r.content.decode()) == (
        "The request has invalid fields. Portal name: A portal needs a name."
    )
    assert not Portal.objects.filter(name="").exists()


def test_a_junk_list_filter_names_the_field(browser_as):
    page = browser_as("agent").get(f"{BASE}/tickets/", {"department_id": "abc"}).content.decode()
    assert "The request has invalid fields. Department: Give a number." in _alerts(page)
    assert "department_id" not in _alerts(page)


def test_a_junk_export_filter_names_the_field(browser_as):
    r = browser_as("agent").get(f"{BASE}/tickets/export.csv", {"assignee_id": "x"}, follow=True)
    assert "Assignee: Give a number." in _alerts(r.content.decode())
