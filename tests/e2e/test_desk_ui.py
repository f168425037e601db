"""Desk in a real browser: an agent replies to a ticket; a Light Agent finds no Reply."""

from django.core import mail
from playwright.sync_api import expect

from tandem.desk.models import Thread, Ticket


def first_support_ticket() -> Ticket:
    return Ticket.objects.filter(portal__slug="acme-support", department__name="Support").first()


def test_agent_replies_to_a_ticket(sign_in, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ticket = first_support_ticket()
    page = sign_in("agent@acme.test")
    page.goto("/desk/acme-support/tickets/")
    page.click("#ticket-views [data-view=all]")
    page.fill("#ticket-search", f"#{ticket.number}")
    row = page.locator(f"#ticket-list tr[data-ticket='{ticket.id}']")
    expect(row).to_be_visible()
    expect(page.locator("#ticket-list tbody tr")).to_have_count(1)
    row.locator("a").click()
    expect(page.locator("#ticket-subject")).to_contain_text(ticket.subject)
    page.fill("#reply-content", "We have fixed it — please try again.")
    page.click("#send-reply")
    expect(page.locator(".alert-success")).to_contain_text("Email sent")
    expect(page.locator("#conversation")).to_contain_text("We have fixed it")
    assert Thread.objects.filter(ticket=ticket, content__contains="We have fixed it").exists()
    page.fill("#comment-content", "Told the customer.")
    page.click("#add-comment")
    expect(page.locator("#conversation")).to_contain_text("Told the customer.")
    # No request may reach the live server after the test's database access ends.
    page.wait_for_load_state("networkidle")


def test_light_agent_finds_reply_absent_but_comments(sign_in):
    ticket = first_support_ticket()
    page = sign_in("light@acme.test")
    page.goto(f"/desk/acme-support/tickets/{ticket.id}/")
    expect(page.locator("#ticket-subject")).to_contain_text(ticket.subject)
    expect(page.locator("#composer")).to_have_count(0)
    expect(page.locator("#send-reply")).to_have_count(0)
    expect(page.locator("#update-field")).to_have_count(0)
    page.fill("#comment-content", "Looks like a billing issue.")
    page.click("#add-comment")
    expect(page.locator("#conversation")).to_contain_text("Looks like a billing issue.")
    assert not mail.outbox
    page.wait_for_load_state("networkidle")


def test_customer_page_draws_its_charts(sign_in):
    contact = first_support_ticket().contact
    page = sign_in("agent@acme.test")
    page.goto(f"/desk/acme-support/contacts/{contact.id}/")
    drawn = page.evaluate(
        """() => ["state", "ratings", "monthly"].map((key) => {
            const chart = Chart.getChart(document.getElementById("chart-" + key));
            return chart ? [chart.config.type, chart.data.datasets[0].data.length] : null;
        })"""
    )
    assert drawn == [["doughnut", 3], ["bar", 3], ["bar", 12]]
    page.wait_for_load_state("networkidle")


def test_update_field_suggests_the_chosen_fields_values_and_history_draws_in_view(sign_in):
    """Departments are suggested once Department is chosen (read then, not with the page); the
    history is drawn when it scrolls into view, and names the change just made."""
    ticket = first_support_ticket()
    page = sign_in("admin@acme.test")
    page.goto(f"/desk/acme-support/tickets/{ticket.id}/")
    choices = page.locator("#update-field-choices option")
    expect(choices.first).to_have_attribute("value", "Open")
    page.select_option("#update-field-name", "department_id")
    expect(choices.first).to_contain_text("Department:")
    page.select_option("#update-field-name", "priority")
    expect(choices.first).to_have_attribute("value", "Low")
    page.fill("#update-field-value", "Urgent")
    page.click("#update-field button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("Ticket updated")
    page.locator("#history-card").scroll_into_view_if_needed()
    expect(page.locator("#history")).to_contain_text("Urgent")
    page.wait_for_load_state("networkidle")
