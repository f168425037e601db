"""The standard modules and fields every org starts with (CONTRACT.md §4). Api names are exact:
scripts, the integration and acceptance tests rely on them."""

from __future__ import annotations

from django.utils.translation import gettext_noop

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
        "singular": gettext_noop("Lead"),
        "plural": gettext_noop("Leads"),
        "fields": [
            ("First_Name", gettext_noop("First Name"), TEXT, False, True, {}),
            ("Last_Name", gettext_noop("Last Name"), TEXT, True, True, {}),
            ("Company", gettext_noop("Company"), TEXT, False, False, {}),
            ("Email", gettext_noop("Email"), EMAIL, False, False, {}),
            ("Secondary_Email", gettext_noop("Secondary Email"), EMAIL, False, False, {}),
            ("Phone", gettext_noop("Phone"), PHONE, False, False, {}),
            (
                "Lead_Status",
                gettext_noop("Lead Status"),
                PICK,
                False,
                False,
                {"values": LEAD_STATUSES},
            ),
        ],
    },
    {
        "api_name": "Accounts",
        "singular": gettext_noop("Account"),
        "plural": gettext_noop("Accounts"),
        "fields": [
            ("Account_Name", gettext_noop("Account Name"), TEXT, True, True, {}),
            ("Website", gettext_noop("Website"), URL, False, False, {}),
            ("Phone", gettext_noop("Phone"), PHONE, False, False, {}),
            ("Email", gettext_noop("Email"), EMAIL, False, False, {}),
            ("Billing_City", gettext_noop("Billing City"), TEXT, False, False, {}),
            ("Billing_Country", gettext_noop("Billing Country"), TEXT, False, False, {}),
        ],
    },
    {
        "api_name": "Contacts",
        "singular": gettext_noop("Contact"),
        "plural": gettext_noop("Contacts"),
        "fields": [
            ("First_Name", gettext_noop("First Name"), TEXT, False, True, {}),
            ("Last_Name", gettext_noop("Last Name"), TEXT, True, True, {}),
            ("Email", gettext_noop("Email"), EMAIL, False, False, {}),
            ("Secondary_Email", gettext_noop("Secondary Email"), EMAIL, False, False, {}),
            ("Phone", gettext_noop("Phone"), PHONE, False, False, {}),
            ("Mobile", gettext_noop("Mobile"), PHONE, False, False, {}),
            ("Title", gettext_noop("Title"), TEXT, False, False, {}),
            (
                "Account_Name",
                gettext_noop("Account Name"),
                LOOKUP,
                False,
                False,
                {"to": "Accounts"},
            ),
        ],
    },
    {
        "api_name": "Deals",
        "singular": gettext_noop("Deal"),
        "plural": gettext_noop("Deals"),
        "fields": [
            ("Deal_Name", gettext_noop("Deal Name"), TEXT, True, True, {}),
            ("Amount", gettext_noop("Amount"), "currency", False, False, {}),
            ("Stage", gettext_noop("Stage"), PICK, False, False, {"values": DEAL_STAGES}),
            ("Closing_Date", gettext_noop("Closing Date"), "date", False, False, {}),
            (
                "Account_Name",
                gettext_noop("Account Name"),
                LOOKUP,
                False,
                False,
                {"to": "Accounts"},
            ),
            (
                "Contact_Name",
                gettext_noop("Contact Name"),
                LOOKUP,
                False,
                False,
                {"to": "Contacts"},
            ),
        ],
    },
    {
        "api_name": "Products",
        "singular": gettext_noop("Product"),
        "plural": gettext_noop("Products"),
        "fields": [
            ("Product_Name", gettext_noop("Product Name"), TEXT, True, True, {}),
            ("Product_Code", gettext_noop("Product Code"), TEXT, False, False, {}),
            ("Unit_Price", gettext_noop("Unit Price"), "currency", False, False, {}),
            ("Description", gettext_noop("Description"), "textarea", False, False, {}),
            ("Product_Active", gettext_noop("Product Active"), "boolean", False, False, {}),
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
