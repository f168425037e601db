"""A customer's email piped into `tandem mail-in` raises the bell on the record owner's open CRM
page without a reload; from the signal the owner reads the ticket and comments on it."""

import io
import time

from playwright.sync_api import expect

from tandem.crm import actions as crm_actions
from tandem.crm import queries as crm
from tandem.desk import mailin
from tandem.desk import queries as desk
from tandem.identity.models import User

CUSTOMER = "dora@customer.example"


def _email(subject: str) -> io.BytesIO:
    lines = [f"From: Dora <{CUSTOMER}>", "To: support@acme.test", f"Subject: {subject}"]
    return io.BytesIO(("\r\n".join(lines) + "\r\n\r\nOur order never arrived.\r\n").encode())


def test_customer_email_rings_the_owners_bell_and_the_owner_comments(sign_in, settings):
    # The drain runs at once here; under `tandem serve` its worker runs it (bench signals).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    sales = User.objects.get(email="sales@acme.test")
    org = crm.org_by_slug("acme")
    crm_actions.do_create_record(
        actor=User.objects.get(email="admin@acme.test"),
        org=org,
        module=crm.module_for(org, "Leads"),
        values={"Last_Name": "Dora", "Email": CUSTOMER, "Owner": sales.pk},
    )
    page = sign_in("sales@acme.test")
    try:
        page.goto("/crm/acme/")
        expect(page.locator("#signals-bell")).to_be_visible()
        unread_before = int(page.locator("#signals-unread").inner_text() or 0)
        assert page.evaluate("window.__notReloaded = true") is True

        assert mailin.main("acme-support", _email("Order 1234 missing")) == 0

        expect(page.locator("#signals-unread")).to_have_text(str(unread_before + 1))
        toast = page.locator("#signal-toasts .signal-toast")
        expect(toast).to_contain_text("New ticket")
        expect(toast).to_contain_text("Order 1234 missing")
        assert page.evaluate("window.__notReloaded") is True

        toast.locator("a").click()
        expect(page.locator("#desk-signal")).to_contain_text("Our order never arrived.")
        # No Desk account: comment only.
        expect(page.locator("#desk-signal-reply")).to_have_count(0)
        page.fill("#desk-signal-comment-text", "Dora is a key account, please hurry.")
        page.click("#desk-signal-comment button")
        expect(page.locator("body")).to_contain_text("Your comment was added to the ticket.")
        ticket = desk.portal_tickets(desk.portal_by_slug("acme-support").id).get(email=CUSTOMER)
        comment = ticket.comments.get()
        assert comment.author_id == sales.pk and "key account" in comment.content
    finally:
        page.goto("about:blank")
        time.sleep(1)  # let the server notice the closed event stream
