"""SalesSignals: assignment notifications, inbox, read state, settings, the live stream."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from django.test import Client

from tandem.crm import actions, hooks, queries
from tandem.crm.models import OrgUser, Signal
from tandem.crm.views import signals as signal_views

from .conftest import problem

BASE = "/api/crm/v1"


def _assign(admin_api, person, email="sales@acme.test"):
    lead = admin_api.post(f"{BASE}/Leads", {"Last_Name": "Hot Lead"}).json()
    admin_api.patch(f"{BASE}/Leads/{lead['id']}", {"Owner": person(email).id})
    return lead


def test_assigning_a_record_signals_the_new_owner(admin_api, sales_api, person):
    before = sales_api.get(f"{BASE}/signals?unread=true").json()["data"]
    lead = _assign(admin_api, person)
    signals = sales_api.get(f"{BASE}/signals?unread=true").json()["data"]
    assert len(signals) == len(before) + 1
    newest = signals[0]
    assert newest["source"] == "crm" and newest["kind"] == "assigned"
    assert "Hot Lead" in newest["title"] and "Ada Admin" in newest["title"]
    assert newest["url"].endswith(f"/m/Leads/{lead['id']}/")
    read = sales_api.post(f"{BASE}/signals/{newest['id']}/read")
    assert read.json()["read"] is True
    assert newest["id"] not in [
        s["id"] for s in sales_api.get(f"{BASE}/signals?unread=true").json()["data"]
    ]


def test_taking_a_record_yourself_signals_nobody(admin_api, person):
    count = Signal.objects.count()
    admin_api.post(f"{BASE}/Leads", {"Last_Name": "Mine"})
    assert Signal.objects.count() == count


def test_signals_are_private(admin_api, sales_api, person):
    _assign(admin_api, person)
    theirs = Signal.objects.filter(user=person("sales@acme.test")).first()
    problem(admin_api.post(f"{BASE}/signals/{theirs.id}/read"), 404)


def test_settings_switch_a_kind_off(admin_api, sales_api, person):
    assert admin_api.get(f"{BASE}/signals/settings").json()["crm"] == {"assigned": True}
    response = admin_api.put(f"{BASE}/signals/settings", {"crm": {"assigned": False}})
    assert response.json()["crm"]["assigned"] is False
    count = Signal.objects.count()
    _assign(admin_api, person)
    assert Signal.objects.count() == count
    problem(admin_api.put(f"{BASE}/signals/settings", {"nope": {"x": True}}), 400)
    problem(sales_api.put(f"{BASE}/signals/settings", {"crm": {"assigned": True}}), 403)


def test_registered_sources_deliver_and_show_in_setup(acme, person, client):
    hooks.register_signal_source(
        hooks.SignalSource(key="test", label="Test source", settings={"ping": "Pings"})
    )
    try:
        sales = person("sales@acme.test")
        actions.do_send_signal(
            org=acme, user_ids=[sales.id], source="test", kind="ping", title="Ping!"
        )
        assert queries.signals_for(queries.member_for(acme, sales.id)).first().title == "Ping!"
        client.force_login(person("admin@acme.test"))
        page = client.get("/crm/acme/setup/channels/salessignals/").content.decode()
        assert "Test source" in page and "Pings" in page
    finally:
        hooks.signal_sources.pop("test")


def test_bell_shows_unread_count_on_crm_pages(admin_api, person):
    sales = person("sales@acme.test")
    _assign(admin_api, person)
    browser = Client()
    browser.force_login(sales)
    unread = Signal.objects.filter(user=sales, read_at__isnull=True).count()
    for path in ("/crm/acme/", "/crm/acme/m/Leads/", "/crm/acme/signals/"):
        page = browser.get(path).content.decode()
        assert 'id="signals-bell"' in page and f">{unread}</span>" in page
        assert "sse-connect=" in page


def test_bell_is_an_svg_icon_not_an_emoji(client, person):
    """An emoji bell is an empty box on machines without an emoji font."""
    client.force_login(person("sales@acme.test"))
    page = client.get("/crm/acme/").content.decode()
    bell = page[page.index('id="signals-bell"') :]
    bell = bell[: bell.index("</a>")]
    assert "&#128276;" not in bell and "\U0001f514" not in bell
    assert "<svg" in bell and 'aria-hidden="true"' in bell and 'fill="currentColor"' in bell
    assert '<span class="visually-hidden">SalesSignals</span>' in bell


def test_stream_sends_new_signals_and_the_count(admin_api, person, monkeypatch):
    monkeypatch.setattr(signal_views, "WSGI_STREAM_SECONDS", 0.3)
    sales = person("sales@acme.test")
    browser = Client()
    browser.force_login(sales)
    after = queries.last_signal_id(
        Signal.objects.first().org_id if Signal.objects.exists() else 0, sales.id
    )
    _assign(admin_api, person)
    response = browser.get(f"/crm/acme/signals/stream/?after={after}")
    assert response["Content-Type"] == "text/event-stream"
    body = b"".join(response.streaming_content).decode()
    assert "event: signal" in body and "Hot Lead" in body and "event: count" in body
    newest = Signal.objects.filter(user=sales).order_by("-id").first()
    assert f"id: {newest.id}" in body
    # Reconnecting with Last-Event-ID sends nothing twice.
    again = browser.get("/crm/acme/signals/stream/", headers={"Last-Event-ID": str(newest.id)})
    assert "event: signal" not in b"".join(again.streaming_content).decode()


def test_inbox_detail_marks_read(admin_api, person):
    sales = person("sales@acme.test")
    _assign(admin_api, person)
    signal = Signal.objects.filter(user=sales).order_by("-id").first()
    browser = Client()
    browser.force_login(sales)
    assert "Hot Lead" in browser.get("/crm/acme/signals/").content.decode()
    assert browser.get(f"/crm/acme/signals/{signal.id}/").status_code == 200
    signal.refresh_from_db()
    assert signal.read_at is not None
    browser.force_login(person("agent@acme.test"))
    assert browser.get(f"/crm/acme/signals/{signal.id}/").status_code == 404


def test_a_source_draws_actions_on_its_signals_detail(acme, person, client):
    hooks.register_signal_source(
        hooks.SignalSource(
            key="test",
            label="Test source",
            settings={"ping": "Pings"},
            render_detail=lambda request, member, signal: (
                f"<button>Reply to {signal.data['n']}</button>"
            ),
        )
    )
    try:
        sales = person("sales@acme.test")
        [signal] = actions.do_send_signal(
            org=acme, user_ids=[sales.id], source="test", kind="ping", title="Ping!", data={"n": 7}
        )
        client.force_login(sales)
        page = client.get(f"/crm/acme/signals/{signal.id}/").content.decode()
        assert "<button>Reply to 7</button>" in page and "Test source" in page
    finally:
        hooks.signal_sources.pop("test")


async def _no_wait(_seconds):
    return None


def _drain(gen) -> list[str]:
    async def run():
        return [frame async for frame in gen]

    # A thread of its own: in a worker that also ran browser tests, Playwright keeps an
    # event loop running in this thread, and asyncio.run() refuses to nest.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, run()).result()


def test_live_stream_ends_when_the_user_is_deactivated():
    """S7: the ASGI stream re-checks membership every RECHECK_SECONDS and then ends."""

    checks = iter([True, True, False])
    polls = []

    def poll(last):
        polls.append(last)
        return last, ""

    frames = _drain(signal_views.live_events(7, poll, lambda: next(checks), sleep=_no_wait))
    per_check = int(signal_views.RECHECK_SECONDS / signal_views.POLL_SECONDS)
    assert len(polls) == 3 * per_check  # ended at the third check, not polling forever
    assert frames[0].startswith("retry:") and polls[0] == 7


def test_live_stream_ends_after_a_bounded_time():
    now = [0.0]

    def clock():
        now[0] += 1.0
        return now[0]

    polls = []
    _drain(
        signal_views.live_events(
            0,
            lambda last: (polls.append(last), (last, ""))[1],
            lambda: True,
            clock=clock,
            sleep=_no_wait,
        )
    )
    assert 0 < len(polls) <= signal_views.ASGI_STREAM_SECONDS


def test_still_listening_follows_the_membership(acme, person):
    sales = person("sales@acme.test")
    assert queries.still_listening(acme.id, sales.id)
    OrgUser.objects.filter(org=acme, user=sales).update(state=OrgUser.State.DEACTIVATED)
    assert not queries.still_listening(acme.id, sales.id)
