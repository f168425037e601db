import hashlib

import pytest

from tandem.identity import tenants, tokens
from tandem.identity.models import ApiToken
from tandem.web.errors import Problem


def test_token_is_stored_only_as_its_hash(person):
    admin = person("admin@acme.test")
    org = tenants.membership(admin, "crm", slug="acme")
    token, secret = tokens.do_create_token(actor=admin, kind="crm", tenant_id=org.tenant_id)
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in {stored.token_hash, stored.prefix, stored.name}
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(stored.prefix)


def test_token_authenticates_and_records_last_use(api):
    client = api("admin@acme.test", org="acme")
    assert ApiToken.objects.get().last_used_at is None
    response = client.get("/api/crm/v1/me")
    assert response.status_code == 200
    assert response.json()["org"]["slug"] == "acme"
    assert response.json()["email"] == "admin@acme.test"
    assert ApiToken.objects.get().last_used_at is not None


def test_revoked_token_is_refused(api, person):
    client = api("agent@acme.test", portal="acme-support")
    assert client.get("/api/desk/v1/me").status_code == 200
    token = ApiToken.objects.get()
    tokens.do_revoke_token(actor=person("agent@acme.test"), token_id=token.id)
    response = client.get("/api/desk/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_someone_else_cannot_revoke_my_token(api, person):
    api("agent@acme.test", portal="acme-support")
    token = ApiToken.objects.get()
    with pytest.raises(Problem) as refused:
        tokens.do_revoke_token(actor=person("light@acme.test"), token_id=token.id)
    assert refused.value.status == 404
    assert ApiToken.objects.get().revoked_at is None


def test_no_token_for_a_tenant_one_does_not_belong_to(person):
    sales = person("sales@acme.test")
    other = tenants.membership(person("owner@other.test"), "crm", slug="other")
    with pytest.raises(Problem) as refused:
        tokens.do_create_token(actor=sales, kind="crm", tenant_id=other.tenant_id)
    assert refused.value.status == 403
    assert not ApiToken.objects.exists()


def test_token_of_a_person_who_left_the_tenant_stops_working(api, person):
    from tandem.desk.models import Agent

    client = api("light@acme.test", portal="acme-support")
    assert client.get("/api/desk/v1/me").status_code == 200
    Agent.objects.filter(user=person("light@acme.test")).update(state=Agent.State.DEACTIVATED)
    assert client.get("/api/desk/v1/me").status_code == 401


def test_crm_token_does_not_open_the_desk_api(api):
    client = api("admin@acme.test", org="acme")
    response = client.get("/api/desk/v1/me")
    assert response.status_code == 401


def test_token_create_command_prints_the_token_on_its_last_line(demo_data, capsys):
    from tandem.cli import cmd_token_create

    class Args:
        email, org, portal, name = "ADMIN@acme.test", None, "acme-support", ""

    cmd_token_create(Args)
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("tdm_")
    assert tokens.authenticate(last).tenant_kind == "desk"


def test_token_create_command_refuses_a_stranger(demo_data, capsys):
    from tandem.cli import cmd_token_create

    class Args:
        email, org, portal, name = "sales@acme.test", None, "acme-support", ""

    with pytest.raises(SystemExit) as stopped:
        cmd_token_create(Args)
    assert stopped.value.code == 2
    assert "not an active member" in capsys.readouterr().err


def test_token_page_shows_a_new_token_once(client, person):
    client.force_login(person("admin@acme.test"))
    crm = tenants.membership(person("admin@acme.test"), "crm", slug="acme")
    response = client.post("/accounts/tokens/", {"tenant": f"crm:{crm.tenant_id}", "name": "ci"})
    secret = response.context["new_secret"]
    assert secret and secret in response.content.decode()
    again = client.get("/accounts/tokens/").content.decode()
    assert secret not in again and secret[:10] in again
    token = ApiToken.objects.get()
    client.post(f"/accounts/tokens/{token.id}/revoke/")
    assert ApiToken.objects.get().revoked_at is not None


def test_demo_is_idempotent(db):
    from tandem import demo
    from tandem.crm.models import OrgUser
    from tandem.desk.models import Agent, Department

    demo.load()
    before = (OrgUser.objects.count(), Agent.objects.count(), Department.objects.count())
    demo.load()
    assert (OrgUser.objects.count(), Agent.objects.count(), Department.objects.count()) == before
    assert OrgUser.objects.count() == 5  # admin, agent, light, sales in acme; owner in other
    assert Agent.objects.count() == 4  # admin, agent, light in acme-support; owner in other
    names = Department.objects.filter(portal__slug="acme-support").values_list("name", flat=True)
    assert sorted(names) == ["Billing", "Support"]
