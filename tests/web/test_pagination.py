from tandem.desk.models import Department, Portal


def test_cursor_walks_every_row_once(api):
    portal = Portal.objects.get(slug="acme-support")
    Department.objects.bulk_create(
        Department(portal=portal, name=f"Team {i:02}") for i in range(23)
    )
    admin = api("admin@acme.test", portal="acme-support")
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/desk/v1/departments?limit=5" + (f"&cursor={cursor}" if cursor else "")
        body = admin.get(url).json()
        seen += [d["name"] for d in body["data"]]
        cursor = body["info"]["next_cursor"]
        pages += 1
        if cursor is None:
            break
    assert pages == 5
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 25


def test_list_without_more_has_no_cursor(api):
    body = api("admin@acme.test", portal="acme-support").get("/api/desk/v1/departments").json()
    assert body["info"] == {"next_cursor": None}
    assert [d["name"] for d in body["data"]] == ["Billing", "Support"]


def test_bad_cursor_and_limit_are_400(api):
    admin = api("admin@acme.test", portal="acme-support")
    bad = admin.get("/api/desk/v1/departments?cursor=%%%garbage")
    assert bad.status_code == 400 and "cursor" in bad.json()["errors"]
    for limit in ("0", "201", "ten"):
        response = admin.get(f"/api/desk/v1/departments?limit={limit}")
        assert response.status_code == 400 and "limit" in response.json()["errors"]


def test_users_list_is_paginated_and_scoped(api, django_assert_max_num_queries):
    admin = api("admin@acme.test", org="acme")
    with django_assert_max_num_queries(6):
        body = admin.get("/api/crm/v1/users?limit=2").json()
    assert len(body["data"]) == 2
    rest = admin.get(f"/api/crm/v1/users?limit=2&cursor={body['info']['next_cursor']}").json()
    emails = {u["email"] for u in body["data"] + rest["data"]}
    assert emails == {"admin@acme.test", "agent@acme.test", "light@acme.test", "sales@acme.test"}


def test_tampered_cursors_are_400_not_500(api):
    from tandem.web.pagination import encode_cursor

    admin = api("admin@acme.test", portal="acme-support")
    for values in (["abc"], [[1]], [None], ["Support", "abc"], [None, None], ["a", 2**70], [{}, 1]):
        response = admin.get(f"/api/desk/v1/departments?cursor={encode_cursor(values)}")
        assert response.status_code == 400, (values, response.content)
        assert "cursor" in response.json()["errors"]


def test_nullable_sort_field_pages_through_nulls_last(person):
    from tandem.identity import tenants, tokens
    from tandem.identity.models import ApiToken
    from tandem.web.pagination import keyset_page

    admin = person("admin@acme.test")
    org = tenants.membership(admin, "crm", slug="acme")
    made = [
        tokens.do_create_token(actor=admin, kind="crm", tenant_id=org.tenant_id)[0]
        for _ in range(7)
    ]
    for i, token in enumerate(made[:4]):  # three tokens were never used: last_used_at is NULL
        ApiToken.objects.filter(pk=token.pk).update(
            last_used_at=token.created_at.replace(year=2020 + i)
        )
    # Two tokens share a date: the tie is broken by id across a page boundary too.
    ApiToken.objects.filter(pk=made[1].pk).update(
        last_used_at=made[0].created_at.replace(year=2020)
    )
    orders = [("last_used_at", "id"), ("-last_used_at", "-id"), ("last_used_at", "-id")]
    for order in orders:
        everything = [row.pk for row in keyset_page(
            ApiToken.objects.all(), order=order, cursor=None, limit=100)[0]]  # fmt: skip
        for limit in (1, 2, 3, 5):  # pages ending before, at and across the NULLs
            seen, cursor = [], None
            while True:
                rows, cursor = keyset_page(
                    ApiToken.objects.all(), order=order, cursor=cursor, limit=limit
                )
                seen += [row.pk for row in rows]
                if cursor is None:
                    break
            assert seen == everything, (order, limit)
        assert sorted(everything) == sorted(t.pk for t in made) and len(everything) == 7
        assert all(ApiToken.objects.get(pk=pk).last_used_at is None for pk in everything[-3:])
