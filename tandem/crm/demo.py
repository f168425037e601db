"""The CRM part of `tandem demo` (CONTRACT.md §2): orgs `acme` and `other`, their users, and a
few dozen accounts, contacts, deals and products in acme. Idempotent: records are added only to
an org that has none."""

from __future__ import annotations

import random

from tandem.crm import actions, queries
from tandem.crm.models import Record

# (email, CRM profile in acme)
ACME_USERS = [
    ("agent@acme.test", "Standard"),
    ("light@acme.test", "Standard"),
    ("sales@acme.test", "Standard"),
]

COMPANIES = [
    ("Globex", "Springfield", "US"),
    ("Initech", "Austin", "US"),
    ("Umbrella", "Raccoon City", "US"),
    ("Stark Industries", "New York", "US"),
    ("Wayne Enterprises", "Gotham", "US"),
    ("Tyrell", "Los Angeles", "US"),
    ("Cyberdyne", "Sunnyvale", "US"),
    ("Soylent", "Chicago", "US"),
    ("Hooli", "Palo Alto", "US"),
    ("Vandelay Industries", "New York", "US"),
    ("Bluth Company", "Newport Beach", "US"),
    ("Dunder Mifflin", "Scranton", "US"),
    ("Pied Piper", "Palo Alto", "US"),
    ("Wonka", "Munich", "DE"),
    ("Tortilleria Sol", "Sevilla", "ES"),
    ("Müller Maschinenbau", "Stuttgart", "DE"),
    ("Iberia Verde", "Madrid", "ES"),
    ("Nordlicht", "Hamburg", "DE"),
]
FIRST = ["Ana", "Ben", "Carla", "David", "Eva", "Felix", "Greta", "Hugo", "Inés", "Jonas"]
LAST = ["García", "Schmidt", "Smith", "López", "Weber", "Jones", "Martín", "Fischer", "Brown"]
TITLES = ["CEO", "CTO", "Buyer", "Office Manager", "Head of Support", "Engineer"]
STAGES = ["Qualification", "Needs Analysis", "Proposal/Price Quote", "Closed Won", "Closed Lost"]
PRODUCTS = [
    ("Tandem Cloud", "TC-1", 49),
    ("Tandem On-Premise", "TP-1", 990),
    ("Onboarding Package", "OB-1", 1500),
    ("Premium Support", "PS-1", 300),
]


def org(slug: str, name: str, owner):
    return queries.org_by_slug(slug) or actions.do_create_org(actor=owner, name=name, slug=slug)


def _domain(company: str) -> str:
    return "".join(c for c in company.lower() if c.isalnum())[:20] + ".example"


def _created_ids(results: list[dict]) -> list[int]:
    bad = [r for r in results if r["status"] != "created"]
    if bad:
        raise RuntimeError(f"Demo records were refused: {bad[:3]}")
    return [r["id"] for r in results]


def records(acme, admin, people: dict) -> None:
    if Record.objects.filter(org=acme).exists():
        return
    rnd = random.Random(4)  # the same demo every time
    owners = [admin.id, people["agent@acme.test"].id, people["sales@acme.test"].id]
    module = {m.api_name: m for m in queries.modules_of(acme)}

    def bulk(name: str, rows: list[dict]) -> list[int]:
        results = actions.do_bulk_create_records(
            actor=admin, org=acme, module=module[name], rows=rows, origin="demo"
        )
        return _created_ids(results)

    accounts = bulk(
        "Accounts",
        [
            {
                "Account_Name": name,
                "Website": f"https://www.{_domain(name)}",
                "Email": f"info@{_domain(name)}",
                "Phone": f"+1 555 01{i:02d}",
                "Billing_City": city,
                "Billing_Country": country,
                "Owner": owners[i % len(owners)],
            }
            for i, (name, city, country) in enumerate(COMPANIES)
        ],
    )
    contact_rows, contact_accounts = [], []
    for i in range(36):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        account_index = i % len(COMPANIES)
        domain = _domain(COMPANIES[account_index][0])
        contact_accounts.append(accounts[account_index])
        contact_rows.append(
            {
                "First_Name": first,
                "Last_Name": last,
                "Email": f"{first.lower()}.{i}@{domain}".replace("é", "e").replace("ü", "u"),
                "Phone": f"+1 555 02{i:02d}",
                "Title": TITLES[i % len(TITLES)],
                "Account_Name": accounts[account_index],
                "Owner": owners[i % len(owners)],
            }
        )
    contacts = bulk("Contacts", contact_rows)
    bulk(
        "Deals",
        [
            {
                "Deal_Name": f"{COMPANIES[i % len(COMPANIES)][0]} — {product[0]}",
                "Amount": product[2] * rnd.randint(1, 40),
                "Stage": STAGES[i % len(STAGES)],
                "Closing_Date": f"2026-{(i % 12) + 1:02d}-{(i % 27) + 1:02d}",
                "Account_Name": contact_accounts[i],
                "Contact_Name": contacts[i],
                "Owner": owners[i % len(owners)],
            }
            for i, product in ((i, PRODUCTS[i % len(PRODUCTS)]) for i in range(24))
        ],
    )
    bulk(
        "Products",
        [
            {"Product_Name": n, "Product_Code": c, "Unit_Price": p, "Product_Active": True}
            for n, c, p in PRODUCTS
        ],
    )
    bulk(
        "Leads",
        [
            {
                "First_Name": FIRST[i],
                "Last_Name": LAST[i % len(LAST)],
                "Company": f"Prospect {i + 1}",
                "Email": f"lead{i + 1}@prospect{i + 1}.example",
                "Lead_Status": "Not Contacted",
                "Owner": owners[i % len(owners)],
            }
            for i in range(8)
        ],
    )


def load(people: dict) -> None:
    """`people` maps each demo email to its User. Idempotent."""
    admin = people["admin@acme.test"]
    acme = org("acme", "Acme", admin)
    for email, profile in ACME_USERS:
        actions.do_add_member(actor=admin, org=acme, user=people[email], profile_name=profile)
    records(acme, admin, people)
    other_owner = people["owner@other.test"]
    other = org("other", "Other Co", other_owner)
    if not Record.objects.filter(org=other).exists():
        accounts = queries.module_for(other, "Accounts")
        actions.do_create_record(
            actor=other_owner,
            org=other,
            module=accounts,
            values={"Account_Name": "Other Customer", "Email": "hello@othercustomer.example"},
            origin="demo",
        )
