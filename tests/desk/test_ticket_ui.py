"""The agent UI around tickets: Update Field for every editable field, a history that reads
like words, the list's filters (email, customer, product, views, sorts), product pages."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tandem.desk import actions, queries
from tandem.desk.actions.tickets import apply_changes
from tandem.desk.models import Account, Contact, Product, Ticket, TicketEvent
from tandem.desk.views.history import history_lines
from tandem.web.errors import Problem

BASE = "/desk/acme-support"
API = "/api/desk/v1"


@pytest.fixture
def customer(portal):
    account = Account.objects.create(portal=portal, account_name="Zyxwv Holdings")
    contact = Contact.objects.create(
        portal=portal, first_name="Quentin", last_name="Zyxwv", email="q@zyxwv.test",
        account=account,
    )  # fmt: skip
    return contact


@pytest.fixture
def gizmo(admin, department):
    return actions.do_save_product(
        actor=admin,
        portal=admin.portal,
        data={"product_name": "Gizmo", "product_code": "GZ-9", "department_ids": []},
    )


def text_of(html: str, element_id: str) -> str:
    """The words inside the element with that id, tags stripped, spaces collapsed."""
    start = html.index(f'id="{element_id}"')
    end = html.index("</ul>", start)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html[start:end])).split())


def history_of(client, ticket) -> str:
    """The ticket's history as the page draws it when it comes into view."""
    html = client.get(f"{BASE}/tickets/{ticket.id}/history/", HTTP_HX_REQUEST="true")
    return text_of(html.content.decode(), "history")


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def post_update(client, ticket, field, value):
    return client.post(
        f"{BASE}/tickets/{ticket.id}/update/", {"field": field, "value": value}, follow=True
    )


# Update Field: description, contact, account, product and custom fields


def test_update_field_offers_description_contact_and_account(browser_as, ticket):
    page = browser_as("agent").get(f"{BASE}/tickets/{ticket.id}/").content.decode()
    form = page[page.index('id="update-field"') : page.index('id="assign-form"')]
    for name in ("description", "contact_id", "account_id", "product_id", "cf.plan"):
        assert f'<option value="{name}">' in form
    # No contact or account is listed: they are typed and looked up (100,000 would not fit).
    assert "Customer" not in form.split("<datalist")[1]
    assert 'id="edit-description"' in page


def test_description_is_updated_from_the_page(browser_as, ticket):
    # The page edits words (test_ticket_editing.py); the API takes HTML.
    r = post_update(browser_as("agent"), ticket, "description", "Steps: one\n\nTwo")
    assert "Ticket updated." in messages_of(r)
    ticket.refresh_from_db()
    assert ticket.description == "<p>Steps: one</p>\n\n<p>Two</p>"


def test_contact_is_found_by_email_name_or_id(browser_as, ticket, customer):
    client = browser_as("agent")
    for typed in ("Q@ZYXWV.test", "Quentin Zyxwv", "zyxw", f"#{customer.id}", str(customer.id)):
        Ticket.objects.filter(pk=ticket.pk).update(contact=None)
        r = post_update(client, ticket, "contact_id", typed)
        assert "Ticket updated." in messages_of(r), typed
        ticket.refresh_from_db()
        assert ticket.contact_id == customer.id, typed
    post_update(client, ticket, "contact_id", "  ")
    ticket.refresh_from_db()
    assert ticket.contact_id is None  # empty clears it


def test_account_and_product_are_found_by_name(browser_as, ticket, customer, gizmo):
    client = browser_as("agent")
    post_update(client, ticket, "account_id", "zyxwv holdings")
    post_update(client, ticket, "product_id", "gz-9")
    ticket.refresh_from_db()
    assert (ticket.account_id, ticket.product_id) == (customer.account_id, gizmo.id)


def test_an_unknown_or_ambiguous_contact_is_a_clear_message_and_changes_nothing(
    browser_as, ticket, portal
):
    for i in range(2):
        Contact.objects.create(
            portal=portal, first_name="Twin", last_name="Qwzx", email=f"t{i}@q.test"
        )
    client = browser_as("agent")
    before = ticket.contact_id
    r = post_update(client, ticket, "contact_id", "Qwzx")
    said = messages_of(r)
    assert "Contact: Several match:" in said and "t0@q.test" in said and "t1@q.test" in said
    r = post_update(client, ticket, "contact_id", "nobody-here@q.test")
    assert "Contact: No contact has that email or name." in messages_of(r)
    r = post_update(client, ticket, "contact_id", "#999999999")
    assert "Contact: No such item in this portal." in messages_of(r)
    ticket.refresh_from_db()
    assert ticket.contact_id == before


def test_another_portals_contact_cannot_be_set(browser_as, ticket, other_portal):
    theirs = Contact.objects.create(portal=other_portal, last_name="Theirs", email="t@other.test")
    r = post_update(browser_as("agent"), ticket, "contact_id", f"#{theirs.id}")
    assert "No such item" in messages_of(r)
    r = post_update(browser_as("agent"), ticket, "contact_id", "t@other.test")
    assert "No contact has that email" in messages_of(r)
    ticket.refresh_from_db()
    assert ticket.contact_id != theirs.id


def test_a_typed_record_is_looked_up_in_the_portal_only(portal, other_portal, customer, gizmo):
    Contact.objects.create(portal=other_portal, first_name="Quentin", last_name="Elsewhere")
    assert queries.record_typed(portal, "contact_id", "Quentin") == customer.id
    assert queries.record_typed(portal, "account_id", "Zyxwv") == customer.account_id
    assert queries.record_typed(portal, "product_id", "GZ-9") == gizmo.id
    with pytest.raises(Problem) as refused:
        queries.record_typed(portal, "contact_id", "Elsewhere")
    assert refused.value.errors == {"contact_id": ["No contact has that email or name."]}
    with pytest.raises(Problem) as refused:
        queries.record_typed(other_portal, "account_id", "Zyxwv")
    assert refused.value.status == 400 and "account_id" in refused.value.errors
    with pytest.raises(ValueError):
        queries.record_typed(portal, "department_id", "Support")


@pytest.fixture
def custom_fields(admin, portal):
    for label, kind in (("Serial", "text"), ("Seats", "number"), ("Renewal", "date")):
        actions.do_add_ticket_field(actor=admin, portal=portal, label=label, type=kind)
    # "Plan" (Free, Pro) is the demo portal's picklist.


def test_custom_fields_of_every_type_are_updated_from_the_page(browser_as, ticket, custom_fields):
    client = browser_as("agent")
    for field, value in (
        ("cf.serial", "SN-1"), ("cf.seats", "12"), ("cf.renewal", "2027-03-01"),
        ("cf.plan", "Pro"),
    ):  # fmt: skip
        r = post_update(client, ticket, field, value)
        assert "Ticket updated." in messages_of(r), field
    ticket.refresh_from_db()
    assert ticket.cf == {"serial": "SN-1", "seats": 12, "renewal": "2027-03-01", "plan": "Pro"}
    post_update(client, ticket, "cf.seats", "")
    ticket.refresh_from_db()
    assert ticket.cf["seats"] is None


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("cf.seats", "twelve", "Seats: Enter a number."),
        ("cf.seats", "²", "Seats: Enter a number."),
        ("cf.renewal", "2027-02-30", "Renewal: Enter a date (YYYY-MM-DD)."),
        ("cf.plan", "Gold", "Plan: Choose one of: Free, Pro."),
        ("cf.nonsense", "x", "cf.nonsense: No such custom field."),
    ],
)
def test_a_bad_custom_value_says_which_field_and_changes_nothing(
    browser_as, ticket, custom_fields, field, value, says
):
    client = browser_as("agent")
    post_update(client, ticket, "cf.seats", "3")
    ticket.refresh_from_db()
    before, events = dict(ticket.cf), ticket.events.count()
    r = post_update(client, ticket, field, value)
    assert r.status_code == 200 and says in messages_of(r)
    ticket.refresh_from_db()
    assert ticket.cf == before and ticket.events.count() == events


# History


def test_history_shows_labels_and_names_not_field_names_and_ids(
    browser_as, admin, agent_of, department, ticket, customer, gizmo
):
    arturo = agent_of("agent@acme.test")
    actions.do_update_ticket(
        actor=admin,
        ticket=ticket,
        data={
            "assignee_id": arturo.id, "contact_id": customer.id,
            "account_id": customer.account_id, "product_id": gizmo.id, "priority": "High",
            "is_escalated": True,
        },
    )  # fmt: skip
    apply_changes(ticket, {"is_overdue": True}, label="SLA")  # what the SLA sweep does
    actions.do_update_ticket(
        actor=admin, ticket=ticket, data={"department_id": department("Billing").id}
    )
    history = history_of(browser_as("admin"), ticket)
    for line in (
        "Assignee: — → Arturo Agent",
        "Contact: Customer → Quentin Zyxwv",
        "Account: — → Zyxwv Holdings",
        "Product: — → Gizmo",
        "Priority: Medium → High",
        "Escalated: No → Yes",
        "SLA · updated · Overdue: No → Yes",
        "Department: Support → Billing",
    ):
        assert line in history, history
    for raw in ("assignee_id", "is_overdue", "True", f": {arturo.id} "):
        assert raw not in history


def test_history_speaks_the_agents_language(browser_as, person, admin, ticket):
    actions.do_update_ticket(actor=admin, ticket=ticket, data={"priority": "High"})
    agent = person("agent@acme.test")
    agent.language = "de"
    agent.save(update_fields=["language"])
    history = history_of(browser_as("agent"), ticket)
    # The fields read in the history's own order (Priority before Due date) on both databases.
    assert "hat geändert · Priorität: Mittel → Hoch · Fälligkeitsdatum:" in history


def test_history_of_custom_fields_names_each_field(browser_as, admin, ticket, custom_fields):
    actions.do_update_ticket(actor=admin, ticket=ticket, data={"cf": {"seats": "4"}})
    actions.do_update_ticket(actor=admin, ticket=ticket, data={"cf": {"seats": "5", "plan": "Pro"}})
    history = history_of(browser_as("admin"), ticket)
    assert "Seats: — → 4" in history and "Seats: 4 → 5" in history and "Plan: — → Pro" in history
    assert "{" not in history


def test_history_reads_each_events_changes_in_the_same_order_whatever_was_stored(
    portal, ticket, custom_fields
):
    # PostgreSQL's jsonb keeps keys by length then bytes, SQLite as written: neither decides.
    changes = {
        "wobble": [None, "x"],
        "is_overdue": [False, True],
        "cf": [{"seats": 1, "plan": "Free"}, {"seats": 2, "plan": "Pro"}],
        "priority": ["Medium", "High"],
        "subject": ["Old", "New"],
    }
    scrambled = TicketEvent.objects.create(ticket=ticket, kind="updated", changes=changes)
    backwards = dict(reversed(changes.items()))
    backwards["cf"] = [{"plan": "Free", "seats": 1}, {"plan": "Pro", "seats": 2}]
    TicketEvent.objects.create(ticket=ticket, kind="updated", changes=backwards)
    events = queries.events_of(ticket).filter(pk__gte=scrambled.pk)
    lines = history_lines(portal.id, events, queries.ticket_fields(portal))
    read = [[c["label"] for c in line["changes"]] for line in lines]
    assert read == [["Subject", "Priority", "Overdue", "Plan", "Seats", "Wobble"]] * 2


def test_history_names_a_deleted_record_by_its_id(browser_as, admin, ticket, gizmo):
    actions.do_update_ticket(actor=admin, ticket=ticket, data={"product_id": gizmo.id})
    gizmo_id = gizmo.id
    actions.do_delete_customer(actor=admin, obj=gizmo)
    history = history_of(browser_as("admin"), ticket)
    assert f"Product: — → #{gizmo_id} (deleted)" in history


def test_history_queries_do_not_grow_with_the_history(
    browser_as, admin, portal, ticket, gizmo, django_assert_max_num_queries
):
    client = browser_as("admin")
    history = lambda: client.get(f"{BASE}/tickets/{ticket.id}/history/")  # noqa: E731
    actions.do_update_ticket(actor=admin, ticket=ticket, data={"product_id": gizmo.id})
    history()
    with django_assert_max_num_queries(20) as few:
        history()
    products = [Product.objects.create(portal=portal, product_name=f"P{i}") for i in range(10)]
    contacts = [Contact.objects.create(portal=portal, last_name=f"C{i}") for i in range(10)]
    for product, contact in zip(products, contacts, strict=True):
        actions.do_update_ticket(
            actor=admin,
            ticket=ticket,
            data={"product_id": product.id, "contact_id": contact.id, "account_id": None},
        )
    with django_assert_max_num_queries(len(few.captured_queries) + 2):  # contacts, accounts
        html = history().content.decode()
    assert "Product: P8 → P9" in text_of(html, "history")
    assert "Contact: C8 → C9" in text_of(html, "history")


# The ticket list: email box, customer and product filters, views, sorts


@pytest.mark.parametrize(
    ("language", "status", "priority"), [("de", "Offen", "Dringend"), ("es", "Abierto", "Urgente")]
)
def test_the_list_rows_say_status_and_priority_in_the_agents_language(
    browser_as, person, make_ticket, language, status, priority
):
    make_ticket("Fire <b>now</b>", priority="Urgent")
    agent = person("admin@acme.test")
    agent.language = language
    agent.save(update_fields=["language"])
    page = browser_as("admin").get("/desk/acme-support/tickets/").content.decode()
    row = page[page.index("Fire &lt;b&gt;now&lt;/b&gt;") :].split("</tr>")[0]
    assert f"<td>{status}</td><td>{priority}</td>" in row


def test_the_list_has_an_email_box_and_every_sort_of_the_api(browser_as, make_ticket):
    make_ticket("Mine", contact={"last_name": "M", "email": "mine@x.test"})
    make_ticket("Theirs", contact={"last_name": "T", "email": "theirs@x.test"})
    client = browser_as("agent")
    page = client.get(f"{BASE}/tickets/", {"email": "mine@x.test"}).content.decode()
    assert 'name="email" id="ticket-email" value="mine@x.test"' in page
    assert 'type="hidden" name="email"' not in page
    rows = page[page.index('id="ticket-list"') :]
    assert "Mine" in rows and "Theirs" not in rows
    for sort in queries.tickets.__globals__["SORTS"]:
        assert f'<option value="{sort}"' in page
        r = client.get(f"{BASE}/tickets/", {"sort": sort})
        assert r.status_code == 200 and "alert-warning" not in r.content.decode(), sort


def test_switching_view_keeps_the_search_and_filters(browser_as, department):
    page = (
        browser_as("agent")
        .get(
            f"{BASE}/tickets/",
            {"view": "open", "q": "fire", "department_id": department("Support").id},
        )
        .content.decode()
    )
    start = page.index('id="ticket-filters"')
    form = page[start : page.index("</form>", start)]
    # The views are radios of the filter form itself: choosing one sends q and the rest too.
    assert 'name="view" value="open" id="view-open" autocomplete="off" checked' in form
    assert 'name="view" value="closed"' in form and 'name="q"' in form
    assert 'href="?view=' not in page


def test_contact_page_links_to_all_its_tickets_and_the_list_says_so(
    browser_as, make_ticket, customer
):
    for i in range(3):
        make_ticket(f"Quentin's {i}", contact_id=customer.id, contact=None)
    make_ticket("Someone else's")
    client = browser_as("agent")
    page = client.get(f"{BASE}/contacts/{customer.id}/").content.decode()
    link = f"{BASE}/tickets/?contact_id={customer.id}"
    assert f'href="{link}" id="all-tickets"' in page
    listing = client.get(link).content.decode()
    assert listing.count("data-ticket=") == 3 and "Someone else" not in listing
    chips = listing[listing.index('id="record-filters"') :]
    assert 'data-filter="contact_id">Contact: Quentin Zyxwv' in chips
    assert f'href="{BASE}/tickets/?view=all"' in chips  # clearing it keeps the rest
    assert f'type="hidden" name="contact_id" value="{customer.id}"' in listing
    account = client.get(f"{BASE}/accounts/{customer.account_id}/").content.decode()
    assert f'href="{BASE}/tickets/?account_id={customer.account_id}" id="all-tickets"' in account
    listing = client.get(f"{BASE}/tickets/?account_id={customer.account_id}&view=open")
    listing = listing.content.decode()
    assert "Account: Zyxwv Holdings" in listing and listing.count("data-ticket=") == 3
    assert f'href="{BASE}/tickets/?view=open"' in listing


def test_customer_page_says_it_shows_the_latest_50(browser_as, make_ticket, customer):
    for i in range(52):
        make_ticket(f"Quentin's {i}", contact_id=customer.id, contact=None)
    page = browser_as("agent").get(f"{BASE}/contacts/{customer.id}/").content.decode()
    assert "Latest 50 of 52" in page and page.count("Quentin&#x27;s ") == 50


def test_a_junk_customer_filter_is_a_message_not_a_crash(browser_as):
    page = browser_as("agent").get(f"{BASE}/tickets/?contact_id=abc").content.decode()
    assert "Give a number." in page and "Contact: #abc" in page


# Products: filter, page, list pages, ids


def test_tickets_filter_by_product_in_queries_api_and_export(
    admin, desk, make_ticket, gizmo, other_portal
):
    with_gizmo = make_ticket("Gizmo broke", product_id=gizmo.id)
    make_ticket("No product")
    assert [t.id for t in queries.tickets(admin, product_id=gizmo.id)] == [with_gizmo.id]
    api = desk("admin")
    listed = api.get(f"{API}/tickets", data={"product_id": gizmo.id}).json()["data"]
    assert [t["id"] for t in listed] == [with_gizmo.id]
    csv = b"".join(api.get(f"{API}/tickets/export?product_id={gizmo.id}").streaming_content)
    assert b"Gizmo broke" in csv and b"No product" not in csv
    theirs = Product.objects.create(portal=other_portal, product_name="Theirs")
    assert api.get(f"{API}/tickets?product_id={theirs.id}").json()["data"] == []
    assert api.get(f"{API}/tickets?product_id={2**70}").status_code == 400


def test_the_agent_sees_only_their_departments_tickets_of_a_product(desk, make_ticket, gizmo):
    make_ticket("Support's", product_id=gizmo.id)
    make_ticket("Billing's", dept="Billing", product_id=gizmo.id)
    listed = desk("agent").get(f"{API}/tickets?product_id={gizmo.id}").json()["data"]
    assert [t["subject"] for t in listed] == ["Support's"]


def test_product_page_shows_its_tickets_and_links_to_the_list(
    browser_as, make_ticket, gizmo, django_assert_max_num_queries
):
    make_ticket("Gizmo broke", product_id=gizmo.id)
    make_ticket("No product")
    client = browser_as("agent")
    client.get(f"{BASE}/products/{gizmo.id}/")
    with django_assert_max_num_queries(12):
        page = client.get(f"{BASE}/products/{gizmo.id}/").content.decode()
    tickets = page[page.index('id="product-tickets"') :]
    assert "Gizmo broke" in tickets and "No product" not in tickets
    link = f"{BASE}/tickets/?product_id={gizmo.id}"
    assert f'href="{link}" id="all-tickets"' in page
    listing = client.get(link).content.decode()
    assert "Product: Gizmo" in listing and listing.count("data-ticket=") == 1


def test_product_page_queries_do_not_grow_with_its_tickets(
    browser_as, make_ticket, gizmo, django_assert_max_num_queries
):
    client = browser_as("agent")
    make_ticket("one", product_id=gizmo.id)
    client.get(f"{BASE}/products/{gizmo.id}/")
    with django_assert_max_num_queries(12) as few:
        client.get(f"{BASE}/products/{gizmo.id}/")
    for i in range(55):
        make_ticket(f"more {i}", product_id=gizmo.id)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(f"{BASE}/products/{gizmo.id}/").content.decode()
    assert page.count(f"{BASE}/tickets/") >= 50 and "Latest 50" in page


def test_filtered_list_queries_are_fixed(
    browser_as, make_ticket, customer, gizmo, django_assert_max_num_queries
):
    client = browser_as("agent")
    for i in range(50):
        make_ticket(f"t{i}", contact_id=customer.id, contact=None, product_id=gizmo.id)
    url = f"{BASE}/tickets/?contact_id={customer.id}&product_id={gizmo.id}&email=q@zyxwv.test"
    client.get(url)
    with django_assert_max_num_queries(14):
        page = client.get(url).content.decode()
    assert page.count("data-ticket=") == 50
    assert "Contact: Quentin Zyxwv" in page and "Product: Gizmo" in page


def test_product_list_pages_by_cursor(browser_as, portal):
    Product.objects.bulk_create(
        Product(portal=portal, product_name=f"Widget {i:03}") for i in range(75)
    )
    client = browser_as("agent")
    first = client.get(f"{BASE}/products/", {"q": "widget"}).content.decode()
    assert first.count(">Widget ") == 50
    cursor = first.split('id="next-page" href="?q=widget&amp;cursor=')[1].split('"')[0]
    second = client.get(f"{BASE}/products/", {"q": "widget", "cursor": cursor}).content.decode()
    assert second.count(">Widget ") == 25 and 'id="next-page"' not in second
    names = re.findall(r">(Widget \d+)<", first + second)
    assert names == [f"Widget {i:03}" for i in range(75)]
    bad = client.get(f"{BASE}/products/", {"q": "widget", "cursor": "junk"})
    assert bad.status_code == 200 and "That page link is broken" in messages_of(bad)
    assert bad.content.decode().count(">Widget ") == 50


@pytest.mark.parametrize("junk", ["²", "abc", str(2**70)])
def test_junk_department_ids_on_a_product_are_a_message(browser_as, gizmo, department, junk):
    r = browser_as("admin").post(
        f"{BASE}/products/{gizmo.id}/",
        {"product_name": "Gizmo", "department_ids": [department("Support").id, junk]},
        follow=True,
    )
    assert r.status_code == 200 and "Unknown department" in messages_of(r)
    assert list(Product.objects.get(pk=gizmo.pk).departments.all()) == []


@pytest.mark.django_db
def test_the_product_filter_has_its_own_index():
    from django.db import connection

    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, Ticket._meta.db_table)
    assert indexes["desk_t_product"]["columns"] == ["product_id", "id"]
    assert not [
        name for name, c in indexes.items()
        if c["index"] and c["columns"] == ["product_id"]
    ]  # fmt: skip


def test_sla_history_line_of_the_demo_reads_in_words(browser_as, portal):
    # The demo's sample tickets carry SLA events written in bulk: they read the same way.
    event = TicketEvent.objects.filter(ticket__portal=portal, actor_label="SLA").first()
    if event is None:
        pytest.skip("the demo data has no SLA events")
    history = history_of(browser_as("admin"), event.ticket)
    assert "is_overdue" not in history and "is_escalated" not in history
