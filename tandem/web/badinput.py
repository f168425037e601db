"""Text no database can store, found before a view sees it: the NUL character (PostgreSQL
refuses it) and lone UTF-16 surrogates (no database, and no UTF-8 encoder, accepts them — a
JSON `"\\ud800"` used to crash sanitising or the insert). The field is named, so the answer
is a 400 the client can act on, the same on SQLite and PostgreSQL.

Files are bytes and may hold anything: only query, form and JSON text is read."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

NUL_MESSAGE = _("Text may not contain the NUL character (\\0).")
SURROGATE_MESSAGE = _(
    "Text may not contain a lone UTF-16 surrogate (\\ud800 to \\udfff): it is not a character."
)
_BAD_CHAR = re.compile("[\x00\ud800-\udfff]")
# In JSON bytes: an escaped NUL or surrogate, or a raw CESU-8 surrogate (json.loads lets it
# through with "surrogatepass"). Only a body holding one of these is parsed here.
_SUSPECT_JSON = re.compile(rb"\\u0000|\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")


# The labels of form fields, by the path their forms post to: each domain registers its own
# (web knows none), so a page's refusal names "Last name", not `last_name`.
_field_labels: list[tuple[str, Callable[[], Mapping]]] = []


def register_field_labels(path_prefix: str, labels: Callable[[], Mapping]) -> None:
    """`labels()` → {field: label} for the forms of pages under `path_prefix`."""
    _field_labels.append((path_prefix, labels))


def field_labels_for(request: HttpRequest) -> Mapping:
    for prefix, labels in _field_labels:
        if request.path.startswith(prefix):
            return labels()
    return {}


def bad_char_message(text: str):
    """Why `text` cannot be stored, or None when it can."""
    found = _BAD_CHAR.search(text)
    if found is None:
        return None
    return NUL_MESSAGE if found.group() == "\x00" else SURROGATE_MESSAGE


def bad_text(request: HttpRequest) -> tuple[str, str] | None:
    """(field, message) for the first query, form or JSON field whose name or text cannot be
    stored, or None. Reading the form may raise MultiPartParserError (a malformed upload):
    the caller answers that in its own way."""
    sources = [request.GET]
    content_type = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            sources.append(request.POST)
        elif content_type == "application/json" and _SUSPECT_JSON.search(request.body):
            try:
                return _in_json(json.loads(request.body), "")
            except ValueError:
                return None  # not JSON after all: the API says so itself
    for source in sources:
        for key, values in source.lists():
            for text in (key, *values):
                message = bad_char_message(text)
                if message:
                    return _clean(key), message
    return None


def _in_json(value, path: str) -> tuple[str, str] | None:
    if isinstance(value, str):
        message = bad_char_message(value)
        return (path or "body", message) if message else None
    if not isinstance(value, dict | list):
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        name = f"{path}.{key}" if path else str(key)
        message = bad_char_message(str(key))
        if message:
            return _clean(name), message
        found = _in_json(item, name)
        if found:
            return found
    return None


def _clean(name: str) -> str:
    # The field name goes back in the JSON answer: it must be encodable itself.
    return _BAD_CHAR.sub("\ufffd", name)
