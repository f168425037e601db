"""The invitation piece the CRM and Desk share: who is invited, who may accept, the email."""

import pytest
from django.core import mail
from django.test import Client

from tandem.crm.models import Profile
from tandem.desk import actions as desk_actions
from tandem.desk import queries as desk_queries
from tandem.desk.models import Agent
from tandem.identity import invitations
from tandem.identity.models import User
from tandem.web.errors import Problem


@pytest.fixture(autouse=True)
def immediate(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_the_invitee_is_found_or_created_without_a_password(demo_data):
    existing = invitations.invitee("  Sales@ACME.test ")
    assert existing == User.objects.get(email="sales@acme.test")
    new = invitations.invitee("Fresh@Example.test", "Fresh Face")
    assert (new.email, new.name, new.has_usable_password()) == (
        "fresh@example.test", "Fresh Face", False)  # fmt: skip
    for bad in ("", "no-at-sign", "two@@example.test", "x@"):
        with pytest.raises(Problem) as refused:
            invitations.invitee(bad)
        assert refused.value.status == 400 and "email" in refused.value.errors


def test_only_the_invited_person_accepts(demo_data, person):
    new = invitations.invitee("fresh@example.test")
    with pytest.raises(Problem) as wrong:
        invitations.accept_as(new, user=person("sales@acme.test"))
    assert wrong.value.status == 403
    with pytest.raises(Problem) as weak:
        invitations.accept_as(new, password="123")
    assert weak.value.status == 400 and "password" in weak.value.errors
    invitations.accept_as(new, password="a-long-enough-secret-77", name="Fresh")
    new.refresh_from_db()
    assert new.check_password("a-long-enough-secret-77") and new.name == "Fresh"
    with pytest.raises(Problem) as must_sign_in:
        invitations.accept_as(new)  # has a password now: must sign in as themselves
    assert must_sign_in.value.status == 403


def test_invitations_are_written_in_the_invited_persons_language(
    person, django_capture_on_commit_callbacks
):
    sales = person("sales@acme.test")
    sales.language = "de"
    sales.save()
    portal = desk_queries.portal_by_slug("acme-support")
    admin = Agent.objects.get(portal=portal, user__email="admin@acme.test")
    with django_capture_on_commit_callbacks(execute=True):
        desk_actions.do_invite_agent(
            actor=admin, portal=portal, email="sales@acme.test", role="light_agent"
        )
    [desk_mail] = mail.outbox
    assert desk_mail.subject.endswith("lädt Sie zu Acme Support auf Tandem ein")
    assert "auf Tandem Desk ein" in desk_mail.body and "/desk/invitation/" in desk_mail.body
    assert "14 Tage gültig" in desk_mail.body and "als Light-Agent." in desk_mail.body

    owner = person("owner@other.test")
    owner.language = "es"
    owner.save()
    client = Client()
    client.force_login(person("admin@acme.test"))
    standard = Profile.objects.get(org__slug="acme", name="Standard")
    with django_capture_on_commit_callbacks(execute=True):
        from tandem.crm import actions as crm_actions
        from tandem.crm.queries import org_by_slug

        crm_actions.do_invite_user(
            actor=person("admin@acme.test"),
            org=org_by_slug("acme"),
            email=owner.email,
            profile_id=standard.pk,
        )
    crm_mail = mail.outbox[-1]
    assert crm_mail.to == ["owner@other.test"]
    assert "le invita a Acme en Tandem CRM, como Standard." in crm_mail.body
    assert "/crm/invitations/" in crm_mail.body


def test_a_malformed_address_is_refused_by_desk_too(demo_data):
    portal = desk_queries.portal_by_slug("acme-support")
    admin = Agent.objects.get(portal=portal, user__email="admin@acme.test")
    with pytest.raises(Problem) as refused:
        desk_actions.do_invite_agent(actor=admin, portal=portal, email="a@b@c", role="agent")
    assert refused.value.errors == {"email": ["Enter a valid email address."]}
    assert not User.objects.filter(email="a@b@c").exists()
