"""`tandem demo`: the people, orgs and portals of CONTRACT.md §2. Idempotent: running it again
changes nothing that is already there. Each domain fills its own part (crm/demo.py,
desk/demo.py); the integration links them (integration/demo.py)."""

from __future__ import annotations

from django.db import transaction
from rich.console import Console

from tandem.crm import demo as crm_demo
from tandem.desk import demo as desk_demo
from tandem.identity.models import User
from tandem.integration import demo as integration_demo

PASSWORD = "tandem-demo"
PEOPLE = [
    ("admin@acme.test", "Ada Admin"),
    ("agent@acme.test", "Arturo Agent"),
    ("light@acme.test", "Lena Light"),
    ("sales@acme.test", "Sam Sales"),
    ("owner@other.test", "Olga Owner"),
]

console = Console()


def person(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, PASSWORD, name=name)
    return user


@transaction.atomic
def load() -> None:
    people = {email: person(email, name) for email, name in PEOPLE}
    crm_demo.load(people)
    desk_demo.load(people)
    integration_demo.load(people)


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
