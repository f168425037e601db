"""Enqueueing background work once the write that calls for it has committed."""

from __future__ import annotations

import logging

from django.db import transaction

log = logging.getLogger("tandem.tasks")


def enqueue_on_commit(task_, *args) -> None:
    """Enqueue `task_` once the current transaction commits. The write is committed by then:
    an enqueue that fails (the task table's database hiccups, a broker is down) is logged, never
    raised, or the caller would answer an error for a write that happened (the API 500 and a
    client retry files a duplicate; mail-in exits 75 and the MTA files the message again).
    Our own log names the task and its arguments; robust=True (Django ≥ 5.0) is the backstop:
    whatever still escapes is logged by Django, not raised. Safety nets: periodic catch-ups
    (e.g. desk.tasks.resend_unsent) for whatever a lost enqueue missed."""
    name = getattr(task_, "name", repr(task_))

    def enqueue() -> None:
        try:
            task_.enqueue(*args)
        except Exception:
            log.exception("could not enqueue %s%r after commit; the write stands", name, args)

    enqueue.__qualname__ = f"enqueue {name}"
    transaction.on_commit(enqueue, robust=True)
