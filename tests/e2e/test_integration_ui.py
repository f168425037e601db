"""The Desk integration in a real browser: connect an org to its own portal, configure another
user's portal with email + ZSC key, and invite a CRM user who activates from the email."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tandem.integration import queries


@pytest.fixture(autouse=True)
def mail_and_tasks_in_process(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _org_state(slug: str) -> str:
    from tandem.crm import queries as crm

    return queries.state_of(queries.integration_of(crm.org_by_slug(slug).id))


def test_an_admin_connects_other_to_its_own_portal(sign_in):
    page = sign_in("owner@other.test")
    page.goto("/crm/other/setup/marketplace/")
    page.locator("#marketplace a").first.click()
    expect(page.locator("h2")).to_contain_text("Desk integration")
    expect(page.locator("#desk-state")).to_have_attribute("data-state", "not_configured")
    page.select_option("#own-portal", "other-support")
    page.click("#set-up-now")
    expect(page.locator("#desk-state")).to_have_attribute("data-state", "active")
    expect(page.locator("#desk-state")).to_contain_text("Other Support")
    expect(page.locator("#mutual-users")).to_contain_text("owner@other.test")
    assert _org_state("other") == "active"
    page.wait_for_load_state("networkidle")


def test_configure_another_users_portal_with_email_and_zsc_key(sign_in, browser, demo_live):
    # The portal's admin makes a ZSC key in Desk Setup and hands it over.
    owner = sign_in("owner@other.test")
    owner.goto("/desk/other-support/setup/")
    owner.click("#generate-zsc")
    key = owner.locator("#zsc-key").inner_text().strip()
    owner.context.clear_cookies()
    admin = sign_in("admin@acme.test")
    admin.goto("/crm/acme/setup/marketplace/desk/")
    admin.click("#deactivate summary")
    admin.click("#confirm-deactivate")
    expect(admin.locator("#desk-state")).to_have_attribute("data-state", "deactivated")
    # A wrong pair first: refused, clearly, and nothing linked.
    admin.fill("#admin-email", "owner@other.test")
    admin.fill("#zsc-key", key + "x")
    admin.click("#configure-other")
    expect(admin.locator(".alert-danger")).to_contain_text("do not belong together")
    expect(admin.locator("#desk-state")).to_have_attribute("data-state", "deactivated")
    admin.fill("#admin-email", "owner@other.test")
    admin.fill("#zsc-key", key)
    admin.click("#configure-other")
    expect(admin.locator("#desk-state")).to_have_attribute("data-state", "active")
    expect(admin.locator("#desk-state")).to_contain_text("Other Support")
    expect(admin.locator("#desk-state")).to_contain_text("owner@other.test")
    admin.wait_for_load_state("networkidle")


def test_an_invited_light_agent_activates_from_the_email_and_lands_in_desk(sign_in):
    page = sign_in("admin@acme.test")
    page.goto("/crm/acme/setup/marketplace/desk/")
    row = page.locator("#crm-users tr[data-email='sales@acme.test']")
    row.locator("input[type=checkbox]").check()
    page.select_option("#invite-role", "light_agent")
    page.click("#send-invitations")
    expect(page.locator(".alert-success")).to_contain_text("Invitations sent.")
    expect(page.locator("#crm-users tr[data-email='sales@acme.test']")).to_contain_text("Invited")
    [message] = [m for m in mail.outbox if m.to == ["sales@acme.test"]]
    link = re.search(r"https?://\S+/desk/invitation/\S+/", message.body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    page.context.clear_cookies()
    page = sign_in("sales@acme.test")
    page.goto(path)
    page.click("#accept-form button")
    page.wait_for_url("**/desk/acme-support/tickets/")
    expect(page.locator("body")).to_contain_text("Acme Support")
    page.goto("/crm/acme/setup/marketplace/desk/")  # no permission: refused, saying why
    expect(page.locator("body")).to_contain_text("Desk integration permission")
    page.wait_for_load_state("networkidle")
