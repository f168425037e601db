"""The list views sorted by due date read an index in that order, on SQLite: a lead triaging
overdue tickets sorts them by due date, and without an index per view SQLite sorted every
ticket of the view for each page (1.3-2.3 s at 1,000,000 tickets; `tandem bench` has the
sizes, this test the plan)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.desk import queries
from tandem.web.pagination import keyset_page

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plans")

FLAG_VIEWS = ["open", "overdue", "escalated", "high_priority"]


def _plan(agent, view: str, sort: str, cursor: str | None = None) -> str:
    qs = queries.for_list(queries.tickets(agent, view=view))
    with CaptureQueriesContext(connection) as captured:
        keyset_page(qs, order=queries.sort_order(sort), cursor=cursor, limit=50)
    sql = captured.captured_queries[-1]["sql"]
    with connection.cursor() as cursor_:
        cursor_.execute("EXPLAIN QUERY PLAN " + sql)
        return " | ".join(row[-1] for row in cursor_.fetchall())


@pytest.mark.parametrize("view", FLAG_VIEWS)
@pytest.mark.parametrize("sort", ["due_date", "-due_date"])
def test_a_flag_view_by_due_date_walks_its_own_index(admin, make_ticket, view, sort):
    make_ticket("Due soon", priority="Urgent", due_date="2030-01-01T10:00:00Z")
    plan = _plan(admin, view, sort)
    assert "TEMP B-TREE" not in plan, plan
    assert "_due_p" in plan, plan  # desk_t_open_due_p, desk_t_overdue_due_p, …
