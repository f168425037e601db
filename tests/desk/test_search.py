"""Searching ticket subjects: a case-insensitive substring match, the same on both databases,
answered from an index that follows every insert, update and delete."""

from urllib.parse import urlencode

import pytest
from django.db import connection

from tandem.desk import actions, queries, search, tasks
from tandem.desk.models import Ticket

T = "/api/desk/v1/tickets"


def found(client, text: str) -> set[str]:
    r = client.get(f"{T}?{urlencode({'q': text, 'limit': 200})}")
    assert r.status_code == 200, r.content
    return {t["subject"] for t in r.json()["data"]}


def test_subjects_match_by_any_part_whatever_the_case(desk, make_ticket):
    make_ticket("Zebracorn 4711 is wrong")
    make_ticket("Refund for zebracorn 4712")
    make_ticket("Printer on fire")
    client = desk("admin")
    both = {"Zebracorn 4711 is wrong", "Refund for zebracorn 4712"}
    assert found(client, "ZEBRACORN") == both
    assert found(client, "corn 471") == both
    assert found(client, "nter on f") == {"Printer on fire"}
    assert found(client, "fi") >= {"Printer on fire"}  # short texts are matched too
    assert found(client, "zzz-nowhere") == set()


def test_the_index_follows_renames_and_deletes(desk, admin, make_ticket):
    ticket = make_ticket("Screen flickers")
    client = desk("admin")
    assert found(client, "flicker") == {"Screen flickers"}
    actions.do_update_ticket(actor=admin, ticket=ticket, data={"subject": "Screen is black"})
    assert found(client, "flicker") == set()
    assert found(client, "is black") == {"Screen is black"}
    actions.do_delete_ticket(actor=admin, ticket=ticket)
    assert found(client, "is black") == set()


def test_wildcards_typed_by_the_user_are_plain_characters(desk, make_ticket):
    make_ticket("Discount 50% off")
    make_ticket("Discount 50 euros")
    make_ticket("snake_case name")
    client = desk("admin")
    assert found(client, "50%") == {"Discount 50% off"}
    assert found(client, "e_c") == {"snake_case name"}


def test_search_keeps_to_the_agents_portal_and_departments(desk, make_ticket, other_ticket):
    make_ticket("Billing mix-up", dept="Billing")
    Ticket.objects.filter(pk=other_ticket.pk).update(subject="Billing mix-up elsewhere")
    assert found(desk("agent"), "mix-up") == set()  # agent: Support only
    assert found(desk("admin"), "mix-up") == {"Billing mix-up"}


def test_a_common_text_and_a_rare_one_give_the_same_answers(admin, make_ticket, monkeypatch):
    for i in range(12):
        make_ticket(f"Common problem {i}")
    rare_path = set(queries.tickets(admin, q="problem").values_list("id", flat=True))
    monkeypatch.setattr(search, "RARE", 3)  # now "problem" is common: walked, not looked up
    common_path = set(queries.tickets(admin, q="problem").values_list("id", flat=True))
    assert len(rare_path) >= 12 and rare_path == common_path


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")
def test_sqlite_answers_from_the_trigram_index(make_ticket):
    make_ticket("Needle in a haystack")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM desk_ticket_search WHERE subject LIKE %s", ["%needle%"]
        )
        assert cursor.fetchone()[0] == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's pg_trgm index")
def test_postgresql_has_the_trigram_index(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [search.PG_INDEX])
        assert cursor.fetchone()


def test_repair_puts_back_triggers_a_table_rebuild_dropped(desk, make_ticket):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER desk_ticket_search_ai")
    search.repair(connection)
    make_ticket("Rebuilt table ticket")
    assert found(desk("admin"), "rebuilt table") == {"Rebuilt table ticket"}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")
def test_the_index_merges_in_the_background_not_on_writes(desk, make_ticket):
    with connection.cursor() as cursor:
        cursor.execute("SELECT v FROM desk_ticket_search_config WHERE k = 'automerge'")
        assert cursor.fetchone()[0] == 0
    for i in range(5):
        make_ticket(f"Segmented {i}")
    tasks.merge_search_index.call()
    assert found(desk("admin"), "segmented 3") == {"Segmented 3"}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")
def test_saving_a_ticket_without_a_new_subject_does_not_touch_the_index(admin, make_ticket):
    ticket = make_ticket("Index churn")

    def segments():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM desk_ticket_search_data")
            return cursor.fetchone()[0]

    before = segments()
    for priority in ("High", "Low", "Urgent"):
        actions.do_update_ticket(actor=admin, ticket=ticket, data={"priority": priority})
    assert segments() == before
