"""The list views sorted by due date read an index in that order on SQLite, every page of them:
a lead triaging overdue tickets sorts them by due date, and without an index per view SQLite
sorted every ticket of the view for each page (1.3-2.3 s at 1,000,000 tickets; the sizes are
measured by hand, this test pins the plan)."""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.desk import queries
from tandem.web.pagination import encode_cursor, keyset_page

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plans")

# Each flag view's partial indexes, newest first and by due date: a page reads only the view's
# tickets (a plan on desk_t_all would walk the whole portal to find a rare flag).
FLAG_INDEXES = {
    "open": ("desk_t_open_p", "desk_t_open_due_p"),
    "overdue": ("desk_t_overdue2_p", "desk_t_overdue_due_p"),
    "escalated": ("desk_t_escalated_p", "desk_t_escalated_due_p"),
    "high_priority": ("desk_t_high_p", "desk_t_high_due_p"),
    "linked_open_deals": ("desk_t_deal_p", "desk_t_deal_due_p"),
}
FLAG_VIEWS = list(FLAG_INDEXES)


def _plan(agent, view: str, sort: str, cursor: str | None = None, **filters) -> str:
    qs = queries.for_list(queries.tickets(agent, view=view, **filters))
    with CaptureQueriesContext(connection) as captured:
        keyset_page(qs, order=queries.sort_order(sort), cursor=cursor, limit=50)
    plans = []
    with connection.cursor() as cursor_:
        for query in captured.captured_queries:
            cursor_.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plans += [row[-1] for row in cursor_.fetchall()]
    return " | ".join(plans)


@pytest.mark.parametrize("view", FLAG_VIEWS)
@pytest.mark.parametrize("sort", ["due_date", "-due_date", "-created_at"])
@pytest.mark.parametrize("analyzed", [True, False], ids=["analyzed", "never analyzed"])
def test_a_flag_view_walks_the_index_in_its_order(admin, make_ticket, view, sort, analyzed):
    make_ticket("Due soon", priority="Urgent", due_date="2030-01-01T10:00:00Z")
    if analyzed:
        _as_if_a_million_tickets()
    plan = _plan(admin, view, sort)
    assert "TEMP B-TREE" not in plan, plan
    newest_first, by_due_date = FLAG_INDEXES[view]
    assert f"INDEX {by_due_date if sort.endswith('due_date') else newest_first} " in plan, plan


@pytest.mark.parametrize("view", ["all", *FLAG_VIEWS])
@pytest.mark.parametrize("sort", ["due_date", "-created_at"])
def test_an_agent_of_a_large_department_walks_the_views_index(
    agent_of, make_ticket, monkeypatch, view, sort
):
    # With the department's index SQLite read all of its tickets and sorted them, for each page
    # (1-2.6 s at 1,000,000 tickets for an agent of one of two departments).
    monkeypatch.setattr(import_module("tandem.desk.queries.tickets"), "FEW", 1)  # "large"
    make_ticket("One", priority="Urgent", due_date="2030-01-01T10:00:00Z")
    make_ticket("Two", priority="Urgent", due_date="2030-01-02T10:00:00Z")
    _as_if_a_million_tickets()
    plan = _plan(agent_of("agent@acme.test"), view, sort)
    assert "TEMP B-TREE" not in plan and "desk_t_department" not in plan, plan
    newest_first, by_due_date = FLAG_INDEXES.get(view, ("desk_t_all", "desk_t_due"))
    assert f"INDEX {by_due_date if sort == 'due_date' else newest_first} " in plan, plan


@pytest.mark.parametrize("view", ["all", *FLAG_VIEWS])
def test_an_assignees_few_tickets_are_read_by_id(admin, agent_of, make_ticket, view):
    # Walking a view's index for an assignee with no ticket in it read every ticket of the view
    # (0.4 s for the Open view at 1,000,000 tickets).
    make_ticket("Mine", assignee_id=agent_of("agent@acme.test").id)
    _as_if_a_million_tickets()
    plan = _plan(admin, view, "-created_at", assignee_id=agent_of("agent@acme.test").id)
    # By its ids: the primary key, or a view's index probed for each (portal_id=? AND id=?).
    assert re.search(r"\b(rowid|id)=\?", plan.split(" | ")[0]), plan


def test_the_migration_refreshes_figures_sqlite_already_has(make_ticket):
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

    migration = import_module("tandem.desk.migrations.0014_flag_views_by_due_date")
    make_ticket("Overdue", due_date="2020-01-01T10:00:00Z")  # open and overdue: in both indexes
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE idx LIKE '%%_due_p'")
    migration.refresh_statistics(None, BaseDatabaseSchemaEditor(connection))
    with connection.cursor() as cursor:
        cursor.execute("SELECT idx FROM sqlite_stat1 WHERE idx LIKE '%%_due_p' ORDER BY idx")
        refreshed = [row[0] for row in cursor.fetchall()]
    assert "desk_t_open_due_p" in refreshed and "desk_t_overdue_due_p" in refreshed


@pytest.mark.parametrize("sort", ["due_date", "-due_date"])
def test_a_later_page_of_all_tickets_by_due_date_starts_where_the_last_ended(
    admin, make_ticket, sort
):
    # The cursor's rows after (due date, id), then those with no due date: as one query
    # ("… OR due_date IS NULL …") SQLite sorted every ticket for each page (3-5 s at 1 M).
    make_ticket("Due soon", due_date="2030-01-01T10:00:00Z")
    _as_if_a_million_tickets()
    cursor = encode_cursor([timezone.now(), 1])
    plan = _plan(admin, "all", sort, cursor)
    assert "TEMP B-TREE" not in plan and "MULTI-INDEX OR" not in plan, plan


def _as_if_a_million_tickets() -> None:
    """The planner's statistics of the bench's portal with 1,000,000 tickets (sqlite_stat1 as
    ANALYZE wrote it there, every index of the table): the plans chosen there are chosen here."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # creates sqlite_stat1
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'desk_ticket'")
        for index, stat in (
            ("desk_t_account_s", "1021843 103 1 1 1 1 1 1 1 1 1"),
            ("desk_t_all", "1021843 1021843 1"),
            ("desk_t_assignee", "1021843 1021843 1"),
            ("desk_t_contact_s", "1021843 11 1 1 1 1 1 1 1 1 1"),
            ("desk_t_deal_due_p", "2618 2618 1 1"),
            ("desk_t_deal_p", "2618 2618 1"),
            ("desk_t_department", "1021843 510922 1"),
            ("desk_t_due", "1021843 1021843 1 1"),
            ("desk_t_email", "1021843 1021843 11 1"),
            ("desk_t_escalated_due_p", "24855 24855 1 1"),
            ("desk_t_escalated_p", "24855 24855 1"),
            ("desk_t_high_due_p", "421496 421496 1 1"),
            ("desk_t_high_p", "421496 421496 1"),
            ("desk_t_open_due_p", "521589 521589 1 1"),
            ("desk_t_open_p", "521589 521589 1"),
            ("desk_t_overdue2_p", "498715 498715 1"),
            ("desk_t_overdue_due_p", "498715 498715 1 1"),
            ("desk_t_product", "1021843 1021843 1"),
            ("desk_t_rating_due_p", "199545 2"),
            ("desk_t_sla_due_p", "22874 23"),
            ("desk_t_sla_late_p", "473902 236951 1"),
            ("desk_t_sla_r_p", "115649 115649"),
            ("desk_t_status", "1021843 1021843 340615 1"),
            ("sqlite_autoindex_desk_ticket_1", "1021843 1021843 1"),
        ):
            cursor.execute("INSERT INTO sqlite_stat1 VALUES ('desk_ticket', %s, %s)", [index, stat])
        # And the tables a list row joins, as there: one admin, two departments.
        for table, index, stat in (
            ("desk_department", "desk_department_portal_id_502bfdd8", "2 2"),
            ("desk_department", "sqlite_autoindex_desk_department_1", "2 2 1"),
            ("desk_agent", "desk_agent_invited_by_id_03690280", "1 1"),
            ("desk_agent", "desk_agent_portal_id_f5fe05c4", "1 1"),
            ("desk_agent", "desk_agent_user_id_f5643e5b", "1 1"),
            ("desk_agent", "sqlite_autoindex_desk_agent_1", "1 1 1"),
            ("desk_contact", "desk_contact_portal_id_cfc8f734", "100000 100000"),
            ("identity_user", "sqlite_autoindex_identity_user_1", "1 1"),
        ):
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s AND idx = %s", [table, index])
            cursor.execute("INSERT INTO sqlite_stat1 VALUES (%s, %s, %s)", [table, index, stat])
        cursor.execute("ANALYZE sqlite_schema")  # reads the statistics in
