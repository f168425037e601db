"""problem+json holds text, in the request's language, whatever kind of string a refusal has."""

import json

from django.utils import translation
from django.utils.translation import gettext_lazy

from tandem.web.api import problem_response
from tandem.web.errors import Problem


def test_lazy_translations_become_text_in_the_active_language():
    refused = Problem.invalid({"seats": [gettext_lazy("Enter a number.")]})
    with translation.override("de"):
        body = json.loads(problem_response(refused.status, refused.detail, refused.errors).content)
        in_german = translation.gettext("Enter a number.")
    assert in_german != "Enter a number."
    assert body["errors"] == {"seats": [in_german]}
    assert isinstance(body["detail"], str) and isinstance(body["title"], str)


def test_english_text_is_unchanged():
    refused = Problem.invalid({"seats": [gettext_lazy("Enter a number.")]})
    with translation.override("en"):
        body = json.loads(problem_response(refused.status, refused.detail, refused.errors).content)
    assert body["detail"] == "The request has invalid fields."
    assert body["errors"] == {"seats": ["Enter a number."]}


def test_the_api_s_own_refusals_speak_the_request_s_language(client, token_for):
    """A wrong token, a malformed parameter: the detail in the person's language like every
    other refusal of the same response (it once came in English beside German field errors)."""
    no_token = client.get("/api/desk/v1/tickets", HTTP_ACCEPT_LANGUAGE="es")
    assert no_token.status_code == 401
    with translation.override("es"):
        assert no_token.json()["detail"] == translation.gettext(
            "A valid API token (Authorization: Bearer …) is required."
        )
    assert "API" in no_token.json()["detail"] and "valid API token" not in no_token.json()["detail"]
    secret = token_for("agent@acme.test", portal="acme-support")
    bad = client.get(
        "/api/desk/v1/tickets?limit=abc",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert bad.status_code == 400 and "limit" in bad.json()["errors"]
    assert bad.json()["detail"] == "Die Anfrage enthält ungültige Felder."
