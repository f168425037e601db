"""Contacts, accounts and products."""

from ninja import Router
from ninja.responses import Status

from tandem.desk import actions, queries
from tandem.desk.schemas import (
    AccountIn,
    AccountOut,
    ContactIn,
    ContactOut,
    ProductIn,
    ProductOut,
)
from tandem.web.api import page_of, paginate

router = Router()


def _data(body) -> dict:
    return body.model_dump(exclude_unset=True)


@router.get("/contacts", response=page_of(ContactOut), tags=["Contacts"])
def list_contacts(
    request,
    q: str = "",
    account_id: int | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    return paginate(request, queries.contacts(request.member.portal, q, account_id))


@router.post("/contacts", response={201: ContactOut}, tags=["Contacts"])
def create_contact(request, body: ContactIn):
    portal = request.member.portal
    return Status(
        201, actions.do_save_contact(actor=request.member, portal=portal, data=_data(body))
    )


@router.get("/contacts/{contact_id}", response=ContactOut, tags=["Contacts"])
def get_contact(request, contact_id: int):
    return queries.contact_for(request.member.portal, contact_id)


@router.patch("/contacts/{contact_id}", response=ContactOut, tags=["Contacts"])
def update_contact(request, contact_id: int, body: ContactIn):
    portal = request.member.portal
    contact = queries.contact_for(portal, contact_id)
    return actions.do_save_contact(
        actor=request.member, portal=portal, contact=contact, data=_data(body)
    )


@router.delete("/contacts/{contact_id}", response={204: None}, tags=["Contacts"])
def delete_contact(request, contact_id: int):
    contact = queries.contact_for(request.member.portal, contact_id)
    actions.do_delete_customer(actor=request.member, obj=contact)
    return Status(204, None)


@router.get("/accounts", response=page_of(AccountOut), tags=["Accounts"])
def list_accounts(request, q: str = "", cursor: str | None = None, limit: int | None = None):
    return paginate(request, queries.accounts(request.member.portal, q))


@router.post("/accounts", response={201: AccountOut}, tags=["Accounts"])
def create_account(request, body: AccountIn):
    portal = request.member.portal
    return Status(
        201, actions.do_save_account(actor=request.member, portal=portal, data=_data(body))
    )


@router.get("/accounts/{account_id}", response=AccountOut, tags=["Accounts"])
def get_account(request, account_id: int):
    return queries.account_for(request.member.portal, account_id)


@router.patch("/accounts/{account_id}", response=AccountOut, tags=["Accounts"])
def update_account(request, account_id: int, body: AccountIn):
    portal = request.member.portal
    account = queries.account_for(portal, account_id)
    return actions.do_save_account(
        actor=request.member, portal=portal, account=account, data=_data(body)
    )


@router.delete("/accounts/{account_id}", response={204: None}, tags=["Accounts"])
def delete_account(request, account_id: int):
    account = queries.account_for(request.member.portal, account_id)
    actions.do_delete_customer(actor=request.member, obj=account)
    return Status(204, None)


@router.get("/products", response=page_of(ProductOut), tags=["Products"])
def list_products(request, q: str = "", cursor: str | None = None, limit: int | None = None):
    return paginate(request, queries.products(request.member.portal, q))


@router.post("/products", response={201: ProductOut}, tags=["Products"])
def create_product(request, body: ProductIn):
    portal = request.member.portal
    product = actions.do_save_product(actor=request.member, portal=portal, data=_data(body))
    return Status(201, queries.product_for(portal, product.id))


@router.get("/products/{product_id}", response=ProductOut, tags=["Products"])
def get_product(request, product_id: int):
    return queries.product_for(request.member.portal, product_id)


@router.patch("/products/{product_id}", response=ProductOut, tags=["Products"])
def update_product(request, product_id: int, body: ProductIn):
    portal = request.member.portal
    product = queries.product_for(portal, product_id)
    actions.do_save_product(actor=request.member, portal=portal, product=product, data=_data(body))
    return queries.product_for(portal, product_id)


@router.delete("/products/{product_id}", response={204: None}, tags=["Products"])
def delete_product(request, product_id: int):
    product = queries.product_for(request.member.portal, product_id)
    actions.do_delete_customer(actor=request.member, obj=product)
    return Status(204, None)
