"""`tandem serve` listens on a socket that turns Nagle's algorithm off on every connection it
accepts (with Nagle on, a response written as header then body waits ~40 ms for the client's
delayed ACK); with several web processes it hands them the connections in turn, so that a few
keep-alive connections are shared evenly instead of landing on one process."""

from __future__ import annotations

import asyncio
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tandem import serving


def nagle_off_on_accepted(sock: socket.socket) -> bool:
    """Serve one connection from `sock` with asyncio, as uvicorn does, and tell whether the
    accepted socket has TCP_NODELAY."""
    seen: list[int] = []

    async def main():
        accepted = asyncio.Event()

        def on_connect(_reader, writer):
            conn = writer.get_extra_info("socket")
            seen.append(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()
            accepted.set()

        server = await asyncio.start_server(on_connect, sock=sock)
        host, port = sock.getsockname()[:2]
        _r, w = await asyncio.open_connection(host, port)
        await asyncio.wait_for(accepted.wait(), 10)
        w.close()
        server.close()

    # On a thread of its own: in a test process where Playwright's sync API already keeps an
    # event loop running on the main thread, asyncio.run() there would refuse.
    runner = threading.Thread(target=lambda: asyncio.run(main()))
    runner.start()
    runner.join(30)
    return bool(seen and seen[0])


def test_a_connection_tandem_serve_accepts_has_nagle_off():
    assert nagle_off_on_accepted(serving.listening_socket("127.0.0.1", 0))


def test_connections_are_handed_to_the_web_processes_in_turn_with_nagle_off():
    sock = serving.listening_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    pairs = [socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET) for _ in range(2)]
    handout = serving.Handout(sock)
    handout.handoffs = [ours for ours, _theirs in pairs]
    handout.start()
    clients = []
    try:
        received: list[list[socket.socket]] = [[], []]
        for _ in range(6):
            clients.append(socket.create_connection(("127.0.0.1", port), timeout=10))
        for i, (_ours, theirs) in enumerate(pairs):
            theirs.settimeout(10)
            for _ in range(3):
                _data, fds, _flags, _addr = socket.recv_fds(theirs, 1, 1)
                received[i].append(socket.socket(fileno=fds[0]))
        assert [len(got) for got in received] == [3, 3]
        for conn in received[0] + received[1]:
            assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            conn.close()
    finally:
        handout.stopping.set()
        handout.join(timeout=10)
        for client in clients:
            client.close()
        for ours, theirs in pairs:
            ours.close()
            theirs.close()
        sock.close()


def test_a_web_process_that_is_gone_is_skipped():
    sock = serving.listening_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    gone_ours, gone_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    gone_theirs.close()  # that process died
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    handout = serving.Handout(sock)
    handout.handoffs = [gone_ours, ours]
    handout.start()
    try:
        clients = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(2)]
        theirs.settimeout(10)
        for _ in range(2):
            _data, fds, _flags, _addr = socket.recv_fds(theirs, 1, 1)
            socket.socket(fileno=fds[0]).close()
        for client in clients:
            client.close()
    finally:
        handout.stopping.set()
        handout.join(timeout=10)
        for end in (gone_ours, ours, theirs):
            end.close()
        sock.close()


def test_a_plain_socket_would_keep_nagle_on():
    # Why the socket is ours: a socket made without the protocol number, as uvicorn makes
    # one for several workers, leaves Nagle on. If asyncio ever changes this, the test says so.
    plain = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    plain.bind(("127.0.0.1", 0))
    assert not nagle_off_on_accepted(plain)


def test_serve_on_a_taken_port_says_so_in_one_line(capsys):
    from tandem import cli

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit) as stopped:
            cli.cmd_serve(cli.parser().parse_args(["serve", "--port", str(port), "--no-worker"]))
    assert stopped.value.code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def _web_processes(pid: int) -> set[int]:
    """The processes `pid` spawned to serve (not multiprocessing's resource tracker)."""
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        for child in (task / "children").read_text().split():
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.add(int(child))
    return found


def _tcp_connections(pid: int) -> int:
    """TCP connections open in process `pid` (sockets listed in /proc/net/tcp by inode)."""
    inodes = set()
    for line in Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]:
        inodes.add(line.split()[9])
    found = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in inodes:
            found += 1
    return found


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="uses SQLite")
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_serve_with_two_workers_answers_on_keep_alive_and_stops_them_on_sigterm(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["TANDEM_DATA_DIR"] = str(tmp_path)
    run = [sys.executable, "-m", "tandem"]
    subprocess.run([*run, "migrate", "--verbosity", "0"], env=env, check=True, timeout=120)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [*run, "serve", "--workers", "2", "--no-worker", "--port", str(port)], env=env
    )
    try:
        deadline = time.monotonic() + 60
        answers = []
        while time.monotonic() < deadline and len(answers) < 5:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                for _ in range(5):  # one keep-alive connection
                    conn.request("GET", "/health/")
                    answer = conn.getresponse()
                    answers.append((answer.status, answer.read()))
            except OSError:
                answers.clear()
                time.sleep(0.3)
        assert answers == [(200, b"ok")] * 5
        web = _web_processes(server.pid)
        assert len(web) == 2
        # 8 keep-alive connections: 4 served by each process.
        conn.close()
        time.sleep(0.2)  # its process has seen it close
        before = {pid: _tcp_connections(pid) for pid in web}
        eight = [http.client.HTTPConnection("127.0.0.1", port, timeout=5) for _ in range(8)]
        for conn in eight:
            conn.request("GET", "/health/")
            assert conn.getresponse().read() == b"ok"
        assert {pid: _tcp_connections(pid) - before[pid] for pid in web} == dict.fromkeys(web, 4)
        for conn in eight:
            conn.close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    assert server.returncode == 0
    assert not [pid for pid in web if Path(f"/proc/{pid}").exists()], "a web process outlived serve"
