"""The application `tandem serve` runs: pages on long-lived threads through Django's WSGI
handler, each thread keeping its database connection; event streams through ASGI."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest
from asgiref.testing import ApplicationCommunicator
from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.test import Client

from tandem import demo
from tandem.identity.models import User
from tandem.pages import Application

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def app():
    served = Application(get_asgi_application(), get_wsgi_application(), threads=1)
    yield served
    served.pages.pool.submit(lambda: connections.close_all()).result()
    served.pages.pool.shutdown()


def scope(path: str, *, method="GET", headers=(), query=b"") -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


def call(app, request: dict, body: bytes = b"", *, first_only=False):
    """(status, headers, [body chunks]) — in a thread of its own, with its own event loop
    (Playwright may hold one in this thread)."""

    async def talk():
        talker = ApplicationCommunicator(app, request)
        await talker.send_input({"type": "http.request", "body": body, "more_body": False})
        start = await talker.receive_output(10)
        chunks = []
        while True:
            message = await talker.receive_output(10)
            chunks.append(message["body"])
            if first_only or not message.get("more_body"):
                break
        if first_only:
            await talker.send_input({"type": "http.disconnect"})
            talker.future.cancel()
        return start["status"], {k.lower(): v for k, v in start["headers"]}, chunks

    out: list = []
    worker = threading.Thread(target=lambda: out.append(asyncio.run(talk())))
    worker.start()
    worker.join(30)
    assert out, "the application did not answer"
    return out[0]


def signed_in(email: str) -> bytes:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def test_a_page_is_served_whole_with_its_cookies_well_formed(app):
    demo.load()
    status, headers, chunks = call(app, scope("/accounts/login/"))
    assert status == 200 and b"password" in b"".join(chunks)
    assert headers[b"set-cookie"].startswith(b"csrftoken=")  # no leading space: h11 refuses it


def test_a_page_thread_keeps_its_database_connection_between_requests(app):
    call(app, scope("/health/"))
    first = app.pages.pool.submit(lambda: connections["default"].connection).result()
    call(app, scope("/health/"))
    second = app.pages.pool.submit(lambda: connections["default"].connection).result()
    assert first is not None and second is first


def test_a_posted_body_reaches_the_view(app, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    demo.load()
    from tandem.identity import tenants, tokens

    admin = User.objects.get(email="admin@acme.test")
    portal = tenants.membership(admin, "desk", slug="acme-support")
    secret = tokens.do_create_token(actor=admin, kind="desk", tenant_id=portal.tenant_id)[1]
    body = json.dumps({"subject": "Sent over the page threads"}).encode()
    headers = [
        (b"authorization", f"Bearer {secret}".encode()),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    status, _headers, chunks = call(
        app, scope("/api/desk/v1/tickets", method="POST", headers=headers), body
    )
    assert status == 201, chunks
    assert json.loads(b"".join(chunks))["subject"] == "Sent over the page threads"


def test_a_streamed_download_goes_out_chunk_by_chunk(app):
    demo.load()
    cookie = signed_in("admin@acme.test")
    status, headers, chunks = call(
        app, scope("/desk/acme-support/tickets/export.csv", headers=[(b"cookie", cookie)])
    )
    assert status == 200 and headers[b"content-type"].startswith(b"text/csv")
    assert b"".join(chunks).startswith(b"\xef\xbb\xbf") or b"," in b"".join(chunks)


def test_the_live_signals_stream_is_served_by_asgi(app):
    demo.load()
    cookie = signed_in("admin@acme.test")
    headers = [(b"cookie", cookie), (b"accept", b"text/event-stream")]
    status, got, chunks = call(
        app, scope("/crm/acme/signals/stream/", headers=headers), first_only=True
    )
    assert status == 200 and got[b"content-type"] == b"text/event-stream"
    # The ASGI stream (an async generator) opens with "retry: 2000"; the WSGI one with 500.
    assert chunks[0].startswith(b"retry: 2000")
