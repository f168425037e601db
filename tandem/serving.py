"""How `tandem serve` listens and runs its web processes.

Sockets are made here, not by uvicorn, for two reasons measured over HTTP (`tandem bench http`):

- Nagle. uvicorn binds its socket with `socket.socket(family)` when it runs several workers,
  which leaves the protocol number 0; asyncio turns TCP_NODELAY on only for sockets whose
  protocol says TCP, so every connection kept Nagle's algorithm and a response written as
  header then body waited ~40 ms for the client's delayed ACK, on every keep-alive request
  after the first. Our sockets say IPPROTO_TCP, so asyncio turns Nagle off on each connection.
- Balance. Web processes sharing one listening socket do not share its connections: whichever
  wakes first accepts all that are waiting, and 8 keep-alive connections often all landed on
  one process. A socket per process on one port (SO_REUSEPORT) is no better for a few
  connections: the kernel hashes each to a process, and 8 split 4/4 only one time in four
  (6/2 or 7/1 one time in four), so one process did most of the work on one core while the
  other idled. With `--workers N` the supervising process accepts every connection itself and
  hands it to the web processes in turn (a Unix socket passes the descriptor); each then
  serves that connection, keep-alive requests and all, as if it had accepted it."""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import signal
import socket
import sys
import threading
import time

APP = "tandem.asgi:application"
STARTUP_FAILURE = 3  # uvicorn's exit code for "could not start"
BACKLOG = 2048  # uvicorn's default


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Also on the listening socket: Linux hands it on to the sockets it accepts.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def reserve(host: str, port: int, workers: int) -> socket.socket:
    """The socket `tandem serve` binds first, so that a taken port is said at once."""
    return listening_socket(host, port)


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


def _handed_server(config, handoff: socket.socket):
    """A uvicorn server that listens on nothing and serves the connections handed to it."""
    import uvicorn

    class HandedServer(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            await super().startup(sockets=[])
            loop = asyncio.get_running_loop()
            protocol = functools.partial(
                config.http_protocol_class,
                config=config,
                server_state=self.server_state,
                app_state=self.lifespan.state,
            )
            handoff.setblocking(False)
            loop.add_reader(handoff.fileno(), self._take, loop, protocol)

        def _take(self, loop, protocol) -> None:
            try:
                _data, fds, _flags, _addr = socket.recv_fds(handoff, 1, 1)
            except BlockingIOError:
                return
            if not fds:  # the supervisor is gone: finish what is open and stop
                loop.remove_reader(handoff.fileno())
                self.should_exit = True
                return
            conn = socket.socket(fileno=fds[0])
            conn.setblocking(False)
            loop.create_task(loop.connect_accepted_socket(protocol, conn))

        async def shutdown(self, sockets=None) -> None:
            asyncio.get_running_loop().remove_reader(handoff.fileno())
            await super().shutdown(sockets)

    return HandedServer(config)


def _worker(handoff: socket.socket, host: str, port: int, options: dict) -> None:
    """A web process: uvicorn serving the connections the supervisor hands over."""
    server = _handed_server(_config(host, port, options), handoff)
    server.run(sockets=[])
    if not server.started:
        sys.exit(STARTUP_FAILURE)


class Handout(threading.Thread):
    """Accepts connections on the listening socket and hands each to the next web process."""

    def __init__(self, sock: socket.socket):
        super().__init__(name="tandem-accept", daemon=True)
        self.sock = sock
        self.handoffs: list[socket.socket | None] = []
        self.turn = 0
        self.stopping = threading.Event()
        sock.listen(BACKLOG)  # connections wait in the backlog from now on

    def run(self) -> None:
        self.sock.settimeout(0.25)  # to see `stopping`
        while not self.stopping.is_set():
            try:
                conn, _addr = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                if self.stopping.is_set():
                    return
                continue  # e.g. the client gave up before it was accepted
            with conn:
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.hand(conn)

    def hand(self, conn: socket.socket) -> None:
        """To the next web process that takes it; a process that is gone is skipped."""
        for _ in range(len(self.handoffs)):
            self.turn = (self.turn + 1) % len(self.handoffs)
            handoff = self.handoffs[self.turn]
            if handoff is None:
                continue
            try:  # never blocking: a process too busy to take it leaves it to the next
                socket.send_fds(handoff, [b"c"], [conn.fileno()], socket.MSG_DONTWAIT)
                return
            except OSError:  # gone, or its queue is full
                continue
        # No web process could take it: closing it tells the client at once.


def supervise(sock: socket.socket, workers: int, options: dict) -> None:
    """Run `workers` web processes until SIGINT or SIGTERM, handing them the connections;
    replace one that dies. One that dies while starting (a broken configuration) stops them
    all: it would only die again."""
    host, port = sock.getsockname()[:2]
    spawn = multiprocessing.get_context("spawn")
    stopping: list[int] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, _frame: stopping.append(signum))
    handout = Handout(sock)

    def start(i: int):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        process = spawn.Process(
            target=_worker, args=(theirs, host, port, options), name="tandem-web"
        )
        process.start()
        theirs.close()
        old = handout.handoffs[i] if i < len(handout.handoffs) else None
        if i < len(handout.handoffs):
            handout.handoffs[i] = ours
        else:
            handout.handoffs.append(ours)
        if old is not None:
            old.close()
        return process, time.monotonic()

    processes = [start(i) for i in range(workers)]
    handout.start()
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
                processes[i] = start(i)
    finally:
        handout.stopping.set()
        handout.join(timeout=5)
        for process, _started in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests it has
        for process, _started in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()
        for handoff in handout.handoffs:
            if handoff is not None:
                handoff.close()
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
