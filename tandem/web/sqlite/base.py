"""Django's SQLite backend, with writers queued by the kernel instead of by SQLite's sleeps.

SQLite lets one transaction write at a time. A connection that finds the database locked
waits in SQLite's busy handler, which sleeps 1, 2, 5, 10, 15, 20, 25… up to 100 ms between
tries: however soon the lock is free, a waiting writer goes on sleeping. With web processes,
their page threads and the worker all writing (50 edits a second while the sync runs), a
PATCH that needed 10 ms took 90 ms at p50 and seconds at p99, nearly all of it asleep.

Here a transaction first takes an exclusive flock(2) on a file beside the database, then
BEGIN IMMEDIATE: writers wait in the kernel's queue for that lock and wake the moment it is
released, then find SQLite's lock free. The flock is released at commit, rollback or close;
a process that dies releases it with its files. Only transactions (atomic blocks: every
write in Tandem) take it; an in-memory database has no file and no lock."""

from __future__ import annotations

import fcntl
import os
import threading

from django.db.backends.sqlite3 import base

# Fairness between processes. When a writer releases the flock, every waiter wakes and the
# first to run takes it, most often a thread of the process that just released it (its CPU is
# awake). Measured over HTTP with 8 connections creating tickets, one web process wrote while
# the other sat at 20 % CPU waiting. So a process's threads queue here first and only one of
# them waits on the flock: the flock is released before this lock, and the other process's
# waiter, already asleep in the kernel, goes first.
_one_waiter_per_process = threading.Lock()


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._writer_file = None
        self._writing = False

    def _writer_lock(self) -> None:
        if self.is_in_memory_db():
            return
        if self._writer_file is None:
            path = f"{self.settings_dict['NAME']}-writer.lock"
            self._writer_file = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        _one_waiter_per_process.acquire()
        try:
            fcntl.flock(self._writer_file, fcntl.LOCK_EX)
        except BaseException:
            _one_waiter_per_process.release()
            raise
        self._writing = True

    def _writer_unlock(self) -> None:
        if self._writing:
            self._writing = False
            try:
                fcntl.flock(self._writer_file, fcntl.LOCK_UN)
            finally:
                _one_waiter_per_process.release()

    def _start_transaction_under_autocommit(self):
        self._writer_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._writer_unlock()
            raise

    def _commit(self):
        try:
            super()._commit()
        finally:
            self._writer_unlock()

    def _rollback(self):
        try:
            super()._rollback()
        finally:
            self._writer_unlock()

    def _close(self):
        try:
            super()._close()
        finally:
            self._writer_unlock()
            if self._writer_file is not None:
                os.close(self._writer_file)
                self._writer_file = None
