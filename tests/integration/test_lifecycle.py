"""The link's state machine through the API: the three ways in, one link per org, switching
portals, the way out from both sides, and the refusals."""

from __future__ import annotations

from tandem.desk import actions as desk_actions
from tandem.desk import queries as desk
from tandem.integration import queries
from tandem.integration.models import IntegrationEvent

from .conftest import INTEGRATION, problem


def test_the_demo_org_is_linked_to_its_portal_by_its_admin(crm_api):
    body = crm_api().get(INTEGRATION).json()
    assert body == {
        "state": "active",
        "portal": {"slug": "acme-support", "name": "Acme Support"},
        "authorized_by": {"email": "admin@acme.test"},
        "reason": None,
    }


def test_an_org_never_set_up_reads_not_configured(crm_api):
    body = crm_api("owner@other.test", "other").get(INTEGRATION).json()
    assert body == {
        "state": "not_configured",
        "portal": None,
        "authorized_by": None,
        "reason": None,
    }


def test_my_portals_are_those_where_i_am_a_desk_admin(crm_api):
    assert crm_api().get(f"{INTEGRATION}/portals").json() == {
        "data": [{"slug": "acme-support", "name": "Acme Support"}]
    }
    other = crm_api("owner@other.test", "other").get(f"{INTEGRATION}/portals").json()
    assert other == {"data": [{"slug": "other-support", "name": "Other Support"}]}


def test_a_second_link_is_refused_while_one_is_active(crm_api, link):
    r = crm_api().post(INTEGRATION, {"mode": "new_portal", "portal_name": "Second"})
    assert "already linked" in problem(r, 409)["detail"]
    assert link().portal.slug == "acme-support"
    assert desk.portal_by_slug("second") is None


def test_deactivate_then_set_up_again_with_my_own_portal(crm_api, link):
    client = crm_api()
    assert client.delete(INTEGRATION).status_code == 204
    assert client.get(INTEGRATION).json()["state"] == "deactivated"
    assert "not active" in problem(client.delete(INTEGRATION), 409)["detail"]
    assert problem(client.post(f"{INTEGRATION}/reauthorize", {}), 409)
    r = client.post(INTEGRATION, {"mode": "own_portal", "portal": "acme-support"})
    assert r.status_code == 201, r.content
    assert r.json()["state"] == "active"
    kinds = [e.kind for e in queries.history(link().org_id)]
    assert kinds[:3] == ["connected", "deactivated", "connected"]


def test_own_portal_must_be_one_i_administer(crm_api):
    client = crm_api()
    client.delete(INTEGRATION)
    r = client.post(INTEGRATION, {"mode": "own_portal", "portal": "other-support"})
    assert "portal" in problem(r, 400)["errors"]
    assert client.get(INTEGRATION).json()["state"] == "deactivated"


def test_a_new_portal_makes_me_its_desk_admin_at_once(crm_api, person):
    client = crm_api("owner@other.test", "other")
    r = client.post(INTEGRATION, {"mode": "new_portal", "portal_name": "Other Help"})
    assert r.status_code == 201, r.content
    slug = r.json()["portal"]["slug"]
    me = desk.agent_of_user(desk.portal_by_slug(slug), person("owner@other.test"))
    assert me.is_admin and me.is_active
    assert r.json()["authorized_by"] == {"email": "owner@other.test"}


def test_a_new_portal_needs_a_name(crm_api):
    client = crm_api("owner@other.test", "other")
    r = client.post(INTEGRATION, {"mode": "new_portal", "portal_name": "   "})
    assert "portal_name" in problem(r, 400)["errors"]
    assert client.get(INTEGRATION).json()["state"] == "not_configured"


def test_another_users_portal_with_its_admins_email_and_zsc_key(crm_api, zsc_key):
    client = crm_api()
    client.delete(INTEGRATION)
    key = zsc_key("owner@other.test", "other-support")
    r = client.post(
        INTEGRATION, {"mode": "other_portal", "admin_email": "OWNER@other.test", "zsc_key": key}
    )
    assert r.status_code == 201, r.content
    assert r.json()["portal"]["slug"] == "other-support"
    assert r.json()["authorized_by"] == {"email": "owner@other.test"}


def test_a_wrong_email_and_key_pair_is_refused_and_links_nothing(crm_api, zsc_key):
    client = crm_api()
    client.delete(INTEGRATION)
    key = zsc_key("owner@other.test", "other-support")
    for email, secret in [
        ("admin@acme.test", key),  # a real key, but not this person's portal
        ("owner@other.test", key + "x"),
        ("owner@other.test", ""),
    ]:
        r = client.post(
            INTEGRATION, {"mode": "other_portal", "admin_email": email, "zsc_key": secret}
        )
        assert "zsc_key" in problem(r, 400)["errors"], r.content
    assert client.get(INTEGRATION).json()["state"] == "deactivated"


def test_repeated_wrong_keys_are_throttled(crm_api, zsc_key):
    client = crm_api()
    client.delete(INTEGRATION)
    key = zsc_key()
    wrong = {"mode": "other_portal", "admin_email": "owner@other.test", "zsc_key": "zsc_nope"}
    for _ in range(queries.THROTTLE_TRIES):
        problem(client.post(INTEGRATION, wrong), 400)
    right = {**wrong, "zsc_key": key}
    assert "Try again" in problem(client.post(INTEGRATION, right), 429)["detail"]


def test_a_portal_linked_to_another_org_is_refused(crm_api, zsc_key):
    key = zsc_key("admin@acme.test", "acme-support")
    r = crm_api("owner@other.test", "other").post(
        INTEGRATION, {"mode": "other_portal", "admin_email": "admin@acme.test", "zsc_key": key}
    )
    assert "already linked to another CRM org" in problem(r, 409)["detail"]


def test_switching_portals_dissociates_the_old_portals_tickets(crm_api, person, link):
    portal = desk.portal_by_slug("acme-support")
    ticket = desk.portal_tickets(portal).order_by("id").first()
    desk_actions.do_set_crm_deal(
        actor=person("admin@acme.test"), ticket=ticket, deal={"id": 1, "name": "Renewal"}
    )
    client = crm_api()
    client.delete(INTEGRATION)
    r = client.post(INTEGRATION, {"mode": "new_portal", "portal_name": "Acme Help"})
    assert r.status_code == 201, r.content
    assert not desk.portal_tickets(portal).filter(crm_deal__isnull=False).exists()
    ticket.refresh_from_db()
    assert ticket.portal_id == portal.id  # the ticket stays in the old portal
    switched = [e for e in queries.history(link().org_id) if e.kind == "switched"]
    assert switched and "Acme Support" in switched[0].detail


def test_setting_up_the_same_portal_again_keeps_its_deal_links(crm_api, person):
    portal = desk.portal_by_slug("acme-support")
    ticket = desk.portal_tickets(portal).order_by("id").first()
    deal = {"id": 1, "name": "Renewal"}
    desk_actions.do_set_crm_deal(actor=person("admin@acme.test"), ticket=ticket, deal=deal)
    client = crm_api()
    client.delete(INTEGRATION)
    client.post(INTEGRATION, {"mode": "own_portal", "portal": "acme-support"})
    ticket.refresh_from_db()
    assert ticket.crm_deal == deal


def test_desk_shows_the_crm_link(api):
    body = api("agent@acme.test", portal="acme-support").get("/api/desk/v1/integrations/crm")
    assert body.json() == {
        "state": "active",
        "org": {"slug": "acme", "name": "Acme"},
        "authorized_by": {"email": "admin@acme.test"},
    }
    other = api("owner@other.test", portal="other-support").get("/api/desk/v1/integrations/crm")
    assert other.json() == {"state": "not_configured", "org": None, "authorized_by": None}


def test_only_a_desk_admin_deletes_the_integration_from_desk(api, crm_api):
    for who in ("agent@acme.test", "light@acme.test"):
        r = api(who, portal="acme-support").delete("/api/desk/v1/integrations/crm")
        assert problem(r, 403)["detail"] == (
            "Only a Desk administrator can delete the integration. Contact your Desk administrator."
        )
    assert crm_api().get(INTEGRATION).json()["state"] == "active"
    admin = api("admin@acme.test", portal="acme-support")
    assert admin.delete("/api/desk/v1/integrations/crm").status_code == 204
    assert crm_api().get(INTEGRATION).json()["state"] == "deactivated"
    assert admin.get("/api/desk/v1/integrations/crm").json()["state"] == "deactivated"
    problem(admin.delete("/api/desk/v1/integrations/crm"), 404)
    # Setting up again works after a deletion from Desk.
    r = crm_api().post(INTEGRATION, {"mode": "own_portal", "portal": "acme-support"})
    assert r.status_code == 201


def test_deactivation_deletes_nothing_on_either_side(crm_api, acme):
    portal = desk.portal_by_slug("acme-support")
    tickets, contacts = desk.portal_tickets(portal).count(), desk.contacts(portal).count()
    crm_api().delete(INTEGRATION)
    assert desk.portal_tickets(portal).count() == tickets
    assert desk.contacts(portal).count() == contacts


def test_every_transition_is_in_the_history_with_its_actor(crm_api, link, person):
    client = crm_api()
    client.delete(INTEGRATION)
    client.post(INTEGRATION, {"mode": "own_portal", "portal": "acme-support"})
    events = IntegrationEvent.objects.filter(org_id=link().org_id).order_by("id")
    assert [(e.kind, e.actor.email) for e in events] == [
        ("connected", "admin@acme.test"),
        ("deactivated", "admin@acme.test"),
        ("connected", "admin@acme.test"),
    ]
