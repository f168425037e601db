"""Desk's change log as the integration reads it (the same rows as the CRM's), an account's
deletion logged for its contacts too, and the listeners told after commit."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from tandem.desk import actions, hooks, queries
from tandem.web.changes import ChangeRow


@pytest.fixture
def heard(monkeypatch):
    """The calls our change listener got: (portal id, last sequence)."""
    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(hooks.change_listeners, "listeners", [])
    hooks.register_change_listener(lambda portal_id, last: calls.append((portal_id, last)))
    return calls


def _cursor(portal) -> int:
    """Where a reader who has read everything so far stands."""
    portal.refresh_from_db()
    return portal.last_change_seq


def _contact(admin, portal, name="Reader", **data):
    return actions.do_save_contact(actor=admin, portal=portal, data={"last_name": name, **data})


def test_the_reader_gives_the_same_rows_as_the_crms(admin, portal):
    after = _cursor(portal)
    contact = _contact(admin, portal)
    actions.do_save_contact(actor=admin, portal=portal, contact=contact, data={"phone": "5"})
    rows, last = queries.changes_since(portal.id, after)
    assert all(isinstance(r, ChangeRow) for r in rows)
    assert [(r.entity, r.entity_id, r.op, r.actor, r.origin) for r in rows] == [
        ("contact", contact.pk, "created", admin.user_id, "desk"),
        ("contact", contact.pk, "updated", admin.user_id, "desk"),
    ]
    assert rows[1].fields == ("phone",) and rows[0].at <= rows[1].at
    assert [r.sequence for r in rows] == [after + 1, after + 2] and last == after + 2


def test_excluded_origins_are_dropped_but_the_cursor_moves_past_them(admin, portal):
    after = _cursor(portal)
    _contact(admin, portal, "Mine")
    actions.do_save_contact(
        actor=admin, portal=portal, data={"last_name": "Synced"}, origin="crm-sync"
    )
    rows, last = queries.changes_since(portal.id, after, exclude_origin="crm-sync")
    assert [r.origin for r in rows] == ["desk"] and last == after + 2


def test_the_limit_caps_the_rows_and_last_is_the_last_row_read(admin, portal):
    after = _cursor(portal)
    for i in range(3):
        _contact(admin, portal, f"C{i}")
    rows, last = queries.changes_since(portal.id, after, limit=2)
    assert len(rows) == 2 and last == after + 2
    assert queries.changes_since(portal.id, last)[1] == after + 3


def test_a_ticket_written_by_an_agent_names_the_agents_user_and_a_customers_none(
    admin, portal, ticket
):
    from tandem.desk.actions.conversation import file_incoming

    after = _cursor(portal)
    actions.do_update_ticket(actor=admin, ticket=ticket, data={"priority": "Low"})
    file_incoming(ticket, from_email="cu@example.com", content="Any news?")
    rows, _ = queries.changes_since(portal.id, after)
    assert [(r.entity, r.op, r.actor) for r in rows] == [
        ("ticket", "updated", admin.user_id),
        ("ticket", "updated", None),
    ]


def test_deleting_an_account_logs_each_contact_and_ticket_losing_it(admin, portal, make_ticket):
    account = actions.do_save_account(actor=admin, portal=portal, data={"account_name": "Gone"})
    first = _contact(admin, portal, "First", account_id=account.id)
    second = _contact(admin, portal, "Second", account_id=account.id)
    stranger = _contact(admin, portal, "Stranger")
    ticket = make_ticket("Theirs", contact=None, contact_id=first.id)
    assert ticket.account_id == account.id
    after, account_id = _cursor(portal), account.pk
    actions.do_delete_customer(actor=admin, obj=account)
    rows, _ = queries.changes_since(portal.id, after)
    assert [(r.entity, r.entity_id, r.op, r.fields) for r in rows] == [
        ("account", account_id, "deleted", ()),
        ("ticket", ticket.pk, "updated", ("account_id",)),
        ("contact", first.pk, "updated", ("account_id",)),
        ("contact", second.pk, "updated", ("account_id",)),
    ]
    assert {r.actor for r in rows} == {admin.user_id}
    assert stranger.pk not in [r.entity_id for r in rows]
    first.refresh_from_db()
    assert first.account_id is None


def test_a_listener_is_told_once_per_committed_transaction(
    admin, portal, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _contact(admin, portal, "One")
        _contact(admin, portal, "Two")
        assert heard == []  # not before the commit
    portal.refresh_from_db()
    assert heard == [(portal.id, portal.last_change_seq)]


def test_a_write_in_a_rolled_back_savepoint_still_tells_of_the_rest(
    admin, portal, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            _contact(admin, portal, "Undone")
            raise RuntimeError("savepoint rolled back")
        kept = _contact(admin, portal, "Kept")
    rows, _ = queries.changes_since(portal.id, heard[0][1] - 1)
    assert len(heard) == 1 and [r.entity_id for r in rows] == [kept.pk]


def test_a_listener_is_not_told_of_a_rolled_back_write(
    admin, portal, heard, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks(execute=True)
    with capture as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        _contact(admin, portal, "Gone")
        raise RuntimeError("rolled back")
    assert heard == [] and callbacks == []


def test_a_failing_listener_is_logged_and_the_write_stands(
    admin, portal, heard, django_capture_on_commit_callbacks, caplog
):
    def broken(portal_id, last):
        raise RuntimeError("listener down")

    hooks.register_change_listener(broken)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        contact = _contact(admin, portal, "Stands")
    assert "listener down" in caplog.text and len(heard) == 1
    assert queries.contact_for(portal, contact.pk) == contact


def test_seeded_sample_data_is_logged_as_written_by_the_admin_who_seeded_it(admin, portal):
    rows, _ = queries.changes_since(portal.id, 0, limit=10**6)
    samples = [r for r in rows if r.fields == ("sample",)]
    assert samples and {r.actor for r in samples} == {admin.user_id}
    assert {r.entity for r in samples} == {"account", "contact", "ticket"}


def test_one_transaction_writing_to_two_portals_tells_of_each_once(
    admin, portal, other_portal, person, heard, django_capture_on_commit_callbacks
):
    owner = person("owner@other.test")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _contact(admin, portal, "Here")
        actions.do_save_contact(actor=owner, portal=other_portal, data={"last_name": "There"})
        _contact(admin, portal, "Here again")
    assert sorted(heard) == sorted(
        [(portal.id, _cursor(portal)), (other_portal.id, _cursor(other_portal))]
    )
