"""web.schema_errors: pydantic's English messages said again in the request's language, by
error type, with the limits from the error's context; an unknown type keeps pydantic's text."""

from __future__ import annotations

from typing import Literal

import pytest
from django.utils import translation
from pydantic import BaseModel, Field, ValidationError, field_validator

from tandem.web.schema_errors import schema_message


class Sample(BaseModel):
    level: Literal["Low", "High"]
    count: int = Field(ge=1, le=5)
    tags: list[str] = Field(max_length=2)
    code: str = Field(min_length=3)
    needed: str
    odd: str = "x"

    @field_validator("odd")
    @classmethod
    def _odd(cls, value):
        raise ValueError("odd is never right")


def _messages(language: str) -> dict[str, str]:
    try:
        Sample(level="Mid", count=9, tags=["a", "b", "c"], code="ab", odd="y")
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    with translation.override(language):
        return {".".join(map(str, e["loc"])): schema_message(e) for e in errors}


def test_each_error_type_is_said_with_its_limits():
    assert _messages("en") == {
        "level": "Choose one of: Low, High.",
        "count": "Give a number of at most 5.",
        "tags": "At most 2 items.",
        "code": "At least 3 characters.",
        "needed": "This field is required.",
        "odd": "odd is never right",  # a validator's own message, without pydantic's prefix
    }


@pytest.mark.parametrize(
    ("language", "needed", "level"),
    [
        ("de", "Dieses Feld ist erforderlich.", "Wählen Sie eines von: Low, High."),
        ("es", "Este campo es obligatorio.", "Elija uno de: Low, High."),
    ],
)
def test_in_german_and_spanish(language, needed, level):
    said = _messages(language)
    assert (said["needed"], said["level"]) == (needed, level)


def test_an_error_type_not_listed_keeps_pydantics_message():
    error = {"type": "uuid_parsing", "loc": ("id",), "msg": "Input should be a valid UUID"}
    assert schema_message(error) == "Input should be a valid UUID"
