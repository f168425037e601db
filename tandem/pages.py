"""What `tandem serve` runs in each web process: pages and API calls on a pool of threads
through Django's WSGI handler, and live streams (SalesSignals) through its ASGI handler.

Why not ASGI for everything: Django runs a sync view under ASGI in a thread of its own made
for that one request, which opens a database connection for that one request and hops between
the event loop and the thread several times. A page paid for all of it, and a process served
its requests one after another far more than its CPU required. Here a page runs on one of
THREADS long-lived threads, each keeping its database connection between requests, and the
event loop only reads requests and writes responses. A request that asks for an event stream
(`Accept: text/event-stream`, what EventSource sends) stays on ASGI, where Django runs the
stream as an async generator that costs no thread while it waits."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings

from tandem.web.connections import keep_connections


def _threads() -> int:
    """Page threads per web process (TANDEM_WEB_THREADS): pages that wait on the database
    overlap; the CPU is the GIL's. Each thread keeps a database connection."""
    from tandem.config import env_int

    return env_int("TANDEM_WEB_THREADS", 8, minimum=1)


THREADS = _threads()


def _keep_connections() -> None:
    """In each page thread: keep the database connection between requests, lean on SQLite."""
    keep_connections(sqlite_init=LEAN_PAGE_CONNECTION)


# On SQLite a page thread's connection reads through the operating system's file cache, with
# a small page cache of its own and no memory map: with 8 threads each mapping the database,
# a web process's RSS counted the mapped pages once per thread (240 to 290 MB after `tandem bench
# http` at 1,000,000 tickets; about 150 MB like this, pages as fast).
LEAN_PAGE_CONNECTION = "PRAGMA cache_size=-4096; PRAGMA mmap_size=0;"


def environ(scope: dict, body) -> dict:
    """The WSGI environ of an ASGI HTTP request (PEP 3333; headers as Django's ASGI reads
    them: repeated ones joined, cookies with '; ')."""
    path = scope["path"]
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    server = scope.get("server") or ("localhost", 80)
    env = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": root.encode().decode("latin-1"),
        "PATH_INFO": path.encode().decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1] or 80),
        "REMOTE_ADDR": (scope.get("client") or ("", 0))[0],
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        key = name if name in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{name}"
        value = raw_value.decode("latin-1")
        if key in env:
            value = f"{env[key]}{'; ' if key == 'HTTP_COOKIE' else ','}{value}"
        env[key] = value
    return env


async def _read_body(receive):
    """The whole request body: in memory when small, else in a temporary file (as Django's
    ASGI handler keeps it)."""
    # Closed by the caller once the response is sent.
    body = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            body.close()
            return None
        body.write(message.get("body", b""))
        if not message.get("more_body", False):
            body.seek(0)
            return body


async def _send_each(send, messages) -> None:
    for message in messages:
        await send(message)


class Pages:
    """A WSGI application served to ASGI from a pool of threads. The response is sent as the
    application yields it, each chunk waiting until the connection took the last one: a long
    CSV download streams with flat memory."""

    def __init__(self, wsgi, threads: int = THREADS):
        self.wsgi = wsgi
        self.pool = ThreadPoolExecutor(threads, "page", initializer=_keep_connections)

    async def __call__(self, scope, receive, send) -> None:
        body = await _read_body(receive)
        if body is None:
            return  # the client left before it finished sending
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self.pool, self._respond, loop, scope, body, send)
        finally:
            body.close()

    def _respond(self, loop, scope, body, send) -> None:
        head: list[dict] = []  # the response's start, until it goes out with the first chunk
        sent = False

        def start_response(status: str, headers, exc_info=None):
            if exc_info and sent:
                raise exc_info[1].with_traceback(exc_info[2])
            # Django writes Set-Cookie values with a leading space, which HTTP forbids.
            raw = [(k.lower().encode("latin-1"), v.strip().encode("latin-1")) for k, v in headers]
            status_code = int(status.split(" ", 1)[0])
            head[:] = [{"type": "http.response.start", "status": status_code, "headers": raw}]

        def push(chunk: bytes, more: bool) -> None:
            nonlocal sent
            messages = [*head, {"type": "http.response.body", "body": chunk, "more_body": more}]
            head.clear()
            sent = True
            asyncio.run_coroutine_threadsafe(_send_each(send, messages), loop).result()

        result = self.wsgi(environ(scope, body), start_response)
        try:
            pending = None  # one chunk behind, so the last one goes out marked as the last
            for chunk in result:
                if chunk:
                    if pending is not None:
                        push(pending, more=True)
                    pending = chunk
            push(pending or b"", more=False)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()  # request_finished: Django checks the connection, closes the files


def wants_event_stream(scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"accept" and b"text/event-stream" in value:
            return True
    return False


class Application:
    """The ASGI application: event streams (and lifespan) to Django's ASGI handler, every
    other HTTP request to the page threads."""

    def __init__(self, asgi, wsgi, threads: int = THREADS):
        self.asgi = asgi
        self.pages = Pages(wsgi, threads)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and not wants_event_stream(scope):
            await self.pages(scope, receive, send)
        else:
            await self.asgi(scope, receive, send)
