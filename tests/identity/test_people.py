import pytest
from django.core import mail
from django.db import IntegrityError

from tandem.identity.models import User


def test_email_is_unique_without_regard_to_case(db):
    User.objects.create_user("Ada@Example.test", "pw-123456")
    with pytest.raises(IntegrityError):
        User.objects.create_user("ada@example.TEST", "pw-123456")


def test_sign_in_with_the_email_in_any_case(client, demo_data):
    response = client.post(
        "/accounts/login/", {"username": "Admin@ACME.test", "password": "tandem-demo"}
    )
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert b"Acme Support" in home.content and b"Acme" in home.content


def test_wrong_password_is_refused_with_a_message(client, demo_data):
    response = client.post("/accounts/login/", {"username": "admin@acme.test", "password": "nope"})
    assert response.status_code == 200
    assert (
        b"correct email" in response.content.lower()
        or b"enter a correct" in response.content.lower()
    )


def test_home_lists_only_my_orgs_and_portals(client, person):
    client.force_login(person("sales@acme.test"))
    memberships = client.get("/").context["my_memberships"]
    assert [(m.kind, m.slug) for m in memberships] == [("crm", "acme")]


def test_home_needs_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_another_tenants_page_is_a_404(client, person):
    client.force_login(person("admin@acme.test"))
    assert client.get("/crm/acme/").status_code == 200
    assert client.get("/crm/other/").status_code == 404
    assert client.get("/desk/other-support/").status_code == 404
    assert client.get("/desk/acme-support/").status_code == 200


def test_password_reset_sends_a_working_link(client, demo_data):
    client.post("/accounts/password/reset/", {"email": "agent@acme.test"})
    assert len(mail.outbox) == 1
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/accounts/password/reset/" in line
    )
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-new-long-pass-42", "new_password2": "a-new-long-pass-42"},
    )
    assert done.status_code == 302
    assert client.login(username="agent@acme.test", password="a-new-long-pass-42")


def test_password_change(client, person):
    client.force_login(person("light@acme.test"))
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "tandem-demo",
            "new_password1": "another-long-pass-7",
            "new_password2": "another-long-pass-7",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="light@acme.test").check_password("another-long-pass-7")


def test_language_switch_is_remembered_for_the_person(client, person):
    client.force_login(person("agent@acme.test"))
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert User.objects.get(email="agent@acme.test").language == "de"
    page = client.get("/").content.decode()
    assert 'lang="de"' in page and "Abmelden" in page


def test_language_switch_works_before_sign_in(client, db):
    client.post("/i18n/setlang/", {"language": "es", "next": "/accounts/login/"})
    page = client.get("/accounts/login/").content.decode()
    assert 'lang="es"' in page and "Iniciar sesión" in page


def test_profile_keeps_language_and_time_zone(client, person):
    client.force_login(person("sales@acme.test"))
    response = client.post(
        "/accounts/profile/", {"name": "Sam", "language": "es", "time_zone": "Europe/Madrid"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="sales@acme.test")
    assert (user.name, user.language, user.time_zone) == ("Sam", "es", "Europe/Madrid")


def test_profile_refuses_an_unknown_time_zone(client, person):
    client.force_login(person("sales@acme.test"))
    response = client.post(
        "/accounts/profile/", {"name": "Sam", "language": "en", "time_zone": "Mars/Base"}
    )
    assert response.status_code == 200 and response.context["form"].errors["time_zone"]
    assert User.objects.get(email="sales@acme.test").time_zone == "UTC"
