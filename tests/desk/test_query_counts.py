"""No N+1 in Desk: every list of the REST API and every agent page costs the same number of
queries for a few rows as for many, with the related rows (accounts, assignees, departments,
authors, attachments) that an N+1 would fetch one by one.

Each test reads once with a few rows under an absolute ceiling, adds many more rows, and reads
again under the count the few rows cost. A fresh portal keeps "3" meaning three."""

from __future__ import annotations

import itertools
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tandem.desk import actions
from tandem.desk.models import Agent, Department, Ticket
from tandem.identity import tokens
from tandem.identity.models import User
from tests.conftest import Api

API = "/api/desk/v1"
SLUG = "fresh-support"
BASE = f"/desk/{SLUG}"
PDF = b"%PDF-1.4 a small report"


class FreshPortal:
    """A portal with nothing in it but an Admin, an Agent of two departments, and what each
    test adds with the `add_*` helpers (each row with its related rows, as in real use)."""

    def __init__(self):
        self.serial = itertools.count(1)
        boss = User.objects.create_user("boss@fresh.test", name="Boss")
        self.portal = actions.do_create_portal(actor=boss, name="Fresh Support", slug=SLUG)
        self.admin = Agent.objects.select_related("user", "portal").get(
            portal=self.portal, user=boss
        )
        self.support = Department.objects.get(portal=self.portal, name="Support")
        self.billing = actions.do_create_department(
            actor=self.admin, portal=self.portal, name="Billing"
        )
        self.agent = self._agent("agent@fresh.test", "agent", [self.support, self.billing])
        self.agent.user.name = "Agent"
        self.agent.user.save(update_fields=["name"])

    def _agent(self, email, role, departments) -> Agent:
        user = User.objects.create_user(email, name=email.split("@")[0].title())
        actions.do_add_agent(
            actor=self.admin, portal=self.portal, user=user, role=role, departments=departments
        )
        return Agent.objects.select_related("user", "portal").get(portal=self.portal, user=user)

    def api(self, who: Agent) -> Api:
        return Api(tokens.do_create_token(actor=who.user, kind="desk", tenant_id=self.portal.id)[1])

    def browser(self, who: Agent) -> Client:
        client = Client()
        client.force_login(who.user)
        return client

    # What the tests add, many at a time.

    def add_departments(self, n: int) -> list[Department]:
        return [
            actions.do_create_department(
                actor=self.admin, portal=self.portal, name=f"Dept {next(self.serial)}"
            )
            for _ in range(n)
        ]

    def add_agents(self, n: int) -> list[Agent]:
        """Agents of one or two departments each, every third a Light Agent, every fourth
        deactivated, every fifth only invited (they are all listed)."""
        made = []
        for i in range(n):
            k = next(self.serial)
            departments = [self.support] if i % 2 else [self.support, self.billing]
            role = "light_agent" if i % 3 == 0 else "agent"
            if i % 5 == 4:
                invited = actions.do_invite_agent(
                    actor=self.admin,
                    portal=self.portal,
                    email=f"invited{k}@fresh.test",
                    role=role,
                    department_ids=[d.id for d in departments],
                )
                made.append(invited)
                continue
            agent = self._agent(f"agent{k}@fresh.test", role, departments)
            if i % 4 == 3:
                actions.do_set_agent_state(actor=self.admin, agent=agent, active=False)
            made.append(agent)
        return made

    def add_accounts(self, n: int, contacts_each: int = 2):
        made = []
        for _ in range(n):
            k = next(self.serial)
            account = actions.do_save_account(
                actor=self.admin,
                portal=self.portal,
                data={"account_name": f"Account {k}", "email": f"info@a{k}.test", "phone": "5"},
            )
            for j in range(contacts_each):
                self.add_contact(account=account, name=f"Member {k}-{j}")
            made.append(account)
        return made

    def add_contact(self, *, account=None, name: str = ""):
        k = next(self.serial)
        if account is None:
            account = actions.do_save_account(
                actor=self.admin, portal=self.portal, data={"account_name": f"Own {k}"}
            )
        return actions.do_save_contact(
            actor=self.admin,
            portal=self.portal,
            data={
                "first_name": "Pat",
                "last_name": name or f"Contact {k}",
                "email": f"c{k}@x.test",
                "phone": f"+1 555 {k:04d}",
                "account_id": account.id,
            },
        )

    def add_contacts(self, n: int):
        return [self.add_contact() for _ in range(n)]

    def add_products(self, n: int):
        return [
            actions.do_save_product(
                actor=self.admin,
                portal=self.portal,
                data={
                    "product_name": f"Product {k}",
                    "product_code": f"P{k}",
                    "unit_price": "9.50",
                    "department_ids": [self.support.id]
                    + ([self.billing.id] if k % 2 else [])
                    + [d.id for d in self.add_departments(1)],
                },
            )
            for k in (next(self.serial) for _ in range(n))
        ]

    def add_tickets(self, n: int, *, contact=None, account=None, assignees=()) -> list[Ticket]:
        """Tickets with a contact (its account follows), an assignee, a product, in both
        departments; some closed and rated, some answered."""
        assignees = list(assignees) or [self.admin, self.agent]
        product = self.add_products(1)[0]
        made = []
        for i in range(n):
            k = next(self.serial)
            data = {
                "subject": f"Ticket {k}",
                "department_id": (self.support if i % 2 else self.billing).id,
                "assignee_id": assignees[i % len(assignees)].id,
                "product_id": product.id,
                "priority": ["Low", "Medium", "High", "Urgent"][i % 4],
            }
            if contact is not None:
                data["contact_id"] = contact.id
            elif account is not None:
                member = self.add_contact(account=account)
                data["contact_id"] = member.id
            else:
                data["contact"] = {"last_name": f"Inline {k}", "email": f"t{k}@x.test"}
            ticket = actions.do_create_ticket(actor=self.admin, portal=self.portal, data=data)
            if i % 3 == 0:
                actions.do_send_thread(
                    actor=self.admin, ticket=ticket, action="reply", content="On it"
                )
            if i % 4 == 1:
                actions.do_update_ticket(actor=self.admin, ticket=ticket, data={"status": "Closed"})
                actions.do_rate_ticket(ticket=ticket, rating=["good", "okay", "bad"][i % 3])
            made.append(ticket)
        return made

    def add_conversation(self, ticket: Ticket, n: int, repliers=()) -> None:
        """`n` rounds of: an agent's reply with a file, the customer's answer with a file,
        a comment (public or private) by another agent, and a loose file on the ticket."""
        repliers = list(repliers) or [self.admin, self.agent]
        for i in range(n):
            k = next(self.serial)
            writer = repliers[i % len(repliers)]
            commenter = repliers[(i + 1) % len(repliers)]
            actions.do_send_thread(
                actor=writer,
                ticket=ticket,
                action=["reply", "reply_all", "forward"][i % 3],
                to=["someone@x.test"],
                content=f"Reply {k}",
                uploads=[SimpleUploadedFile(f"reply{k}.pdf", PDF)],
            )
            incoming = actions.file_customer_reply(ticket=ticket, content=f"Answer {k}")
            actions.store_attachment(
                ticket, SimpleUploadedFile(f"answer{k}.pdf", PDF), thread=incoming
            )
            actions.do_add_comment(
                actor=commenter, ticket=ticket, content=f"Note {k}", is_public=bool(i % 2)
            )
            actions.do_attach(
                actor=commenter, ticket=ticket, upload=SimpleUploadedFile(f"loose{k}.pdf", PDF)
            )


@pytest.fixture
def fresh(db) -> FreshPortal:
    return FreshPortal()


@pytest.fixture
def same_cost(django_assert_max_num_queries):
    """same_cost(read, grow, ceiling): `read()` with a few rows costs at most `ceiling`
    queries; after `grow()` it costs no more than it did. Returns both responses, for the test
    to check that the many rows really are in the answer."""

    def check(read, grow, ceiling: int):
        read()  # a first read warms what is cached per process (content types, sessions)
        with django_assert_max_num_queries(ceiling) as few:
            small = read()
        grow()
        with django_assert_max_num_queries(len(few.captured_queries)):
            big = read()
        assert small.status_code == big.status_code == 200, big.content[:500]
        return small, big

    return check


def rows(response) -> list:
    return response.json()["data"]


# The REST API's lists.


def test_accounts_api_list_costs_the_same_queries_for_3_or_30_accounts(fresh, same_cost):
    fresh.add_accounts(3)
    client = fresh.api(fresh.agent)
    small, big = same_cost(
        lambda: client.get(f"{API}/accounts?limit=200"), lambda: fresh.add_accounts(27), 3
    )
    assert len(rows(small)) == 3 and len(rows(big)) == 30


def test_products_api_list_costs_the_same_queries_for_3_or_30_products(fresh, same_cost):
    fresh.add_products(3)
    client = fresh.api(fresh.agent)
    small, big = same_cost(
        lambda: client.get(f"{API}/products?limit=200"), lambda: fresh.add_products(27), 4
    )
    assert len(rows(small)) == 3 and len(rows(big)) == 30
    assert all(len(p["department_ids"]) >= 2 for p in rows(big))


def test_agents_api_list_costs_the_same_queries_for_3_or_30_agents(fresh, same_cost):
    fresh.add_agents(1)  # with the Admin and the Agent: three
    client = fresh.api(fresh.agent)
    small, big = same_cost(
        lambda: client.get(f"{API}/agents?limit=200"), lambda: fresh.add_agents(27), 4
    )
    assert len(rows(small)) == 3 and len(rows(big)) == 30
    assert {a["state"] for a in rows(big)} == {"active", "invited", "deactivated"}
    assert all(a["email"] and a["department_ids"] for a in rows(big))


def test_departments_api_list_costs_the_same_queries_for_3_or_30_departments(fresh, same_cost):
    fresh.add_departments(1)  # with Support and Billing: three
    client = fresh.api(fresh.agent)
    small, big = same_cost(
        lambda: client.get(f"{API}/departments?limit=200"), lambda: fresh.add_departments(27), 3
    )
    assert len(rows(small)) == 3 and len(rows(big)) == 30


def test_contacts_api_list_costs_the_same_queries_for_3_or_30_contacts(fresh, same_cost):
    fresh.add_contacts(3)
    client = fresh.api(fresh.agent)
    small, big = same_cost(
        lambda: client.get(f"{API}/contacts?limit=200"), lambda: fresh.add_contacts(27), 3
    )
    assert len(rows(small)) == 3 and len(rows(big)) == 30
    assert all(c["account_id"] for c in rows(big))


@pytest.fixture
def talked_about(fresh) -> Ticket:
    """A ticket of the Agent's department, with one round of conversation."""
    ticket = fresh.add_tickets(1)[0]
    fresh.add_conversation(ticket, 1)
    return ticket


@pytest.fixture
def more_agents(fresh) -> list[Agent]:
    return [fresh._agent(f"writer{i}@fresh.test", "agent", [fresh.billing]) for i in range(4)]


def test_threads_api_list_costs_the_same_queries_for_3_or_33_emails_with_files(
    fresh, talked_about, more_agents, same_cost
):
    client = fresh.api(fresh.agent)
    small, big = same_cost(
        lambda: client.get(f"{API}/tickets/{talked_about.id}/threads?limit=200"),
        lambda: fresh.add_conversation(talked_about, 15, repliers=more_agents),
        6,
    )
    assert len(rows(small)) == 3 and len(rows(big)) == 33
    assert [len(t["attachments"]) for t in rows(big)] == [0] + [1] * 32  # the first: no file
    assert len({t["author_id"] for t in rows(big)}) == 6  # None (the customer) and 5 agents


def test_comments_api_list_costs_the_same_queries_for_1_or_16_comments(
    fresh, talked_about, more_agents, same_cost
):
    client = fresh.api(fresh.agent)
    small, big = same_cost(
        lambda: client.get(f"{API}/tickets/{talked_about.id}/comments?limit=200"),
        lambda: fresh.add_conversation(talked_about, 15, repliers=more_agents),
        5,
    )
    assert len(rows(small)) == 1 and len(rows(big)) == 16


def test_attachments_api_list_costs_the_same_queries_for_3_or_48_files(
    fresh, talked_about, more_agents, same_cost
):
    client = fresh.api(fresh.agent)
    small, big = same_cost(
        lambda: client.get(f"{API}/tickets/{talked_about.id}/attachments?limit=200"),
        lambda: fresh.add_conversation(talked_about, 15, repliers=more_agents),
        5,
    )
    assert len(rows(small)) == 3 and len(rows(big)) == 48


@pytest.mark.parametrize("customer", ["contact_id", "account_id"])
def test_stats_api_costs_the_same_queries_for_3_or_30_tickets(customer, fresh, same_cost):
    account = fresh.add_accounts(1, contacts_each=0)[0]
    contact = fresh.add_contact(account=account)
    fresh.add_tickets(3, contact=contact)
    client = fresh.api(fresh.agent)
    value = contact.id if customer == "contact_id" else account.id
    small, big = same_cost(
        lambda: client.get(f"{API}/stats?{customer}={value}"),
        lambda: fresh.add_tickets(27, contact=contact, assignees=fresh.add_agents(3)),
        4,
    )
    assert small.json()["total"] == 3 and big.json()["total"] == 30
    assert sum(big.json()["ratings"].values()) == big.json()["closed"] > 0


# The agent pages.


def test_contacts_page_costs_the_same_queries_for_3_or_50_contacts(fresh, same_cost):
    fresh.add_contacts(3)
    client = fresh.browser(fresh.agent)
    small, big = same_cost(
        lambda: client.get(f"{BASE}/contacts/"), lambda: fresh.add_contacts(47), 6
    )
    assert small.content.decode().count("Pat Contact") == 3
    assert big.content.decode().count("Pat Contact") == 50


def test_accounts_page_costs_the_same_queries_for_3_or_50_accounts(fresh, same_cost):
    fresh.add_accounts(3, contacts_each=1)
    client = fresh.browser(fresh.agent)
    _, big = same_cost(
        lambda: client.get(f"{BASE}/accounts/"), lambda: fresh.add_accounts(47, contacts_each=1), 6
    )
    assert len(re.findall(r">Account \d+</a>", big.content.decode())) == 50


def test_products_page_costs_the_same_queries_for_3_or_30_products(fresh, same_cost):
    fresh.add_products(3)
    client = fresh.browser(fresh.agent)
    _, big = same_cost(lambda: client.get(f"{BASE}/products/"), lambda: fresh.add_products(27), 7)
    page = big.content.decode()
    assert len(re.findall(r">Product \d+</a>", page)) == 30 and page.count(", Support</td>") == 30


def test_contact_page_costs_the_same_queries_for_3_or_30_tickets_and_accounts(fresh, same_cost):
    account = fresh.add_accounts(1, contacts_each=0)[0]
    contact = fresh.add_contact(account=account)
    fresh.add_tickets(3, contact=contact)
    client = fresh.browser(fresh.agent)

    def grow():
        fresh.add_tickets(27, contact=contact, assignees=fresh.add_agents(3))
        fresh.add_accounts(30, contacts_each=0)  # the account picker lists them

    _, big = same_cost(lambda: client.get(f"{BASE}/contacts/{contact.id}/"), grow, 13)
    page = big.content.decode()
    assert 'data-stat="total">30<' in page and page.count(">Ticket ") == 30
    assert page.count("<option value=") >= 32 and f'value="{account.id}" selected' in page


def test_account_page_costs_the_same_queries_for_3_or_30_tickets_and_contacts(fresh, same_cost):
    account = fresh.add_accounts(1, contacts_each=0)[0]
    fresh.add_tickets(3, account=account)
    client = fresh.browser(fresh.agent)

    def grow():
        fresh.add_tickets(27, account=account, assignees=fresh.add_agents(3))

    _, big = same_cost(lambda: client.get(f"{BASE}/accounts/{account.id}/"), grow, 13)
    page = big.content.decode()
    assert 'data-stat="total">30<' in page and page.count(">Ticket ") == 30
    assert page.count("Pat Contact") == 30  # each ticket's contact is a member


def test_setup_page_costs_the_same_queries_for_3_or_30_agents_departments_and_fields(
    fresh, same_cost
):
    def add(n: int) -> None:
        fresh.add_agents(n)
        for department in fresh.add_departments(n):
            actions.do_set_sla(
                actor=fresh.admin,
                department=department,
                first_response_hours={"High": 4},
                resolution_hours={"High": 24},
                escalate_after_hours=2,
            )
        for _ in range(n):
            actions.do_add_ticket_field(
                actor=fresh.admin, portal=fresh.portal, label=f"Field {next(fresh.serial)}",
                type="picklist", choices=["A", "B"],
            )  # fmt: skip

    add(1)  # with the Admin and the Agent, Support and Billing, and two more fields: three each
    actions.do_add_ticket_field(actor=fresh.admin, portal=fresh.portal, label="F1", type="text")
    actions.do_add_ticket_field(actor=fresh.admin, portal=fresh.portal, label="F2", type="date")
    client = fresh.browser(fresh.admin)
    small, big = same_cost(lambda: client.get(f"{BASE}/setup/"), lambda: add(27), 10)
    assert small.content.decode().count("data-agent=") == 3
    page = big.content.decode()
    assert page.count("data-agent=") == 30 and page.count('name="op" value="sla"') == 30
    assert page.count('name="op" value="delete_field"') == 30
