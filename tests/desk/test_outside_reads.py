"""Desk read and written by someone who is not one of its agents (the CRM integration): a
customer's tickets, their figures, one ticket by id, and a comment by a CRM user."""

from __future__ import annotations

import pytest

from tandem.desk import actions, queries
from tandem.web.errors import Problem

BASE = "/desk/acme-support"


@pytest.fixture
def customer(admin, portal):
    """An account with two contacts, each with a ticket; and a stranger with one."""
    account = actions.do_save_account(actor=admin, portal=portal, data={"account_name": "Kite"})
    contacts = [
        actions.do_save_contact(
            actor=admin,
            portal=portal,
            data={"last_name": name, "email": f"{name}@kite.test", "account_id": account.id},
        )
        for name in ("ann", "bob")
    ]
    return account, contacts


def _ticket(make_ticket, contact, subject, **data):
    return make_ticket(subject, contact=None, contact_id=contact.id, **data)


def test_a_customers_tickets_come_newest_first_in_one_query(
    customer, make_ticket, portal, django_assert_num_queries
):
    account, (ann, bob) = customer
    first = _ticket(make_ticket, ann, "First")
    second = _ticket(make_ticket, bob, "Second", dept="Billing")
    make_ticket("A stranger's")
    qs = queries.customer_ticket_rows(queries.customer_tickets(portal.id, account_ids=[account.id]))
    with django_assert_num_queries(1):
        rows = [(t.id, t.contact.last_name, t.department.name, t.assignee) for t in qs]
    assert [r[0] for r in rows] == [second.id, first.id]
    assert [r[1] for r in rows] == ["bob", "ann"]


def test_tickets_are_found_by_contact_by_email_and_by_view(customer, make_ticket, portal, admin):
    _account, (ann, bob) = customer
    ann_ticket = _ticket(make_ticket, ann, "Ann's")
    bob_ticket = _ticket(make_ticket, bob, "Bob's")
    by_contact = queries.customer_tickets(portal.id, contact_ids=[ann.id])
    assert list(by_contact.values_list("id", flat=True)) == [ann_ticket.id]
    by_email = queries.customer_tickets(portal.id, emails=[" BOB@kite.test "])
    assert list(by_email.values_list("id", flat=True)) == [bob_ticket.id]
    actions.do_update_ticket(actor=admin, ticket=bob_ticket, data={"status": "Closed"})
    both = {"contact_ids": [ann.id, bob.id]}
    closed = queries.customer_tickets(portal.id, view="closed", **both)
    assert list(closed.values_list("id", flat=True)) == [bob_ticket.id]
    still_open = queries.customer_tickets(portal.id, view="open", **both)
    assert list(still_open.values_list("id", flat=True)) == [ann_ticket.id]
    with pytest.raises(Problem) as refused:
        queries.customer_tickets(portal.id, view="nonsense", **both)
    assert "view" in refused.value.errors


def test_a_department_restriction_hides_the_other_departments_tickets(
    customer, make_ticket, portal, department
):
    account, (ann, bob) = customer
    support = _ticket(make_ticket, ann, "Support's")
    _ticket(make_ticket, bob, "Billing's", dept="Billing")
    seen = queries.customer_tickets(
        portal.id, account_ids=[account.id], department_ids=[department("Support").id]
    )
    assert list(seen.values_list("id", flat=True)) == [support.id]


def test_another_portals_customers_give_no_tickets(customer, make_ticket, other_portal):
    account, (ann, _bob) = customer
    _ticket(make_ticket, ann, "Ann's")
    found = queries.customer_tickets(
        other_portal.id, account_ids=[account.id], contact_ids=[ann.id], emails=[ann.email]
    )
    assert not found.exists()


def test_stats_count_the_customers_tickets_in_one_figure_set(
    customer, make_ticket, portal, admin, django_assert_max_num_queries
):
    account, (ann, bob) = customer
    _ticket(make_ticket, ann, "Open one")
    closed = _ticket(make_ticket, bob, "Closed one")
    actions.do_update_ticket(actor=admin, ticket=closed, data={"status": "Closed"})
    qs = queries.customer_tickets(portal.id, account_ids=[account.id])
    with django_assert_max_num_queries(2):  # the figures, then the rated tickets
        stats = queries.tickets_stats(qs)
    assert (stats["total"], stats["open"], stats["closed"]) == (2, 1, 1)
    assert stats["ratings"] == {"good": 0, "okay": 0, "bad": 0}


def test_a_ticket_by_id_is_a_404_in_another_portal_or_department(
    ticket, billing_ticket, portal, other_portal, department
):
    assert queries.portal_ticket(portal.id, ticket.id) == ticket
    with pytest.raises(Problem) as other:
        queries.portal_ticket(other_portal.id, ticket.id)
    assert other.value.status == 404
    with pytest.raises(Problem) as hidden:
        queries.portal_ticket(portal.id, billing_ticket.id, [department("Support").id])
    assert hidden.value.status == 404
    with pytest.raises(Problem) as junk:
        queries.portal_ticket(portal.id, "not a number")
    assert junk.value.status == 400


def test_a_crm_users_comment_is_shown_under_their_name_from_the_crm(
    ticket, admin, person, portal, browser_as, desk
):
    sam = person("sales@acme.test")  # a CRM user who is no agent of the portal
    comment = actions.do_comment_on_behalf(
        actor=admin,
        ticket=ticket,
        content="Customer renews next week",
        author=sam,
        author_label="Sam Sales (CRM)",
        origin="crm",
    )
    assert comment.author == sam and not comment.is_public
    client = browser_as("agent")
    page = client.get(f"{BASE}/tickets/{ticket.id}/").content.decode()
    assert "Sam Sales (CRM)" in page  # in the conversation
    history = client.get(f"{BASE}/tickets/{ticket.id}/history/").content.decode()
    assert "Sam Sales (CRM)" in history
    listed = desk("agent").get(f"/api/desk/v1/tickets/{ticket.id}/comments").json()["data"]
    assert [c["shown_as"] for c in listed if c["id"] == comment.id] == ["Sam Sales (CRM)"]
    rows, _ = queries.changes_since(portal.id, 0, limit=10**6)
    assert (rows[-1].entity_id, rows[-1].fields, rows[-1].actor, rows[-1].origin) == (
        ticket.id,
        ("comments",),
        sam.id,
        "crm",
    )


def test_a_comment_on_behalf_needs_an_agents_authority(ticket, billing_ticket, person, agent_of):
    sam = person("sales@acme.test")
    for authority, target in ((sam, ticket), (agent_of("light@acme.test"), billing_ticket)):
        with pytest.raises(Problem) as refused:
            actions.do_comment_on_behalf(
                actor=authority,
                ticket=target,
                content="Hello",
                author=sam,
                author_label="Sam Sales (CRM)",
            )
        assert refused.value.status in (403, 404)
    assert not billing_ticket.comments.exists() and not ticket.comments.exists()
