"""The HTTP API conventions of CONTRACT.md §3, on the endpoints the foundation has."""

import pytest
from django.test import Client
from ninja import NinjaAPI, Schema
from ninja.testing import TestClient

from tandem.desk.models import Department
from tandem.web.api import install_problem_handlers


def is_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_missing_token_is_a_401_problem(db):
    body = is_problem(Client().get("/api/crm/v1/me"), 401)
    assert "token" in body["detail"]


def test_invalid_token_is_a_401_problem_even_on_post(db):
    client = Client()
    response = client.post(
        "/api/desk/v1/departments",
        data={"name": "X"},
        content_type="application/json",
        headers={"Authorization": "Bearer tdm_not-a-real-token"},
    )
    is_problem(response, 401)


def test_other_orgs_objects_are_404(api, person):
    acme = api("admin@acme.test", org="acme")
    other_owner = person("owner@other.test")
    is_problem(acme.get(f"/api/crm/v1/users/{other_owner.id}"), 404)
    assert acme.get(f"/api/crm/v1/users/{person('sales@acme.test').id}").status_code == 200


def test_other_portals_departments_are_404(api):
    acme = api("admin@acme.test", portal="acme-support")
    other = Department.objects.get(portal__slug="other-support")
    is_problem(acme.get(f"/api/desk/v1/departments/{other.id}"), 404)
    is_problem(acme.patch(f"/api/desk/v1/departments/{other.id}", {"name": "Mine"}), 404)
    is_problem(acme.delete(f"/api/desk/v1/departments/{other.id}"), 404)
    assert Department.objects.get(pk=other.pk).name == "Support"


def test_malformed_body_is_a_400_with_per_field_errors(api):
    admin = api("admin@acme.test", portal="acme-support")
    body = is_problem(admin.post("/api/desk/v1/departments", {"name": 5, "x": 1}), 400)
    assert "name" in body["errors"]
    body = is_problem(admin.post("/api/desk/v1/departments", {}), 400)
    assert "name" in body["errors"]


def test_body_that_is_not_json_is_a_400(api):
    admin = api("admin@acme.test", portal="acme-support")
    body = is_problem(admin.post("/api/desk/v1/departments", "{not json"), 400)
    assert body["errors"]


def test_blank_name_is_refused_by_the_action(api):
    admin = api("admin@acme.test", portal="acme-support")
    body = is_problem(admin.post("/api/desk/v1/departments", {"name": "  "}), 400)
    assert body["errors"] == {"name": ["A department needs a name."]}


def test_forbidden_says_why(api):
    agent = api("agent@acme.test", portal="acme-support")
    body = is_problem(agent.post("/api/desk/v1/departments", {"name": "Sales"}), 403)
    assert "Desk administrator" in body["detail"]
    assert not Department.objects.filter(name="Sales").exists()


def test_conflict_is_a_409(api):
    admin = api("admin@acme.test", portal="acme-support")
    billing = Department.objects.get(portal__slug="acme-support", name="Billing")
    is_problem(admin.patch(f"/api/desk/v1/departments/{billing.id}", {"name": "Support"}), 409)


def test_unknown_api_path_is_a_404_problem(db):
    is_problem(Client().get("/api/crm/v1/no-such-thing"), 404)


def test_departments_crud(api):
    admin = api("admin@acme.test", portal="acme-support")
    created = admin.post("/api/desk/v1/departments", {"name": "Sales"})
    assert created.status_code == 201
    dep_id = created.json()["id"]
    assert (
        admin.patch(f"/api/desk/v1/departments/{dep_id}", {"name": "Presales"}).json()["name"]
        == "Presales"
    )
    assert admin.delete(f"/api/desk/v1/departments/{dep_id}").status_code == 204
    is_problem(admin.get(f"/api/desk/v1/departments/{dep_id}"), 404)


def test_unhandled_error_is_a_clean_500():
    api = NinjaAPI(urls_namespace="crash_test")
    install_problem_handlers(api)

    @api.get("/boom")
    def boom(request):
        raise RuntimeError("secret internals")

    response = TestClient(api).get("/boom")
    assert response.status_code == 500
    assert "secret internals" not in response.content.decode()
    assert response.json()["status"] == 500


def test_validation_error_fields_are_named():
    api = NinjaAPI(urls_namespace="validation_test")
    install_problem_handlers(api)

    class In(Schema):
        email: str
        count: int

    @api.post("/things")
    def things(request, body: In):
        return {}

    response = TestClient(api).post("/things", json={"email": "a@b.c", "count": "many"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["count"]


def test_session_api_needs_csrf_on_writes(client, person):
    client = Client(enforce_csrf_checks=True)
    client.force_login(person("admin@acme.test"))
    client.get("/desk/acme-support/")  # opening the portal in the UI picks it for session calls
    assert client.get("/api/desk/v1/me").json()["portal"]["slug"] == "acme-support"
    refused = client.post(
        "/api/desk/v1/departments", {"name": "Sales"}, content_type="application/json"
    )
    assert refused.status_code == 403
    token = client.cookies["csrftoken"].value
    allowed = client.post(
        "/api/desk/v1/departments",
        {"name": "Sales"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert allowed.status_code == 201


@pytest.mark.parametrize("path", ["/api/crm/v1/openapi.json", "/api/desk/v1/openapi.json"])
def test_openapi_documents_are_served(db, path):
    response = Client().get(path)
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


@pytest.mark.parametrize("path", ["/api/crm/v1/docs", "/api/desk/v1/docs"])
def test_browsable_docs_are_served(db, path):
    assert Client().get(path).status_code == 200


def test_oversized_body_is_a_413_problem(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    admin = api("admin@acme.test", portal="acme-support")
    body = is_problem(admin.post("/api/desk/v1/departments", {"name": "x" * 5000}), 413)
    assert "larger" in body["detail"]


def test_wrong_method_is_a_405_problem(api):
    admin = api("admin@acme.test", portal="acme-support")
    body = is_problem(admin.put("/api/desk/v1/departments", {"name": "x"}), 405)
    assert "PUT" in body["detail"]


def test_form_help_text_is_escaped(rf):
    from django import forms
    from django.template.loader import render_to_string

    class Evil(forms.Form):
        name = forms.CharField(help_text="<img src=x onerror=alert(1)>")

    html = render_to_string("web/form_fields.html", {"form": Evil()})
    assert "<img src=x" not in html and "&lt;img" in html
