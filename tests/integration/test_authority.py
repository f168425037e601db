"""I28: when the admin whose authority the link uses is deactivated, demoted or leaves, or the
ZSC key it was made with is regenerated, the link needs attention at once, with the reason;
a Desk admin re-authorizes with one click, or anyone permitted with an admin's email + key."""

from __future__ import annotations

from tandem.desk import actions as desk_actions
from tandem.desk import queries as desk
from tandem.integration import queries, tasks

from .conftest import INTEGRATION, problem


def _second_admin(agent, person):
    """agent@acme.test becomes a Desk admin too (a portal keeps at least one admin)."""
    desk_actions.do_update_agent(
        actor=person("admin@acme.test"), agent=agent("agent@acme.test"), role="admin"
    )


def test_deactivating_the_authorizing_admin_in_desk_needs_attention_at_once(
    crm_api, agent, person, django_capture_on_commit_callbacks
):
    _second_admin(agent, person)
    with django_capture_on_commit_callbacks(execute=True):
        desk_actions.do_set_agent_state(
            actor=person("agent@acme.test"), agent=agent("admin@acme.test"), active=False
        )
    body = crm_api().get(INTEGRATION)
    # admin@acme.test is still a CRM admin: the page and the API keep working for them.
    body = body.json()
    assert body["state"] == "needs_attention"
    assert "admin@acme.test" in body["reason"] and "deactivated in Desk" in body["reason"]


def test_demoting_the_authorizing_admin_needs_attention(
    crm_api, agent, person, django_capture_on_commit_callbacks
):
    _second_admin(agent, person)
    with django_capture_on_commit_callbacks(execute=True):
        desk_actions.do_update_agent(
            actor=person("agent@acme.test"), agent=agent("admin@acme.test"), role="agent"
        )
    body = crm_api().get(INTEGRATION).json()
    assert body["state"] == "needs_attention"
    assert "no longer a Desk administrator" in body["reason"]


def test_a_person_deactivated_in_tandem_is_caught_by_the_sweep(crm_api, person, link):
    admin = person("admin@acme.test")
    admin.is_active = False
    admin.save(update_fields=["is_active"])
    assert link().state == "active"
    tasks.sweep_authority.call()
    assert link().state == "needs_attention"
    assert "no longer active in Tandem" in queries.reason_of(link())


def test_regenerating_the_zsc_key_needs_reauthorization_of_a_key_based_link(
    crm_api, zsc_key, django_capture_on_commit_callbacks
):
    client = crm_api()
    client.delete(INTEGRATION)
    key = zsc_key("owner@other.test", "other-support")
    body = {"mode": "other_portal", "admin_email": "owner@other.test", "zsc_key": key}
    assert client.post(INTEGRATION, body).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        new_key = zsc_key("owner@other.test", "other-support")
    state = client.get(INTEGRATION).json()
    assert state["state"] == "needs_attention" and "ZSC key was regenerated" in state["reason"]
    # The old key no longer re-authorizes; the new one does.
    old = {"admin_email": "owner@other.test", "zsc_key": key}
    problem(client.post(f"{INTEGRATION}/reauthorize", old), 400)
    r = client.post(f"{INTEGRATION}/reauthorize", {**old, "zsc_key": new_key})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "active" and r.json()["reason"] is None


def test_a_desk_admin_reauthorizes_with_one_click(
    crm_api, agent, person, grant_integration, django_capture_on_commit_callbacks
):
    _second_admin(agent, person)
    with django_capture_on_commit_callbacks(execute=True):
        desk_actions.do_set_agent_state(
            actor=person("agent@acme.test"), agent=agent("admin@acme.test"), active=False
        )
    # The CRM admin is no longer a Desk admin: one click is refused, saying what to do.
    r = crm_api().post(f"{INTEGRATION}/reauthorize", {})
    assert "ZSC key" in problem(r, 403)["detail"]
    # agent@acme.test, now the portal's admin, gets the permission and re-authorizes.
    grant_integration("agent@acme.test")
    r = crm_api("agent@acme.test").post(f"{INTEGRATION}/reauthorize", {})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "active"
    assert r.json()["authorized_by"] == {"email": "agent@acme.test"}


def test_reauthorizing_with_another_portals_key_is_refused(crm_api, zsc_key, link):
    link_before = link()
    key = zsc_key("owner@other.test", "other-support")
    r = crm_api().post(
        f"{INTEGRATION}/reauthorize", {"admin_email": "owner@other.test", "zsc_key": key}
    )
    assert "another portal" in problem(r, 400)["detail"]
    assert link().authorized_by_id == link_before.authorized_by_id


def test_deactivate_and_set_up_again_from_needs_attention(
    crm_api, agent, person, django_capture_on_commit_callbacks
):
    _second_admin(agent, person)
    with django_capture_on_commit_callbacks(execute=True):
        desk_actions.do_update_agent(
            actor=person("agent@acme.test"), agent=agent("admin@acme.test"), role="agent"
        )
    client = crm_api()
    assert client.delete(INTEGRATION).status_code == 204
    key = desk_actions.do_generate_zsc_key(
        actor=person("agent@acme.test"), portal=desk.portal_by_slug("acme-support")
    )
    r = client.post(
        INTEGRATION, {"mode": "other_portal", "admin_email": "agent@acme.test", "zsc_key": key}
    )
    assert r.status_code == 201, r.content
    assert r.json()["authorized_by"] == {"email": "agent@acme.test"}


def test_a_healthy_link_stays_active_through_the_sweep(link):
    tasks.sweep_authority.call()
    assert link().state == "active"
