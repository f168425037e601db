"""Bad input is a clear 400 problem naming the field — never a 500, never an HTML page, never
read before the caller is authenticated (issue 14, points 1 to 3 and 5)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tandem.crm.models import Module
from tandem.desk.models import Department, Ticket

D = "/api/desk/v1"
C = "/api/crm/v1"
PROBLEM = "application/problem+json"


@pytest.fixture
def desk(api, demo_data):
    return api("admin@acme.test", portal="acme-support")


@pytest.fixture
def crm(api, demo_data):
    return api("admin@acme.test", org="acme")


def errors_of(response) -> dict:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    return response.json()["errors"]


@pytest.mark.parametrize("escaped", ["\\ud800", "\\udfff", "ok \\udc00 then"])
def test_a_lone_surrogate_in_desk_json_is_a_400_naming_the_field(desk, escaped):
    before = Ticket.objects.count()
    assert list(errors_of(desk.post(f"{D}/tickets", f'{{"subject": "{escaped}"}}'))) == ["subject"]
    assert Ticket.objects.count() == before


def test_a_lone_surrogate_in_crm_json_is_a_400_naming_the_field(crm):
    errors = errors_of(crm.post(f"{C}/Leads", '{"Last_Name": "\\udfff"}'))
    assert "surrogate" in errors["Last_Name"][0]


def test_a_raw_cesu_surrogate_in_json_bytes_is_a_400_too(crm):
    assert list(errors_of(crm.post(f"{C}/Leads", b'{"Last_Name": "\xed\xa0\x80"}'))) == [
        "Last_Name"
    ]


def test_surrogates_in_comments_contacts_and_departments_are_400s(desk):
    ticket = Ticket.objects.filter(portal__slug="acme-support").first()
    cases = [
        (f"{D}/tickets/{ticket.id}/comments", '{"content": "a\\ud800"}', "content"),
        (f"{D}/contacts", '{"last_name": "\\udbff"}', "last_name"),
        (f"{D}/departments", '{"name": "\\ud800"}', "name"),
    ]
    for path, body, field in cases:
        assert list(errors_of(desk.post(path, body))) == [field], path


def test_a_surrogate_pair_is_a_real_character_and_is_stored(crm):
    r = crm.post(f"{C}/Leads", '{"Last_Name": "\\ud83d\\ude00"}')
    assert r.status_code == 201 and r.json()["Last_Name"] == "\U0001f600"


def test_a_form_with_an_undecodable_surrogate_is_not_a_500(client, person):
    client.force_login(person("agent@acme.test"))
    r = client.post(
        "/desk/acme-support/tickets/new/",
        b"subject=x%ED%A0%80",
        content_type="application/x-www-form-urlencoded",
    )
    assert r.status_code < 500


def test_multipart_without_a_boundary_is_a_problem_not_an_html_page(desk):
    ticket = Ticket.objects.filter(portal__slug="acme-support").first()
    r = desk.client.post(
        f"{D}/tickets/{ticket.id}/attachments",
        data=b"--x\r\nbroken",
        content_type="multipart/form-data",
        headers=desk.headers,
    )
    assert "body" in errors_of(r)


def test_multipart_without_a_token_is_a_401_before_the_body_is_read(demo_data):
    ticket = Ticket.objects.filter(portal__slug="acme-support").first()
    r = Client().post(
        f"{D}/tickets/{ticket.id}/attachments",
        data=b"--x\r\nbroken",
        content_type="multipart/form-data",
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert r.status_code == 401 and r["Content-Type"] == PROBLEM


def test_nul_in_a_body_without_a_token_is_a_401_not_a_400(demo_data):
    r = Client().post(f"{D}/tickets", '{"subject": "a\\u0000"}', content_type="application/json")
    assert r.status_code == 401 and r["Content-Type"] == PROBLEM


def test_a_thousand_character_file_name_is_stored_shortened(desk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ticket = Ticket.objects.filter(portal__slug="acme-support").first()
    upload = SimpleUploadedFile("a" * 1000 + ".txt", b"hello", "text/plain")
    r = desk.client.post(
        f"{D}/tickets/{ticket.id}/attachments", {"file": upload}, headers=desk.headers
    )
    assert r.status_code == 201, r.content
    assert len(r.json()["name"]) <= 255


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_an_unknown_api_path_is_a_problem_404_for_every_method_despite_csrf(desk, method):
    client = Client(enforce_csrf_checks=True)
    r = getattr(client, method)(f"{D}/no-such-thing/1", headers=desk.headers)
    assert r.status_code == 404 and r["Content-Type"] == PROBLEM


def test_an_unknown_api_path_with_a_session_is_a_404_not_a_csrf_403(client, person):
    client = Client(enforce_csrf_checks=True)
    client.force_login(person("admin@acme.test"))
    r = client.post(f"{C}/integrations/nothing/here/at/all", {})
    assert r.status_code == 404 and r["Content-Type"] == PROBLEM


def test_too_long_names_are_400s_naming_the_field_and_nothing_is_stored(desk, crm):
    departments, modules = Department.objects.count(), Module.objects.count()
    assert "name" in errors_of(desk.post(f"{D}/departments", {"name": "x" * 10_000}))
    r = crm.post(f"{C}/modules", {"singular_label": "x" * 10_000, "plural_label": "Xs"})
    assert "singular_label" in errors_of(r)
    r = crm.post(f"{C}/modules/Leads/fields", {"label": "y" * 10_005, "type": "text"})
    assert "label" in errors_of(r)
    assert Department.objects.count() == departments and Module.objects.count() == modules


def test_a_name_at_its_limit_is_accepted(desk):
    assert desk.post(f"{D}/departments", {"name": "x" * 80}).status_code == 201


def test_the_last_guard_refuses_text_longer_than_its_column_on_any_database(demo_data):
    from tandem.web.errors import Problem

    department = Department.objects.first()
    department.name = "x" * 81
    with pytest.raises(Problem) as refused:
        department.save()
    assert refused.value.status == 400 and list(refused.value.errors) == ["name"]


def test_openapi_declares_max_lengths(desk, crm):
    desk_doc = desk.get(f"{D}/openapi.json").json()["components"]["schemas"]
    assert desk_doc["DepartmentIn"]["properties"]["name"]["maxLength"] == 80
    crm_doc = crm.get(f"{C}/openapi.json").json()["components"]["schemas"]
    assert crm_doc["ModuleIn"]["properties"]["singular_label"]["maxLength"] == 80


def test_a_form_with_text_longer_than_its_column_never_stores_it(client, person):
    client.force_login(person("agent@acme.test"))
    r = client.post(
        "/desk/acme-support/tickets/new/", {"subject": "s" * 10_000, "description": "d"}
    )
    assert r.status_code < 500
    assert not [t for t in Ticket.objects.all() if len(t.subject) > 255]
