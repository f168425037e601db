"""The portal's own settings: name, acknowledgements, and the language customers are written
to in — through the API (GET/PATCH portal) and Setup, for Desk admins only."""

from django.conf import settings
from django.test import Client

from tandem.desk import links
from tandem.desk.models import Portal
from tests.desk.conftest import problem

P = "/api/desk/v1/portal"


def test_anyone_reads_the_portal_settings(desk):
    body = desk("light").get(P).json()
    assert body == {
        "id": body["id"],
        "slug": "acme-support",
        "name": "Acme Support",
        "acknowledge_new_tickets": True,
        "customer_language": "en",
    }


def test_an_admin_changes_them(desk, portal):
    r = desk("admin").patch(P, {"customer_language": "de", "acknowledge_new_tickets": False})
    assert r.status_code == 200, r.content
    portal.refresh_from_db()
    assert portal.customer_language == "de" and not portal.acknowledge_new_tickets
    assert portal.name == "Acme Support"  # untouched: not in the request


def test_an_agent_cannot(desk, portal):
    body = problem(desk("agent").patch(P, {"customer_language": "de"}), 403)
    assert "administrator" in body["detail"]
    assert Portal.objects.get(pk=portal.pk).customer_language == "en"


def test_bad_values_name_their_field_and_change_nothing(desk, portal):
    body = problem(desk("admin").patch(P, {"customer_language": "fr", "name": "New"}), 400)
    assert "customer_language" in body["errors"]
    body = problem(desk("admin").patch(P, {"name": "   "}), 400)
    assert "name" in body["errors"]
    body = problem(desk("admin").patch(P, {"acknowledge_new_tickets": None}), 400)
    assert "acknowledge_new_tickets" in body["errors"]
    problem(desk("admin").patch(P, {"colour": "red"}), 400)
    assert Portal.objects.get(pk=portal.pk).name == "Acme Support"


def test_setup_page_sets_the_customer_language(person, portal):
    client = Client()
    client.force_login(person("admin@acme.test"))
    page = client.get("/desk/acme-support/setup/").content.decode()
    assert 'name="customer_language"' in page
    r = client.post(
        "/desk/acme-support/setup/",
        {"op": "customer_emails", "customer_language": "es", "acknowledge_new_tickets": "1"},
    )
    assert r.status_code == 302
    portal.refresh_from_db()
    assert portal.customer_language == "es" and portal.acknowledge_new_tickets
    client.post("/desk/acme-support/setup/", {"op": "customer_emails", "customer_language": "xx"})
    assert Portal.objects.get(pk=portal.pk).customer_language == "es"


def test_the_customers_page_speaks_the_portal_language_unless_they_chose(portal, ticket):
    Portal.objects.filter(pk=portal.pk).update(customer_language="de")
    path = links.customer_url(ticket).split("8000", 1)[1]
    assert "Antwort senden" in Client().get(path).content.decode()
    chose = Client()
    chose.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Send reply" in chose.get(path).content.decode()
