"""SalesSignals from Desk (issue 12): each of the six kinds for the right people and no others,
switched off, exactly once under retries, agents' writes, a deactivated integration."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.crm.models import Signal
from tandem.desk import actions as desk_actions
from tandem.integration import actions as integration_actions
from tandem.integration.models import SignalCursor, SignalEvent, SignalReceipt
from tandem.integration.signals import engine
from tests.integration.signals_fixtures import CUSTOMER, email_in, world  # noqa: F401

OWNERS = {"agent@acme.test", "light@acme.test", "admin@acme.test", "sales@acme.test"}


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what commits trigger (Desk's change listener → the drain task, immediate here)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def desk_signals(**filters):
    """Desk signals of real events (the demo's own, for admin@, carry no event id)."""
    return Signal.objects.filter(source="desk", data__has_key="event_id", **filters)


def received(kind: str, ticket=None) -> dict[str, int]:
    """{email: count} of the Desk signals of `kind` (about `ticket`, if given)."""
    counts: dict[str, int] = {}
    about = {"data__ticket_id": ticket.pk} if ticket is not None else {}
    for email in desk_signals(kind=kind, **about).values_list("user__email", flat=True):
        counts[email] = counts.get(email, 0) + 1
    return counts


def new_ticket(on_commit, w, subject="Printer on fire"):
    _outcome, ticket = on_commit(email_in, w.portal, subject)
    return ticket


def test_a_customer_email_is_a_new_ticket_for_each_owner_once(world, on_commit):  # noqa: F811
    # The deal is not linked to the ticket: its owner (admin@) hears nothing.
    ticket = new_ticket(on_commit, world)
    assert received("new_ticket") == {
        "agent@acme.test": 1,  # the synced contact's owner
        "light@acme.test": 1,  # its account's owner
        "sales@acme.test": 1,  # the lead with the customer's email
    }
    signal = desk_signals(user__email="sales@acme.test").get()
    assert signal.data["ticket_id"] == ticket.pk
    assert signal.data["record"] == {"module": "Leads", "id": world.lead.pk}
    assert signal.url.endswith(f"/Leads/{world.lead.pk}/")
    assert f"#{ticket.number}" in signal.title and "Printer on fire" in signal.title
    assert "does not work" in signal.body


def test_deal_owner_hears_of_tickets_linked_to_the_deal(world, on_commit, person):  # noqa: F811
    ticket = new_ticket(on_commit, world)
    deal = {"id": world.deal.pk, "name": "Big deal"}
    on_commit(
        desk_actions.do_set_crm_deal, actor=person("admin@acme.test"), ticket=ticket, deal=deal
    )
    on_commit(desk_actions.file_customer_reply, ticket=ticket, content="Any news?")
    assert received("new_reply") == {
        "agent@acme.test": 1,
        "light@acme.test": 1,
        "sales@acme.test": 1,
        "admin@acme.test": 1,
    }


def test_one_person_owning_several_records_gets_one_signal(world, on_commit, person):  # noqa: F811
    from tandem.crm import actions as crm_actions

    crm_actions.do_update_record(
        actor=person("admin@acme.test"),
        org=world.org,
        record=world.lead,
        values={"Owner": person("agent@acme.test").id},
    )
    new_ticket(on_commit, world)
    assert received("new_ticket") == {"agent@acme.test": 1, "light@acme.test": 1}


def test_a_stranger_to_the_crm_raises_no_signal(world, on_commit):  # noqa: F811
    _outcome, ticket = on_commit(email_in, world.portal, "Hi", sender="nobody@elsewhere.example")
    # None of the world's owners; (the sync may make the stranger a CRM contact: its owner
    # would be told, as the owner of any synced contact is.)
    assert not set(received("new_ticket", ticket)) & {
        "agent@acme.test",
        "light@acme.test",
        "sales@acme.test",
    }


def test_customer_reply_by_email_and_from_the_ticket_page(world, on_commit):  # noqa: F811
    ticket = new_ticket(on_commit, world)
    on_commit(email_in, world.portal, f"Re: [#{ticket.number}] Printer on fire", "Still burning")
    on_commit(desk_actions.file_customer_reply, ticket=ticket, content="Hello?")
    assert received("new_reply") == {
        "agent@acme.test": 2,
        "light@acme.test": 2,
        "sales@acme.test": 2,
    }
    bodies = set(
        desk_signals(kind="new_reply", user__email="sales@acme.test").values_list("body", flat=True)
    )
    assert any("Still burning" in b for b in bodies) and any("Hello?" in b for b in bodies)


def test_agents_replies_and_comments_raise_nothing(world, on_commit, person):  # noqa: F811
    ticket = new_ticket(on_commit, world)
    before = desk_signals().count()
    agent = person("agent@acme.test")
    on_commit(desk_actions.do_add_comment, actor=agent, ticket=ticket, content="Looking into it")
    on_commit(desk_actions.do_add_comment, actor=agent, ticket=ticket, content="Hi", is_public=True)
    on_commit(
        desk_actions.do_send_thread, actor=agent, ticket=ticket, action="reply", content="On it"
    )
    on_commit(desk_actions.do_update_ticket, actor=agent, ticket=ticket, data={"priority": "High"})
    assert desk_signals().count() == before


def test_an_agent_opening_a_ticket_raises_no_new_ticket(world, on_commit, person):  # noqa: F811
    on_commit(
        desk_actions.do_create_ticket,
        actor=person("agent@acme.test"),
        portal=world.portal,
        data={"subject": "Called us", "contact_id": world.desk_contact.pk},
    )
    assert not desk_signals().exists()


def test_rating_with_a_comment_is_a_new_rating_and_a_new_comment(world, on_commit, person):  # noqa: F811
    ticket = new_ticket(on_commit, world)
    agent = person("agent@acme.test")
    on_commit(desk_actions.do_update_ticket, actor=agent, ticket=ticket, data={"status": "Closed"})
    on_commit(desk_actions.do_rate_ticket, ticket=ticket, rating="good", comment="Fast and kind")
    expected = {"agent@acme.test": 1, "light@acme.test": 1, "sales@acme.test": 1}
    assert received("new_rating") == expected
    assert received("new_comment") == expected
    rating = desk_signals(kind="new_rating", user__email="sales@acme.test").get()
    assert "Good" in rating.title
    comment = desk_signals(kind="new_comment", user__email="sales@acme.test").get()
    assert "Fast and kind" in comment.body


def test_rating_without_a_comment_is_no_new_comment(world, on_commit, person):  # noqa: F811
    ticket = new_ticket(on_commit, world)
    agent = person("agent@acme.test")
    on_commit(desk_actions.do_update_ticket, actor=agent, ticket=ticket, data={"status": "Closed"})
    on_commit(desk_actions.do_rate_ticket, ticket=ticket, rating="bad")
    assert received("new_rating") and not received("new_comment")


def test_overdue_by_the_sla_clock(world, on_commit):  # noqa: F811
    ticket = new_ticket(on_commit, world)
    later = (ticket.due_date or timezone.now()) + timedelta(days=30)
    on_commit(desk_actions.do_sla_sweep, now=later)
    # (The demo's tickets fall overdue too; this one is the customer's.)
    assert received("overdue", ticket) == {
        "agent@acme.test": 1,
        "light@acme.test": 1,
        "sales@acme.test": 1,
    }
    on_commit(desk_actions.do_sla_sweep, now=later + timedelta(hours=1))
    assert sum(received("overdue", ticket).values()) == 3  # already overdue: nothing new


def test_escalated_by_an_agent(world, on_commit, person):  # noqa: F811
    ticket = new_ticket(on_commit, world)
    on_commit(
        desk_actions.do_update_ticket,
        actor=person("agent@acme.test"),
        ticket=ticket,
        data={"status": "Escalated"},
    )
    assert received("escalated") == {
        "agent@acme.test": 1,
        "light@acme.test": 1,
        "sales@acme.test": 1,
    }


def test_a_kind_switched_off_creates_none(world, on_commit, crm_api):  # noqa: F811
    r = crm_api().put("/api/crm/v1/signals/settings", {"desk": {"new_ticket": False}})
    assert r.status_code == 200, r.content
    assert r.json()["desk"] == {
        "new_ticket": False,
        "new_comment": True,
        "new_reply": True,
        "overdue": True,
        "escalated": True,
        "new_rating": True,
    }
    ticket = new_ticket(on_commit, world)
    assert not received("new_ticket")
    on_commit(desk_actions.file_customer_reply, ticket=ticket, content="Hello?")
    assert received("new_reply")  # the others stay on


def test_a_retried_or_duplicated_drain_writes_each_signal_once(world, on_commit):  # noqa: F811
    new_ticket(on_commit, world)
    assert desk_signals().count() == 3
    engine.drain(world.link.pk)  # a duplicate task
    engine.drain(world.link.pk)
    # A worker that died after writing but before its cursor moved (as if): the replay
    # finds the events handled.
    SignalCursor.objects.filter(integration=world.link).update(last_seq=0)
    engine.drain(world.link.pk)
    assert desk_signals().count() == 3
    assert SignalReceipt.objects.filter(integration=world.link).count() == 3


def test_the_database_refuses_a_second_receipt(world, on_commit):  # noqa: F811
    from django.db import IntegrityError, transaction

    new_ticket(on_commit, world)
    receipt = SignalReceipt.objects.filter(integration=world.link).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        SignalReceipt.objects.create(
            integration=world.link, event_id=receipt.event_id, kind=receipt.kind, user=receipt.user
        )


def test_a_drain_that_fails_midway_leaves_nothing_and_the_next_one_writes_all(
    world,  # noqa: F811
    on_commit,
    monkeypatch,
):
    from tandem.crm import actions as crm_actions

    calls = {"n": 0}
    real = crm_actions.do_send_signal

    def dies_on_the_second(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(crm_actions, "do_send_signal", dies_on_the_second)
    new_ticket(on_commit, world)  # the listener's failure is logged, the email is filed
    assert not desk_signals().exists() and not SignalEvent.objects.exists()
    monkeypatch.setattr(crm_actions, "do_send_signal", real)
    engine.drain(world.link.pk)
    assert desk_signals().count() == 3


def test_a_deactivated_integration_sends_nothing(world, on_commit, member):  # noqa: F811
    integration_actions.do_deactivate(actor=member("admin@acme.test"))
    ticket = new_ticket(on_commit, world)
    on_commit(desk_actions.file_customer_reply, ticket=ticket, content="Hello?")
    engine.drain(world.link.pk)
    assert not desk_signals().exists()


def test_events_while_deactivated_are_not_sent_after_reconnecting(world, on_commit, member):  # noqa: F811
    admin = member("admin@acme.test")
    new_ticket(on_commit, world, "Before")
    integration_actions.do_deactivate(actor=admin)
    new_ticket(on_commit, world, "While off")
    integration_actions.do_connect(actor=admin, mode="own_portal", portal="acme-support")
    new_ticket(on_commit, world, "After")
    titles = set(desk_signals(user__email="sales@acme.test").values_list("title", flat=True))
    assert len(titles) == 2
    assert not any("While off" in t for t in titles)


def test_deleted_from_desk_sends_nothing(world, on_commit, agent):  # noqa: F811
    integration_actions.do_delete_from_desk(actor=agent("admin@acme.test"))
    new_ticket(on_commit, world)
    assert not desk_signals().exists()


def test_owner_who_may_not_view_the_module_gets_nothing(world, on_commit, person):  # noqa: F811
    from tandem.crm import queries as crm

    sales = crm.membership(person("sales@acme.test"), None, "acme").member
    sales.profile.module_permissions = {**(sales.profile.module_permissions or {}), "Leads": []}
    sales.profile.save()
    new_ticket(on_commit, world)
    assert "sales@acme.test" not in received("new_ticket")


def test_own_departments_visibility_keeps_signals_to_the_ticket_department(
    world,  # noqa: F811
    on_commit,
    person,
):
    from tandem.integration.models import TicketSettings

    TicketSettings.objects.update_or_create(
        integration=world.link, defaults={"visibility": "own_departments"}
    )
    new_ticket(on_commit, world)  # filed in the first department, Support
    # agent@ and light@ are Desk members of Support; sales@ has no Desk account.
    assert received("new_ticket") == {"agent@acme.test": 1, "light@acme.test": 1}


def test_signals_in_the_recipients_language(world, on_commit, person):  # noqa: F811
    sales = person("sales@acme.test")
    sales.language = "de"
    sales.save()
    light = person("light@acme.test")
    light.language = "es"
    light.save()
    ticket = new_ticket(on_commit, world)
    de = desk_signals(user=sales).get()
    es = desk_signals(user=light).get()
    en = desk_signals(user__email="agent@acme.test").get()
    assert de.title.startswith(f"Neues Ticket #{ticket.number}")
    assert es.title.startswith(f"Nuevo ticket #{ticket.number}")
    assert en.title.startswith(f"New ticket #{ticket.number}")


def test_api_lists_desk_signals_as_the_contract_says(world, on_commit, crm_api):  # noqa: F811
    ticket = new_ticket(on_commit, world)
    r = crm_api("sales@acme.test").get("/api/crm/v1/signals?unread=true")
    assert r.status_code == 200, r.content
    (signal,) = [s for s in r.json()["data"] if s["source"] == "desk"]
    assert signal["kind"] == "new_ticket"
    assert signal["data"]["ticket_id"] == ticket.pk
    assert signal["read"] is False
    assert set(signal) >= {"id", "source", "kind", "title", "body", "url", "data", "created_at"}
    r = crm_api("sales@acme.test").post(f"/api/crm/v1/signals/{signal['id']}/read")
    assert r.status_code == 200 and r.json()["read"] is True


def test_settings_page_lists_the_six_desk_kinds(world, client, person):  # noqa: F811
    client.force_login(person("admin@acme.test"))
    page = client.get("/crm/acme/setup/channels/salessignals/").content.decode()
    for label in (
        "New ticket",
        "New comment",
        "New reply",
        "Ticket overdue",
        "Ticket escalated",
        "New rating",
    ):
        assert label in page


def test_the_demo_has_a_few_unread_desk_signals_for_the_admin(person, crm_api):
    from tandem import demo

    demo.load()  # again: idempotent
    r = crm_api("admin@acme.test").get("/api/crm/v1/signals?unread=true")
    desk_ones = [s for s in r.json()["data"] if s["source"] == "desk"]
    assert len(desk_ones) == 3
    assert {s["kind"] for s in desk_ones} == {"new_ticket", "new_reply", "overdue"}
    assert all(isinstance(s["data"]["ticket_id"], int) for s in desk_ones)


def test_the_sweep_catches_a_lost_enqueue(world, on_commit, monkeypatch):  # noqa: F811
    from tandem.integration.signals import tasks

    class Unreachable:
        def enqueue(self, *args):
            raise ConnectionError("the task table is unreachable")

    monkeypatch.setattr(tasks, "drain_signals", Unreachable())
    new_ticket(on_commit, world)  # filed; its drain was never enqueued
    assert not desk_signals().exists()
    tasks.sweep_signals.call()
    assert desk_signals().count() == 3


def test_a_portal_no_longer_linked_sends_nothing(world, on_commit, member):  # noqa: F811
    admin = member("admin@acme.test")
    integration_actions.do_deactivate(actor=admin)
    integration_actions.do_connect(actor=admin, mode="new_portal", portal_name="Fresh start")
    new_ticket(on_commit, world)  # to acme-support, linked to no org now
    engine.drain(world.link.pk)
    assert not desk_signals().exists()


def test_a_drain_costs_a_bounded_number_of_queries_per_event(
    world,  # noqa: F811
    person,
    django_assert_max_num_queries,
):
    for i in range(10):
        email_in(world.portal, f"Question {i}")  # no on_commit: nothing drained yet
    with django_assert_max_num_queries(10 * 30):  # ~28 an event, whatever the batch
        assert engine.drain(world.link.pk) == 30


def test_a_burst_enqueues_one_drain_while_one_waits(world, settings):  # noqa: F811
    from django_tasks_db.models import DBTaskResult

    from tandem.integration.signals import tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    waiting = DBTaskResult.objects.filter(task_path=tasks.drain_signals.module_path, status="READY")
    for _ in range(5):
        tasks.desk_changed(world.portal.id, 0)
    assert waiting.count() == 1
    waiting.update(status="RUNNING")  # a worker took it: it may have read the log already
    tasks.desk_changed(world.portal.id, 0)
    assert waiting.count() == 1  # so a new one waits
