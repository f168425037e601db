"""Desk tickets inside CRM records in a real browser: New Ticket with a file, a Light Agent
finds only Comment, Update Field refreshes the list without a reload, Link to Deals shows the
deal in Desk, Show Stats draws its charts, the Desk tab deleted leaves the navigation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tandem.crm import actions as crm_actions
from tandem.crm import queries as crm
from tandem.desk import actions as desk_actions
from tandem.desk import queries as desk
from tandem.identity.models import User


@pytest.fixture(autouse=True)
def mail_and_tasks_in_process(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def ana(demo_live):
    """A CRM contact ana@x.test with two Desk tickets (Support)."""
    admin = User.objects.get(email="admin@acme.test")
    org = crm.org_by_slug("acme")
    contact = crm_actions.do_create_record(
        actor=admin,
        org=org,
        module=crm.module_for(org, "Contacts"),
        values={"Last_Name": "Ana", "Email": "ana@x.test"},
    )
    portal = desk.portal_by_slug("acme-support")
    support = next(d for d in desk.departments_of(portal) if d.name == "Support")
    tickets = [
        desk_actions.do_create_ticket(
            actor=admin,
            portal=portal,
            data={
                "subject": subject,
                "contact": {"last_name": "Ana", "email": "ana@x.test"},
                "department_id": support.id,
            },
        )
        for subject in ("Cannot sign in", "Invoice twice")
    ]
    return contact, tickets


def _open_record(page, contact):
    page.goto(f"/crm/acme/m/Contacts/{contact.id}/")
    expect(page.locator("#desk-panel")).to_be_visible()


def test_new_ticket_from_a_contact_with_an_attachment(sign_in, ana, tmp_path):
    contact, _ = ana
    page = sign_in("agent@acme.test")
    _open_record(page, contact)
    page.click("#desk-new-ticket")
    expect(page.locator("#desk-new-form")).to_be_visible()
    page.fill("#desk-subject", "Renewal questions")
    page.fill("#desk-description", "Asked on the phone.")
    page.select_option("#desk-priority", "High")
    note = tmp_path / "call-notes.txt"
    note.write_text("Customer wants 20 seats.")
    page.set_input_files("#desk-file", str(note))
    page.click("#desk-send")
    expect(page.locator("#desk-created")).to_be_visible()
    expect(page.locator("#desk-tickets")).to_contain_text("Renewal questions")
    ticket_id = int(page.locator("#desk-created").get_attribute("data-ticket"))
    ticket = desk.portal_ticket(desk.portal_by_slug("acme-support").id, ticket_id)
    assert ticket.email == "ana@x.test" and ticket.channel == "CRM"
    assert [a.name for a in desk.attachments_of(ticket)] == ["call-notes.txt"]


def test_a_light_agent_finds_only_comment(sign_in, ana):
    contact, tickets = ana
    page = sign_in("light@acme.test")
    _open_record(page, contact)
    expect(page.locator("#desk-new-ticket")).to_have_count(0)
    page.locator(f'tr[data-ticket="{tickets[0].id}"] a.desk-open').click()
    expect(page.locator("#desk-action-comment")).to_be_visible()
    for absent in ("reply-all", "forward", "update", "close", "more", "delete"):
        expect(page.locator(f"#desk-action-{absent}")).to_have_count(0)
    page.fill("#desk-comment-content", "Customer called again")
    page.click("#desk-add-comment")
    expect(page.locator("#desk-message")).to_be_visible()
    expect(page.locator("#desk-conversation")).to_contain_text("Customer called again")


def test_an_agent_updates_a_field_and_the_list_follows_without_a_reload(sign_in, ana):
    contact, tickets = ana
    page = sign_in("agent@acme.test")
    _open_record(page, contact)
    page.evaluate("window.__stayed = true")
    row = page.locator(f'tr[data-ticket="{tickets[0].id}"]')
    row.locator("a.desk-open").click()
    page.click("#desk-action-update")
    # The value box is drawn for the chosen field: wait for it before choosing the value.
    with page.expect_response("**/field/?field=priority"):
        page.select_option("#desk-field", "priority")
    page.select_option("#desk-value", "Urgent")
    page.click("#desk-update")
    expect(page.locator("#desk-message")).to_be_visible()
    expect(page.locator(f'tr[data-ticket="{tickets[0].id}"] .desk-priority')).to_have_text("Urgent")
    assert page.evaluate("window.__stayed") is True  # the same page: no reload


def test_link_to_deals_then_desk_shows_the_deal(sign_in, ana, browser, demo_live):
    contact, tickets = ana
    admin = User.objects.get(email="admin@acme.test")
    org = crm.org_by_slug("acme")
    deal = crm_actions.do_create_record(
        actor=admin,
        org=org,
        module=crm.module_for(org, "Deals"),
        values={"Deal_Name": "Zeppelin renewal", "Amount": 9000, "Stage": "Qualification"},
    )
    page = sign_in("agent@acme.test")
    _open_record(page, contact)
    page.check(f'tr[data-ticket="{tickets[1].id}"] input[name=ticket_ids]')
    page.fill("#desk-deal-q", "Zeppelin")
    expect(page.locator("#desk-deal-id")).to_contain_text("Zeppelin renewal")
    page.select_option("#desk-deal-id", str(deal.id))
    page.click("#desk-link-deals")
    expect(page.locator("#desk-note")).to_be_visible()
    expect(page.locator(f'tr[data-ticket="{tickets[1].id}"]')).to_contain_text("Zeppelin")
    page.goto(f"/desk/acme-support/tickets/{tickets[1].id}/")
    expect(page.locator("#crm-deal-panel")).to_contain_text("Zeppelin renewal")
    expect(page.locator("#crm-deal-stage")).to_contain_text("Qualification")
    page.click("#crm-deal-link")
    expect(page).to_have_url(f"{demo_live.url}/crm/acme/m/Deals/{deal.id}/")
    expect(page.locator("#desk-panel")).to_contain_text("Invoice twice")


def test_show_stats_draws_its_charts(sign_in, ana):
    contact, _ = ana
    page = sign_in("admin@acme.test")
    _open_record(page, contact)
    page.click("#desk-show-stats")
    expect(page.locator("#desk-stat-total")).to_have_text("2")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('desk-chart-status'))"
        " && Chart.getChart(document.getElementById('desk-chart-ratings'))"
    )


def test_the_desk_tab_is_deleted_and_gone_from_the_navigation(sign_in, demo_live):
    page = sign_in("admin@acme.test")
    page.goto("/crm/acme/")
    tab = page.locator("#app-tabs a", has_text="Desk")
    expect(tab).to_have_count(1)
    tab.click()
    expect(page).to_have_url(f"{demo_live.url}/desk/acme-support/tickets/")
    # Setup > Modules and Fields: the Desk web tab has a Delete button like any custom module.
    page.goto("/crm/acme/setup/modules/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator('tr[data-module="Desk"] button').click()
    expect(page.locator('tr[data-module="Desk"]')).to_have_count(0)
    page.goto("/crm/acme/")
    expect(page.locator("#app-tabs a", has_text="Desk")).to_have_count(0)
    page.goto("/crm/acme/setup/marketplace/desk/")
    page.click("#add-desk-tab")
    expect(page.locator("#app-tabs a", has_text="Desk")).to_have_count(1)
