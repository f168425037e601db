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
