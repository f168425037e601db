"""Contacts, accounts and products; every write to them and to tickets lands in the change log."""

from tandem.desk import actions, queries
from tandem.desk.models import Change, Contact

from .conftest import problem

API = "/api/desk/v1"


def test_contact_crud(desk):
    client = desk("agent")
    account = client.post(f"{API}/accounts", {"account_name": "Globex", "website": "globex.test"})
    assert account.status_code == 201, account.content
    body = {
        "first_name": "Hank",
        "last_name": "Scorpio",
        "email": "Hank@Globex.test",
        "secondary_email": "h@home.test",
        "phone": "1",
        "mobile": "2",
        "account_id": account.json()["id"],
    }
    created = client.post(f"{API}/contacts", body)
    assert created.status_code == 201, created.content
    contact = created.json()
    assert contact["email"] == "hank@globex.test" and contact["account_id"] == body["account_id"]
    cid = contact["id"]
    assert client.patch(f"{API}/contacts/{cid}", {"phone": "3"}).json()["phone"] == "3"
    found = client.get(f"{API}/contacts?q=scorp").json()["data"]
    assert [c["id"] for c in found] == [cid]
    assert client.get(f"{API}/contacts?account_id={body['account_id']}").json()["data"]
    assert client.delete(f"{API}/contacts/{cid}").status_code == 204
    problem(client.get(f"{API}/contacts/{cid}"), 404)


def test_contact_needs_a_last_name_and_a_valid_email(desk):
    body = problem(desk("agent").post(f"{API}/contacts", {"email": "not-an-email"}), 400)
    assert {"last_name", "email"} <= set(body["errors"])


def test_contact_cannot_join_another_portals_account(desk, other_portal, person):
    owner = person("owner@other.test")
    theirs = actions.do_save_account(
        actor=owner, portal=other_portal, data={"account_name": "Theirs"}
    )
    r = desk("agent").post(f"{API}/contacts", {"last_name": "X", "account_id": theirs.id})
    assert "account_id" in problem(r, 400)["errors"]
    problem(desk("agent").get(f"{API}/accounts/{theirs.id}"), 404)


def test_products_belong_to_departments(desk, department):
    client = desk("admin")
    ids = [department("Billing").id]
    r = client.post(
        f"{API}/products",
        {"product_name": "Widget", "product_code": "W1", "unit_price": 9.5, "department_ids": ids},
    )
    assert r.status_code == 201, r.content
    assert r.json()["department_ids"] == ids and r.json()["unit_price"] == 9.5
    pid = r.json()["id"]
    again = client.patch(f"{API}/products/{pid}", {"department_ids": []}).json()
    assert again["department_ids"] == []
    assert desk("agent").get(f"{API}/products/{pid}").status_code == 200
    problem(desk("agent").delete(f"{API}/products/{pid}"), 403)


def test_customer_lists_have_a_fixed_query_count(desk, admin, django_assert_max_num_queries):
    for i in range(60):
        actions.do_save_contact(actor=admin, portal=admin.portal, data={"last_name": f"C{i}"})
    client = desk("agent")
    with django_assert_max_num_queries(6):
        assert len(client.get(f"{API}/contacts?limit=60").json()["data"]) == 60


def test_every_write_is_logged_with_its_origin(admin, portal, make_ticket):
    start = portal.last_change_seq
    contact = actions.do_save_contact(
        actor=admin, portal=portal, data={"last_name": "Log", "email": "l@x.test"}, origin="sync"
    )
    actions.do_save_contact(actor=admin, portal=portal, contact=contact, data={"phone": "5"})
    actions.do_save_contact(actor=admin, portal=portal, contact=contact, data={"phone": "5"})
    ticket = make_ticket("Logged", contact_id=contact.id, contact=None)
    actions.do_update_ticket(actor=admin, ticket=ticket, data={"priority": "Low"})
    actions.do_delete_customer(actor=admin, obj=contact)
    log, last = queries.changes_since(portal.id, start)
    assert [(c.entity, c.op, c.origin) for c in log] == [
        ("contact", "created", "sync"),
        ("contact", "updated", "desk"),
        ("ticket", "created", "desk"),
        ("ticket", "updated", "desk"),
        ("contact", "deleted", "desk"),
        ("ticket", "updated", "desk"),  # its ticket lost the link
    ]
    assert log[1].fields == ("phone",) and log[3].fields == ("due_date", "priority")
    assert log[2].fields.count("subject") == 1  # named once, though always written
    assert log[-1].entity_id == ticket.id and log[-1].fields == ("contact_id",)
    assert [c.sequence for c in log] == list(range(start + 1, start + 7)) and last == start + 6
    assert queries.changes_since(portal.id, last) == ([], last)


def test_a_failed_write_leaves_no_change_row(admin, portal):
    before = Change.objects.count()
    try:
        actions.do_save_contact(actor=admin, portal=portal, data={"email": "bad"})
    except Exception as exc:  # the Problem refusing it
        assert "last_name" in exc.errors
    assert Change.objects.count() == before and not Contact.objects.filter(email="bad").exists()


def test_portal_tickets_for_readers_who_are_not_agents(portal, make_ticket, department):
    mine = make_ticket(contact={"last_name": "P", "email": "p@portal.test"})
    assert list(queries.portal_tickets(portal.id, email="p@portal.test")) == [mine]
    billing_only = queries.portal_tickets(
        portal.id, department_ids=[department("Billing").id], email="p@portal.test"
    )
    assert not billing_only.exists()
