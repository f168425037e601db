"""How `tandem serve` listens: one TCP socket, bound here, shared by every web process.

Binding it ourselves is the point. uvicorn binds its own socket with `socket.socket(family)`
when it runs several workers, which leaves the protocol number 0; asyncio sets TCP_NODELAY only
on sockets whose protocol says TCP, so every accepted connection kept Nagle's algorithm, and a
response written as header then body waited for the client's delayed ACK: ~40 ms on every
keep-alive request after the first. A socket made with IPPROTO_TCP hands that protocol to every
socket it accepts, and asyncio then turns Nagle off on each, with one worker or many."""

from __future__ import annotations

import socket
import sys

APP = "tandem.asgi:application"


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Belt and braces: Linux also copies the option from the listening socket to accepted ones.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)  # the worker processes serve from this same socket
    return sock


def run(sock: socket.socket, *, workers: int, **options) -> None:
    """uvicorn on our socket: `workers` processes accepting from it, or this one alone."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    host, port = sock.getsockname()[:2]
    config = uvicorn.Config(APP, host=host, port=port, workers=workers, **options)
    try:
        if workers > 1:
            Multiprocess(config, sockets=[sock]).run()
        else:
            server = uvicorn.Server(config)
            server.run(sockets=[sock])
            if not server.started:
                sys.exit(3)  # uvicorn's own code for "the app could not start"
    finally:
        sock.close()
