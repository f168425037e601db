"""Acting on a Desk ticket from its signal (I23 with the role rules of I7): the detail shows the
ticket's summary and latest message; an Agent replies, comments and updates fields; a Light
Agent and a CRM user without a Desk account only comment; nothing shows once deactivated."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from tandem.crm.models import Signal
from tandem.desk import queries as desk
from tandem.integration import actions as integration_actions
from tests.integration.signals_fixtures import email_in, world  # noqa: F401


@pytest.fixture
def signal_of(world, django_capture_on_commit_callbacks):  # noqa: F811
    """A customer's email; then signal_of(email) → that person's Desk signal of it."""
    with django_capture_on_commit_callbacks(execute=True):
        _outcome, ticket = email_in(world.portal, "Printer on fire", "It smokes a lot.")

    def get(email: str):
        return Signal.objects.get(
            source="desk", user__email=email, data__ticket_id=ticket.pk, data__has_key="event_id"
        )

    get.ticket = ticket
    return get


def page(person, email: str, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    user = person(email)
    user.language = language
    user.save()
    client.force_login(user)
    return client


def detail_url(signal) -> str:
    return f"/crm/acme/signals/{signal.pk}/"


def act_url(signal, op: str) -> str:
    return f"/crm/acme/signals/{signal.pk}/desk/{op}/"


def test_detail_shows_the_summary_the_latest_message_and_the_agents_actions(signal_of, person):
    signal = signal_of("agent@acme.test")
    html = page(person, "agent@acme.test").get(detail_url(signal)).content.decode()
    assert f"Ticket #{signal_of.ticket.number}" in html
    assert "It smokes a lot." in html
    assert 'id="desk-signal-reply"' in html and 'id="desk-signal-update"' in html
    assert 'id="desk-signal-comment"' in html
    assert f"/desk/acme-support/tickets/{signal_of.ticket.pk}/" in html  # open in Desk
    assert f"/Contacts/{signal.data['record']['id']}/" in html  # open the record


@pytest.mark.parametrize("email", ["light@acme.test", "sales@acme.test"])
def test_light_agents_and_crm_users_without_desk_only_comment(signal_of, person, email):
    signal = signal_of(email)
    client = page(person, email)
    html = client.get(detail_url(signal)).content.decode()
    assert 'id="desk-signal-comment"' in html
    assert 'id="desk-signal-reply"' not in html and 'id="desk-signal-update"' not in html
    assert 'id="desk-signal-only-comment"' in html
    r = client.post(act_url(signal, "reply"), {"content": "Hi"}, follow=True)
    assert "only comment" in r.content.decode()
    r = client.post(act_url(signal, "update"), {"status": "Closed"}, follow=True)
    assert "only comment" in r.content.decode()
    ticket = signal_of.ticket
    ticket.refresh_from_db()
    assert ticket.status == "Open" and not ticket.threads.exists()


def test_crm_user_without_desk_comments_under_their_name(signal_of, person):
    signal = signal_of("sales@acme.test")
    r = page(person, "sales@acme.test").post(
        act_url(signal, "comment"), {"content": "Their renewal is next week"}, follow=True
    )
    assert "Your comment was added to the ticket." in r.content.decode()
    comment = signal_of.ticket.comments.get()
    assert comment.author == person("sales@acme.test") and not comment.is_public
    assert "Their renewal is next week" in comment.content
    assert signal_of.ticket.events.filter(actor_label__endswith="(CRM)").exists()


def test_agent_replies_and_updates_fields_from_the_signal(signal_of, person):
    signal = signal_of("agent@acme.test")
    client = page(person, "agent@acme.test")
    mail.outbox.clear()
    r = client.post(act_url(signal, "reply"), {"content": "We are on it"}, follow=True)
    assert "Your reply was sent to the customer." in r.content.decode()
    thread = signal_of.ticket.threads.get(action="reply")
    assert thread.author == person("agent@acme.test") and "We are on it" in thread.content
    r = client.post(act_url(signal, "update"), {"status": "On Hold", "priority": "High"})
    assert r.status_code == 302
    ticket = signal_of.ticket
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == ("On Hold", "High")
    assert "On Hold" in client.get(detail_url(signal)).content.decode()


def test_bad_input_is_a_message_naming_the_field(signal_of, person):
    signal = signal_of("agent@acme.test")
    client = page(person, "agent@acme.test")
    r = client.post(act_url(signal, "update"), {"status": "Nope"}, follow=True)
    assert r.status_code == 200 and "Status" in r.content.decode()
    r = client.post(act_url(signal, "comment"), {"content": "  "}, follow=True)
    assert r.status_code == 200 and "Write a comment first." in r.content.decode()
    assert client.post(act_url(signal, "explode"), {}).status_code == 404


def test_someone_elses_signal_is_a_404(signal_of, person):
    signal = signal_of("agent@acme.test")
    client = page(person, "sales@acme.test")
    assert client.post(act_url(signal, "comment"), {"content": "x"}).status_code == 404
    assert not signal_of.ticket.comments.exists()


def test_deactivated_integration_shows_and_allows_nothing(signal_of, person, member):
    signal = signal_of("agent@acme.test")
    integration_actions.do_deactivate(actor=member("admin@acme.test"))
    client = page(person, "agent@acme.test")
    html = client.get(detail_url(signal)).content.decode()
    assert "The Desk integration is not active." in html
    assert 'id="desk-signal-comment"' not in html
    client.post(act_url(signal, "comment"), {"content": "x"})
    assert not signal_of.ticket.comments.exists()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("es", ["Último mensaje", "Añadir comentario", "Responder al cliente", "Nuevo ticket"]),
        ("de", ["Neueste Nachricht", "Kommentar hinzufügen", "Dem Kunden antworten"]),
    ],
)
def test_detail_in_spanish_and_german(signal_of, person, language, words):
    signal = signal_of("agent@acme.test")
    client = page(person, "agent@acme.test", language)
    html = client.get(detail_url(signal)).content.decode()
    for word in words[:3]:
        assert word in html
    setup = page(person, "admin@acme.test", language).get("/crm/acme/setup/channels/salessignals/")
    assert {"es": "Ticket escalado", "de": "Ticket eskaliert"}[language] in setup.content.decode()


def test_detail_page_query_count_is_pinned(signal_of, person, django_assert_max_num_queries):
    signal = signal_of("agent@acme.test")
    client = page(person, "agent@acme.test")
    client.get(detail_url(signal))
    with django_assert_max_num_queries(22):  # 21: the page, the ticket, its last message
        client.get(detail_url(signal))
    assert desk.ticket_summary(signal_of.ticket.portal_id, 10**12) is None
