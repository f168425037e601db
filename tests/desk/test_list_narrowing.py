"""A list narrowed to a department or an assignee (an agent's own departments, the Department
and Assignee filters) plans by the set's size (queries.tickets.within): a small set read by id
and sorted, a large one checked while the view's index is walked. Either way the list holds the
same tickets in the same order as the plain filter, page after page."""

from __future__ import annotations

from importlib import import_module

import pytest

from tandem.desk import queries
from tandem.web.pagination import keyset_page

tickets_module = import_module("tandem.desk.queries.tickets")
SORTS = ["-created_at", "due_date", "-due_date"]


def _pages(qs, sort: str) -> list[int]:
    ids, cursor = [], None
    while True:
        rows, cursor = keyset_page(qs, order=queries.sort_order(sort), cursor=cursor, limit=3)
        ids += [row["id"] for row in rows]
        if cursor is None:
            return ids


def _plain(reader, view: str, filters: dict):
    """What the list means, said the plain way."""
    qs = queries.visible_tickets(reader).filter(queries.VIEWS[view]).filter(**filters)
    return queries.for_list(qs)


@pytest.fixture
def varied(admin, agent_of, make_ticket):
    """Tickets in both departments, some assigned to the agent, with and without due dates."""
    agent = agent_of("agent@acme.test")
    for i in range(12):
        make_ticket(
            f"Varied {i}",
            dept=("Support", "Billing")[i % 2],
            priority=("Low", "High", "Urgent")[i % 3],
            due_date=None if i % 4 == 0 else f"20{25 + i % 5}-0{1 + i % 9}-01T10:00:00Z",
            assignee_id=agent.id if i % 3 != 1 else None,
        )
    return agent


@pytest.mark.parametrize("few", [0, 5, 10**6], ids=["walk the view", "mixed", "read by id"])
def test_a_narrowed_list_holds_what_the_plain_filter_holds_in_order(
    admin, varied, department, monkeypatch, few
):
    monkeypatch.setattr(tickets_module, "FEW", few)
    billing, support = department("Billing").id, department("Support").id
    mine = {"assignee_id": varied.id}
    filters = [{}, {"department_id": billing}, {"department_id": support}, mine,
               {"department_id": support, **mine}]  # fmt: skip
    for reader in (admin, varied):  # an admin sees all; the agent only Support
        for view in queries.VIEWS:
            for sort in SORTS:
                for narrowed in filters:
                    got = _pages(
                        queries.for_list(queries.tickets(reader, view=view, **narrowed)), sort
                    )
                    want = _pages(_plain(reader, view, narrowed), sort)
                    assert got == want, (reader.role, view, sort, narrowed)


def test_a_filter_naming_another_portals_department_or_agent_lists_and_reads_nothing(
    admin, varied, other_portal, other_ticket
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tandem.desk.models import Agent, Department

    theirs = {
        "department_id": Department.objects.filter(portal=other_portal).first().id,
        "assignee_id": Agent.objects.filter(portal=other_portal).first().id,
    }
    for field, value in theirs.items():
        with CaptureQueriesContext(connection) as captured:
            rows = list(queries.tickets(admin, **{field: value}))
        assert rows == []
        # Not even counted: the other portal's tickets are never read for this list.
        assert not any(
            "desk_ticket" in q["sql"] and f'{field}" IN ({value})' in q["sql"]
            for q in captured.captured_queries
        ), captured.captured_queries
