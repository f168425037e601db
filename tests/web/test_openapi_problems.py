"""Every operation of both OpenAPI documents lists its problem+json errors (issue 14,
point 4), added by the API factory so routers added later get them too."""

import pytest
from ninja import Router

from tandem.web.api import new_api

DOCS = ["/api/crm/v1/openapi.json", "/api/desk/v1/openapi.json"]


@pytest.mark.parametrize("url", DOCS)
def test_every_operation_documents_its_problems(client, url):
    doc = client.get(url).json()
    assert doc["components"]["schemas"]["Problem"]["required"] == [
        "type", "title", "status", "detail"]  # fmt: skip
    operations = [
        (method, path, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "responses" in op
    ]
    assert len(operations) > 20
    for method, path, op in operations:
        expected = {"400", "401", "403", "404"}
        if method in {"post", "put", "patch", "delete"}:
            expected |= {"409", "413"}
        assert expected <= set(op["responses"]), (method, path)
        problem = op["responses"]["404"]["content"]["application/problem+json"]
        assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}


def test_a_router_added_later_documents_its_problems_too():
    api = new_api(title="Later", namespace="later_api", auth=None)
    router = Router()

    @router.post("/things", response={201: dict})
    def make_thing(request):
        return 201, {}

    api.add_router("", router)
    responses = api.get_openapi_schema(path_prefix="/x/")["paths"]["/x/things"]["post"]["responses"]
    assert {201, 400, 403, 404, 409, 413} <= set(responses) and 401 not in responses
