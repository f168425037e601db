"""The SLA clock: overdue exactly when due, escalated by the policy, recorded as events."""

from datetime import timedelta

from django.utils import timezone

from tandem.desk import actions
from tandem.desk.models import Ticket
from tandem.web import periodic


def test_sweep_marks_overdue_once_and_records_it(make_ticket):
    ticket = make_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(due_date=timezone.now() + timedelta(minutes=5))
    actions.do_sla_sweep()
    assert not Ticket.objects.get(pk=ticket.pk).is_overdue
    later = timezone.now() + timedelta(minutes=6)
    actions.do_sla_sweep(later)
    actions.do_sla_sweep(later)
    ticket.refresh_from_db()
    assert ticket.is_overdue
    assert ticket.events.filter(changes__has_key="is_overdue").count() == 1
    event = ticket.events.order_by("-id").first()
    assert event.actor_label == "SLA" and event.changes == {"is_overdue": [False, True]}


def test_closed_tickets_never_go_overdue(make_ticket, admin):
    ticket = make_ticket(due_date=(timezone.now() + timedelta(minutes=1)).isoformat())
    actions.do_update_ticket(actor=admin, ticket=ticket, data={"status": "Closed"})
    actions.do_sla_sweep(timezone.now() + timedelta(hours=1))
    assert not Ticket.objects.get(pk=ticket.pk).is_overdue


def test_unanswered_past_first_response_deadline_is_escalated(admin, department, make_ticket):
    actions.do_set_sla(
        actor=admin,
        department=department("Support"),
        first_response_hours={"Medium": 1},
        resolution_hours={"Medium": 24},
    )
    answered, silent = make_ticket("answered"), make_ticket("silent")
    actions.do_send_thread(
        actor=admin, ticket=answered, action="reply", to=["a@b.example"], content="x"
    )
    actions.do_sla_sweep(timezone.now() + timedelta(hours=2))
    assert Ticket.objects.get(pk=silent.pk).is_escalated
    assert not Ticket.objects.get(pk=answered.pk).is_escalated


def test_overdue_for_too_long_is_escalated(admin, department, make_ticket):
    actions.do_set_sla(
        actor=admin,
        department=department("Support"),
        first_response_hours={},
        resolution_hours={"Medium": 1},
        escalate_after_hours=2,
    )
    ticket = make_ticket()
    actions.do_sla_sweep(timezone.now() + timedelta(hours=2))
    ticket.refresh_from_db()
    assert ticket.is_overdue and not ticket.is_escalated
    actions.do_sla_sweep(timezone.now() + timedelta(hours=3, minutes=1))
    ticket.refresh_from_db()
    assert ticket.is_escalated
    kinds = [e.changes for e in Ticket.objects.get(pk=ticket.pk).events.all()]
    assert {"is_escalated": [False, True]} in kinds


def test_sweep_is_a_periodic_job():
    assert "desk.sla_sweep" in [job.name for job in periodic.jobs()]


def _policy(admin, department):
    actions.do_set_sla(
        actor=admin,
        department=department("Support"),
        first_response_hours={"Medium": 4, "Urgent": 1},
        resolution_hours={"Medium": 48, "Urgent": 4},
    )


def test_raising_the_priority_brings_the_policy_due_date_forward(admin, department, make_ticket):
    _policy(admin, department)
    ticket = make_ticket()
    assert ticket.due_date == ticket.created_at + timedelta(hours=48)
    actions.do_update_ticket(actor=admin, ticket=ticket, data={"priority": "Urgent"})
    ticket.refresh_from_db()
    assert ticket.due_date == ticket.created_at + timedelta(hours=4)
    assert ticket.response_due_at == ticket.created_at + timedelta(hours=1)
    changes = ticket.events.order_by("-id").first().changes
    assert set(changes) == {"priority", "due_date"}


def test_a_due_date_set_by_hand_survives_a_priority_change(admin, department, make_ticket):
    _policy(admin, department)
    ticket = make_ticket()
    by_hand = (timezone.now() + timedelta(days=10)).replace(microsecond=0)
    actions.do_update_ticket(actor=admin, ticket=ticket, data={"due_date": by_hand.isoformat()})
    actions.do_update_ticket(actor=admin, ticket=ticket, data={"priority": "Urgent"})
    ticket.refresh_from_db()
    assert ticket.due_date == by_hand


def test_moving_to_another_department_follows_its_policy(admin, department, make_ticket):
    _policy(admin, department)
    ticket = make_ticket(dept="Billing")
    assert ticket.due_date != ticket.created_at + timedelta(hours=48)
    actions.do_update_ticket(
        actor=admin, ticket=ticket, data={"department_id": department("Support").id}
    )
    ticket.refresh_from_db()
    assert ticket.due_date == ticket.created_at + timedelta(hours=48)


def test_a_department_without_a_policy_drops_the_policys_due_date(admin, department, make_ticket):
    _policy(admin, department)
    billing = department("Billing")
    actions.do_set_sla(
        actor=admin, department=billing, first_response_hours={}, resolution_hours={}
    )
    ticket = make_ticket()
    assert ticket.due_date is not None
    actions.do_update_ticket(actor=admin, ticket=ticket, data={"department_id": billing.id})
    ticket.refresh_from_db()
    assert ticket.due_date is None and ticket.response_due_at is None


def test_a_due_date_given_at_creation_is_the_agents(admin, department, make_ticket):
    _policy(admin, department)
    by_hand = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    ticket = make_ticket(due_date=by_hand.isoformat())
    assert ticket.due_date == by_hand and ticket.due_date_by_hand
    actions.do_update_ticket(actor=admin, ticket=ticket, data={"priority": "Urgent"})
    ticket.refresh_from_db()
    assert ticket.due_date == by_hand


def test_a_deadline_moved_into_the_past_is_overdue_at_once(admin, department, make_ticket):
    _policy(admin, department)
    ticket = make_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(created_at=timezone.now() - timedelta(hours=10))
    ticket.refresh_from_db()
    actions.do_update_ticket(actor=admin, ticket=ticket, data={"priority": "Urgent"})  # 4 h
    ticket.refresh_from_db()
    assert ticket.is_overdue
    assert ticket.events.order_by("-id").first().changes["is_overdue"] == [False, True]


def test_an_update_starts_from_the_stored_ticket_not_a_stale_copy(admin, make_ticket):
    ticket = make_ticket()
    stale = Ticket.objects.get(pk=ticket.pk)
    actions.do_sla_sweep(timezone.now() + timedelta(days=30))  # the sweep marks it meanwhile
    assert Ticket.objects.get(pk=ticket.pk).is_overdue
    actions.do_update_ticket(actor=admin, ticket=stale, data={"subject": "Renamed"})
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.subject == "Renamed" and stored.is_overdue and stored.is_escalated
