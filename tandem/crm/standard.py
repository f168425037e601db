"""The standard modules and fields every org starts with (CONTRACT.md §4). Api names are exact:
scripts, the integration and acceptance tests rely on them."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

# (api_name, label, type, required, in_name, extra)
TEXT, EMAIL, PHONE, URL, PICK, LOOKUP = "text", "email", "phone", "url", "picklist", "lookup"

LEAD_STATUSES = [
    "Not Contacted",
    "Attempted to Contact",
    "Contacted",
    "Pre-Qualified",
    "Junk Lead",
    "Lost Lead",
]
DEAL_STAGES = [
    "Qualification",
    "Needs Analysis",
    "Value Proposition",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
]

STANDARD_MODULES: list[dict] = [
    {
        "api_name": "Leads",
        "singular": N_("Lead"),
        "plural": N_("Leads"),
        "fields": [
            ("First_Name", N_("First Name"), TEXT, False, True, {}),
            ("Last_Name", N_("Last Name"), TEXT, True, True, {}),
            ("Company", N_("Company"), TEXT, False, False, {}),
            ("Email", N_("Email"), EMAIL, False, False, {}),
            ("Secondary_Email", N_("Secondary Email"), EMAIL, False, False, {}),
            ("Phone", N_("Phone"), PHONE, False, False, {}),
            ("Lead_Status", N_("Lead Status"), PICK, False, False, {"values": LEAD_STATUSES}),
        ],
    },
    {
        "api_name": "Accounts",
        "singular": N_("Account"),
        "plural": N_("Accounts"),
        "fields": [
            ("Account_Name", N_("Account Name"), TEXT, True, True, {}),
            ("Website", N_("Website"), URL, False, False, {}),
            ("Phone", N_("Phone"), PHONE, False, False, {}),
            ("Email", N_("Email"), EMAIL, False, False, {}),
            ("Billing_City", N_("Billing City"), TEXT, False, False, {}),
            ("Billing_Country", N_("Billing Country"), TEXT, False, False, {}),
        ],
    },
    {
        "api_name": "Contacts",
        "singular": N_("Contact"),
        "plural": N_("Contacts"),
        "fields": [
            ("First_Name", N_("First Name"), TEXT, False, True, {}),
            ("Last_Name", N_("Last Name"), TEXT, True, True, {}),
            ("Email", N_("Email"), EMAIL, False, False, {}),
            ("Secondary_Email", N_("Secondary Email"), EMAIL, False, False, {}),
            ("Phone", N_("Phone"), PHONE, False, False, {}),
            ("Mobile", N_("Mobile"), PHONE, False, False, {}),
            ("Title", N_("Title"), TEXT, False, False, {}),
            ("Account_Name", N_("Account Name"), LOOKUP, False, False, {"to": "Accounts"}),
        ],
    },
    {
        "api_name": "Deals",
        "singular": N_("Deal"),
        "plural": N_("Deals"),
        "fields": [
            ("Deal_Name", N_("Deal Name"), TEXT, True, True, {}),
            ("Amount", N_("Amount"), "currency", False, False, {}),
            ("Stage", N_("Stage"), PICK, False, False, {"values": DEAL_STAGES}),
            ("Closing_Date", N_("Closing Date"), "date", False, False, {}),
            ("Account_Name", N_("Account Name"), LOOKUP, False, False, {"to": "Accounts"}),
            ("Contact_Name", N_("Contact Name"), LOOKUP, False, False, {"to": "Contacts"}),
        ],
    },
    {
        "api_name": "Products",
        "singular": N_("Product"),
        "plural": N_("Products"),
        "fields": [
            ("Product_Name", N_("Product Name"), TEXT, True, True, {}),
            ("Product_Code", N_("Product Code"), TEXT, False, False, {}),
            ("Unit_Price", N_("Unit Price"), "currency", False, False, {}),
            ("Description", N_("Description"), "textarea", False, False, {}),
            ("Product_Active", N_("Product Active"), "boolean", False, False, {}),
        ],
    },
]


def seed(org) -> None:
    """Create the standard modules and fields of a new org (called by do_create_org)."""
    from tandem.crm.models import Field, Module

    modules = {}
    for position, spec in enumerate(STANDARD_MODULES):
        modules[spec["api_name"]] = Module.objects.create(
            org=org,
            api_name=spec["api_name"],
            singular_label=spec["singular"],
            plural_label=spec["plural"],
            kind=Module.Kind.STANDARD,
            position=position,
        )
    fields = []
    for spec in STANDARD_MODULES:
        module = modules[spec["api_name"]]
        for position, (api_name, label, type_, required, in_name, extra) in enumerate(
            spec["fields"]
        ):
            fields.append(
                Field(
                    module=module,
                    api_name=api_name,
                    label=label,
                    type=type_,
                    required=required,
                    in_name=in_name,
                    position=position,
                    picklist_values=extra.get("values", []),
                    lookup_module=modules[extra["to"]] if "to" in extra else None,
                )
            )
    Field.objects.bulk_create(fields)
