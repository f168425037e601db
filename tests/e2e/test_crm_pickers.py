"""In a browser: a person picks an account and an owner by typing their names."""

from playwright.sync_api import expect

from tandem.crm.models import Record


def test_an_account_is_picked_by_name_on_a_new_contact(page, sign_in):
    sign_in("admin@acme.test")
    page.goto("/crm/acme/m/Contacts/new/")
    page.fill("input[name=Last_Name]", "Browserpick")
    page.fill("#id_Account_Name", "glob")
    page.click('#id_Account_Name-options [data-picker-name="Globex"]')
    expect(page.locator("#id_Account_Name")).to_have_value("Globex")
    page.click("#record-form button[type=submit]")
    expect(page.locator("#record-details")).to_contain_text("Globex")
    contact = Record.objects.get(name__contains="Browserpick")
    globex = Record.objects.get(module__api_name="Accounts", name="Globex", org=contact.org)
    assert contact.data["Account_Name"] == globex.pk


def test_the_contact_list_is_filtered_by_an_owner_picked_by_name(page, sign_in):
    sign_in("admin@acme.test")
    page.goto("/crm/acme/m/Contacts/")
    page.fill("#filter-value", "sam")
    sam = page.locator('#filter-value-options [data-picker-name="Sam Sales"]')
    expect(sam).to_be_visible()
    # Clicked while htmx still swaps the suggestions in, the click can land on a button already
    # replaced (seen once on a loaded machine): the owner was never picked.
    page.wait_for_function(
        "() => !document.querySelector('#filter-value-box .htmx-request, "
        "#filter-value-box .htmx-settling, #filter-value-box .htmx-added')"
    )
    sam.click()
    expect(page.locator("#filter-value")).to_have_value("Sam Sales")
    # The pick is the id in the hidden input: sent only once it is there.
    expect(page.locator("#filter-value-box [data-picker-value]")).not_to_have_value("")
    # The form's own button: "#record-filter button" first matched a suggestion still listed in
    # the value box (a late answer to the typing), so the click picked again and sent nothing.
    with page.expect_navigation():  # the filter form is a plain GET, answered by a redirect
        page.click("#record-filter > button")
    expect(page.locator("#filters-in-force")).to_contain_text("Owner: Sam Sales", timeout=15_000)
    # The value box is drawn for the chosen field: wait for it before typing.
    with page.expect_response(lambda r: "filter_field=Account_Name" in r.url):
        page.select_option("#record-filter select[name=filter_field]", "Account_Name")
    page.wait_for_function(
        "() => !document.querySelector('#filter-value-box.htmx-settling, "
        "#filter-value-box .htmx-settling, #filter-value-box .htmx-added')"
    )  # htmx has bound the new box
    page.locator("#filter-value").press_sequentially("glob", delay=30)
    expect(page.locator('#filter-value-options [data-picker-name="Globex"]')).to_be_visible()
