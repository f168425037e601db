"""Bad input is a field error (API) or a message (UI), never a 500, and writes nothing."""

from __future__ import annotations

import pytest

from tandem.desk import actions
from tandem.desk.models import Agent, Product, Ticket, TicketField

from .conftest import problem

API = "/api/desk/v1"
BASE = "/desk/acme-support"
HUGE = 99999999999999999999  # beyond a 64-bit id column


@pytest.fixture
def fields(admin):
    for label, kind in (("Seats", "number"), ("Bought", "date")):
        actions.do_add_ticket_field(actor=admin, portal=admin.portal, label=label, type=kind)


def _page_after(client, url: str, data: dict) -> str:
    r = client.post(url, data, follow=True)
    assert r.status_code == 200, r.content
    return r.content.decode()


# ---- impossible dates ---------------------------------------------------------------------


@pytest.mark.parametrize("day", ["2026-02-31", "2026-13-01", "2026-00-10"])
def test_an_impossible_custom_date_is_a_field_error(desk, browser_as, fields, ticket, day):
    errors = problem(
        desk("agent").patch(f"{API}/tickets/{ticket.id}", {"cf": {"bought": day}}), 400
    )
    assert errors["errors"] == {"cf.bought": ["Enter a date (YYYY-MM-DD)."]}
    url = f"{BASE}/tickets/{ticket.id}/update/"
    page = _page_after(browser_as("agent"), url, {"field": "cf.bought", "value": day})
    assert "Enter a date (YYYY-MM-DD)." in page
    assert Ticket.objects.get(pk=ticket.pk).cf.get("bought") is None


def test_a_custom_date_is_stored_as_yyyy_mm_dd(desk, fields, ticket):
    r = desk("agent").patch(f"{API}/tickets/{ticket.id}", {"cf": {"bought": "20260102"}})
    assert r.status_code == 200, r.content
    assert r.json()["cf"]["bought"] == "2026-01-02"


@pytest.mark.parametrize(
    "due", ["2026-02-31", "2026-13-01T10:00", "2026-02-30 09:00", "9999-12-31T23:59:00-05:00"]
)
def test_an_impossible_due_date_is_a_field_error(desk, browser_as, ticket, due):
    before = Ticket.objects.get(pk=ticket.pk).due_date
    url = f"{BASE}/tickets/{ticket.id}/update/"
    page = _page_after(browser_as("agent"), url, {"field": "due_date", "value": due})
    assert "Enter a date and time (ISO 8601)." in page
    errors = problem(desk("agent").patch(f"{API}/tickets/{ticket.id}", {"due_date": due}), 400)
    assert set(errors["errors"]) == {"due_date"}
    assert Ticket.objects.get(pk=ticket.pk).due_date == before


def test_a_due_date_late_in_year_9999_in_utc_is_taken(desk, ticket):
    r = desk("agent").patch(f"{API}/tickets/{ticket.id}", {"due_date": "9999-12-31T12:00:00Z"})
    assert r.status_code == 200, r.content
    assert r.json()["due_date"].startswith("9999-12-31T12:00")


# ---- numbers that are not finite ------------------------------------------------------------


@pytest.mark.parametrize("raw", ["Infinity", "-Infinity", "NaN", "1e999", '"1.0e999"', '"inf"'])
def test_a_custom_number_must_be_finite_in_the_api(desk, fields, ticket, raw):
    body = '{"cf": {"seats": ' + raw + "}}"  # raw JSON: json.dumps would not write 1e999
    r = desk("agent").patch(f"{API}/tickets/{ticket.id}", body)
    assert problem(r, 400)["errors"] == {"cf.seats": ["Enter a number."]}
    assert "seats" not in Ticket.objects.get(pk=ticket.pk).cf


@pytest.mark.parametrize("raw", ["1.0e999", "1e999", "inf", "NaN", "-Infinity", "many", "true"])
def test_a_custom_number_must_be_finite_in_the_page(browser_as, fields, ticket, raw):
    url = f"{BASE}/tickets/{ticket.id}/update/"
    page = _page_after(browser_as("agent"), url, {"field": "cf.seats", "value": raw})
    assert "Enter a number." in page
    assert "seats" not in Ticket.objects.get(pk=ticket.pk).cf


@pytest.mark.parametrize(
    ("given", "saved"), [("12", 12), (" 7 ", 7), ("2.5", 2.5), ("1e3", 1000.0), (3, 3), (0.5, 0.5)]
)
def test_a_finite_custom_number_is_kept(desk, fields, ticket, given, saved):
    r = desk("agent").patch(f"{API}/tickets/{ticket.id}", {"cf": {"seats": given}})
    assert r.status_code == 200, r.content
    assert r.json()["cf"]["seats"] == saved


def test_true_is_not_a_number(desk, fields, ticket):
    r = desk("agent").patch(f"{API}/tickets/{ticket.id}", {"cf": {"seats": True}})
    assert problem(r, 400)["errors"] == {"cf.seats": ["Enter a number."]}


# ---- ids beyond 64 bits ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["contacts", "accounts", "products"])
def test_a_huge_customer_id_in_the_url_is_a_404(desk, browser_as, kind):
    problem(desk("agent").get(f"{API}/{kind}/{HUGE}"), 404)
    problem(desk("admin").patch(f"{API}/{kind}/{HUGE}", {}), 404)
    assert browser_as("agent").get(f"{BASE}/{kind}/{HUGE}/").status_code == 404


def test_a_customer_id_of_zero_is_a_404(desk):
    problem(desk("agent").get(f"{API}/contacts/0"), 404)


def test_a_huge_account_filter_is_a_field_error(desk):
    errors = problem(desk("agent").get(f"{API}/contacts?account_id={HUGE}"), 400)["errors"]
    assert errors == {"account_id": ["Give an account id."]}


def test_an_unknown_account_filter_is_an_empty_list(desk):
    assert desk("agent").get(f"{API}/contacts?account_id={2**63 - 1}").json()["data"] == []


@pytest.mark.parametrize("ids", [[HUGE], [2**63], [0], [-1]])
def test_an_invitation_to_a_huge_department_is_a_field_error(desk, ids):
    body = {"email": "new@acme.test", "role": "agent", "department_ids": ids}
    errors = problem(desk("admin").post(f"{API}/agents", body), 400)["errors"]
    assert errors == {"department_ids": ["Unknown department in this portal."]}
    assert not Agent.objects.filter(user__email="new@acme.test").exists()


def test_an_agent_patch_to_a_huge_department_changes_nothing(desk, agent_of):
    agent = agent_of("agent@acme.test")
    before = sorted(agent.departments.values_list("id", flat=True))
    body = {"role": "light_agent", "department_ids": [HUGE]}
    r = desk("admin").patch(f"{API}/agents/{agent.id}", body)
    assert set(problem(r, 400)["errors"]) == {"department_ids"}
    agent.refresh_from_db()
    assert agent.role == "agent"
    assert sorted(agent.departments.values_list("id", flat=True)) == before


def test_a_product_in_a_huge_department_is_a_field_error(desk, department):
    client = desk("admin")
    body = {"product_name": "Huge", "department_ids": [department("Support").id, HUGE]}
    assert set(problem(client.post(f"{API}/products", body), 400)["errors"]) == {"department_ids"}
    assert not Product.objects.filter(product_name="Huge").exists()
    made = client.post(f"{API}/products", {"product_name": "Fine"}).json()
    r = client.patch(f"{API}/products/{made['id']}", {"department_ids": [HUGE]})
    assert set(problem(r, 400)["errors"]) == {"department_ids"}
    assert client.get(f"{API}/products/{made['id']}").json()["department_ids"] == []


def test_deleting_a_ticket_field_by_a_huge_id_is_a_404(desk, fields):
    before = TicketField.objects.count()
    problem(desk("admin").delete(f"{API}/ticket-fields/{HUGE}"), 404)
    problem(desk("admin").delete(f"{API}/ticket-fields/0"), 404)
    assert TicketField.objects.count() == before


@pytest.mark.parametrize("junk", ["abc", "", str(HUGE), "²", "-1"])
def test_deleting_a_ticket_field_by_junk_in_the_page_says_so(browser_as, fields, junk):
    before = TicketField.objects.count()
    page = _page_after(browser_as(), f"{BASE}/setup/", {"op": "delete_field", "field_id": junk})
    assert "No such ticket field in this portal." in page
    assert TicketField.objects.count() == before


def test_deleting_a_ticket_field_in_the_page(browser_as, fields):
    field = TicketField.objects.get(name="seats")
    page = _page_after(browser_as(), f"{BASE}/setup/", {"op": "delete_field", "field_id": field.id})
    assert "Removed." in page
    assert not TicketField.objects.filter(pk=field.pk).exists()


# ---- PATCH agents/{id}: one action, all or nothing ------------------------------------------


def test_an_unknown_agent_state_changes_nothing(desk, agent_of):
    agent = agent_of("agent@acme.test")
    r = desk("admin").patch(f"{API}/agents/{agent.id}", {"role": "light_agent", "state": "gone"})
    assert problem(r, 400)["errors"] == {"state": ["Choose active or deactivated."]}
    agent.refresh_from_db()
    assert (agent.role, agent.state) == ("agent", "active")


def test_the_agent_action_applies_role_departments_and_state_together(admin, agent_of, department):
    agent = agent_of("agent@acme.test")
    billing = department("Billing")
    actions.do_update_agent(
        actor=admin,
        agent=agent,
        role="light_agent",
        department_ids=[billing.id],
        state="deactivated",
    )
    agent.refresh_from_db()
    assert (agent.role, agent.state) == ("light_agent", "deactivated")
    assert list(agent.departments.all()) == [billing]
    actions.do_update_agent(actor=admin, agent=agent, state="active")
    agent.refresh_from_db()
    assert agent.state == "active"


def test_the_last_admin_cannot_demote_and_deactivate_at_once(desk, admin):
    Agent.objects.filter(portal=admin.portal, role="admin").exclude(pk=admin.pk).update(
        state="deactivated"
    )
    for body in (
        {"role": "agent"},
        {"state": "deactivated"},
        {"role": "admin", "state": "deactivated"},
    ):
        problem(desk("admin").patch(f"{API}/agents/{admin.id}", body), 409)
    admin.refresh_from_db()
    assert (admin.role, admin.state) == ("admin", "active")


def test_only_an_admin_changes_an_agents_state(desk, agent_of):
    light = agent_of("light@acme.test")
    problem(desk("agent").patch(f"{API}/agents/{light.id}", {"state": "deactivated"}), 403)
    light.refresh_from_db()
    assert light.state == "active"


# ---- list envelopes (CONTRACT §3) -------------------------------------------------------------


def test_a_tickets_history_is_a_paged_list(desk, ticket):
    client = desk("agent")
    client.patch(f"{API}/tickets/{ticket.id}", {"priority": "Urgent"})
    client.patch(f"{API}/tickets/{ticket.id}", {"priority": "Low"})
    first = client.get(f"{API}/tickets/{ticket.id}/history?limit=2").json()
    assert [e["kind"] for e in first["data"]] == ["created", "updated"]
    cursor = first["info"]["next_cursor"]
    rest = client.get(f"{API}/tickets/{ticket.id}/history?limit=2&cursor={cursor}").json()
    assert [e["changes"]["priority"] for e in rest["data"]] == [["Urgent", "Low"]]
    assert rest["info"]["next_cursor"] is None
    problem(client.get(f"{API}/tickets/{ticket.id}/history?limit=0"), 400)
    problem(client.get(f"{API}/tickets/{ticket.id}/history?cursor=junk"), 400)


def test_the_ticket_fields_are_a_paged_list(desk, portal, fields):
    names = list(
        TicketField.objects.filter(portal=portal).order_by("id").values_list("name", flat=True)
    )
    client = desk("agent")
    first = client.get(f"{API}/ticket-fields?limit=1").json()
    assert [f["name"] for f in first["data"]] == names[:1]
    cursor = first["info"]["next_cursor"]
    rest = client.get(f"{API}/ticket-fields?cursor={cursor}").json()
    assert [f["name"] for f in rest["data"]] == names[1:] and names[-2:] == ["seats", "bought"]
    assert rest["info"]["next_cursor"] is None
