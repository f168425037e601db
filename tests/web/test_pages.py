"""The UI shell: error pages, health check, static files without a collect step."""

from django.test import Client


def test_unknown_page_is_a_friendly_404(client, person):
    client.force_login(person("sales@acme.test"))
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Back to Tandem" in response.content.decode()


def test_health_answers_ok(db):
    response = Client().get("/health/")
    assert response.status_code == 200 and response.content == b"ok"


def test_vendored_static_files_are_served(db, settings):
    for name in ("bootstrap.min.css", "htmx.min.js", "chart.umd.min.js", "bootstrap.bundle.min.js"):
        response = Client().get(f"/static/vendor/{name}")
        assert response.status_code == 200, name


def test_server_error_page_is_plain_and_has_no_traceback(client):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html and "Traceback" not in html


def test_pages_render_an_htmx_partial_when_asked(rf):
    from django.contrib.auth.models import AnonymousUser
    from django_htmx.middleware import HtmxDetails

    from tandem.web.render import page

    request = rf.get("/", headers={"HX-Request": "true"})
    request.htmx = HtmxDetails(request)
    request.user = AnonymousUser()
    response = page(request, "base.html", {}, partial="web/form_fields.html")
    assert b"<html" not in response.content
    request.htmx = HtmxDetails(rf.get("/"))
    full = page(request, "web/home.html", {"my_memberships": []}, partial="web/form_fields.html")
    assert b"<html" in full.content


def test_orgs_and_portals_get_free_addresses(person):
    from tandem.crm.actions import do_create_org
    from tandem.desk.actions import do_create_portal

    admin = person("admin@acme.test")
    assert do_create_org(actor=admin, name="Acme").slug == "acme-2"
    assert do_create_portal(actor=admin, name="Acme Support").slug == "acme-support-2"
    assert do_create_portal(actor=admin, name="!!!").slug == "portal"


def test_the_language_switch_names_each_language_in_its_own_words(client, person):
    agent = person("agent@acme.test")
    client.force_login(agent)
    for language in ("en", "de", "es"):
        agent.language = language
        agent.save(update_fields=["language"])
        page = client.get("/").content.decode()
        assert f'<html lang="{language}"' in page
        switch = page[page.index('id="language-switch"') :]
        assert ">English<" in switch and ">Español<" in switch and ">Deutsch<" in switch
