"""The SalesSignals inbox, and its live stream (server-sent events).

Signals are delivered through the database: the stream polls the Signal table for ids above the
last one the page has, so a signal written by any process (web, worker, another machine) reaches
every open page of that person. Under ASGI (uvicorn) the stream is an async generator and costs
no thread while waiting; under WSGI (the test server) a sync generator that ends after a while —
EventSource reconnects by itself, sending Last-Event-ID, so nothing is missed."""

from __future__ import annotations

import asyncio
import logging
import time

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.crm import actions, hooks, queries
from tandem.crm.views.common import crm_view, ui
from tandem.web.api import keyset_page

log = logging.getLogger("tandem.crm.signals")
POLL_SECONDS = 1.0
WSGI_STREAM_SECONDS = 30
KEEPALIVE_EVERY = 15
# An open stream outlives what was true when it opened: every RECHECK_SECONDS it checks the
# person is still an active user of the org (deactivated = the stream ends), and it ends after
# ASGI_STREAM_SECONDS anyway; EventSource reconnects, through the view's access checks again.
RECHECK_SECONDS = 15
ASGI_STREAM_SECONDS = 600


async def live_events(
    after: int, poll, still_listening, *, clock=time.monotonic, sleep=asyncio.sleep
):
    """The ASGI stream's frames: poll(last) -> (last, frames) every POLL_SECONDS, a keep-alive
    now and then; ends when still_listening() says no, or after ASGI_STREAM_SECONDS."""
    last, since_beat, since_check = after, 0.0, 0.0
    ends = clock() + ASGI_STREAM_SECONDS
    yield "retry: 2000\n\n"
    while clock() < ends:
        # Off the one thread sync views share: many open pages polling must not queue
        # behind each other or behind page views. Each pool thread keeps its connection.
        last, frames = await sync_to_async(poll, thread_sensitive=False)(last)
        if frames:
            yield frames
        await sleep(POLL_SECONDS)
        since_beat += POLL_SECONDS
        since_check += POLL_SECONDS
        if since_check >= RECHECK_SECONDS:
            since_check = 0.0
            if not await sync_to_async(still_listening, thread_sensitive=False)():
                return
        if since_beat >= KEEPALIVE_EVERY:
            since_beat = 0.0
            yield ": keep-alive\n\n"


@crm_view
def inbox(request):
    _actor, org, member = ui(request)
    unread = request.GET.get("show") == "unread"
    rows, next_cursor = keyset_page(
        queries.signals_for(member, unread=unread),
        order=("-id",),
        cursor=request.GET.get("cursor") or None,
        limit=50,
    )
    return render(
        request,
        "crm/signals/inbox.html",
        {"org": org, "signals": rows, "next_cursor": next_cursor, "unread_only": unread},
    )


@crm_view
def signal_detail(request, signal_id: int):
    actor, org, member = ui(request)
    signal = queries.signal_for(member, signal_id)
    actions.do_mark_signal_read(actor=actor, org=org, signal=signal)
    source = hooks.signal_sources.get(signal.source)
    detail = ""
    if source and source.render_detail:
        # HTML from an installed app's hook, which escapes what it puts in (see hooks.py).
        detail = mark_safe(source.render_detail(request, member, signal))  # noqa: S308
    context = {"org": org, "signal": signal, "source": source, "detail": detail}
    return render(request, "crm/signals/detail.html", context)


@crm_view
@require_POST
def mark_read(request, signal_id: int):
    actor, org, member = ui(request)
    actions.do_mark_signal_read(actor=actor, org=org, signal=queries.signal_for(member, signal_id))
    return redirect("crm:signals", org.slug)


@crm_view
@require_POST
def mark_all_read(request):
    actor, org, _member = ui(request)
    count = actions.do_mark_all_signals_read(actor=actor, org=org)
    messages.success(request, _("%(n)d signals marked read.") % {"n": count})
    return redirect("crm:signals", org.slug)


def _events(request, org, member, signals) -> str:
    """SSE frames: each new signal as a toast, then the unread count for the bell."""
    parts = []
    for signal in signals:
        html = render_to_string("crm/signals/_toast.html", {"org": org, "signal": signal})
        data = "\n".join(f"data: {line}" for line in html.splitlines() or [""])
        parts.append(f"id: {signal.pk}\nevent: signal\n{data}\n\n")
    count = queries.unread_count(member)
    parts.append(
        f'event: count\ndata: <span id="signals-unread" class="badge rounded-pill '
        f'text-bg-danger{" d-none" if not count else ""}">{count}</span>\n\n'
    )
    return "".join(parts)


def _start_after(request) -> int:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or "0"
    try:
        return max(0, int(raw))
    except ValueError:
        return 0


@crm_view
def stream(request):
    _actor, org, member = ui(request)
    after = _start_after(request)

    def poll(last: int) -> tuple[int, str]:
        new = queries.signals_after(org.id, member.user_id, last)
        if not new:
            return last, ""
        return new[-1].pk, _events(request, org, member, new)

    def live_sync():
        last, ends = after, time.monotonic() + WSGI_STREAM_SECONDS
        yield "retry: 500\n\n"
        while time.monotonic() < ends:
            try:
                last, frames = poll(last)
            except Exception:
                # The server is shutting down or the database went away: end this stream;
                # the browser reconnects (with Last-Event-ID) and misses nothing.
                log.info("SalesSignals stream ended early", exc_info=True)
                return
            # Always write something: a closed connection then fails at once and frees the
            # thread, instead of holding it until the stream's end.
            yield frames or ": \n\n"
            time.sleep(POLL_SECONDS / 2)

    if isinstance(request, ASGIRequest):
        body = live_events(after, poll, lambda: queries.still_listening(org.id, member.user_id))
    else:
        body = live_sync()
    response = StreamingHttpResponse(body, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass events through as they come
    return response
