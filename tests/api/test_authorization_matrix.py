"""The authorization matrix (issue 14, point 8): every operation of both OpenAPI documents,
each asked by anonymous / another tenant / a CRM-only user / Light Agent / Agent / Admin,
on the demo data.

Operations come from the documents, so endpoints added later (the integration's) join at
once. Every one gets the rules that hold for all: anonymous → 401 problem, never a 500, and
another tenant never gets a 2xx for our objects nor any of our data in a 2xx. What a role may
do on an operation is declared once, in EXPECTED; an operation missing there gets only the
rules for all. Each request runs in a rolled-back savepoint (see conftest.py)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from tandem.crm.api import api as crm_api
from tandem.desk.api import api as desk_api

from .conftest import bearer, our_objects, rolled_back

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "other", "crm_only", "light", "agent", "admin"]
PEOPLE = {
    "other": "owner@other.test",
    "crm_only": "sales@acme.test",
    "light": "light@acme.test",
    "agent": "agent@acme.test",
    "admin": "admin@acme.test",
}
TENANT = {"crm": "acme", "desk": "acme-support"}
OTHER_TENANT = {"crm": "other", "desk": "other-support"}
# Our demo data, as it shows in any answer that holds some of it.
OURS = re.compile(r"acme", re.I)

OK, DENIED, GONE, NO = "2xx", 403, 404, 401
# (method, path under the API) → {persona: expected status or OK}. Personas not named get the
# rules for all only; so does any operation not named. A CRM-only user has no Desk account:
# on the Desk API every operation is theirs to be refused with 401.
EVERYONE_READS = {"crm_only": OK, "light": OK, "agent": OK, "admin": OK}
DESK_TEAM_READS = {"crm_only": NO, "light": OK, "agent": OK, "admin": OK}
DESK_ADMIN_ONLY = {"crm_only": NO, "light": DENIED, "agent": DENIED, "admin": OK}
CRM_ADMIN_ONLY = {"crm_only": DENIED, "light": DENIED, "agent": DENIED, "admin": OK}
NOT_CRM_STANDARD = {"crm_only": DENIED, "light": DENIED, "agent": DENIED}
# The Desk integration's endpoints need the Desk integration permission (CONTRACT.md §4).
INTEGRATION_ADMIN = CRM_ADMIN_ONLY
DESK_AGENTS_WRITE = {"crm_only": NO, "light": DENIED, "agent": OK, "admin": OK}
EXPECTED: dict[tuple[str, str], dict] = {
    # CRM: people, profiles, modules and fields
    ("GET", "crm/me"): EVERYONE_READS,
    ("GET", "crm/users"): EVERYONE_READS,
    ("GET", "crm/users/{user_id}"): EVERYONE_READS,
    ("POST", "crm/users"): CRM_ADMIN_ONLY,
    ("PATCH", "crm/users/{user_id}"): CRM_ADMIN_ONLY,
    ("GET", "crm/profiles"): EVERYONE_READS,
    ("GET", "crm/profiles/{profile_id}"): EVERYONE_READS,
    ("POST", "crm/profiles"): CRM_ADMIN_ONLY,
    ("PATCH", "crm/profiles/{profile_id}"): NOT_CRM_STANDARD,
    ("DELETE", "crm/profiles/{profile_id}"): NOT_CRM_STANDARD,
    ("GET", "crm/modules"): EVERYONE_READS,
    ("GET", "crm/modules/{module}"): EVERYONE_READS,
    ("POST", "crm/modules"): CRM_ADMIN_ONLY,
    ("DELETE", "crm/modules/{module}"): NOT_CRM_STANDARD,
    ("POST", "crm/modules/{module}/fields"): CRM_ADMIN_ONLY,
    ("PATCH", "crm/modules/{module}/fields/{field}"): CRM_ADMIN_ONLY,
    ("DELETE", "crm/modules/{module}/fields/{field}"): NOT_CRM_STANDARD,
    # CRM: records and signals
    ("GET", "crm/{module}"): EVERYONE_READS,
    ("POST", "crm/{module}"): EVERYONE_READS,
    ("GET", "crm/{module}/{record_id}"): EVERYONE_READS,
    ("PATCH", "crm/{module}/{record_id}"): EVERYONE_READS,
    ("GET", "crm/{module}/{record_id}/related"): EVERYONE_READS,
    ("GET", "crm/signals"): EVERYONE_READS,
    ("GET", "crm/signals/settings"): EVERYONE_READS,
    # CRM: the Desk integration
    ("GET", "crm/integrations/desk"): INTEGRATION_ADMIN,
    ("DELETE", "crm/integrations/desk"): INTEGRATION_ADMIN,
    ("GET", "crm/integrations/desk/portals"): INTEGRATION_ADMIN,
    ("GET", "crm/integrations/desk/users"): INTEGRATION_ADMIN,
    ("GET", "crm/integrations/desk/sync-log"): INTEGRATION_ADMIN,
    ("GET", "crm/integrations/desk/related-lists"): INTEGRATION_ADMIN,
    ("GET", "crm/integrations/desk/visibility"): INTEGRATION_ADMIN,
    ("GET", "crm/integrations/desk/sync/{module}"): INTEGRATION_ADMIN,
    ("GET", "crm/integrations/desk/sync/{module}/status"): INTEGRATION_ADMIN,
    ("GET", "crm/desk/tickets/{ticket_id}"): EVERYONE_READS,
    ("GET", "crm/desk/tickets/{ticket_id}/comments"): EVERYONE_READS,
    ("GET", "crm/desk/tickets/{ticket_id}/threads"): EVERYONE_READS,
    # I7: a CRM user without an active Desk account and a Light Agent may only comment.
    ("PATCH", "crm/desk/tickets/{ticket_id}"): {"crm_only": DENIED, "light": DENIED},
    ("DELETE", "crm/desk/tickets/{ticket_id}"): {
        "crm_only": DENIED,
        "light": DENIED,
        "agent": OK,
        "admin": OK,
    },
    # Desk: setup
    ("GET", "desk/me"): DESK_TEAM_READS,
    ("GET", "desk/portal"): DESK_TEAM_READS,
    ("PATCH", "desk/portal"): DESK_ADMIN_ONLY,
    ("GET", "desk/departments"): DESK_TEAM_READS,
    ("GET", "desk/departments/{department_id}"): DESK_TEAM_READS,
    ("POST", "desk/departments"): DESK_ADMIN_ONLY,
    ("PATCH", "desk/departments/{department_id}"): DESK_ADMIN_ONLY,
    ("DELETE", "desk/departments/{department_id}"): {
        "crm_only": NO,
        "light": DENIED,
        "agent": DENIED,
    },
    ("GET", "desk/departments/{department_id}/sla"): DESK_TEAM_READS,
    ("PUT", "desk/departments/{department_id}/sla"): DESK_ADMIN_ONLY,
    ("GET", "desk/agents"): DESK_TEAM_READS,
    ("GET", "desk/agents/{agent_id}"): DESK_TEAM_READS,
    ("POST", "desk/agents"): DESK_ADMIN_ONLY,
    ("PATCH", "desk/agents/{agent_id}"): DESK_ADMIN_ONLY,
    ("DELETE", "desk/agents/{agent_id}"): DESK_ADMIN_ONLY,
    ("POST", "desk/zsc-key"): DESK_ADMIN_ONLY,
    ("GET", "desk/ticket-fields"): DESK_TEAM_READS,
    ("POST", "desk/ticket-fields"): DESK_ADMIN_ONLY,
    ("DELETE", "desk/ticket-fields/{field_id}"): DESK_ADMIN_ONLY,
    ("GET", "desk/integrations/crm"): DESK_TEAM_READS,
    ("DELETE", "desk/integrations/crm"): DESK_ADMIN_ONLY,
    # Desk: customers and products
    ("GET", "desk/contacts"): DESK_TEAM_READS,
    ("GET", "desk/contacts/{contact_id}"): DESK_TEAM_READS,
    ("POST", "desk/contacts"): DESK_AGENTS_WRITE,
    ("PATCH", "desk/contacts/{contact_id}"): DESK_AGENTS_WRITE,
    ("DELETE", "desk/contacts/{contact_id}"): DESK_AGENTS_WRITE,
    ("GET", "desk/accounts"): DESK_TEAM_READS,
    ("GET", "desk/accounts/{account_id}"): DESK_TEAM_READS,
    ("POST", "desk/accounts"): DESK_AGENTS_WRITE,
    ("PATCH", "desk/accounts/{account_id}"): DESK_AGENTS_WRITE,
    ("DELETE", "desk/accounts/{account_id}"): DESK_AGENTS_WRITE,
    ("GET", "desk/products"): DESK_TEAM_READS,
    ("GET", "desk/products/{product_id}"): DESK_TEAM_READS,
    ("POST", "desk/products"): DESK_ADMIN_ONLY,
    ("PATCH", "desk/products/{product_id}"): DESK_ADMIN_ONLY,
    ("DELETE", "desk/products/{product_id}"): DESK_ADMIN_ONLY,
    # Desk: tickets and their conversation
    ("GET", "desk/tickets"): DESK_TEAM_READS,
    ("GET", "desk/tickets/export"): DESK_TEAM_READS,
    ("POST", "desk/tickets"): DESK_AGENTS_WRITE,
    ("GET", "desk/tickets/{ticket_id}"): DESK_TEAM_READS,
    ("PATCH", "desk/tickets/{ticket_id}"): DESK_AGENTS_WRITE,
    ("DELETE", "desk/tickets/{ticket_id}"): DESK_AGENTS_WRITE,
    ("GET", "desk/tickets/{ticket_id}/history"): DESK_TEAM_READS,
    ("GET", "desk/tickets/{ticket_id}/threads"): DESK_TEAM_READS,
    ("POST", "desk/tickets/{ticket_id}/threads"): DESK_AGENTS_WRITE,
    ("GET", "desk/tickets/{ticket_id}/comments"): DESK_TEAM_READS,
    ("POST", "desk/tickets/{ticket_id}/comments"): DESK_TEAM_READS,
    ("GET", "desk/tickets/{ticket_id}/attachments"): DESK_TEAM_READS,
}
# Bodies that pass validation, so the answer is about who asks, not what was sent.
BODIES: dict[tuple[str, str], dict] = {
    ("POST", "crm/modules"): {"singular_label": "Matrix", "plural_label": "Matrices"},
    ("POST", "crm/modules/{module}/fields"): {"label": "Matrix note", "type": "text"},
    ("POST", "crm/profiles"): {"name": "Matrix profile"},
    ("POST", "crm/users"): {"email": "matrix@example.com", "profile": "Standard"},
    ("POST", "crm/{module}"): {"Last_Name": "Matrix"},
    ("PATCH", "crm/{module}/{record_id}"): {"Last_Name": "Matrix"},
    ("PATCH", "crm/users/{user_id}"): {"state": "deactivated"},
    ("PATCH", "crm/profiles/{profile_id}"): {"name": "Matrix profile"},
    ("PATCH", "crm/modules/{module}/fields/{field}"): {"label": "Matrix name"},
    ("POST", "desk/tickets/{ticket_id}/comments"): {"content": "Matrix comment"},
    ("POST", "desk/tickets/{ticket_id}/threads"): {
        "action": "reply",
        "to": ["customer@example.com"],
        "content": "Matrix reply",
    },
    ("PATCH", "desk/tickets/{ticket_id}"): {"priority": "High"},
    ("PATCH", "desk/portal"): {"name": "Matrix portal"},
    ("POST", "desk/departments"): {"name": "Matrix"},
    ("PATCH", "desk/departments/{department_id}"): {"name": "Matrix"},
    ("POST", "desk/agents"): {"email": "matrix@example.com", "role": "agent"},
    ("POST", "desk/ticket-fields"): {"label": "Matrix", "type": "text"},
    ("POST", "desk/tickets"): {"subject": "Matrix ticket"},
    ("POST", "desk/contacts"): {"last_name": "Matrix", "email": "matrix@example.com"},
    ("PATCH", "desk/contacts/{contact_id}"): {"phone": "+1 555 0100"},
    ("POST", "desk/accounts"): {"account_name": "Matrix"},
    ("PATCH", "desk/accounts/{account_id}"): {"phone": "+1 555 0100"},
    ("POST", "desk/products"): {"product_name": "Matrix"},
    ("PATCH", "desk/products/{product_id}"): {"product_code": "MX-1"},
    ("PATCH", "desk/agents/{agent_id}"): {"role": "agent"},
}


def operations() -> list:
    found = []
    for kind, api in (("crm", crm_api), ("desk", desk_api)):
        prefix = f"/api/{kind}/v1/"
        for path, item in api.get_openapi_schema(path_prefix=prefix)["paths"].items():
            for method, op in item.items():
                if isinstance(op, dict) and "responses" in op:
                    key = (method.upper(), f"{kind}/{path.removeprefix(prefix)}")
                    found.append(pytest.param(kind, *key, id=" ".join(key)))
    return found


@pytest.fixture(scope="module")
def world(demo_world):

    objects = our_objects()
    headers = {"anonymous": {}}
    for persona, email in PEOPLE.items():
        for kind in ("crm", "desk"):
            slug = (OTHER_TENANT if persona == "other" else TENANT)[kind]
            found = bearer(email, kind, slug)
            # Without an account in this tenant: their token of the other kind, which must
            # not open this API either.
            other_kind = "desk" if kind == "crm" else "crm"
            headers[persona, kind] = found or bearer(email, other_kind, TENANT[other_kind])
    return objects, headers


def fill(path: str, objects: dict) -> str:
    objects = dict(objects)
    if "/sync/{module}" in path:  # only Accounts, Contacts and Products sync
        objects["module"] = "Contacts"
    if path.startswith("crm/Deals/"):
        objects["record_id"] = objects["deal_id"]

    def value(match):
        return str(objects.get(match.group(1), 1))  # a parameter we do not know: some id

    return re.sub(r"\{(\w+)\}", value, path)


def call(client: Client, method: str, url: str, headers: dict, body) -> tuple[int, str, str]:
    kwargs = {"headers": headers}
    if method in ("POST", "PUT", "PATCH"):
        kwargs.update(
            data=json.dumps(body if body is not None else {}), content_type="application/json"
        )
    with rolled_back():
        response = getattr(client, method.lower())(url, **kwargs)
    text = b"".join(response) if response.streaming else response.content
    return response.status_code, response.get("Content-Type", ""), text.decode(errors="replace")


@pytest.mark.parametrize(("kind", "method", "path"), operations())
def test_every_operation_answers_each_role_as_declared(world, kind, method, path):
    objects, headers = world
    url = f"/api/{kind}/v1/" + fill(path.split("/", 1)[1], objects)
    # Module and field api names are the same in every org ("Leads"): not our objects.
    has_object = bool(re.search(r"\{(?!module\}|field\})\w+\}", path))
    expected = EXPECTED.get((method, path), {})
    body = BODIES.get((method, path))
    client = Client()
    wrong = []
    for persona in PERSONAS:
        who = headers["anonymous"] if persona == "anonymous" else headers[persona, kind]
        status, content_type, text = call(client, method, url, who, body)
        ok = 200 <= status < 300
        if status >= 500:
            wrong.append(f"{persona}: {status} {text[:200]}")
        elif persona == "anonymous" and (status != 401 or "problem+json" not in content_type):
            wrong.append(f"anonymous: {status} {content_type}, not a 401 problem")
        elif persona == "other" and ok and (has_object or OURS.search(text)):
            wrong.append(f"other tenant: {status} with our data: {text[:200]}")
        elif persona in expected:
            want = expected[persona]
            if (want == OK and not ok) or (want != OK and status != want):
                wrong.append(f"{persona}: {status}, expected {want}: {text[:200]}")
    assert not wrong, f"{method} {url}\n" + "\n".join(wrong)
