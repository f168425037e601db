import json

from django.core.exceptions import SuspiciousOperation
from django.utils.translation import gettext as _

from tandem.web.api import problem_response


class ApiProblemMiddleware:
    """Under /api/, answers Django makes before an endpoint runs (405 wrong method) are
    problem+json like every other API error, not HTML."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code == 405
            and response.get("Content-Type", "").split(";")[0] != "application/problem+json"
        ):
            allowed = response.get("Allow", "")
            problem = problem_response(
                405, f"{request.method} is not allowed here. Allowed: {allowed or 'none'}."
            )
            if allowed:
                problem["Allow"] = allowed
            return problem
        return response


class RefuseNulMiddleware:
    """Text holding the NUL character is refused at the door, with the field named. SQLite
    stores it; PostgreSQL cannot, so the same input would otherwise be a 500 there, deep in a
    write or a search. Files are bytes and may hold anything: only text fields are read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            field = nul_field(request)
        except SuspiciousOperation:  # too large, too many fields: the view answers that itself
            field = None
        if field is None:
            return self.get_response(request)
        message = _("Text may not contain the NUL character (\\0).")
        if request.path.startswith("/api/"):
            return problem_response(400, _("The request has invalid fields."), {field: [message]})
        from tandem.web.views import _error

        return _error(request, 400, _("Bad request"), message)


def nul_field(request) -> str | None:
    """The first query, form or JSON field whose name or text holds a NUL, or None."""
    sources = [request.GET]
    content_type = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH"):
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            sources.append(request.POST)
        elif content_type == "application/json" and b"\\u0000" in request.body:
            try:
                return _nul_in_json(json.loads(request.body), "")
            except ValueError:
                return None  # not JSON after all: the API says so itself
    for source in sources:
        for key, values in source.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return key.replace("\x00", "")
    return None


def _nul_in_json(value, path: str) -> str | None:
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    if not isinstance(value, dict | list):
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        name = f"{path}.{key}" if path else str(key)
        if "\x00" in str(key):
            return name.replace("\x00", "")
        found = _nul_in_json(item, name)
        if found:
            return found
    return None
