"""A custom module, a record assigned to a colleague, and the SalesSignal arriving live on the
colleague's open page (server-sent events; no reload)."""

import time

from playwright.sync_api import expect

from tandem import demo


def _signed_in(browser, base_url: str, email: str):
    context = browser.new_context(base_url=base_url, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", demo.PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/")
    return context, page


def test_assigned_record_signal_arrives_live(browser, demo_live, sign_in):
    admin = sign_in("admin@acme.test")
    sales_context, sales = _signed_in(browser, demo_live.url, "sales@acme.test")
    try:
        sales.goto("/crm/acme/")
        expect(sales.locator("#signals-bell")).to_be_visible()
        unread_before = int(sales.locator("#signals-unread").inner_text() or 0)
        loaded_marker = sales.evaluate("window.__notReloaded = true")
        assert loaded_marker is True

        admin.goto("/crm/acme/setup/modules/")
        admin.fill("input[name=singular_label]", "Partner")
        admin.fill("input[name=plural_label]", "Partners")
        admin.click("#module-form button")
        expect(admin.locator("h2")).to_contain_text("Partners")
        admin.fill("#field-form input[name=label]", "Partner Email")
        admin.select_option("#field-form select[name=type]", "email")
        admin.click("#field-form button")
        expect(admin.locator("#fields")).to_contain_text("Partner_Email")

        admin.goto("/crm/acme/m/Partners/new/")
        admin.fill("input[name=Partner_Name]", "Umbrella Partners")
        admin.fill("input[name=Partner_Email]", "not-an-email")
        admin.click("#record-form button[type=submit]")
        expect(admin.locator(".invalid-feedback")).to_contain_text("valid email")
        admin.fill("input[name=Partner_Email]", "hello@umbrella.example")
        admin.click("#record-form button[type=submit]")
        expect(admin.locator("#record-name")).to_have_text("Umbrella Partners")

        admin.select_option("#assign-owner select[name=owner]", label="Sam Sales")
        admin.click("#assign-owner button")
        expect(admin.locator("#record-details")).to_contain_text("Sam Sales")

        toast = sales.locator("#signal-toasts .signal-toast")
        expect(toast).to_contain_text("Umbrella Partners")
        expect(sales.locator("#signals-unread")).to_have_text(str(unread_before + 1))
        assert sales.evaluate("window.__notReloaded") is True
        toast.locator("a").click()
        expect(sales.locator("h1")).to_contain_text("Umbrella Partners")
    finally:
        sales_context.close()
        admin.goto("about:blank")
        # Let the server notice the closed event streams before the test database goes away.
        time.sleep(1)
