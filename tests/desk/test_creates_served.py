"""Ticket creates over real HTTP, many at once, as `tandem serve --workers 2` serves them: on
SQLite a process's creates waiting for the writer lock are written in one transaction
(web.group_commit). Each client must get its own ticket (or its own error, in its own
language), nothing lost or duplicated, every ticket whole (its history line and change-log
row), numbers without gaps, also when a web process is killed in the middle."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.web.test_serving import _web_processes  # the processes `tandem serve` spawned

pytestmark = [
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite's group commit"
    ),
    pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc"),
]

CLI = [sys.executable, "-m", "tandem"]
OUR_SETTINGS = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}  # the server's come from its data dir
CLIENTS = 8
EACH = 12
LANGUAGES = {"es": "No existe ese elemento en este portal.",
             "de": "Diesen Eintrag gibt es in diesem Portal nicht."}  # fmt: skip


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("served")
    env = {k: v for k, v in os.environ.items() if k not in OUR_SETTINGS}
    env.update(TANDEM_DATA_DIR=str(data), EMAIL_URL="memorymail://")
    for step in (["migrate", "--verbosity", "0"], ["demo"]):
        subprocess.run([*CLI, *step], env=env, check=True, timeout=300, stdout=subprocess.DEVNULL)
    made = subprocess.run(
        [*CLI, "token", "create", "--email", "admin@acme.test", "--portal", "acme-support"],
        env=env, check=True, timeout=120, capture_output=True, text=True,
    )  # fmt: skip
    token = made.stdout.strip().splitlines()[-1]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [*CLI, "serve", "--workers", "2", "--no-worker", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/health/")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("tandem serve did not answer")
        yield {"port": port, "token": token, "db": data / "tandem.sqlite3", "server": server}
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()


def _create(conn, token: str, language: str, body: dict) -> tuple[int, dict]:
    conn.request(
        "POST",
        "/api/desk/v1/tickets",
        body=json.dumps(body),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                 "Accept-Language": language},
    )  # fmt: skip
    answer = conn.getresponse()
    return answer.status, json.loads(answer.read() or b"{}")


def _clients(served, run: str, on_each=None) -> list[tuple]:
    """CLIENTS threads, each creating EACH tickets on a keep-alive connection; every third asks
    for a contact that does not exist. Returns (subject, language, status, body) per request;
    status None where the connection broke."""
    outcomes: list[tuple] = []
    lock = threading.Lock()

    def client(c: int) -> None:
        language = "es" if c % 2 else "de"
        conn = http.client.HTTPConnection("127.0.0.1", served["port"], timeout=30)
        for i in range(EACH):
            subject = f"{run} client {c} ticket {i}"
            body = {"subject": subject, "priority": "High"}
            if i % 3 == 2:
                body["contact_id"] = 10**12 + i
            try:
                status, answer = _create(conn, served["token"], language, body)
            except (OSError, http.client.HTTPException):
                status, answer = None, {}
                conn = http.client.HTTPConnection("127.0.0.1", served["port"], timeout=30)
            with lock:
                outcomes.append((subject, language, status, answer))
            if on_each:
                on_each()

    threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return outcomes


def _stored(db: Path, run: str) -> dict:
    """What the database holds for the run's tickets: {subject: (id, number, events, changes)}."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT t.id, t.number, t.subject,"
            " (SELECT count(*) FROM desk_ticketevent e"
            "  WHERE e.ticket_id = t.id AND e.kind = 'created'),"
            " (SELECT count(*) FROM desk_change c WHERE c.entity = 'ticket' AND c.entity_id = t.id"
            "  AND c.op = 'create')"
            " FROM desk_ticket t WHERE t.subject LIKE ?",
            [f"{run} %"],
        ).fetchall()  # fmt: skip
    stored: dict = {}
    for id_, number, subject, events, changes in rows:
        assert subject not in stored, f"{subject!r} stored twice"
        stored[subject] = (id_, number, events, changes)
    return stored


def _numbers_and_log_are_whole(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        numbers = [n for (n,) in conn.execute(
            "SELECT t.number FROM desk_ticket t JOIN desk_portal p ON p.id = t.portal_id"
            " WHERE p.slug = 'acme-support' ORDER BY t.number")]  # fmt: skip
        seqs = [s for (s,) in conn.execute(
            "SELECT c.seq FROM desk_change c JOIN desk_portal p ON p.id = c.portal_id"
            " WHERE p.slug = 'acme-support' ORDER BY c.seq")]  # fmt: skip
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), "a ticket number gap"
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "a change-log gap"


def test_many_creates_at_once_each_get_their_own_ticket_or_error(served):
    outcomes = _clients(served, "together")
    stored = _stored(served["db"], "together")
    assert len(outcomes) == CLIENTS * EACH
    for subject, language, status, body in outcomes:
        if subject.endswith(tuple(f"ticket {i}" for i in range(2, EACH, 3))):
            # Its own error, in its own language, naming its field; nothing stored.
            assert status == 400, (subject, status, body)
            assert body["errors"]["contact_id"] == [LANGUAGES[language]]
            assert subject not in stored
        else:
            assert status == 201, (subject, status, body)
            assert body["subject"] == subject  # its own ticket, not another's
            id_, number, events, changes = stored[subject]
            assert (body["id"], body["number"]) == (id_, number)
            assert (events, changes) == (1, 1)
    assert len(stored) == CLIENTS * EACH - CLIENTS * len(range(2, EACH, 3))
    _numbers_and_log_are_whole(served["db"])


def test_a_web_process_killed_mid_way_loses_no_answered_ticket_and_leaves_none_half(served):
    web = sorted(_web_processes(served["server"].pid))
    assert len(web) == 2
    sent = []

    def kill_half_way() -> None:
        sent.append(1)
        if len(sent) == CLIENTS * EACH // 3:
            os.kill(web[0], signal.SIGKILL)

    outcomes = _clients(served, "killed", kill_half_way)
    stored = _stored(served["db"], "killed")
    answered = {subject for subject, _l, status, _b in outcomes if status == 201}
    assert answered, "no create answered"
    assert any(status is None for _s, _l, status, _b in outcomes), "no connection was cut"
    assert answered <= set(stored), "a ticket answered 201 is not stored"
    # A create whose answer was lost with the process is stored whole or not at all.
    assert all(value[2:] == (1, 1) for value in stored.values())
    _numbers_and_log_are_whole(served["db"])
