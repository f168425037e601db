"""`tandem demo`: the people, orgs and portals of CONTRACT.md §2. Idempotent: running it again
changes nothing that is already there."""

from __future__ import annotations

from django.db import transaction
from rich.console import Console

from tandem.crm import actions as crm_actions
from tandem.crm import queries as crm_queries
from tandem.desk import actions as desk_actions
from tandem.desk import queries as desk_queries
from tandem.identity.models import User

PASSWORD = "tandem-demo"
PEOPLE = [
    ("admin@acme.test", "Ada Admin"),
    ("agent@acme.test", "Arturo Agent"),
    ("light@acme.test", "Lena Light"),
    ("sales@acme.test", "Sam Sales"),
    ("owner@other.test", "Olga Owner"),
]
# (email, CRM profile in acme, Desk role in acme-support or None)
ACME = [
    ("agent@acme.test", "Standard", "agent"),
    ("light@acme.test", "Standard", "light_agent"),
    ("sales@acme.test", "Standard", None),
]

console = Console()


def person(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, PASSWORD, name=name)
    return user


def org(slug: str, name: str, owner: User):
    return crm_queries.org_by_slug(slug) or crm_actions.do_create_org(
        actor=owner, name=name, slug=slug
    )


def portal(slug: str, name: str, owner: User):
    return desk_queries.portal_by_slug(slug) or desk_actions.do_create_portal(
        actor=owner, name=name, slug=slug
    )


@transaction.atomic
def load() -> None:
    people = {email: person(email, name) for email, name in PEOPLE}
    admin = people["admin@acme.test"]
    acme = org("acme", "Acme", admin)
    support_portal = portal("acme-support", "Acme Support", admin)
    departments = {
        name: desk_actions.do_create_department(actor=admin, portal=support_portal, name=name)
        for name in ("Support", "Billing")
    }
    for email, profile, role in ACME:
        crm_actions.do_add_member(actor=admin, org=acme, user=people[email], profile_name=profile)
        if role:
            desk_actions.do_add_agent(
                actor=admin,
                portal=support_portal,
                user=people[email],
                role=role,
                departments=[departments["Support"]],
            )
    owner = people["owner@other.test"]
    org("other", "Other Co", owner)
    portal("other-support", "Other Support", owner)


def run(*, if_empty: bool = False) -> None:
    if if_empty and User.objects.exists():
        console.print("The database already has people in it; the demo data was not loaded.")
    else:
        with console.status("Loading the demo data…"):
            load()
        console.print("[green]Demo data ready.[/green]")
    console.print(f"Sign in at /accounts/login/ with password [bold]{PASSWORD}[/bold] as:")
    for email, name in PEOPLE:
        console.print(f"  {email:<20} {name}")
