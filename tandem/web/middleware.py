from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from tandem.web.api import problem_response
from tandem.web.badinput import bad_text, field_labels_for
from tandem.web.errors import Problem


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
                405,
                _("%(method)s is not allowed here. Allowed: %(allowed)s.")
                % {"method": request.method, "allowed": allowed or _("none")},
            )
            if allowed:
                problem["Allow"] = allowed
            return problem
        return response


class RefuseNulMiddleware:
    """Form and query text that no database can store (NUL, lone surrogates: see badinput) is
    refused at the door with a 400 page naming the field, and so is a malformed upload.

    Not under /api/: there a request without a valid token must be a 401 before its body is
    read, so the API runs the same check itself, after authentication (TandemApi)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            return self.get_response(request)
        try:
            found = bad_text(request)
        except MultiPartParserError:
            return _bad_request(request, _("The upload could not be read (malformed form data)."))
        except SuspiciousOperation:  # too large, too many fields: the view answers that itself
            found = None
        if found is None:
            return self.get_response(request)
        field, message = found
        label = field_labels_for(request).get(field, field)
        return _bad_request(request, f"{label}: {message}")

    def process_exception(self, request, exception):
        # Invalid input that no view caught — the last guard (web.limits) refusing text longer
        # than its column, a model's own validation — is a 400 naming the field, not a 500.
        if request.path.startswith("/api/"):
            return None  # the API answers problem+json itself
        if isinstance(exception, DjangoValidationError):
            return _bad_request(request, " ".join(exception.messages))
        if isinstance(exception, Problem) and exception.status == 400:
            return _bad_request(request, exception.text(field_labels_for(request)))
        return None


def _bad_request(request, detail: str):
    from tandem.web.views import _error

    return _error(request, 400, _("Bad request"), detail)
