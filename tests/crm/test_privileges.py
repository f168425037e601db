"""Managing users is not a way to become an administrator (review finding S2)."""

import pytest

from tandem.crm.models import OrgUser, Profile

from .conftest import problem

BASE = "/api/crm/v1"


@pytest.fixture
def hr_sales(acme, person):
    """sales@acme.test with a profile that may only manage users."""
    hr = Profile.objects.create(
        org=acme,
        name="HR",
        features=["manage_users"],
        module_permissions={"Contacts": ["view"]},
    )
    sales = person("sales@acme.test")
    OrgUser.objects.filter(org=acme, user=sales).update(profile=hr)
    return sales


def _admin_profile(acme) -> Profile:
    return Profile.objects.get(org=acme, is_administrator=True)


def test_user_manager_cannot_make_themselves_administrator(sales_api, hr_sales, acme):
    body = problem(
        sales_api.patch(f"{BASE}/users/{hr_sales.id}", {"profile_id": _admin_profile(acme).pk}),
        403,
    )
    assert "administrator" in body["detail"]
    assert OrgUser.objects.get(org=acme, user=hr_sales).profile.name == "HR"
    problem(sales_api.post(f"{BASE}/modules", {"singular_label": "X", "plural_label": "Xs"}), 403)


def test_user_manager_cannot_change_their_own_profile(sales_api, hr_sales, acme):
    standard = Profile.objects.get(org=acme, name="Standard")
    body = problem(sales_api.patch(f"{BASE}/users/{hr_sales.id}", {"profile_id": standard.pk}), 403)
    assert "own profile" in body["detail"]


def test_user_manager_cannot_make_others_administrators(sales_api, hr_sales, acme, person):
    agent = person("agent@acme.test")
    admin = _admin_profile(acme)
    problem(sales_api.patch(f"{BASE}/users/{agent.id}", {"profile_id": admin.pk}), 403)
    assert not OrgUser.objects.get(org=acme, user=agent).profile.is_administrator
    invited = sales_api.post(f"{BASE}/users", {"email": "alt@acme.test", "profile_id": admin.pk})
    problem(invited, 403)
    assert not OrgUser.objects.filter(org=acme, user__email="alt@acme.test").exists()


def test_user_manager_cannot_grant_more_than_they_have(sales_api, hr_sales, acme):
    body = problem(
        sales_api.post(f"{BASE}/profiles", {"name": "Power", "features": ["customize_modules"]}),
        403,
    )
    assert "Customize modules" in body["detail"]
    problem(
        sales_api.post(
            f"{BASE}/profiles", {"name": "Power", "module_permissions": {"Contacts": ["edit"]}}
        ),
        403,
    )
    assert not Profile.objects.filter(org=acme, name="Power").exists()
    hr = Profile.objects.get(org=acme, name="HR")
    problem(
        sales_api.patch(
            f"{BASE}/profiles/{hr.pk}", {"features": ["manage_users", "import_export"]}
        ),
        403,
    )
    hr.refresh_from_db()
    assert hr.features == ["manage_users"]
    # Within their own permissions they still manage profiles.
    ok = sales_api.post(
        f"{BASE}/profiles", {"name": "Reader", "module_permissions": {"Contacts": ["view"]}}
    )
    assert ok.status_code == 201, ok.content


def test_administrator_still_assigns_administrator(admin_api, acme, person):
    agent = person("agent@acme.test")
    admin = _admin_profile(acme)
    response = admin_api.patch(f"{BASE}/users/{agent.id}", {"profile_id": admin.pk})
    assert response.status_code == 200, response.content
