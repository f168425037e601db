"""schemathesis against both OpenAPI documents on the demo data (issue 14, point 8): for every
operation, generated requests as the demo admin must never be a server error, and every answer
must match the document — status code, content type and body schema.

Bounded: FUZZ_EXAMPLES requests per operation (TANDEM_FUZZ_EXAMPLES overrides), generated
deterministically, no shrinking; each request in its own rolled-back savepoint (see
conftest.py), so destructive operations act on their own data."""

from __future__ import annotations

import json
import os

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.serializers.json import DjangoJSONEncoder
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tandem.crm.api import api as crm_api
from tandem.desk.api import api as desk_api

from .conftest import bearer, our_objects, rolled_back

pytestmark = pytest.mark.django_db
FUZZ_EXAMPLES = int(os.environ.get("TANDEM_FUZZ_EXAMPLES", "12"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
TENANTS = {"crm": ("crm", "acme"), "desk": ("desk", "acme-support")}


def load(api) -> schemathesis.schemas.BaseSchema:
    document = json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder))
    schema = schemathesis.openapi.from_dict(document)
    schema.app = WSGIHandler()
    return schema


SCHEMAS = {"crm": load(crm_api), "desk": load(desk_api)}
OPERATIONS = [
    pytest.param(name, result.ok(), id=f"{name} {result.ok().method.upper()} {result.ok().path}")
    for name, schema in SCHEMAS.items()
    for result in schema.get_all_operations()
]


@pytest.mark.parametrize(("api_name", "operation"), OPERATIONS)
def test_every_answer_matches_the_openapi_document(demo_world, api_name, operation):
    headers = bearer("admin@acme.test", *TENANTS[api_name])
    ours = {k: v for k, v in our_objects().items() if k != "module"}

    @hypothesis.given(case=operation.as_strategy(), real_ids=st.booleans())
    @hypothesis.settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case, real_ids):
        # Random ids are almost always a 404: half the time, aim at the demo's own objects.
        if real_ids and case.path_parameters:
            for name in case.path_parameters.keys() & ours.keys():
                case.path_parameters[name] = ours[name]
        with rolled_back():
            response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    fuzz()
