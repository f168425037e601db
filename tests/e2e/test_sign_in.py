from playwright.sync_api import expect


def test_admin_signs_in_and_sees_both_apps(sign_in):
    page = sign_in("admin@acme.test")
    cards = page.locator("#memberships .card")
    expect(cards.filter(has_text="Acme Support")).to_have_attribute("data-kind", "desk")
    expect(cards.filter(has_text="CRM org")).to_contain_text("Acme")
    page.click("#memberships [data-kind=desk]")
    expect(page.locator("#departments")).to_contain_text("Billing")
    page.click("#tenant-switch")
    page.click("text=CRM · Acme")
    expect(page.locator("#org-users")).to_contain_text("sales@acme.test")


def test_wrong_password_shows_a_message(page):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "admin@acme.test")
    page.fill("input[name=password]", "wrong")
    page.click("#login-form button[type=submit]")
    expect(page.locator(".alert-danger")).to_be_visible()


def test_language_switch_translates_the_page(sign_in):
    page = sign_in("sales@acme.test")
    page.click("#language-switch button[value=es]")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("#user-menu")).to_be_visible()
    page.click("#user-menu")
    expect(page.locator("text=Cerrar sesión")).to_be_visible()
