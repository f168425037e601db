"""web.prepared: reads compiled once give what the ORM gives, for any arguments, and refuse
the shapes they cannot serve."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.desk.models import Agent
from tandem.identity.models import User
from tandem.web.prepared import Prepared, insert

agents_of = Prepared(
    lambda user_id, role: (
        Agent.objects.select_related("portal", "user")
        .filter(user_id=user_id, role=role)
        .order_by("portal__slug")
    )
)


def test_a_prepared_read_gives_what_the_orm_gives_for_each_call_s_arguments(demo_data):
    seen = 0
    for agent in Agent.objects.all():
        orm = list(
            Agent.objects.select_related("portal", "user")
            .filter(user_id=agent.user_id, role=agent.role)
            .order_by("portal__slug")
        )
        with CaptureQueriesContext(connection) as queries:
            prepared = agents_of(agent.user_id, agent.role)
            # Related objects came with the row, as select_related's do: no further query.
            names = [(a.pk, a.portal.slug, a.user.email, a.joined_at) for a in prepared]
        assert len(queries) == 1
        assert names == [(a.pk, a.portal.slug, a.user.email, a.joined_at) for a in orm]
        seen += len(prepared)
    assert seen >= 3
    assert agents_of(-1, "admin") == []


user_by_email = Prepared(lambda email: User.objects.filter(email=email)[:1])


emails_of_role = Prepared(
    lambda role: (
        Agent.objects.filter(role=role)
        .order_by("user__email", "id")
        .values_list("id", "user__email", "joined_at")
    )
)


def test_a_prepared_values_list_gives_the_orm_s_rows_converted(demo_data):
    seen = 0
    for role in sorted(set(Agent.objects.values_list("role", flat=True))):
        orm = list(
            Agent.objects.filter(role=role)
            .order_by("user__email", "id")
            .values_list("id", "user__email", "joined_at")
        )
        rows = emails_of_role(role)
        assert rows == orm  # datetimes converted as the ORM converts them, not strings
        seen += len(rows)
    assert seen == Agent.objects.count() >= 3


def test_each_thread_compiles_its_own_and_gets_the_same_answers(transactional_db):
    ana = User.objects.create_user("ana@example.test", "pw-long-enough-1", name="Ana")
    assert [u.pk for u in user_by_email("ana@example.test")] == [ana.pk]
    found = []

    def read():
        try:
            found.append([u.pk for u in user_by_email("ana@example.test")])
            found.append(len(user_by_email.local.compiled))  # its own compiled read
        finally:
            connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert found == [[ana.pk], 1]


@pytest.mark.parametrize(
    "build",
    [
        lambda email: User.objects.filter(email__icontains=email),  # the value is rewritten
        lambda pk: User.objects.filter(pk=pk) | User.objects.filter(id__gt=pk),  # used twice
        lambda pk: User.objects.filter(pk=pk).prefetch_related("groups"),
        lambda pk: User.objects.filter(pk=pk).values("email"),  # dicts, not rows
        lambda pk: User.objects.filter(pk=pk).values_list("email", flat=True),
    ],
)
def test_shapes_a_prepared_read_cannot_serve_are_refused_when_first_compiled(db, build):
    with pytest.raises(ValueError):
        Prepared(build)(5 if "pk" in build.__code__.co_varnames else "ana")


def test_arguments_other_than_ints_and_strings_are_refused(db):
    with pytest.raises(TypeError):
        Prepared(lambda pk: User.objects.filter(pk=pk))(True)


# ---- insert: a new row as save() writes it, its INSERT compiled once ------------------------


def _columns(obj) -> dict:
    """The stored row, read back without the instance's own values."""
    fresh = type(obj).objects.get(pk=obj.pk)
    return {f.attname: getattr(fresh, f.attname) for f in type(obj)._meta.concrete_fields}


def test_an_insert_stores_what_save_stores(demo_data):
    from tandem.desk.models import Change, Portal

    portal = Portal.objects.first()
    made = [Change(portal=portal, seq=10**6 + i, entity="ticket", entity_id=i, op="create",
                   fields=["subject", "é"]) for i in (1, 2)]  # fmt: skip
    made[0].save()
    with CaptureQueriesContext(connection) as queries:
        insert(made[1])
    assert len(queries) == 1 and queries[0]["sql"].startswith("INSERT")
    assert made[1].pk and not made[1]._state.adding
    saved, inserted = _columns(made[0]), _columns(made[1])
    for row in (saved, inserted):
        row.pop("id"), row.pop("seq"), row.pop("entity_id"), row.pop("created_at")
    assert inserted == saved  # defaults (origin), the JSON list, the foreign key


def test_an_insert_sends_the_signals_save_sends(demo_data):
    from django.db.models import signals

    from tandem.desk.models import Change, Portal

    seen = []

    def heard(sender, instance, **kwargs):
        seen.append((kwargs.get("created"), instance.pk is not None))

    signals.pre_save.connect(heard, sender=Change)
    signals.post_save.connect(heard, sender=Change)
    try:
        insert(Change(portal=Portal.objects.first(), seq=10**6, entity="ticket", entity_id=1,
                      op="create"))  # fmt: skip
    finally:
        signals.pre_save.disconnect(heard, sender=Change)
        signals.post_save.disconnect(heard, sender=Change)
    assert seen == [(None, False), (True, True)]


def test_an_insert_keeps_the_length_guard(demo_data):
    from tandem.desk.models import Change, Portal
    from tandem.web.errors import Problem

    too_long = Change(portal=Portal.objects.first(), seq=10**6, entity="x" * 17, entity_id=1,
                      op="create")  # fmt: skip
    with pytest.raises(Problem) as refused:
        insert(too_long)
    assert list(refused.value.errors) == ["entity"] and too_long.pk is None


def test_a_row_given_its_own_key_is_saved_as_save_does(demo_data):
    from tandem.desk.models import Change, Portal

    own = Change(id=987654, portal=Portal.objects.first(), seq=10**6, entity="ticket",
                 entity_id=1, op="create")  # fmt: skip
    insert(own)
    assert Change.objects.filter(pk=987654, seq=10**6).exists()
