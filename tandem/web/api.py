"""What both REST APIs share: problem+json errors, cursor pagination, the API factory."""

from __future__ import annotations

import json
import logging
from functools import cache
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.responses import NinjaJSONEncoder
from pydantic import create_model

from tandem.web.badinput import bad_text
from tandem.web.errors import Problem
from tandem.web.openapi import document_problems
from tandem.web.pagination import (  # noqa: F401  (re-exported: the APIs' one import)
    DEFAULT_LIMIT,
    MAX_LIMIT,
    decode_cursor,
    encode_cursor,
    keyset_page,
    parse_limit,
)
from tandem.web.schema_errors import schema_message

log = logging.getLogger("tandem.api")


def problem_response(
    status: int, detail: str, errors: dict[str, list[str]] | None = None, title: str | None = None
) -> JsonResponse:
    """RFC 9457 problem+json. `detail` and the messages may be lazy translations: they are
    turned into text here, in the language active for this request (Accept-Language, or the
    signed-in person's preference), so the JSON holds plain strings."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": str(title or Problem.titles.get(status, "Error")),
        "status": status,
        "detail": str(detail),
    }
    if errors:
        body["errors"] = {
            str(field): [str(m) for m in (msgs if isinstance(msgs, list | tuple) else [msgs])]
            for field, msgs in errors.items()
        }
    response = JsonResponse(body, status=status, content_type="application/problem+json")
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="tandem"'
    return response


def _field_of(loc: list | tuple) -> str:
    # ninja reports ("body", "payload", "email") or ("query", "limit"): keep the field path.
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "form", "file", "header", "cookie"}:
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in {"payload", "body", "data", "filters"}:
            parts = parts[1:]
    return ".".join(parts) or "body"


def validation_errors(exc: ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        msg = str(err.get("msg", ""))
        if err.get("type") == "json_invalid" or ("JSON" in msg and not err.get("loc")):
            errors.setdefault("body", []).append(_("The request body is not valid JSON."))
            continue
        errors.setdefault(_field_of(err.get("loc", ())), []).append(schema_message(err))
    return errors


def install_problem_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(Problem)
    def _problem(request, exc: Problem):
        return problem_response(exc.status, exc.detail, exc.errors, exc.title)

    @api.exception_handler(ValidationError)
    def _invalid(request, exc: ValidationError):
        errors = validation_errors(exc)
        return problem_response(400, _("The request has invalid fields."), errors)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return problem_response(401, _("A valid API token (Authorization: Bearer …) is required."))

    @api.exception_handler(AuthorizationError)
    def _forbidden_ninja(request, exc):
        return problem_response(403, str(exc) or _("You are not allowed to do that."))

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return problem_response(403, str(exc) or _("You are not allowed to do that."))

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return problem_response(404, _("No such object here."))

    @api.exception_handler(DjangoValidationError)
    def _django_invalid(request, exc: DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = {
                f: [str(m) for e in errs for m in e.messages] for f, errs in exc.error_dict.items()
            }
        else:
            errors = {"body": [str(m) for m in exc.messages]}
        return problem_response(400, _("The request has invalid fields."), errors)

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request, exc):
        return problem_response(413, _("The request body is larger than this server accepts."))

    @api.exception_handler(MultiPartParserError)
    def _bad_multipart(request, exc):
        return problem_response(
            400,
            _("The request has invalid fields."),
            {"body": [_("The multipart body could not be read: %(reason)s") % {"reason": exc}]},
        )

    @api.exception_handler(SuspiciousOperation)
    def _suspicious(request, exc):
        # Too many fields, a file name no storage can hold…: the client's input, not our crash.
        detail = _("The request could not be accepted: %(reason)s") % {"reason": exc}
        return problem_response(400, detail)

    @api.exception_handler(HttpError)
    def _http(request, exc: HttpError):
        # ninja raises a bare 400 for a body it cannot parse; say which part was wrong.
        errors = {"body": [str(exc)]} if exc.status_code == 400 else None
        return problem_response(exc.status_code, str(exc), errors)

    @api.exception_handler(Exception)
    def _crash(request, exc: Exception):
        # Never leak a traceback to a client; the log keeps it for the operator.
        log.exception("Unhandled error in %s %s", request.method, request.path)
        return problem_response(500, _("Something went wrong on our side. It has been logged."))


class TandemApi(NinjaAPI):
    """Both REST APIs, and any router added to them later, share two guarantees:

    - text no database can store (NUL, lone surrogates) is a 400 naming the field, checked
      after authentication — so a request without a valid token is a 401 before its body is
      read — and before the body is parsed;
    - every operation documents its problem+json errors in the OpenAPI document."""

    def create_temporal_response(self, request: HttpRequest) -> HttpResponse:
        # ninja calls this after the auth checks and before it reads the parameters.
        found = bad_text(request)  # a malformed multipart raises: handled as a 400 problem
        if found:
            field, message = found
            raise Problem.invalid({field: [message]})
        return super().create_temporal_response(request)

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_problems(schema)


def new_api(*, title: str, namespace: str, auth, description: str = "") -> NinjaAPI:
    api = TandemApi(
        title=title,
        version="1",
        description=description,
        urls_namespace=namespace,
        auth=auth,
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    install_problem_handlers(api)
    return api


@csrf_exempt  # an unknown path is a 404 for every method; CSRF has nothing to protect here
def api_not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    detail = _("There is no API endpoint at %(path)s.") % {"path": request.path}
    return problem_response(404, detail)


# ---- cursor pagination (the keyset machinery is in pagination.py) ------------------------


class PageInfo(Schema):
    next_cursor: str | None


@cache
def page_of(item: type[Schema]) -> type[Schema]:
    """The list envelope `{"data": [...], "info": {"next_cursor"}}` for an item schema."""
    return create_model(
        f"{item.__name__}Page", __base__=Schema, data=(list[item], ...), info=(PageInfo, ...)
    )


@cache
def _readers(schema: type[Schema]) -> list[tuple[str, Any]]:
    return [(name, getattr(schema, f"resolve_{name}", None)) for name in schema.model_fields]


def page_response(schema: type[Schema], rows, next_cursor: str | None) -> HttpResponse:
    """The `page_of(schema)` envelope, answered directly. Ninja reads each field of each row
    through a per-attribute getter and pydantic before encoding: on a page of 50 tickets
    that was a quarter of the call. Here each field is read (or resolved, by the schema's
    static `resolve_<field>`) once and encoded by ninja's own encoder: the same JSON, which
    the endpoint still documents through its `response=` schema. Only for rows whose values
    are already what the schema says (read from the database, not from a client)."""
    readers = _readers(schema)
    data = [
        {name: resolve(row) if resolve else getattr(row, name) for name, resolve in readers}
        for row in rows
    ]
    body = json.dumps({"data": data, "info": {"next_cursor": next_cursor}}, cls=NinjaJSONEncoder)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def paginate(request: HttpRequest, qs: QuerySet, *, order: tuple[str, ...] = ("-id",)) -> dict:
    """The list envelope for `?cursor=&limit=` over a queryset."""
    limit = parse_limit(request.GET.get("limit"))
    rows, next_cursor = keyset_page(
        qs, order=order, cursor=request.GET.get("cursor") or None, limit=limit
    )
    return {"data": rows, "info": {"next_cursor": next_cursor}}
