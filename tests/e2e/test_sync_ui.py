"""The sync in a real browser: configure Contacts with Preview and Done and watch the initial
sync's bar fill (htmx polls it); pause and resume; find a skipped look-alike in the sync log,
fix the data in Desk, Retry, and see it linked."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tandem.crm import actions as crm_actions
from tandem.crm import queries as crm
from tandem.desk import actions as desk_actions
from tandem.desk import queries as desk
from tandem.identity.models import User
from tandem.integration import queries
from tandem.integration.models import SyncLink, SyncLogEntry, SyncModule
from tandem.integration.sync import drain

BASE = "/crm/acme/setup/marketplace/desk/"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def fresh(settings, demo_live):
    """acme's integration with nothing synced yet (the demo's sync state wiped), and drains
    run at once in the live server's process."""
    settings.TASKS = IMMEDIATE
    link = queries.integration_of(crm.org_by_slug("acme").id)
    for model in (SyncModule, SyncLink, SyncLogEntry):
        model.objects.filter(integration=link).delete()
    return link


def _contacts() -> SyncModule | None:
    return SyncModule.objects.filter(module="Contacts").first()


def test_configure_contacts_with_preview_and_done_and_watch_the_initial_sync(
    sign_in, fresh, settings, monkeypatch
):
    page = sign_in("admin@acme.test")
    page.goto(BASE)
    page.locator("#sync tr[data-module='Contacts'] a", has_text="Configure now").click()
    expect(page.locator("h2")).to_contain_text("Sync of Contacts")
    expect(page.locator("#dir-two")).to_be_checked()
    page.click("#sync-preview")
    preview = page.locator("#preview-result")
    expect(preview).to_contain_text("Preview (nothing was changed)")
    expect(preview).to_contain_text("will be matched")
    expect(preview).to_contain_text("are ambiguous and will be skipped")
    assert _contacts() is None  # a dry run
    # Done enqueues the initial sync; here the test is the worker, a small batch at a time,
    # so that the page's bar (polled every second) is seen moving, then full.
    settings.TASKS = QUEUED
    monkeypatch.setattr(drain, "INITIAL_BATCH", 25)
    page.click("#sync-done")
    expect(page.locator(".alert-success")).to_contain_text("Sync of Contacts is on.")
    bar = page.locator("#sync-progress-Contacts [role=progressbar]")
    expect(page.locator("#sync-progress-Contacts .initial-sync")).to_have_attribute(
        "data-initial", "running"
    )
    expect(bar).to_have_attribute("aria-valuenow", "0")
    seen = []
    while drain.step(fresh.id, "Contacts"):
        sm = _contacts()
        if sm.initial_state == "done":
            break
        expect(bar).to_have_attribute("aria-valuenow", str(sm.initial_done), timeout=5_000)
        seen.append(sm.initial_done)
    assert len(set(seen)) >= 3, seen  # several steps, each shown
    total = str(_contacts().initial_total)
    progress = page.locator("#sync-progress-Contacts .initial-sync")
    expect(progress).to_have_attribute("data-initial", "done", timeout=5_000)
    expect(progress).to_contain_text(f"Initial sync done: {total} records.")
    expect(bar).to_have_attribute("aria-valuenow", total)
    expect(bar.locator(".progress-bar")).to_have_class(re.compile(r"\bbg-success\b"))
    expect(page.locator("#sync-pause")).to_be_visible()
    page.wait_for_load_state("networkidle")


def _enable_contacts(page) -> SyncModule:
    page.goto(f"{BASE}sync/Contacts/")
    page.click("#sync-done")
    expect(page.locator(".alert-success")).to_contain_text("Sync of Contacts is on.")
    expect(page.locator("#sync-progress-Contacts .initial-sync")).to_have_attribute(
        "data-initial", "done"
    )
    return _contacts()


def test_pause_then_resume_and_what_changed_meanwhile_syncs(sign_in, fresh):
    page = sign_in("admin@acme.test")
    _enable_contacts(page)
    admin = User.objects.get(email="admin@acme.test")
    org = crm.org_by_slug("acme")
    portal = desk.portal_by_slug("acme-support")
    pair = SyncLink.objects.filter(integration=fresh, module="Contacts", gone="").first()
    page.click("#sync-pause")
    expect(page.locator(".alert-success")).to_contain_text("Paused. Nothing is lost")
    expect(page.locator("#sync-resume")).to_be_visible()
    assert _contacts().state == "paused"
    record = crm.record_object(crm.module_for(org, "Contacts"), pair.crm_id)
    crm_actions.do_update_record(
        actor=admin, org=org, record=record, values={"Phone": "+1 555 0606"}
    )
    assert desk.contact_for(portal, pair.desk_id).phone != "+1 555 0606"  # paused
    page.click("#sync-resume")
    expect(page.locator(".alert-success")).to_contain_text("Resumed.")
    expect(page.locator("#sync-pause")).to_be_visible()
    assert desk.contact_for(portal, pair.desk_id).phone == "+1 555 0606"  # synced on resume
    page.wait_for_load_state("networkidle")


def test_find_a_skipped_look_alike_fix_it_in_desk_and_retry(sign_in, fresh):
    page = sign_in("admin@acme.test")
    _enable_contacts(page)
    # The demo's CRM contact Pat Twin has two Desk look-alikes sharing its address.
    contacts = crm.module_for(crm.org_by_slug("acme"), "Contacts")
    email = crm.field_for(contacts, "Email")
    [crm_id] = crm.record_ids_by_value(contacts, email, ["pat.twin@example.com"])[
        "pat.twin@example.com"
    ]
    page.goto(f"{BASE}sync/")
    filters = page.locator("#sync-log-filter")
    filters.locator("select[name=outcome]").select_option("skipped")
    filters.locator("input[name=q]").fill("pat.twin")
    filters.locator("button").click()
    page.wait_for_url(re.compile(r"outcome=skipped"))
    row = page.locator("#sync-log tr[data-outcome=skipped]", has_text=f"CRM #{crm_id}")
    expect(row).to_contain_text("Several records match pat.twin@example.com")
    expect(page.locator("#sync-log tr[data-outcome]:not([data-outcome=skipped])")).to_have_count(0)
    assert SyncLink.objects.filter(integration=fresh, crm_id=crm_id, gone="").count() == 0
    # Fix the data in Desk: one look-alike gets an address of its own.
    admin = User.objects.get(email="admin@acme.test")
    portal = desk.portal_by_slug("acme-support")
    lookalikes = desk.customer_ids_by_value(
        portal.id, "contact", ["email"], ["pat.twin@example.com"]
    )["pat.twin@example.com"]
    keep, fix = sorted(lookalikes)
    desk_actions.do_save_contact(
        actor=admin, portal=portal, data={"email": "patricia.twin@example.com"},
        contact=desk.contact_for(portal, fix),
    )  # fmt: skip
    row.locator("button.retry").click()
    expect(page.locator(".alert-success")).to_contain_text(re.compile("Retried: [Ll]inked"))
    link = SyncLink.objects.get(integration=fresh, module="Contacts", crm_id=crm_id, gone="")
    assert link.desk_id == keep
    page.locator("#sync-log-filter select[name=outcome]").select_option("linked")
    page.locator("#sync-log-filter button").click()
    page.wait_for_url(re.compile(r"outcome=linked"))  # not the page before it: it has one too
    expect(
        page.locator("#sync-log tr[data-outcome=linked]", has_text=f"CRM #{crm_id}")
    ).to_contain_text(f"Desk #{keep}")
    page.wait_for_load_state("networkidle")
