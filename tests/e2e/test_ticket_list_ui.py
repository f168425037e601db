"""The ticket list in a real browser: choosing a view keeps what the agent searched for."""

import re

from playwright.sync_api import expect

from tandem.desk.models import Ticket


def test_switching_view_keeps_the_search(sign_in):
    open_ticket = Ticket.objects.filter(
        portal__slug="acme-support", department__name="Support", is_open=True
    ).first()
    page = sign_in("agent@acme.test")
    page.goto("/desk/acme-support/tickets/")
    page.fill("#ticket-search", f"#{open_ticket.number}")
    expect(page.locator("#ticket-list tbody tr")).to_have_count(1)
    page.click("#ticket-views [data-view=closed]")
    expect(page).to_have_url(re.compile(r"view=closed"))
    expect(page).to_have_url(re.compile(rf"q=%23{open_ticket.number}"))
    expect(page.locator("#ticket-list")).to_contain_text("No tickets here.")
    page.click("#ticket-views [data-view=open]")
    expect(page.locator(f"#ticket-list tr[data-ticket='{open_ticket.id}']")).to_be_visible()
    expect(page.locator("#ticket-search")).to_have_value(f"#{open_ticket.number}")
    page.wait_for_load_state("networkidle")
