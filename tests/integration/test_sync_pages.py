"""The sync's pages: Configure now with Preview and Done, progress, Pause/Resume, the health
page with its log, filters and Retry — as an admin, refused to others, in es/de."""

from __future__ import annotations

import pytest

from tandem.integration.models import SyncModule

from .sync_helpers import World

BASE = "/crm/acme/setup/marketplace/desk/"


@pytest.fixture
def world(person, member):
    return World(person, member)


def test_the_integration_page_offers_configure_now_per_module(browser, world):
    page = browser().get(BASE).content.decode()
    assert page.count("Configure now") == 3
    assert f"{BASE}sync/Contacts/" in page


def test_preview_writes_nothing_and_done_enables(browser, world):
    client = browser()
    form = {"direction": "two_way", "match_fields": "Email", "conflict_winner": "latest",
            "map-last_name": "Last_Name", "map-email": "Email"}  # fmt: skip
    page = client.post(f"{BASE}sync/Contacts/", {**form, "op": "preview"}).content.decode()
    assert "nothing was changed" in page and "will be created in Desk" in page
    assert not SyncModule.objects.exists()
    r = client.post(f"{BASE}sync/Contacts/", {**form, "op": "done"}, follow=True)
    assert "Sync of Contacts is on." in r.content.decode()
    sm = SyncModule.objects.get(module="Contacts")
    assert sm.field_map == [
        {"crm": "Last_Name", "desk": "last_name"},
        {"crm": "Email", "desk": "email"},
    ]
    world.drain()
    page = client.get(f"{BASE}sync/Contacts/progress/").content.decode()
    assert 'data-initial="done"' in page


def test_an_incompatible_pair_or_bad_department_is_a_message_not_a_crash(browser, world):
    client = browser()
    r = client.post(f"{BASE}sync/Contacts/", {"op": "done", "map-phone": "Email"}, follow=True)
    assert r.status_code == 200 and "Email → phone" in r.content.decode()
    bad = {"op": "done", "department_id": "x" * 50, "map-product_name": "Product_Name"}
    r = client.post(f"{BASE}sync/Products/", bad, follow=True)
    assert r.status_code == 200 and "department" in r.content.decode().lower()
    assert not SyncModule.objects.exists()


def test_pause_and_resume_from_the_page(browser, world):
    world.enable("Contacts")
    client = browser()
    client.post(f"{BASE}sync/Contacts/control/", {"op": "pause"})
    assert SyncModule.objects.get(module="Contacts").state == "paused"
    assert "Resume" in client.get(f"{BASE}sync/Contacts/").content.decode()
    client.post(f"{BASE}sync/Contacts/control/", {"op": "resume"})
    assert SyncModule.objects.get(module="Contacts").state == "active"


def test_the_health_page_lists_the_log_filters_it_and_retries(browser, world):
    record = world.crm_create({"Last_Name": "Twin", "Email": "twin@example.test"})
    world.desk_create({"last_name": "Twin A", "email": "twin@example.test"})
    b = world.desk_create({"last_name": "Twin B", "email": "twin@example.test"})
    world.enable("Contacts")
    client = browser()
    page = client.get(f"{BASE}sync/?outcome=skipped&q=twin@example").content.decode()
    assert "Several records match twin@example.test" in page and 'data-outcome="skipped"' in page
    assert client.get(f"{BASE}sync/?outcome=nonsense").status_code == 200
    [entry] = world.log(crm_id=record.id, outcome="skipped")
    world.desk_update(b.id, {"email": "b@example.test"})
    world.drain()
    r = client.post(f"{BASE}sync/log/{entry.id}/retry/", follow=True)
    assert "Retried: Linked." in r.content.decode() or "Retried: linked." in r.content.decode()
    assert world.partner_of(record.id) is not None


def test_sync_pages_are_refused_without_the_permission(browser):
    client = browser("sales@acme.test")
    for path in (f"{BASE}sync/", f"{BASE}sync/Contacts/"):
        assert client.get(path).status_code == 403
    assert client.post(f"{BASE}sync/Contacts/control/", {"op": "pause"}).status_code == 403


def test_an_unknown_module_is_a_404(browser):
    assert browser().get(f"{BASE}sync/Deals/").status_code == 404


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("es", ["Sincronización", "Configurar ahora"]),
        ("de", ["Synchronisierung", "Jetzt konfigurieren"]),
    ],
)
def test_the_sync_section_speaks_spanish_and_german(browser, world, language, words):
    page = browser(language=language).get(BASE).content.decode()
    for word in words:
        assert word in page, word
