"""Setup shows a person only the parts their profile opens, and no Setup at all when none."""

import pytest
from django.test import Client

from tandem.crm.views.setup_sections import SECTIONS

SETUP_PATHS = {
    "users": "/crm/acme/setup/users/",
    "profiles": "/crm/acme/setup/profiles/",
    "modules": "/crm/acme/setup/modules/",
    "marketplace": "/crm/acme/setup/marketplace/",
    "signals": "/crm/acme/setup/channels/salessignals/",
}


@pytest.fixture
def browser_with(person, acme):
    def make(features: list[str]) -> Client:
        sales = person("sales@acme.test")
        profile = acme.profiles.get(name="Standard")
        profile.features = features
        profile.save(update_fields=["features"])
        browser = Client()
        browser.force_login(sales)
        return browser

    return make


def _menu(page: str) -> str:
    return page.split('id="setup-nav"')[1].split("</nav>")[0]


def test_every_setup_part_has_a_page():
    assert {s.key for s in SECTIONS} == set(SETUP_PATHS)


def test_a_person_with_no_setup_permission_sees_no_setup_tab_and_setup_refuses(browser_with):
    browser = browser_with([])
    assert ">Setup</a>" not in browser.get("/crm/acme/").content.decode()
    assert browser.get("/crm/acme/setup/").status_code == 403
    for path in SETUP_PATHS.values():
        assert browser.get(path).status_code == 403, path


def test_a_user_manager_sees_users_and_profiles_only_and_each_link_opens(browser_with):
    browser = browser_with(["manage_users"])
    assert ">Setup</a>" in browser.get("/crm/acme/").content.decode()
    response = browser.get("/crm/acme/setup/")
    assert response.status_code == 302 and response["Location"] == SETUP_PATHS["users"]
    menu = _menu(browser.get(SETUP_PATHS["users"]).content.decode())
    for key, path in SETUP_PATHS.items():
        shown = f'href="{path}"' in menu
        assert shown == (key in ("users", "profiles")), key
        assert browser.get(path).status_code == (200 if shown else 403), path
    assert "Customization" not in menu and "Channels" not in menu


def test_the_desk_integration_permission_opens_marketplace_and_channels(browser_with):
    browser = browser_with(["desk_integration"])
    response = browser.get("/crm/acme/setup/")
    assert response["Location"] == SETUP_PATHS["marketplace"]
    menu = _menu(browser.get(SETUP_PATHS["marketplace"]).content.decode())
    assert f'href="{SETUP_PATHS["signals"]}"' in menu
    assert f'href="{SETUP_PATHS["users"]}"' not in menu
    assert f'href="{SETUP_PATHS["modules"]}"' not in menu


def test_an_administrator_sees_every_part(client, person):
    client.force_login(person("admin@acme.test"))
    menu = _menu(client.get(SETUP_PATHS["users"]).content.decode())
    for path in SETUP_PATHS.values():
        assert f'href="{path}"' in menu
