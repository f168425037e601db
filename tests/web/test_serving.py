"""`tandem serve` listens on a socket that turns Nagle's algorithm off on every connection it
accepts, in the process that binds it and in the web worker processes it is handed to: with
Nagle on, a response written as header then body waits ~40 ms for the client's delayed ACK."""

from __future__ import annotations

import asyncio
import multiprocessing
import socket

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

    asyncio.run(main())
    return bool(seen and seen[0])


def serve_one_in_a_worker(sock: socket.socket, answers) -> None:
    answers.put(nagle_off_on_accepted(sock))


def test_a_connection_tandem_serve_accepts_has_nagle_off():
    assert nagle_off_on_accepted(serving.listening_socket("127.0.0.1", 0))


def test_a_web_worker_process_handed_the_socket_accepts_with_nagle_off():
    # --workers 2: uvicorn hands the socket to spawned processes, as here.
    spawn = multiprocessing.get_context("spawn")
    answers = spawn.Queue()
    sock = serving.listening_socket("127.0.0.1", 0)
    worker = spawn.Process(target=serve_one_in_a_worker, args=(sock, answers))
    worker.start()
    try:
        assert answers.get(timeout=60) is True
    finally:
        worker.join(timeout=30)
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
