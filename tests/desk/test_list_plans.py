"""The list views sorted by due date read an index in that order on SQLite, every page of them:
a lead triaging overdue tickets sorts them by due date, and without an index per view SQLite
sorted every ticket of the view for each page (1.3-2.3 s at 1,000,000 tickets; the sizes are
measured by hand, this test pins the plan)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.desk import queries
from tandem.web.pagination import encode_cursor, keyset_page

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plans")

FLAG_VIEWS = ["open", "overdue", "escalated", "high_priority"]


def _plan(agent, view: str, sort: str, cursor: str | None = None) -> str:
    qs = queries.for_list(queries.tickets(agent, view=view))
    with CaptureQueriesContext(connection) as captured:
        keyset_page(qs, order=queries.sort_order(sort), cursor=cursor, limit=50)
    plans = []
    with connection.cursor() as cursor_:
        for query in captured.captured_queries:
            cursor_.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plans += [row[-1] for row in cursor_.fetchall()]
    return " | ".join(plans)


@pytest.mark.parametrize("view", FLAG_VIEWS)
@pytest.mark.parametrize("sort", ["due_date", "-due_date"])
def test_a_flag_view_by_due_date_walks_its_own_index(admin, make_ticket, view, sort):
    make_ticket("Due soon", priority="Urgent", due_date="2030-01-01T10:00:00Z")
    _as_if_a_million_tickets()
    plan = _plan(admin, view, sort)
    assert "TEMP B-TREE" not in plan, plan
    assert "_due_p" in plan, plan  # desk_t_open_due_p, desk_t_overdue_due_p, …


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
    """The planner's statistics (sqlite_stat1, as ANALYZE writes them) of a portal with
    1,000,000 tickets, half of them open: the plans that were slow there are chosen here."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # creates sqlite_stat1
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'desk_ticket'")
        for index, stat in (
            ("desk_t_all", "1000000 1000000 1"),
            ("desk_t_open_p", "499746 499746 1"),
            ("desk_t_due", "1000000 1000000 1 1"),
            ("desk_t_status", "1000000 1000000 333334 1"),
            ("desk_t_email", "1000000 1000000 11 1"),
            ("desk_t_department", "1000000 500000 1"),
            ("desk_t_assignee", "1000000 1000000 1"),
        ):
            cursor.execute("INSERT INTO sqlite_stat1 VALUES ('desk_ticket', %s, %s)", [index, stat])
        cursor.execute("ANALYZE sqlite_schema")  # reads the statistics in
