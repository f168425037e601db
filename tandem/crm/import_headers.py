"""Which field a CSV column goes to, from its header: our api names and labels, and the
spellings that exports of other CRMs use ("Account" or "Company" for Account Name, "E-mail",
"Mobile Phone", "Opportunity Name"…)."""

from __future__ import annotations

import re

# Header (normalized: lower case, letters and digits only) → api names it may mean, by module.
# A name missing from the module is skipped, so "company" finds Leads' Company and Contacts'
# Account_Name alike.
SPELLINGS: dict[str, tuple[str, ...]] = {
    "account": ("Account_Name",),
    "accountname": ("Account_Name",),
    "company": ("Company", "Account_Name"),
    "companyname": ("Company", "Account_Name"),
    "organization": ("Company", "Account_Name"),
    "organisation": ("Company", "Account_Name"),
    "organizationname": ("Company", "Account_Name"),
    "email": ("Email",),
    "emailaddress": ("Email",),
    "primaryemail": ("Email",),
    "workemail": ("Email",),
    "secondaryemail": ("Secondary_Email",),
    "otheremail": ("Secondary_Email",),
    "email2": ("Secondary_Email",),
    "phone": ("Phone",),
    "phonenumber": ("Phone",),
    "businessphone": ("Phone",),
    "workphone": ("Phone",),
    "telephone": ("Phone",),
    "mobile": ("Mobile",),
    "mobilephone": ("Mobile",),
    "mobilenumber": ("Mobile",),
    "cell": ("Mobile",),
    "cellphone": ("Mobile",),
    "firstname": ("First_Name",),
    "first": ("First_Name",),
    "givenname": ("First_Name",),
    "lastname": ("Last_Name",),
    "last": ("Last_Name",),
    "surname": ("Last_Name",),
    "familyname": ("Last_Name",),
    "title": ("Title",),
    "jobtitle": ("Title",),
    "position": ("Title",),
    "website": ("Website",),
    "web": ("Website",),
    "url": ("Website",),
    "domain": ("Website",),
    "city": ("Billing_City",),
    "billingcity": ("Billing_City",),
    "country": ("Billing_Country",),
    "billingcountry": ("Billing_Country",),
    "status": ("Lead_Status",),
    "leadstatus": ("Lead_Status",),
    "deal": ("Deal_Name",),
    "dealname": ("Deal_Name",),
    "opportunity": ("Deal_Name",),
    "opportunityname": ("Deal_Name",),
    "value": ("Amount",),
    "dealvalue": ("Amount",),
    "amount": ("Amount",),
    "stage": ("Stage",),
    "dealstage": ("Stage",),
    "closedate": ("Closing_Date",),
    "closingdate": ("Closing_Date",),
    "expectedclosedate": ("Closing_Date",),
    "contact": ("Contact_Name",),
    "contactname": ("Contact_Name",),
    "contactperson": ("Contact_Name",),
    "product": ("Product_Name",),
    "productname": ("Product_Name",),
    "sku": ("Product_Code",),
    "code": ("Product_Code",),
    "productcode": ("Product_Code",),
    "price": ("Unit_Price",),
    "unitprice": ("Unit_Price",),
    "listprice": ("Unit_Price",),
    "active": ("Product_Active",),
    "description": ("Description",),
    "owner": ("Owner",),
    "recordowner": ("Owner",),
    "accountowner": ("Owner",),
    "contactowner": ("Owner",),
    "dealowner": ("Owner",),
    "leadowner": ("Owner",),
    "assignedto": ("Owner",),
}


def normalized(header: str) -> str:
    return re.sub(r"[^0-9a-z]", "", header.strip().lower())


def guess_mapping(columns: list[str], fields, previous: dict[str, str] | None = None) -> dict:
    """{column: api name or ""}. A column named like one of our fields (api name or label) wins
    over a spelling of another CRM; then the other spellings; one column per field. A column of
    `previous` (a refused import of the same kind) keeps the field it was given there."""
    names = {f.api_name for f in fields} | {"Owner"}
    exact = {normalized(f.api_name): f.api_name for f in fields}
    exact.update({normalized(f.label): f.api_name for f in fields})
    mapping = {c: "" for c in columns}
    taken: set[str] = set()

    def give(column: str, name: str | None) -> None:
        if name and name in names and name not in taken and not mapping[column]:
            mapping[column] = name
            taken.add(name)

    for column in columns:
        give(column, (previous or {}).get(column))
    for column in columns:
        give(column, exact.get(normalized(column)))
    # "Name" alone is the record's name: only where one field makes it (Accounts, Deals…).
    naming = [f.api_name for f in fields if f.in_name]
    for column in columns:
        spelled = SPELLINGS.get(normalized(column), ())
        if normalized(column) == "name" and len(naming) == 1:
            spelled = (naming[0],)
        for name in spelled:
            give(column, name)
    return mapping
