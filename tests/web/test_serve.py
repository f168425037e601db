"""`tandem serve` end to end: a real uvicorn process with its embedded worker."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def heartbeats(db_file) -> int:
    with sqlite3.connect(db_file) as db:
        return db.execute("SELECT COUNT(*) FROM web_workerheartbeat").fetchone()[0]


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="uses SQLite")
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_answers_and_runs_a_worker_that_stops_with_it(tmp_path, stop):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["TANDEM_DATA_DIR"] = str(tmp_path)
    run = [sys.executable, "-m", "tandem"]
    subprocess.run([*run, "migrate", "--verbosity", "0"], env=env, check=True, timeout=120)
    port = free_port()
    server = subprocess.Popen([*run, "serve", "--port", str(port)], env=env)
    try:
        deadline = time.monotonic() + 30
        body = None
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as r:
                    body = r.read()
            except OSError:
                time.sleep(0.3)
        assert body == b"ok"
        db_file = tmp_path / "tandem.sqlite3"
        while time.monotonic() < deadline and heartbeats(db_file) == 0:
            time.sleep(0.3)
        assert heartbeats(db_file) == 1, "the embedded worker never said it was alive"
    finally:
        server.send_signal(stop)  # Ctrl+C, or what systemd and docker stop send
        server.wait(timeout=30)
    # The worker stopped cleanly with the server and took its heartbeat with it.
    assert heartbeats(tmp_path / "tandem.sqlite3") == 0
