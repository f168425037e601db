"""CSV export of a ticket view, from the list page and the API: the same filters as the list,
only tickets the agent may see, formulas defused."""

import csv
import io

import pytest

from tandem.desk import queries
from tandem.desk.models import Ticket

from .conftest import problem

PAGE = "/desk/acme-support/tickets/"
API = "/api/desk/v1/tickets/export"


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def tickets(make_ticket, admin):
    made = {
        "support": make_ticket('=HYPERLINK("http://evil.test","Click")', priority="High"),
        "billing": make_ticket("Invoice is wrong", dept="Billing"),
        "closed": make_ticket("Solved already", status="Closed"),
    }
    return made


def test_the_list_page_offers_the_export_of_what_it_shows(browser_as, tickets):
    page = browser_as("admin").get(PAGE, {"view": "high_priority"}).content.decode()
    assert 'id="export-csv" href="/desk/acme-support/tickets/export.csv?view=high_priority' in page


def test_export_follows_the_view_and_filters(browser_as, tickets, department):
    exported = rows(browser_as("admin").get(f"{PAGE}export.csv", {"view": "open"}))
    assert {r["subject"] for r in exported} >= {"Invoice is wrong"}
    assert "Solved already" not in {r["subject"] for r in exported}
    billing = department("Billing").id
    exported = rows(browser_as("admin").get(f"{PAGE}export.csv", {"department_id": billing}))
    assert {r["department"] for r in exported} == {"Billing"}
    [invoice] = [r for r in exported if r["number"] == str(tickets["billing"].number)]
    assert invoice["subject"] == "Invoice is wrong" and invoice["status"] == "Open"
    assert invoice["contact"] == "Customer" and invoice["is_overdue"] == "False"


def test_export_holds_only_what_the_agent_may_see(browser_as, desk, tickets, other_ticket):
    for who in ("agent", "light"):
        subjects = {r["subject"] for r in rows(browser_as(who).get(f"{PAGE}export.csv"))}
        assert "Invoice is wrong" not in subjects  # Billing is not their department
        assert "Solved already" in subjects
    subjects = {r["subject"] for r in rows(desk("agent").get(API))}
    assert "Invoice is wrong" not in subjects and "Solved already" in subjects
    everything = {r["subject"] for r in rows(browser_as("admin").get(f"{PAGE}export.csv"))}
    assert "Invoice is wrong" in everything and other_ticket.subject not in everything


def test_spreadsheet_formulas_are_defused(desk, tickets):
    [row] = [r for r in rows(desk("admin").get(f"{API}?q=HYPERLINK"))]
    assert row["subject"].startswith("'=HYPERLINK(")
    assert row["priority"] == "High" and row["email"] == "cu@example.com"


def test_bad_filters_are_a_clear_error(browser_as, desk, tickets):
    body = problem(desk("admin").get(f"{API}?view=someday"), 400)
    assert "view" in body["errors"]
    r = browser_as("admin").get(f"{PAGE}export.csv", {"view": "someday"}, follow=True)
    assert "Choose one of" in r.content.decode()


def test_export_streams_every_page(portal, admin, tickets):
    # Batches of 2: each batch after the first is read by keyset from where the last ended.
    from tandem.web.csvexport import stream_csv

    qs = queries.tickets(admin)
    chunks = list(
        stream_csv(
            qs,
            queries.sort_order("created_at"),
            ["number"],
            lambda b: [[t.number] for t in b],
            batch=2,
        )
    )
    every = sorted(Ticket.objects.filter(portal=portal).values_list("number", flat=True))
    assert len(chunks) == (len(every) + 1) // 2
    assert [int(n) for n in "".join(chunks).split()[1:]] == every


def test_next_page_keeps_the_email_filter(browser_as, make_ticket):
    for i in range(51):
        make_ticket(f"Bulk {i}", contact={"last_name": "Same", "email": "same@customer.test"})
    page = browser_as("admin").get(PAGE, {"email": "same@customer.test"}).content.decode()
    assert 'id="next-page" href="?view=all&amp;email=same%40customer.test' in page


def test_under_asgi_the_download_is_fed_one_chunk_at_a_time():
    # uvicorn serves through ASGI, where Django would read a plain iterator to its end first.
    import asyncio
    import threading

    from django.test import AsyncRequestFactory, RequestFactory

    from tandem.web.csvexport import csv_download

    served: list = []

    def written():
        for chunk in ("a,b\r\n", "1,2\r\n", "3,4\r\n"):
            served.append(chunk)
            yield chunk

    response = csv_download(AsyncRequestFactory().get("/"), written(), "x.csv")
    assert response.is_async and served == []  # nothing read before it is sent

    async def read():
        return [chunk async for chunk in response.streaming_content]

    got: list = []
    # A thread of its own: Playwright may hold an event loop in this one.
    reader = threading.Thread(target=lambda: got.extend(asyncio.run(read())))
    reader.start()
    reader.join()
    assert got == [b"a,b\r\n", b"1,2\r\n", b"3,4\r\n"]
    plain = csv_download(RequestFactory().get("/"), iter(["x\r\n"]), "x.csv")
    assert not plain.is_async and list(plain.streaming_content) == [b"x\r\n"]
