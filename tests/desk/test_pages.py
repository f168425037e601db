"""The agent UI: every page renders, buttons call the actions, roles show in the page."""

import pytest
from django.core import mail
from django.test import Client

from tandem.desk.models import Comment, Ticket

BASE = "/desk/acme-support"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/tickets/",
        "/tickets/?view=overdue&q=fire",
        "/tickets/new/",
        "/contacts/",
        "/accounts/",
        "/setup/",
    ],
)
def test_admin_pages_render(path, browser_as, ticket):
    assert browser_as("admin").get(BASE + path).status_code == 200


def test_ticket_page_shows_the_conversation_and_history(browser_as, ticket):
    page = browser_as("agent").get(f"{BASE}/tickets/{ticket.id}/").content.decode()
    assert ticket.subject in page and 'id="composer"' in page and 'id="history-card"' in page
    assert "Update Field" in page and 'id="close-ticket"' in page


def test_light_agent_sees_no_composer_but_can_comment(browser_as, ticket):
    client = browser_as("light")
    page = client.get(f"{BASE}/tickets/{ticket.id}/").content.decode()
    assert 'id="composer"' not in page and 'id="comment-box"' in page
    client.post(f"{BASE}/tickets/{ticket.id}/comment/", {"content": "noted"})
    assert Comment.objects.get(ticket=ticket).content == "noted"
    refused = client.post(
        f"{BASE}/tickets/{ticket.id}/send/", {"action": "reply", "content": "x"}, follow=True
    )
    assert "only comment" in refused.content.decode() and not mail.outbox


def test_light_agent_is_refused_the_new_ticket_form_before_filling_it_in(browser_as):
    client = browser_as("light")
    page = client.get(f"{BASE}/tickets/")
    assert page.status_code == 200 and 'id="new-ticket"' not in page.content.decode()
    form = client.get(f"{BASE}/tickets/new/")  # typed in, or an old bookmark
    assert form.status_code == 403 and "only comment" in form.content.decode()
    refused = client.post(f"{BASE}/tickets/new/", {"subject": "Mine"})
    assert refused.status_code == 403 and not Ticket.objects.filter(subject="Mine").exists()
    assert browser_as("agent").get(f"{BASE}/tickets/new/").status_code == 200


def test_reply_from_the_page(browser_as, ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client = browser_as("agent")
        r = client.post(
            f"{BASE}/tickets/{ticket.id}/send/", {"action": "reply", "content": "On it"}
        )
    assert r.status_code == 302 and mail.outbox[0].to == ["cu@example.com"]


def test_update_field_assign_close_and_delete(browser_as, ticket, agent_of):
    client = browser_as("admin")
    url = f"{BASE}/tickets/{ticket.id}"
    client.post(f"{url}/update/", {"field": "priority", "value": "Urgent"})
    client.post(f"{url}/update/", {"field": "assignee_id", "value": agent_of("light@acme.test").id})
    client.post(f"{url}/update/", {"field": "status", "value": "Closed"})
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.status) == ("Urgent", "Closed")
    assert ticket.assignee.user.email == "light@acme.test"
    bad = client.post(f"{url}/update/", {"field": "priority", "value": "Someday"}, follow=True)
    assert "Choose one of" in bad.content.decode()
    assert client.post(f"{url}/delete/").status_code == 302
    assert not Ticket.objects.filter(pk=ticket.pk).exists()


def test_other_departments_ticket_page_is_a_404(browser_as, billing_ticket):
    assert browser_as("agent").get(f"{BASE}/tickets/{billing_ticket.id}/").status_code == 404


def test_setup_is_for_admins(browser_as):
    assert browser_as("agent").get(f"{BASE}/setup/").status_code == 403


def test_zsc_key_shown_once_in_setup(browser_as):
    client = browser_as("admin")
    page = client.post(f"{BASE}/setup/", {"op": "zsc"}).content.decode()
    assert 'id="zsc-key">zsc_' in page
    assert "zsc-key" not in client.get(f"{BASE}/setup/").content.decode().split("setup-zsc")[1][:40]


def test_ticket_list_page_query_count_is_fixed(
    browser_as, make_ticket, django_assert_max_num_queries
):
    client = browser_as("agent")
    for i in range(50):
        make_ticket(f"t{i}")
    with django_assert_max_num_queries(14):
        page = client.get(f"{BASE}/tickets/").content.decode()
    assert page.count("data-ticket=") == 50


def test_ticket_list_filters_with_htmx_partial(browser_as, make_ticket):
    make_ticket("alpha"), make_ticket("beta")
    r = browser_as("agent").get(f"{BASE}/tickets/?q=alp", headers={"HX-Request": "true"})
    body = r.content.decode()
    assert "<html" not in body and "alpha" in body and "beta" not in body


def test_contact_page_with_tickets_and_stats(browser_as, ticket):
    client = browser_as("agent")
    page = client.get(f"{BASE}/contacts/{ticket.contact_id}/").content.decode()
    assert ticket.subject in page and 'data-stat="total">1<' in page
    client.post(f"{BASE}/contacts/{ticket.contact_id}/", {"phone": "555"})
    ticket.contact.refresh_from_db()
    assert ticket.contact.phone == "555"


def test_new_ticket_form(browser_as):
    r = browser_as("agent").post(
        f"{BASE}/tickets/new/", {"subject": "From the form", "email": "f@form.test"}
    )
    assert r.status_code == 302
    assert Ticket.objects.get(subject="From the form").channel == "Web"


def test_products_pages(browser_as, department):
    admin = browser_as("admin")
    r = admin.post(
        f"{BASE}/products/",
        {
            "product_name": "Gizmo",
            "unit_price": "3.50",
            "department_ids": [department("Billing").id],
        },
    )
    assert r.status_code == 302
    from tandem.desk.models import Product

    gizmo = Product.objects.get(product_name="Gizmo")
    assert [d.name for d in gizmo.departments.all()] == ["Billing"]
    assert "Gizmo" in browser_as("light").get(f"{BASE}/products/").content.decode()
    browser_as("agent").post(f"{BASE}/products/{gizmo.id}/", {"product_name": "Renamed"})
    assert Product.objects.get(pk=gizmo.pk).product_name == "Gizmo"  # agents cannot change it
    admin.post(f"{BASE}/products/{gizmo.id}/", {"product_name": "Gizmo 2", "unit_price": ""})
    assert Product.objects.get(pk=gizmo.pk).product_name == "Gizmo 2"


def test_anyone_signed_in_can_start_a_portal(person):
    client = Client()
    client.force_login(person("sales@acme.test"))
    r = client.post("/desk/portals/new/", {"name": "Sales Help"})
    assert r.status_code == 302 and r["Location"] == "/desk/sales-help/"
    assert "Setup" in client.get("/desk/sales-help/").content.decode()


def test_ticket_page_shows_registered_panels(browser_as, ticket):
    from tandem.desk import hooks

    hooks.register_ticket_panel(lambda request, t: f"<b>Deal for #{t.number}</b>")
    try:
        page = browser_as("agent").get(f"{BASE}/tickets/{ticket.id}/").content.decode()
    finally:
        hooks._ticket_panels.pop()
    assert f"<b>Deal for #{ticket.number}</b>" in page


def test_desk_pages_speak_spanish_and_german(browser_as, person, ticket):
    client = browser_as("agent")
    agent = person("agent@acme.test")
    for language, words in (("es", "Responder a todos"), ("de", "Allen antworten")):
        agent.language = language
        agent.save(update_fields=["language"])
        assert words in client.get(f"{BASE}/tickets/{ticket.id}/").content.decode()


def test_ticket_page_query_count_does_not_grow_with_the_conversation(
    browser_as, admin, ticket, django_assert_max_num_queries
):
    from tandem.desk import actions

    client = browser_as("agent")

    def page():
        return client.get(f"{BASE}/tickets/{ticket.id}/")

    actions.do_send_thread(actor=admin, ticket=ticket, action="reply", content="first")
    actions.do_add_comment(actor=admin, ticket=ticket, content="first")
    page()
    with django_assert_max_num_queries(25) as few:
        page()
    for i in range(8):
        actions.do_send_thread(actor=admin, ticket=ticket, action="reply", content=f"r{i}")
        actions.do_add_comment(actor=admin, ticket=ticket, content=f"c{i}", is_public=i % 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "r7" in page().content.decode()


def test_setup_departments_agents_sla_and_fields(browser_as, department, agent_of):
    client = browser_as("admin")
    url = f"{BASE}/setup/"
    client.post(url, {"op": "add_department", "name": "Sales"})
    sales = department("Sales")
    client.post(url, {"op": "rename_department", "department_id": sales.id, "name": "Presales"})
    assert department("Presales").id == sales.id
    client.post(url, {"op": "delete_department", "department_id": sales.id})
    light = agent_of("light@acme.test")
    client.post(url, {"op": "agent", "agent_id": light.id, "role": "agent",
                      "department_ids": [department("Billing").id]})  # fmt: skip
    light.refresh_from_db()
    assert light.role == "agent" and [d.name for d in light.departments.all()] == ["Billing"]
    client.post(url, {"op": "agent_state", "agent_id": light.id, "active": "0"})
    light.refresh_from_db()
    assert light.state == "deactivated"
    support = department("Support")
    client.post(url, {"op": "sla", "department_id": support.id, "resolution_High": "6",
                      "response_High": "1", "escalate_after_hours": "2"})  # fmt: skip
    assert support.sla.resolution_hours == {"High": 6.0} and support.sla.escalate_after_hours == 2
    client.post(url, {"op": "add_field", "label": "Region", "type": "picklist",
                      "choices": "EU, US"})  # fmt: skip
    from tandem.desk.models import TicketField

    assert TicketField.objects.get(name="region").choices == ["EU", "US"]


def test_reply_with_an_attachment_from_the_page(
    browser_as, ticket, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = browser_as("agent")
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4 report")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{BASE}/tickets/{ticket.id}/send/",
            {"action": "reply", "content": "See attached", "files": [upload]},
        )
    [message] = mail.outbox
    assert message.attachments[0][0] == "report.pdf"
    page = client.get(f"{BASE}/tickets/{ticket.id}/").content.decode()
    assert "report.pdf" in page


def test_ticket_list_escapes_what_customers_write(browser_as, make_ticket):
    make_ticket("<script>alert(1)</script>", contact={"last_name": "<b>x</b>", "email": "x@y.z"})
    page = browser_as("agent").get(f"{BASE}/tickets/").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "<b>x</b>" not in page


def test_customer_charts_and_times(
    browser_as, make_ticket, admin, django_capture_on_commit_callbacks
):
    import json
    from datetime import timedelta

    from django.utils import timezone

    from tandem.desk.models import Ticket

    first = make_ticket("One", contact={"last_name": "Chart", "email": "chart@customer.test"})
    contact = first.contact_id
    second = make_ticket("Two", contact_id=contact, contact=None)
    make_ticket("Three", contact_id=contact, contact=None, status="Closed")
    # One ticket from two months ago, answered after 2 h 5 min, resolved after a day.
    two_months_ago = timezone.now() - timedelta(days=62)
    Ticket.objects.filter(pk=second.pk).update(
        created_at=two_months_ago, first_response_seconds=7500, resolution_seconds=90000
    )
    html = browser_as("agent").get(f"{BASE}/contacts/{contact}/").content.decode()

    def chart(name):
        start = html.index(f'id="chart-{name}-data" type="application/json">')
        return json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])

    assert chart("state")["series"][0]["data"] == [2, 0, 1]  # open, overdue, closed
    assert chart("ratings")["series"][0]["data"] == [0, 0, 0]
    monthly = chart("monthly")
    assert len(monthly["labels"]) == 12 and monthly["series"][0]["data"][-1] == 2
    assert sum(monthly["series"][0]["data"]) == 3
    assert 'data-chart="chart-monthly-data"' in html and "chart.umd.min.js" in html
    assert "2 h 5 min" in html and "1 d 1 h" in html


def test_durations_read_like_a_person_says_them():
    from tandem.web.templatetags.tandem import duration

    assert [duration(v) for v in (None, 30, 240, 7500, 90000)] == [
        "—", "30 s", "4 min", "2 h 5 min", "1 d 1 h"
    ]  # fmt: skip


def test_a_file_already_on_the_ticket_can_go_out_with_a_reply(
    browser_as, ticket, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = browser_as("agent")
    client.post(
        f"{BASE}/tickets/{ticket.id}/attach/",
        {"file": SimpleUploadedFile("log.txt", b"error at line 3\n")},
    )
    [log] = ticket.attachments.all()
    page = client.get(f"{BASE}/tickets/{ticket.id}/").content.decode()
    assert f'name="attachment_ids" value="{log.id}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{BASE}/tickets/{ticket.id}/send/",
            {"action": "forward", "to": "l2@acme.test", "content": "See the log",
             "attachment_ids": [log.id]},
        )  # fmt: skip
    [message] = mail.outbox
    assert message.to == ["l2@acme.test"] and message.attachments[0][0] == "log.txt"
    page = client.get(f"{BASE}/tickets/{ticket.id}/").content.decode()
    assert 'name="attachment_ids"' not in page  # sent: part of that email now


def test_a_contacts_account_stays_chosen_however_far_down_the_alphabet(browser_as, portal):
    from tandem.desk.models import Account, Contact

    Account.objects.bulk_create(
        [Account(portal=portal, account_name=f"AAA {i:03}") for i in range(210)]
    )
    zulu = Account.objects.create(portal=portal, account_name="Zulu Ltd")
    contact = Contact.objects.create(portal=portal, last_name="Far", account=zulu)
    client = browser_as("agent")
    page = client.get(f"{BASE}/contacts/{contact.id}/").content.decode()
    assert f'<option value="{zulu.id}" selected>Zulu Ltd</option>' in page
    client.post(f"{BASE}/contacts/{contact.id}/", {"last_name": "Far", "account_id": zulu.id})
    contact.refresh_from_db()
    assert contact.account_id == zulu.id
    account_page = client.get(f"{BASE}/accounts/{zulu.id}/").content.decode()
    assert f'<li><a href="{BASE}/contacts/{contact.id}/">Far</a> </li>' in account_page


def test_a_ticket_number_out_of_range_is_a_bad_request_not_a_refusal(browser_as):
    r = browser_as("agent").get(f"{BASE}/tickets/999999999999999999999/")
    assert r.status_code == 400
    assert "ticket_id" in r.content.decode()


def test_a_link_to_a_later_page_that_is_not_ours_shows_the_first_page_and_says_so(
    browser_as, person, make_ticket
):
    from django.utils import translation

    make_ticket("The newest")
    client = browser_as("agent")
    agent = person("agent@acme.test")
    for language, words in (
        ("es", "Ese enlace a una página posterior no es válido"),
        ("de", "Dieser Link auf eine weitere Seite ist ungültig"),
    ):
        agent.language = language
        agent.save(update_fields=["language"])
        for cursor in ("junk", "eyJ0IjoxfQ", "W1tdXQ"):
            body = client.get(f"{BASE}/tickets/?sort=due_date&cursor={cursor}").content.decode()
            assert words in body and "The newest" in body, cursor
            with translation.override(language):  # not the API's words
                assert translation.gettext("The cursor is not one this API gave out.") not in body
