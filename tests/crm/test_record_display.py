"""Values read as people read them: related lists named by their module, amounts as money,
lookups as links, booleans as Yes/No in the page's language."""

import re

import pytest

from tandem.crm import actions
from tandem.crm.models import Record


@pytest.fixture
def admin(client, person):
    client.force_login(person("admin@acme.test"))
    return client


def speak(client, person, language):
    admin = person("admin@acme.test")
    admin.language = language
    admin.save(update_fields=["language"])
    client.force_login(admin)
    return client


def _related_titles(page: str) -> list[str]:
    return re.findall(r'<span class="fw-semibold me-auto">([^<]*)</span>', page)


def test_a_contacts_related_deals_are_titled_deals(admin, acme):
    deal = Record.objects.filter(org=acme, module__api_name="Deals").first()
    contact_id = deal.data["Contact_Name"]
    page = admin.get(f"/crm/acme/m/Contacts/{contact_id}/").content.decode()
    assert "Deals" in _related_titles(page)
    assert "(Contact Name)" not in page


def test_two_lookups_to_one_module_are_told_apart_in_words(admin, acme, person):
    ada = person("admin@acme.test")
    referrals = actions.do_create_module(
        actor=ada, org=acme, singular_label="Referral", plural_label="Referrals"
    )
    for label in ("Referrer", "Referred"):
        actions.do_create_field(
            actor=ada,
            org=acme,
            module=referrals,
            label=label,
            type="lookup",
            lookup_module="Contacts",
        )
    contact = Record.objects.filter(org=acme, module__api_name="Contacts").first()
    page = admin.get(f"/crm/acme/m/Contacts/{contact.pk}/").content.decode()
    titles = _related_titles(page)
    assert "Referrals where this is the Referrer" in titles
    assert "Referrals where this is the Referred" in titles


def test_deal_amounts_read_as_money_in_each_language(client, person, acme):
    deal = Record.objects.filter(org=acme, module__api_name="Deals").first()
    deal.data["Amount"] = 12500
    deal.save(update_fields=["data"])
    for language, money in (
        ("en", "$12,500.00"),
        ("es", "12\u00a0500,00\u00a0$"),
        ("de", "12.500,00\u00a0$"),
    ):
        page = speak(client, person, language).get("/crm/acme/m/Deals/").content.decode()
        assert f"<td>{money}</td>" in page, language
        detail = client.get(f"/crm/acme/m/Deals/{deal.pk}/").content.decode()
        assert money in detail, language


def test_account_and_contact_columns_of_deals_link_to_their_records(admin, acme):
    page = admin.get("/crm/acme/m/Deals/").content.decode()
    deal = Record.objects.filter(org=acme, module__api_name="Deals").order_by("-id").first()
    account = Record.objects.get(pk=deal.data["Account_Name"])
    contact = Record.objects.get(pk=deal.data["Contact_Name"])
    assert f'<a href="/crm/acme/m/Accounts/{account.pk}/">{account.name}</a>' in page
    assert f'<a href="/crm/acme/m/Contacts/{contact.pk}/">{contact.name}</a>' in page


@pytest.mark.parametrize(("language", "yes"), [("en", "Yes"), ("es", "Sí"), ("de", "Ja")])
def test_booleans_read_yes_and_no_in_the_pages_language(client, person, acme, language, yes):
    speak(client, person, language)
    client.get("/crm/acme/m/Products/?pick=Product_Name&pick=Product_Active")
    page = client.get("/crm/acme/m/Products/").content.decode()
    assert f"<td>{yes}</td>" in page and "True" not in page
    product = Record.objects.filter(org=acme, module__api_name="Products").first()
    detail = client.get(f"/crm/acme/m/Products/{product.pk}/").content.decode()
    assert f">{yes}</dd>" in detail


def test_the_deals_list_still_costs_a_fixed_number_of_queries(admin, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):  # 2 for the Desk tab of the integration
        assert admin.get("/crm/acme/m/Deals/").status_code == 200
