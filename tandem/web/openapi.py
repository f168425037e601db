"""The error answers of every operation, in the OpenAPI document (CONTRACT.md §3: errors are
application/problem+json). Added to the generated document rather than declared per endpoint,
so an operation added later documents them too, and a client generated from the document
knows every status the server can answer."""

from __future__ import annotations

from typing import Any

PROBLEM = "Problem"
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": PROBLEM,
    "description": "RFC 9457 problem details. `errors` names each invalid field.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}
# Status → why it is answered. Any operation may meet the first four: bad text in the query
# is a 400 everywhere, and a token's tenant or permissions decide 403/404 at run time.
EVERY_OPERATION = {
    400: "Invalid input: `errors` names each field.",
    401: "No valid API token (Authorization: Bearer …) or session.",
    403: "Not allowed: `detail` says why.",
    404: "Unknown object, or another tenant's.",
}
# Only where a body is sent or state changes.
WRITES = {
    409: "The object's state does not allow this now.",
    413: "The request body or a text in it is larger than this server accepts.",
}
UNSAFE = {"post", "put", "patch", "delete"}


def document_problems(schema: dict) -> dict:
    """Add the problem+json answers (and the Problem schema) to every operation of `schema`,
    keeping any the operation documents itself."""
    schema.setdefault("components", {}).setdefault("schemas", {})[PROBLEM] = PROBLEM_SCHEMA
    ref = {"$ref": f"#/components/schemas/{PROBLEM}"}
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            statuses = dict(EVERY_OPERATION)
            if method in UNSAFE:
                statuses.update(WRITES)
            if not operation.get("security"):
                statuses.pop(401)
            responses = operation["responses"]
            for status, description in statuses.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/problem+json": {"schema": ref}},
                    },
                )
    return schema
