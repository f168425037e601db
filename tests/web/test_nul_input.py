"""The NUL character is refused at the door, field named, on both databases (PostgreSQL cannot
store it: it used to be a 500 there, in a write or in a search)."""

import json

import pytest

from tandem.desk.models import Ticket

T = "/api/desk/v1/tickets"


def test_api_json_with_nul_is_a_400_naming_the_field(api, demo_data):
    client = api("admin@acme.test", portal="acme-support")
    before = Ticket.objects.count()
    r = client.post(T, {"subject": "Bad\u0000subject"})
    assert r.status_code == 400 and r["Content-Type"] == "application/problem+json"
    assert list(r.json()["errors"]) == ["subject"]
    r = client.post(T, {"subject": "Fine", "cf": {"serial": ["x", "a\u0000"]}})
    assert list(r.json()["errors"]) == ["cf.serial.1"]
    assert Ticket.objects.count() == before


def test_api_query_with_nul_is_a_400(api, demo_data):
    r = api("admin@acme.test", portal="acme-support").get(f"{T}?q=a%00b")
    assert r.status_code == 400 and list(r.json()["errors"]) == ["q"]


def test_a_form_with_nul_is_a_400_page(client, person):
    client.force_login(person("agent@acme.test"))
    r = client.post("/desk/acme-support/tickets/new/", {"subject": "x\x00y"})
    assert r.status_code == 400 and b"NUL" in r.content


@pytest.mark.parametrize(
    ("language", "label"), [("en", "Last name: "), ("de", "Nachname: "), ("es", "Apellidos: ")]
)
def test_a_form_with_nul_names_the_field_by_its_label(client, person, language, label):
    agent = person("agent@acme.test")
    agent.language = language
    agent.save(update_fields=["language"])
    client.force_login(agent)
    body = {"subject": "Help", "last_name": "x\x00y", "email": "nul@example.com"}
    r = client.post("/desk/acme-support/tickets/new/", body)
    page = r.content.decode()
    assert r.status_code == 400 and label in page and "last_name" not in page
    assert not Ticket.objects.filter(subject="Help").exists()


def test_files_may_hold_nul_bytes_and_escaped_text_is_fine(api, demo_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = api("admin@acme.test", portal="acme-support")
    # A backslash followed by "u0000" is plain text, not a NUL.
    r = client.post(T, json.dumps({"subject": "Path C:\\\\u0000dir"}))
    assert r.status_code == 201, r.content
    ticket_id = r.json()["id"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("blob.pdf", b"%PDF-1.4\x00\x00binary", "application/pdf")
    r = client.client.post(f"{T}/{ticket_id}/attachments", {"file": upload}, headers=client.headers)
    assert r.status_code == 201, r.content


def test_the_api_refuses_nul_in_the_request_s_language(api, demo_data):
    # The field's message and the problem's detail alike (the detail was left in English).
    r = api("admin@acme.test", portal="acme-support").post(
        T, {"subject": "Bad\u0000subject"}, headers={"Accept-Language": "de"}
    )
    assert r.status_code == 400
    assert r.json()["detail"] == "Die Anfrage enthält ungültige Felder."
    assert "NUL" in r.json()["errors"]["subject"][0] and "Text" in r.json()["errors"]["subject"][0]
