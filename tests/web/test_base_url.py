"""Links in emails lead to the server that sent them (issue 13 §1): `tandem serve` on a port other
than 8000, with no TANDEM_BASE_URL, mails the customer links that answer on that port."""

from __future__ import annotations

import email
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from email import policy

import pytest

from tandem import config

PORTS = range(8700, 8750)  # this test's share of the machine's ports


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 8700-8749")


def call(url: str, token: str, body=None, method="GET"):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.loads(r.read() or b"null")


def mails(folder) -> list[email.message.EmailMessage]:
    """What the filemail:// backend wrote: messages separated by a line of 79 dashes."""
    found = []
    for path in sorted(folder.glob("*.log")):
        for raw in path.read_text().split("-" * 79):
            if raw.strip():
                found.append(email.message_from_string(raw.strip(), policy=policy.default))
    return found


def body_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def wait_for(check, what: str, seconds: float = 40):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    pytest.fail(f"gave up waiting for {what}")


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="uses SQLite")
def test_emailed_links_lead_to_the_port_tandem_serves(tmp_path):
    outbox = tmp_path / "mail"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "TANDEM_BASE_URL", "PORT", "EMAIL_URL"}
    }
    env.update(TANDEM_DATA_DIR=str(tmp_path), EMAIL_URL=f"filemail://{outbox}")
    tandem = [sys.executable, "-m", "tandem"]
    for step in (["migrate", "--verbosity", "0"], ["demo"]):
        subprocess.run([*tandem, *step], env=env, check=True, timeout=120, capture_output=True)
    made = subprocess.run(
        [*tandem, "token", "create", "--email", "admin@acme.test", "--portal", "acme-support"],
        env=env, check=True, timeout=60, capture_output=True, text=True,
    )  # fmt: skip
    token = made.stdout.strip().splitlines()[-1]
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([*tandem, "serve", "--port", str(port)], env=env)
    try:
        wait_for(lambda: _answers(f"{site}/health/"), "the server")
        api = f"{site}/api/desk/v1"
        ticket = call(
            f"{api}/tickets",
            token,
            {"subject": "Port check", "contact": {"last_name": "Cu", "email": "cu@example.com"}},
            "POST",
        )
        assert ticket["rating_url"].startswith(f"{site}/desk/rate/")
        reply = {"action": "reply", "content": "<p>We are on it.</p>"}
        call(f"{api}/tickets/{ticket['id']}/threads", token, reply, "POST")
        sent = wait_for(lambda: [m for m in mails(outbox) if "Port check" in m["Subject"]], "mail")
        link = re.search(r"https?://[^\s\"'<>]+/desk/c/[^\s\"'<>]+", body_of(sent[0])).group(0)
        assert link.startswith(f"{site}/"), link
        with urllib.request.urlopen(link, timeout=10) as page:
            assert page.status == 200 and "Port check" in page.read().decode()
        with urllib.request.urlopen(ticket["rating_url"], timeout=10) as page:
            assert page.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def test_an_address_a_browser_can_use_stands_for_a_wildcard_host():
    assert config.served_url("0.0.0.0", 9000) == "http://127.0.0.1:9000"
    assert config.served_url("::", 9000) == "http://[::1]:9000"
    assert config.served_url("::1", 9000) == "http://[::1]:9000"
    assert config.served_url("tandem.lan", 80) == "http://tandem.lan:80"


def test_base_url_follows_port_and_stays_overridable(monkeypatch):
    monkeypatch.delenv("TANDEM_BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "8742")
    assert config.base_url() == "http://127.0.0.1:8742"
    monkeypatch.setenv("TANDEM_BASE_URL", "https://help.example.com/")
    assert config.base_url() == "https://help.example.com"


def test_a_base_url_that_is_no_address_stops_start_up(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("TANDEM_BASE_URL", "help.example.com")
    with pytest.raises(ImproperlyConfigured, match="TANDEM_BASE_URL"):
        config.base_url()
