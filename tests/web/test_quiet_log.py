"""A quiet server log (issue 13 §11): a favicon is shipped, so browsers asking for /favicon.ico
get one instead of a "Not Found" warning on every page; an ordinary refusal is one line with
its reason; a real error keeps its traceback."""

from __future__ import annotations

import logging
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import path

pytestmark = pytest.mark.django_db


def refused(request):
    raise PermissionDenied("Only a Desk administrator can open Setup.")


def missing(request):
    raise Http404("No such ticket in this portal.")


def broken(request):
    raise RuntimeError("a real bug")


urlpatterns = [path("refused/", refused), path("missing/", missing), path("broken/", broken)]


def logged(caplog, status: int) -> list[str]:
    """What the server prints for each django.request record of that status, as printed."""
    formatter = logging.Formatter("%(levelname)s %(name)s: %(message)s")
    return [
        formatter.format(r)
        for r in caplog.records
        if r.name == "django.request" and getattr(r, "status_code", None) == status
    ]


def test_favicon_is_served_at_the_root_without_a_warning(client, caplog):
    r = client.get("/favicon.ico")
    assert r.status_code == 200
    assert b"".join(r.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert not logged(caplog, 404)


def test_every_page_links_the_icon_and_it_answers(client):
    page = client.get("/accounts/login/").content.decode()
    icons = re.findall(r'<link rel="icon" href="([^"]+)"', page)
    assert "/favicon.ico" in icons and any(i.endswith(".svg") for i in icons)
    for href in icons:
        assert client.get(href).status_code == 200, href


def test_a_refused_request_is_one_line_with_its_reason(settings, caplog):
    settings.ROOT_URLCONF = __name__
    assert Client().get("/refused/").status_code == 403
    (line,) = logged(caplog, 403)
    assert line == (
        "WARNING django.request: Forbidden (Permission denied): /refused/ "
        "(Only a Desk administrator can open Setup.)"
    )


def test_a_real_refusal_in_the_product_is_one_line_too(person, caplog):
    client = Client()
    client.force_login(person("light@acme.test"))
    assert client.get("/desk/acme-support/setup/").status_code == 403
    (line,) = logged(caplog, 403)
    assert "\n" not in line and "Traceback" not in line
    assert "Only a Desk administrator" in line


def test_not_found_is_one_line(settings, caplog):
    settings.ROOT_URLCONF = __name__
    assert Client().get("/missing/").status_code == 404
    for line in logged(caplog, 404):
        assert "\n" not in line


def test_a_real_error_keeps_its_traceback(settings, caplog):
    settings.ROOT_URLCONF = __name__
    assert Client(raise_request_exception=False).get("/broken/").status_code == 500
    (line,) = logged(caplog, 500)
    assert "Traceback" in line and "RuntimeError: a real bug" in line
