"""New Ticket from the API with `attachment_ids`: files uploaded first with POST
desk/attachments, checked as Desk checks its own, taken by the ticket once, by their uploader
only; a refused ticket leaves them staged; a day-old file never used is swept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tandem.desk import queries as desk
from tandem.integration.models import StagedFile
from tandem.integration.tickets import staged

from .tickets_helpers import *  # noqa: F403 (the fixtures)

CRM = "/api/crm/v1"
STAGE = f"{CRM}/desk/attachments"


def problem(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content)
    assert response["Content-Type"].startswith("application/problem+json")
    return response.json()


def stage(client, name="notes.txt", content=b"hello there", kind="text/plain"):
    upload = SimpleUploadedFile(name, content, content_type=kind)
    return client.client.post(STAGE, {"file": upload}, headers=client.headers)


@pytest.fixture
def nia(record):
    return record("Contacts", {"Last_Name": "Nia", "Email": "nia@x.test"})


def test_staged_files_become_the_new_tickets_attachments_once(crm_api, nia):
    agent = crm_api("agent@acme.test")
    first, second = stage(agent), stage(agent, "shot.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    assert first.status_code == 201, first.content
    assert first.json()["name"] == "notes.txt" and first.json()["content_type"] == "text/plain"
    ids = [first.json()["id"], second.json()["id"]]
    url = f"{CRM}/Contacts/{nia.id}/tickets"
    r = agent.post(url, {"subject": "With two files", "attachment_ids": ids})
    assert r.status_code == 201, r.content
    ticket = desk.portal_ticket(desk.portal_by_slug("acme-support").id, r.json()["id"])
    files = desk.attachments_of(ticket)
    assert sorted(a.name for a in files) == ["notes.txt", "shot.png"]
    assert all(a.uploaded_by.email == "agent@acme.test" for a in files)
    assert not StagedFile.objects.filter(pk__in=ids).exists()
    # Used once: a second ticket naming them is refused, and no ticket is made.
    before = desk.customer_tickets(ticket.portal_id, emails=["nia@x.test"]).count()
    body = problem(agent.post(url, {"subject": "Again", "attachment_ids": ids}), 400)
    assert "attachment_ids" in body["errors"]
    assert desk.customer_tickets(ticket.portal_id, emails=["nia@x.test"]).count() == before


def test_the_staged_file_goes_along_in_multipart_too(crm_api, nia):
    agent = crm_api("agent@acme.test")
    staged_id = stage(agent).json()["id"]
    r = agent.client.post(
        f"{CRM}/Contacts/{nia.id}/tickets",
        {"subject": "Form", "attachment_ids": [staged_id]},
        headers=agent.headers,
    )
    assert r.status_code == 201, r.content
    ticket = desk.portal_ticket(desk.portal_by_slug("acme-support").id, r.json()["id"])
    assert [a.name for a in desk.attachments_of(ticket)] == ["notes.txt"]


def test_someone_elses_file_is_refused_and_stays_theirs(crm_api, nia):
    admins = stage(crm_api("admin@acme.test")).json()["id"]
    body = problem(
        crm_api("agent@acme.test").post(
            f"{CRM}/Contacts/{nia.id}/tickets", {"subject": "x", "attachment_ids": [admins]}
        ),
        400,
    )
    assert "attachment_ids" in body["errors"]
    assert StagedFile.objects.filter(pk=admins).exists()


@pytest.mark.parametrize(
    "who, status", [("light@acme.test", 403), ("sales@acme.test", 403), ("owner@other.test", 404)]
)
def test_only_those_who_may_create_tickets_upload_for_them(crm_api, who, status):
    client = crm_api(who, org="other") if who.endswith("other.test") else crm_api(who)
    problem(stage(client), status)
    assert not StagedFile.objects.exists()


def test_bad_files_are_refused_at_once_with_the_field(crm_api, settings, nia):
    agent = crm_api("agent@acme.test")
    body = problem(stage(agent, "run.exe", b"MZ\x90\x00" + b"\x00" * 100, "text/plain"), 400)
    assert "file" in body["errors"]
    problem(agent.client.post(STAGE, {}, headers=agent.headers), 400)
    settings.TANDEM_MAX_UPLOAD_BYTES = 10
    problem(stage(agent), 413)
    assert not StagedFile.objects.exists()
    for ids in (["x"], list(range(1, 12)), "nope", [None]):
        r = agent.post(f"{CRM}/Contacts/{nia.id}/tickets", {"subject": "x", "attachment_ids": ids})
        assert any(k.startswith("attachment_ids") for k in problem(r, 400)["errors"])


def test_a_day_old_file_never_used_is_swept_with_its_bytes(crm_api):
    agent = crm_api("agent@acme.test")
    old, new = stage(agent).json()["id"], stage(agent).json()["id"]
    StagedFile.objects.filter(pk=old).update(created_at=timezone.now() - timedelta(days=2))
    name = StagedFile.objects.get(pk=old).file.name
    assert default_storage.exists(name)
    assert staged.sweep_unclaimed() == 1
    assert not default_storage.exists(name)
    assert list(StagedFile.objects.values_list("pk", flat=True)) == [new]


def test_the_upload_is_in_the_openapi_document(crm_api):
    doc = crm_api().get(f"{CRM}/openapi.json").json()
    assert "post" in doc["paths"]["/api/crm/v1/desk/attachments"]
    new_ticket = doc["paths"]["/api/crm/v1/{module}/{record_id}/tickets"]["post"]
    assert "attachment_ids" in str(new_ticket["requestBody"])
