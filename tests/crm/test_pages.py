"""The CRM's pages: tabs, list views, record pages, forms generated from metadata, Setup."""

import pytest
from django.test import Client

from tandem.crm import hooks, queries
from tandem.crm.models import Field, Module, Record


@pytest.fixture
def admin(client, person):
    client.force_login(person("admin@acme.test"))
    return client


def test_tabs_show_the_modules_a_person_may_see(admin):
    page = admin.get("/crm/acme/").content.decode()
    for label in ("Leads", "Accounts", "Contacts", "Deals", "Products", "Setup"):
        assert f">{label}</a>" in page


def test_web_tabs_come_from_the_registry_and_can_be_deleted(admin, acme):
    hooks.register_web_tab(
        hooks.WebTab(key="wiki", label="Wiki", url=lambda slug: f"/wiki/{slug}/")
    )
    try:
        Module.objects.create(
            org=acme,
            api_name="Wiki",
            singular_label="Wiki",
            plural_label="Wiki",
            kind="web_tab",
            web_tab="wiki",
        )
        assert 'href="/wiki/acme/"' in admin.get("/crm/acme/").content.decode()
        admin.post("/crm/acme/setup/modules/Wiki/delete/")
        assert 'href="/wiki/acme/"' not in admin.get("/crm/acme/").content.decode()
    finally:
        hooks.web_tabs.pop("wiki")


def test_list_view_searches_filters_sorts_and_pages(admin, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        page = admin.get("/crm/acme/m/Contacts/").content.decode()
    assert page.count('href="/crm/acme/m/Contacts/') >= 36
    found = admin.get("/crm/acme/m/Contacts/?q=weber").content.decode()
    assert "Weber" in found and "García" not in found
    filtered = admin.get("/crm/acme/m/Contacts/?Title=CEO").content.decode()
    assert "CEO" in filtered and "Engineer" not in filtered
    deals = admin.get("/crm/acme/m/Deals/?sort=-Amount").content.decode()
    assert "▼" in deals
    redirect = admin.get("/crm/acme/m/Contacts/?filter_field=Title&filter_value=CTO")
    assert redirect.status_code == 302 and "Title=CTO" in redirect["Location"]


def test_list_view_pages_with_a_cursor(admin, acme, person):
    from tandem.crm import actions

    contacts = queries.module_for(acme, "Contacts")
    actions.do_bulk_create_records(
        actor=person("admin@acme.test"),
        org=acme,
        module=contacts,
        rows=[{"Last_Name": f"Page {i:03d}"} for i in range(60)],
    )
    first = admin.get("/crm/acme/m/Contacts/?sort=Last_Name").content.decode()
    assert 'id="next-page"' in first
    cursor = first.split('id="next-page"')[0].rsplit("cursor=", 1)[1].split('"')[0]
    second = admin.get(f"/crm/acme/m/Contacts/?sort=Last_Name&cursor={cursor}").content.decode()
    assert "First page" in second


def test_record_page_shows_details_related_lists_and_panels(
    admin, acme, django_assert_max_num_queries
):
    hooks.register_record_panel(
        hooks.RecordPanel(
            key="hello",
            title="Hello panel",
            render=lambda request, member, module, record: f"<p>Hi {record.name}</p>",
            applies=lambda member, module: module.api_name == "Accounts",
        )
    )
    try:
        globex = Record.objects.get(org=acme, name="Globex")
        # Session, shell (memberships, tabs, bell) ~10; record ~4; 3 per related list; the
        # demo's Desk panel 4 (its settings with the link, the Desk agent, the sync link, the
        # tickets).
        with django_assert_max_num_queries(28):
            page = admin.get(f"/crm/acme/m/Accounts/{globex.pk}/").content.decode()
        assert "related-Contacts-Account_Name" in page and "related-Deals-Account_Name" in page
        assert "Hello panel" in page and "<p>Hi Globex</p>" in page
        assert "info@globex.example" in page
    finally:
        hooks.record_panels.pop("hello")


def test_forms_are_generated_from_metadata_and_show_per_field_errors(admin, acme):
    form = admin.get("/crm/acme/m/Deals/new/").content.decode()
    for name in ("Deal_Name", "Amount", "Stage", "Closing_Date", "Account_Name", "Contact_Name"):
        assert f'name="{name}"' in form
    refused = admin.post("/crm/acme/m/Deals/new/", {"Deal_Name": "", "Amount": "lots"})
    page = refused.content.decode()
    assert refused.status_code == 200 and "Deal Name is required." in page
    assert "Enter a number." in page
    created = admin.post(
        "/crm/acme/m/Deals/new/", {"Deal_Name": "UI deal", "Amount": "10", "Stage": "Closed Won"}
    )
    assert created.status_code == 302
    deal = Record.objects.get(org=acme, name="UI deal")
    assert deal.data == {"Deal_Name": "UI deal", "Amount": 10, "Stage": "Closed Won"}
    edited = admin.post(f"/crm/acme/m/Deals/{deal.pk}/edit/", {"Deal_Name": "UI deal 2"})
    assert edited.status_code == 302
    deal.refresh_from_db()
    assert deal.name == "UI deal 2" and "Amount" not in deal.data


def test_owner_assignment_and_delete_from_the_record_page(admin, acme, person):
    lead = Record.objects.filter(org=acme, module__api_name="Leads").first()
    sales = person("sales@acme.test")
    admin.post(f"/crm/acme/m/Leads/{lead.pk}/owner/", {"owner": sales.id})
    lead.refresh_from_db()
    assert lead.owner_id == sales.id
    admin.post(f"/crm/acme/m/Leads/{lead.pk}/delete/")
    assert not Record.objects.filter(pk=lead.pk).exists()


def test_setup_modules_and_fields_through_the_ui(admin, acme):
    admin.post(
        "/crm/acme/setup/modules/", {"singular_label": "Project", "plural_label": "Projects"}
    )
    module = Module.objects.get(org=acme, api_name="Projects")
    response = admin.post(
        "/crm/acme/setup/modules/Projects/",
        {"label": "Phase", "type": "picklist", "picklist_values": "Plan\nBuild\nRun"},
    )
    assert response.status_code == 302
    phase = Field.objects.get(module=module, api_name="Phase")
    assert phase.picklist_values == ["Plan", "Build", "Run"]
    bad = admin.post("/crm/acme/setup/modules/Projects/", {"label": "Owner link", "type": "lookup"})
    assert "Choose the module this field looks up." in bad.content.decode()
    admin.post("/crm/acme/setup/modules/Projects/fields/Phase/", {"do": "up"})
    phase.refresh_from_db()
    assert next(f.api_name for f in queries.fields_of(Module.objects.get(pk=module.pk))) == "Phase"
    admin.post("/crm/acme/setup/modules/Projects/fields/Phase/", {"do": "hide"})
    phase.refresh_from_db()
    assert phase.hidden
    assert 'name="Phase"' not in admin.get("/crm/acme/m/Projects/new/").content.decode()
    admin.post("/crm/acme/setup/modules/Projects/delete/")
    assert not Module.objects.filter(pk=module.pk).exists()


def test_marketplace_lists_registered_integrations(admin):
    # The Desk integration registers itself; another entry joins it.
    assert (
        "/crm/acme/setup/marketplace/desk/"
        in admin.get("/crm/acme/setup/marketplace/").content.decode()
    )
    hooks.register_marketplace_entry(
        hooks.MarketplaceEntry(
            key="x", name="Example", description="Does things", setup_url=lambda s: f"/x/{s}/"
        )
    )
    try:
        page = admin.get("/crm/acme/setup/marketplace/").content.decode()
        assert "Example" in page and 'href="/x/acme/"' in page
    finally:
        hooks.marketplace.pop("x")


def test_standard_user_sees_no_setup_for_users_or_modules(person):
    browser = Client()
    browser.force_login(person("sales@acme.test"))
    assert ">Setup</a>" not in browser.get("/crm/acme/").content.decode()
    assert browser.get("/crm/acme/setup/users/").status_code == 403
    assert browser.get("/crm/acme/setup/modules/").status_code == 403


def test_profile_editor_saves_module_permissions(admin, acme):
    response = admin.post(
        "/crm/acme/setup/profiles/new/",
        {"name": "Viewers", "features": ["import_export"], "perm-Leads": ["view"]},
    )
    assert response.status_code == 302
    viewers = acme.profiles.get(name="Viewers")
    assert viewers.module_permissions["Leads"] == ["view"]
    assert viewers.module_permissions["Deals"] == []
    assert viewers.features == ["import_export"]


def test_other_orgs_pages_are_404(admin, other):
    foreign = Record.objects.filter(org=other).first()
    assert admin.get("/crm/other/").status_code == 404
    assert admin.get(f"/crm/acme/m/Accounts/{foreign.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("language", "words", "contacts"),
    [("es", "Módulos y campos", "Contactos"), ("de", "Module und Felder", "Kontakte")],
)
def test_setup_speaks_spanish_and_german(client, person, language, words, contacts):
    admin = person("admin@acme.test")
    admin.language = language
    admin.save(update_fields=["language"])
    client.force_login(admin)
    page = client.get("/crm/acme/setup/modules/").content.decode()
    assert words in page and f">{contacts}</a>" in page


def test_columns_are_chosen_and_remembered(admin):
    response = admin.get("/crm/acme/m/Contacts/?pick=Last_Name&pick=Title")
    assert response.status_code == 302
    page = admin.get("/crm/acme/m/Contacts/").content.decode()
    header = page.split("<thead>")[1].split("</thead>")[0]
    assert "Title" in header and "Mobile" not in header and "First Name" not in header


def test_lookup_inputs_offer_matching_records(admin):
    options = admin.get("/crm/acme/m/Accounts/options/?Account_Name=glob").content.decode()
    assert 'data-picker-name="Globex"' in options and "Initech" not in options


def test_custom_profile_can_be_deleted_when_unused(admin, acme):
    admin.post("/crm/acme/setup/profiles/new/", {"name": "Temp"})
    temp = acme.profiles.get(name="Temp")
    admin.post(f"/crm/acme/setup/profiles/{temp.pk}/delete/")
    assert not acme.profiles.filter(name="Temp").exists()
    standard = acme.profiles.get(name="Standard")
    admin.post(f"/crm/acme/setup/profiles/{standard.pk}/delete/")
    assert acme.profiles.filter(name="Standard").exists()


def test_fields_are_relabelled_and_picklists_edited_in_setup(admin, acme):
    page = admin.get("/crm/acme/setup/modules/Leads/").content.decode()
    assert "Not Contacted\nAttempted to Contact" in page
    admin.post(
        "/crm/acme/setup/modules/Leads/fields/Lead_Status/",
        {"do": "edit", "label": "Status", "picklist_values": "New\nWorking\n\nDone"},
    )
    field = Field.objects.get(module__org=acme, module__api_name="Leads", api_name="Lead_Status")
    assert field.label == "Status" and field.picklist_values == ["New", "Working", "Done"]
