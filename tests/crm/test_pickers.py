"""People pick owners and records by name, never by id; the URL and the API keep ids."""

import re

import pytest

from tandem.crm.models import Record


@pytest.fixture
def admin(client, person):
    client.force_login(person("admin@acme.test"))
    return client


def _option_ids(html: str) -> dict[str, str]:
    """{name: id} of the suggestions a picker offers."""
    return dict(
        (name, pk)
        for pk, name in re.findall(r'data-picker-id="(\d+)" data-picker-name="([^"]+)"', html)
    )


def test_the_list_filter_asks_for_no_user_id(admin):
    page = admin.get("/crm/acme/m/Contacts/").content.decode()
    assert "user id" not in page
    box = page.split('id="filter-value-box"')[1].split("</form>")[0]
    assert 'type="hidden" name="filter_value"' in box
    assert 'hx-get="/crm/acme/people/options/"' in box


def test_owners_are_found_by_name_and_filtered_by_the_picked_person(admin, person):
    sam = person("sales@acme.test")
    suggestions = _option_ids(
        admin.get("/crm/acme/people/options/?filter_value__typed=sam").content.decode()
    )
    assert suggestions == {"Sam Sales": str(sam.id)}
    response = admin.get(
        "/crm/acme/m/Contacts/",
        {"filter_field": "Owner", "filter_value": sam.id, "filter_value__typed": "Sam Sales"},
    )
    assert (
        response.status_code == 302
        and response["Location"] == f"/crm/acme/m/Contacts/?Owner={sam.id}"
    )
    page = admin.get(response["Location"]).content.decode()
    assert "Owner: Sam Sales" in page
    owned = Record.objects.filter(module__org__slug="acme", module__api_name="Contacts", owner=sam)
    rows = page.split("<tbody>")[1].split("</tbody>")[0].count("<tr>")
    assert rows == min(owned.count(), 50) > 0
    assert page.count('<td class="small">Sam Sales</td>') == rows


def test_a_typed_name_that_was_not_picked_is_said_not_dropped(admin):
    response = admin.get(
        "/crm/acme/m/Contacts/",
        {"filter_field": "Owner", "filter_value": "", "filter_value__typed": "Sam Sales"},
        follow=True,
    )
    page = response.content.decode()
    assert "Pick one of the suggestions to filter by it." in page
    assert "Owner: " not in page


def test_a_lookup_filter_is_a_record_picker_and_reads_by_name(admin, acme):
    box = admin.get("/crm/acme/m/Contacts/filter-value/?filter_field=Account_Name").content.decode()
    assert 'hx-get="/crm/acme/m/Accounts/options/"' in box and 'type="hidden"' in box
    globex = Record.objects.get(org=acme, module__api_name="Accounts", name="Globex")
    page = admin.get(f"/crm/acme/m/Contacts/?Account_Name={globex.pk}").content.decode()
    assert "Account Name: Globex" in page


def test_picklists_and_checkboxes_filter_from_a_list(admin):
    stage = admin.get("/crm/acme/m/Deals/filter-value/?filter_field=Stage").content.decode()
    assert "<select" in stage and "Closed Won" in stage
    active = admin.get(
        "/crm/acme/m/Products/filter-value/?filter_field=Product_Active"
    ).content.decode()
    assert '<option value="true">Yes</option>' in active


def test_a_lookup_field_is_picked_by_name_and_saved_as_the_id(admin, acme):
    form = admin.get("/crm/acme/m/Contacts/new/").content.decode()
    assert "The id of" not in form and "a Account" not in form
    assert 'type="hidden" name="Account_Name"' in form
    assert 'name="Account_Name__typed"' in form and 'hx-get="/crm/acme/m/Accounts/options/"' in form
    suggestions = _option_ids(
        admin.get("/crm/acme/m/Accounts/options/?Account_Name__typed=glob").content.decode()
    )
    globex_id = suggestions["Globex"]
    created = admin.post(
        "/crm/acme/m/Contacts/new/",
        {"Last_Name": "Picker", "Account_Name": globex_id, "Account_Name__typed": "Globex"},
    )
    assert created.status_code == 302
    contact = Record.objects.get(org=acme, name__contains="Picker")
    assert contact.data["Account_Name"] == int(globex_id)
    edit = admin.get(f"/crm/acme/m/Contacts/{contact.pk}/edit/").content.decode()
    assert f'name="Account_Name" value="{globex_id}"' in edit and 'value="Globex"' in edit


def test_a_record_name_typed_but_not_picked_is_refused_with_the_form_kept(admin, acme):
    refused = admin.post(
        "/crm/acme/m/Contacts/new/", {"Last_Name": "Unpicked", "Account_Name__typed": "Glob"}
    )
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Pick one of the suggestions (Accounts) or leave it empty." in page
    assert 'value="Unpicked"' in page
    assert not Record.objects.filter(org=acme, name__contains="Unpicked").exists()


def test_the_api_still_filters_and_writes_lookups_by_id(admin_api, acme, person):
    sam = person("sales@acme.test")
    listed = admin_api.get(f"/api/crm/v1/Contacts?Owner={sam.id}").json()["data"]
    assert listed and all(r["Owner"]["id"] == sam.id for r in listed)
