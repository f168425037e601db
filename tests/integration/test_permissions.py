"""Every endpoint of the integration by every kind of caller: the expected status, and nothing
of another org or portal leaked."""

from __future__ import annotations

import pytest

from .conftest import INTEGRATION

CRM_READS = ["", "/portals", "/users"]
CRM_WRITES = [
    ("post", "", {"mode": "new_portal", "portal_name": "Probe"}),
    ("post", "/reauthorize", {}),
    ("post", "/invitations", {"user_ids": [1], "role": "agent"}),
    ("delete", "", None),
]


def _call(client, method, path, body):
    if method == "delete":
        return client.delete(path)
    return getattr(client, method)(path, body)


@pytest.mark.parametrize("path", CRM_READS)
def test_anonymous_callers_get_401_everywhere(api, path, demo_data):
    assert api().get(INTEGRATION + path).status_code == 401
    for method, tail, body in CRM_WRITES:
        assert _call(api(), method, INTEGRATION + tail, body).status_code == 401
    assert api().get("/api/desk/v1/integrations/crm").status_code == 401
    assert api().delete("/api/desk/v1/integrations/crm").status_code == 401


def test_a_crm_user_without_the_permission_gets_403_saying_which(crm_api, link):
    sales = crm_api("sales@acme.test")
    for path in CRM_READS:
        r = sales.get(INTEGRATION + path)
        assert r.status_code == 403 and "Desk integration permission" in r.json()["detail"]
    for method, tail, body in CRM_WRITES:
        assert _call(sales, method, INTEGRATION + tail, body).status_code == 403
    assert link().state == "active"


def test_a_crm_user_given_the_permission_may_manage_it(crm_api, grant_integration, link):
    grant_integration("sales@acme.test")
    sales = crm_api("sales@acme.test")
    for path in CRM_READS:
        assert sales.get(INTEGRATION + path).status_code == 200
    assert sales.get(f"{INTEGRATION}/portals").json() == {"data": []}  # no portal of theirs
    assert sales.delete(INTEGRATION).status_code == 204
    assert link().state == "deactivated"


def test_another_orgs_admin_sees_only_their_own_org(crm_api):
    other = crm_api("owner@other.test", "other")
    assert other.get(INTEGRATION).json()["state"] == "not_configured"
    users = {row["email"] for row in other.get(f"{INTEGRATION}/users").json()["data"]}
    assert users == {"owner@other.test"}
    assert other.delete(INTEGRATION).status_code == 409  # theirs is not set up; acme untouched
    assert crm_api().get(INTEGRATION).json()["state"] == "active"


def test_a_desk_token_cannot_call_the_crm_side_nor_a_crm_token_the_desk_side(api, crm_api):
    desk_admin = api("admin@acme.test", portal="acme-support")
    assert desk_admin.get(INTEGRATION).status_code == 401
    assert crm_api().get("/api/desk/v1/integrations/crm").status_code == 401


@pytest.mark.parametrize(
    ("who", "can_delete"),
    [("admin@acme.test", True), ("agent@acme.test", False), ("light@acme.test", False)],
)
def test_desk_side_by_role(api, who, can_delete, link):
    client = api(who, portal="acme-support")
    assert client.get("/api/desk/v1/integrations/crm").json()["org"]["slug"] == "acme"
    assert client.delete("/api/desk/v1/integrations/crm").status_code == (
        204 if can_delete else 403
    )
    assert link().state == ("deactivated" if can_delete else "active")


def test_another_portals_admin_sees_nothing_of_acme(api):
    other = api("owner@other.test", portal="other-support")
    assert other.get("/api/desk/v1/integrations/crm").json()["org"] is None
    assert other.delete("/api/desk/v1/integrations/crm").status_code == 404
