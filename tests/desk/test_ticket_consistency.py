"""A ticket stays consistent when several hands touch it: flags follow the status, the SLA
knows what an agent set, and every change starts from the stored ticket."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tandem.desk import actions, queries, search
from tandem.desk.models import Product, Ticket
from tandem.web.errors import Problem

from .conftest import problem

T = "/api/desk/v1/tickets"


def test_closing_with_a_past_due_date_is_not_overdue(desk, ticket):
    r = desk("agent").patch(f"{T}/{ticket.id}", {"status": "Closed", "due_date": "2020-01-01"})
    assert r.status_code == 200, r.content
    assert r.json()["is_overdue"] is False
    assert "is_overdue" not in ticket.events.order_by("-id").first().changes


def test_a_new_ticket_given_no_due_date_still_follows_the_policy(desk, department):
    body = desk("agent").post(
        T, {"subject": "No date", "department_id": department("Support").id, "due_date": None}
    )
    ticket = Ticket.objects.get(pk=body.json()["id"])
    assert ticket.due_date is not None and not ticket.due_date_by_hand


def test_re_entering_the_due_date_makes_it_the_agents_without_a_history_line(admin, ticket):
    events = ticket.events.count()
    actions.do_update_ticket(actor=admin, ticket=ticket, data={"due_date": ticket.due_date})
    ticket.refresh_from_db()
    assert ticket.due_date_by_hand and ticket.events.count() == events


def test_a_ticket_deleted_meanwhile_is_a_404_not_a_crash(admin, make_ticket):
    stale = make_ticket()
    Ticket.objects.filter(pk=stale.pk).delete()
    with pytest.raises(Problem) as refused:
        actions.do_update_ticket(actor=admin, ticket=stale, data={"priority": "High"})
    assert refused.value.status == 404


def test_a_ticket_moved_out_of_the_agents_departments_meanwhile_is_refused(
    agent_of, admin, department, make_ticket
):
    stale = make_ticket()  # in Support, where the agent works
    Ticket.objects.filter(pk=stale.pk).update(department=department("Billing"))
    with pytest.raises(Problem) as refused:
        actions.do_update_ticket(
            actor=agent_of("agent@acme.test"), ticket=stale, data={"priority": "Low"}
        )
    assert refused.value.status == 404
    assert Ticket.objects.get(pk=stale.pk).priority == "Medium"


def test_a_customer_reply_after_the_ticket_changed_hands_is_refused(make_ticket):
    stale = make_ticket()  # read for cu@example.com
    Ticket.objects.filter(pk=stale.pk).update(email="someone@else.test")
    with pytest.raises(Problem) as refused:
        actions.file_customer_reply(ticket=stale, content="Me again")
    assert refused.value.status == 404
    assert not stale.threads.filter(action="incoming").exists()


def test_a_numeric_product_code_wins_over_an_id_and_hash_id_is_an_id(admin, portal):
    product = actions.do_save_product(
        actor=admin, portal=portal, data={"product_name": "Widget", "product_code": "10045"}
    )
    assert queries.record_typed(portal, "product_id", "10045") == product.pk
    assert queries.record_typed(portal, "product_id", f"#{product.pk}") == product.pk
    other = Product.objects.filter(portal=portal).exclude(pk=product.pk).first()
    assert queries.record_typed(portal, "product_id", str(other.pk)) == other.pk


def test_several_matches_are_named_with_their_ids(desk, admin, portal):
    for _twin in range(2):
        actions.do_save_contact(
            actor=admin, portal=portal, data={"last_name": "Twin", "email": "twin@x.test"}
        )
    with pytest.raises(Problem) as refused:
        queries.record_typed(portal, "contact_id", "twin@x.test")
    text = refused.value.text()
    assert text.count("(#") == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index")
def test_an_invalid_search_index_is_built_anew(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pg_index SET indisvalid = false WHERE indexrelid = %s::regclass",
            [search.PG_INDEX],
        )
        search.install(connection)
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = %s",
            [search.PG_INDEX],
        )
        assert cursor.fetchone()[0] is True


def test_due_dates_are_kept_per_the_sla_when_reopened_with_a_new_priority(
    admin, department, make_ticket
):
    actions.do_set_sla(
        actor=admin,
        department=department("Support"),
        first_response_hours={},
        resolution_hours={"Medium": 48, "Urgent": 4},
    )
    ticket = make_ticket()
    actions.do_update_ticket(actor=admin, ticket=ticket, data={"status": "Closed"})
    actions.do_update_ticket(
        actor=admin, ticket=ticket, data={"status": "Open", "priority": "Urgent"}
    )
    ticket.refresh_from_db()
    assert ticket.due_date == ticket.created_at + timedelta(hours=4)
    assert ticket.due_date > timezone.now() - timedelta(days=1)


def test_the_api_answers_404_for_a_deleted_ticket(desk, ticket):
    Ticket.objects.filter(pk=ticket.pk).delete()
    problem(desk("agent").patch(f"{T}/{ticket.id}", {"priority": "High"}), 404)
