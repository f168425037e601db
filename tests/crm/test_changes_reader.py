"""The CRM's change log as the integration reads it, and the listeners told after commit."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from tandem.crm import actions, hooks, queries
from tandem.web.changes import ChangeRow


@pytest.fixture
def heard(monkeypatch):
    """The calls our change listener got: (org id, last sequence)."""
    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(hooks.change_listeners, "listeners", [])
    hooks.register_change_listener(lambda org_id, last: calls.append((org_id, last)))
    return calls


def _lead(acme, admin, name="Reader", origin="user"):
    leads = queries.module_for(acme, "Leads")
    return actions.do_create_record(
        actor=admin, org=acme, module=leads, values={"Last_Name": name}, origin=origin
    )


def test_the_reader_gives_rows_with_entity_op_fields_origin_and_actor(acme, person):
    admin = person("admin@acme.test")
    after = acme.change_seq
    lead = _lead(acme, admin)
    actions.do_update_record(actor=admin, org=acme, record=lead, values={"Company": "Ink"})
    rows, last = queries.changes_since(acme.pk, after)
    assert all(isinstance(r, ChangeRow) for r in rows)
    assert [(r.entity, r.entity_id, r.op, r.actor) for r in rows] == [
        ("Leads", lead.pk, "created", admin.pk),
        ("Leads", lead.pk, "updated", admin.pk),
    ]
    assert rows[1].fields == ("Company",) and rows[1].origin == "user"
    assert [r.sequence for r in rows] == [after + 1, after + 2] and last == after + 2


def test_excluded_origins_are_dropped_but_the_cursor_moves_past_them(acme, person):
    admin = person("admin@acme.test")
    after = acme.change_seq
    _lead(acme, admin, "Mine")
    _lead(acme, admin, "Synced", origin="desk-sync")
    rows, last = queries.changes_since(acme.pk, after, exclude_origin="desk-sync")
    assert [r.origin for r in rows] == ["user"]
    assert last == after + 2  # the sync's own row was read, so the next read starts after it


def test_the_limit_caps_the_rows_and_last_is_the_last_row_read(acme, person):
    admin = person("admin@acme.test")
    after = acme.change_seq
    for i in range(3):
        _lead(acme, admin, f"L{i}")
    rows, last = queries.changes_since(acme.pk, after, limit=2)
    assert len(rows) == 2 and last == after + 2
    rest, last = queries.changes_since(acme.pk, last)
    assert len(rest) == 1 and last == after + 3


def test_another_orgs_log_does_not_show_this_orgs_changes(acme, other, person):
    lead = _lead(acme, person("admin@acme.test"))
    rows, _ = queries.changes_since(other.pk, 0, limit=10_000)
    assert lead.pk not in [r.entity_id for r in rows]


def test_a_listener_is_told_once_per_committed_transaction(
    acme, person, heard, django_capture_on_commit_callbacks
):
    admin = person("admin@acme.test")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _lead(acme, admin, "One")
        _lead(acme, admin, "Two")
        assert heard == []  # not before the commit
    acme.refresh_from_db()
    assert heard == [(acme.pk, acme.change_seq)]


def test_a_listener_is_not_told_of_a_rolled_back_write(
    acme, person, heard, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks(execute=True)
    with capture as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        _lead(acme, person("admin@acme.test"), "Gone")
        raise RuntimeError("rolled back")
    assert heard == [] and callbacks == []


def test_a_failing_listener_is_logged_and_the_write_stands(
    acme, person, heard, django_capture_on_commit_callbacks, caplog
):
    def broken(org_id, last):
        raise RuntimeError("listener down")

    hooks.register_change_listener(broken)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        lead = _lead(acme, person("admin@acme.test"), "Stands")
    assert "listener down" in caplog.text
    assert len(heard) == 1  # the other listener was told all the same
    assert queries.changes_since(acme.pk, heard[0][1] - 1)[0][0].entity_id == lead.pk
