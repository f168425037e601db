"""How `tandem serve` listens and runs its web processes.

Sockets are made here, not by uvicorn, for two reasons measured over HTTP (`tandem bench http`):

- Nagle. uvicorn binds its socket with `socket.socket(family)` when it runs several workers,
  which leaves the protocol number 0; asyncio turns TCP_NODELAY on only for sockets whose
  protocol says TCP, so every connection kept Nagle's algorithm and a response written as
  header then body waited ~40 ms for the client's delayed ACK, on every keep-alive request
  after the first. Our sockets say IPPROTO_TCP, so asyncio turns Nagle off on each connection.
- Balance. Web processes sharing one listening socket do not share its connections: whichever
  wakes first accepts all that are waiting, and 8 keep-alive connections often all landed on one
  process, leaving the other idle. With `--workers N` each process listens on a socket of its
  own on the same port (SO_REUSEPORT) and the kernel spreads new connections among them."""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import time

APP = "tandem.asgi:application"
STARTUP_FAILURE = 3  # uvicorn's exit code for "could not start"


def listening_socket(host: str, port: int, *, share_port: bool = False) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if share_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        # Also on the listening socket: Linux hands it on to the sockets it accepts.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def reserve(host: str, port: int, workers: int) -> socket.socket:
    """The socket `tandem serve` binds first, so that a taken port is said at once. With
    several workers it only holds the port (it never listens): each worker listens on its own."""
    return listening_socket(host, port, share_port=workers > 1)


def _config(host: str, port: int, options: dict):
    import uvicorn

    return uvicorn.Config(APP, host=host, port=port, **options)


def serve_one(sock: socket.socket, options: dict) -> None:
    """uvicorn in this process, on `sock`."""
    import uvicorn

    host, port = sock.getsockname()[:2]
    server = uvicorn.Server(_config(host, port, options))
    server.run(sockets=[sock])
    if not server.started:
        sys.exit(STARTUP_FAILURE)


def _worker(host: str, port: int, options: dict) -> None:
    """A web process: its own socket on the shared port, then uvicorn on it."""
    serve_one(listening_socket(host, port, share_port=True), options)


def supervise(sock: socket.socket, workers: int, options: dict) -> None:
    """Run `workers` web processes until SIGINT or SIGTERM; replace one that dies. One that
    dies while starting (a broken configuration) stops them all: it would only die again."""
    host, port = sock.getsockname()[:2]
    spawn = multiprocessing.get_context("spawn")
    stopping: list[int] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, _frame: stopping.append(signum))

    def start():
        process = spawn.Process(target=_worker, args=(host, port, options), name="tandem-web")
        process.start()
        return process, time.monotonic()

    processes = [start() for _ in range(workers)]
    failed = False
    try:
        while not stopping and not failed:
            time.sleep(0.25)
            for i, (process, started) in enumerate(processes):
                if process.is_alive() or stopping:
                    continue
                if time.monotonic() - started < 10:
                    print(f"tandem: a web process could not start (exit {process.exitcode})")
                    failed = True
                    break
                processes[i] = start()
    finally:
        for process, _started in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests it has
        for process, _started in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()
    if failed:
        sys.exit(STARTUP_FAILURE)


def run(sock: socket.socket, *, workers: int, **options) -> None:
    try:
        if workers > 1:
            supervise(sock, workers, options)
        else:
            serve_one(sock, options)
    finally:
        sock.close()
