"""Modules and fields through the API: the standard set, custom modules and fields, walls."""

import pytest

from tandem.crm.models import Module, Record

from .conftest import problem

STANDARD = {
    "Leads": [
        "First_Name",
        "Last_Name",
        "Company",
        "Email",
        "Secondary_Email",
        "Phone",
        "Lead_Status",
    ],
    "Accounts": ["Account_Name", "Website", "Phone", "Email", "Billing_City", "Billing_Country"],
    "Contacts": [
        "First_Name",
        "Last_Name",
        "Email",
        "Secondary_Email",
        "Phone",
        "Mobile",
        "Title",
        "Account_Name",
    ],
    "Deals": ["Deal_Name", "Amount", "Stage", "Closing_Date", "Account_Name", "Contact_Name"],
    "Products": ["Product_Name", "Product_Code", "Unit_Price", "Description", "Product_Active"],
}
REQUIRED = {
    "Leads": {"Last_Name"},
    "Accounts": {"Account_Name"},
    "Contacts": {"Last_Name"},
    "Deals": {"Deal_Name"},
    "Products": {"Product_Name"},
}


def test_every_org_has_the_standard_modules_and_fields(admin_api):
    body = admin_api.get("/api/crm/v1/modules").json()
    modules = {m["api_name"]: m for m in body["data"]}
    assert set(STANDARD) <= set(modules)
    for name, fields in STANDARD.items():
        module = modules[name]
        assert module["kind"] == "standard"
        by_name = {f["api_name"]: f for f in module["fields"]}
        assert [f for f in by_name if f != "Owner"] == fields
        assert {f for f, d in by_name.items() if d["required"]} == REQUIRED[name]
        assert by_name["Owner"]["type"] == "owner"
    contacts = {f["api_name"]: f for f in modules["Contacts"]["fields"]}
    assert contacts["Account_Name"]["type"] == "lookup"
    assert contacts["Account_Name"]["lookup_module"] == "Accounts"
    assert contacts["Email"]["type"] == "email"


def test_admin_creates_a_custom_module_with_fields_of_every_type(admin_api):
    created = admin_api.post(
        "/api/crm/v1/modules", {"singular_label": "Vendor", "plural_label": "Vendors"}
    )
    assert created.status_code == 201, created.content
    assert created.json()["api_name"] == "Vendors"
    assert created.json()["kind"] == "custom"
    specs = [
        {"label": "Notes", "type": "textarea"},
        {"label": "Email", "type": "email", "required": True},
        {"label": "Phone", "type": "phone"},
        {"label": "Site", "type": "url"},
        {"label": "Employees", "type": "integer"},
        {"label": "Rating", "type": "decimal"},
        {"label": "Budget", "type": "currency"},
        {"label": "Since", "type": "date"},
        {"label": "Last Call", "type": "datetime"},
        {"label": "Active", "type": "boolean"},
        {"label": "Tier", "type": "picklist", "picklist_values": ["Gold", "Silver"]},
        {"label": "Main Account", "type": "lookup", "lookup_module": "Accounts"},
        {"label": "Buyer", "type": "owner"},
        {"label": "Code", "type": "text"},
    ]
    for spec in specs:
        response = admin_api.post("/api/crm/v1/modules/Vendors/fields", spec)
        assert response.status_code == 201, (spec, response.content)
    vendors = admin_api.get("/api/crm/v1/modules/Vendors").json()
    types = {f["api_name"]: f["type"] for f in vendors["fields"]}
    assert types["Main_Account"] == "lookup" and types["Tier"] == "picklist"
    assert types["Vendor_Name"] == "text"
    # A lookup to the new custom module, from a standard one.
    lookup = admin_api.post(
        "/api/crm/v1/modules/Deals/fields",
        {"label": "Vendor", "type": "lookup", "lookup_module": "Vendors"},
    )
    assert lookup.status_code == 201


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"label": "Tier", "type": "picklist"}, "picklist_values"),
        ({"label": "Ref", "type": "lookup", "lookup_module": "Nope"}, "lookup_module"),
        ({"label": "X", "type": "colour"}, "type"),
        ({"label": " ", "type": "text"}, "label"),
    ],
)
def test_invalid_custom_fields_are_refused_per_field(admin_api, spec, field):
    body = problem(admin_api.post("/api/crm/v1/modules/Contacts/fields", spec), 400)
    assert field in body["errors"]


def test_a_field_name_is_taken_only_once(admin_api):
    problem(
        admin_api.post("/api/crm/v1/modules/Contacts/fields", {"label": "Email", "type": "email"}),
        409,
    )


def test_standard_user_cannot_customize(sales_api):
    body = problem(
        sales_api.post("/api/crm/v1/modules", {"singular_label": "Pet", "plural_label": "Pets"}),
        403,
    )
    assert "administrators" in body["detail"]
    problem(
        sales_api.post("/api/crm/v1/modules/Contacts/fields", {"label": "X", "type": "text"}), 403
    )
    problem(sales_api.delete("/api/crm/v1/modules/Contacts"), 403)


def test_custom_modules_and_web_tabs_can_be_deleted_standard_ones_not(admin_api, acme):
    admin_api.post("/api/crm/v1/modules", {"singular_label": "Pet", "plural_label": "Pets"})
    admin_api.post("/api/crm/v1/Pets", {"Pet_Name": "Rex"})
    Module.objects.get_or_create(  # the demo's integration has added it already
        org=acme,
        api_name="Desk",
        defaults={
            "singular_label": "Desk",
            "plural_label": "Desk",
            "kind": "web_tab",
            "web_tab": "desk",
        },
    )
    kinds = {m["api_name"]: m["kind"] for m in admin_api.get("/api/crm/v1/modules").json()["data"]}
    assert kinds["Desk"] == "web_tab"
    assert admin_api.delete("/api/crm/v1/modules/Pets").status_code == 204
    assert admin_api.delete("/api/crm/v1/modules/Desk").status_code == 204
    problem(admin_api.delete("/api/crm/v1/modules/Contacts"), 409)
    names = {m["api_name"] for m in admin_api.get("/api/crm/v1/modules").json()["data"]}
    assert "Pets" not in names and "Desk" not in names
    problem(admin_api.get("/api/crm/v1/Pets"), 404)
    assert not Record.objects.filter(org=acme, name="Rex").exists()


def test_other_orgs_modules_are_invisible(api, admin_api):
    other = api("owner@other.test", org="other")
    other.post("/api/crm/v1/modules", {"singular_label": "Secret", "plural_label": "Secrets"})
    problem(admin_api.get("/api/crm/v1/Secrets"), 404)
    problem(admin_api.delete("/api/crm/v1/modules/Secrets"), 404)


def test_fields_can_be_hidden_relabelled_and_reordered(admin_api):
    hidden = admin_api.patch("/api/crm/v1/modules/Contacts/fields/Mobile", {"hidden": True})
    assert hidden.json()["hidden"] is True
    problem(admin_api.patch("/api/crm/v1/modules/Contacts/fields/Last_Name", {"hidden": True}), 409)
    names = [f["api_name"] for f in admin_api.get("/api/crm/v1/modules/Contacts").json()["fields"]][
        1:
    ]
    new_order = [names[-1], *names[:-1]]
    reordered = admin_api.put("/api/crm/v1/modules/Contacts/field-order", {"fields": new_order})
    assert [f["api_name"] for f in reordered.json()["fields"]][1:] == new_order
    problem(admin_api.put("/api/crm/v1/modules/Contacts/field-order", {"fields": names[:2]}), 400)


def test_customize_modules_alone_does_not_add_or_delete_modules(sales_api, admin_api, acme, person):
    """Contract §4: module and field structure is the Administrator profile's alone."""
    from tandem.crm.models import OrgUser, Profile

    designer = Profile.objects.create(
        org=acme, name="Designer", features=["customize_modules"], module_permissions={}
    )
    OrgUser.objects.filter(org=acme, user=person("sales@acme.test")).update(profile=designer)
    base = "/api/crm/v1/modules"
    body = problem(sales_api.post(base, {"singular_label": "Pet", "plural_label": "Pets"}), 403)
    assert "Administrator profile" in body["detail"]
    problem(sales_api.post(f"{base}/Contacts/fields", {"label": "X", "type": "text"}), 403)
    assert not acme.modules.filter(api_name="Pets").exists()
    made = admin_api.post(base, {"singular_label": "Toy", "plural_label": "Toys"})
    assert made.status_code == 201, made.content
    problem(sales_api.delete(f"{base}/Toys"), 403)
    assert acme.modules.filter(api_name="Toys").exists()
