"""Database connections kept between units of work (requests, worker polls)."""

from __future__ import annotations

from django.db import connections

KEEP_CONNECTION_SECONDS = 600


def keep_connections(*, sqlite_init: str = "") -> None:
    """In this thread: keep each database connection for KEEP_CONNECTION_SECONDS instead of
    opening one per unit of work (Django still checks it is usable at each one's start and
    end). `sqlite_init`: statements added to a SQLite connection's init_command."""
    for conn in connections.all(initialized_only=False):
        settings_dict = {**conn.settings_dict, "CONN_MAX_AGE": KEEP_CONNECTION_SECONDS}
        options = settings_dict.get("OPTIONS") or {}
        if sqlite_init and conn.vendor == "sqlite" and "init_command" in options:
            settings_dict["OPTIONS"] = {
                **options,
                "init_command": f"{options['init_command']} {sqlite_init}",
            }
        conn.settings_dict = settings_dict
