"""Shapes of the sync endpoints (CONTRACT §4)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema


class FieldPair(Schema):
    crm: str = Field(..., max_length=60)
    desk: str = Field(..., max_length=60)


class SyncSettingsIn(Schema):
    direction: Literal["one_way", "two_way"] | None = None
    match_fields: list[str] | None = Field(None, max_length=2)
    department_id: int | None = None
    field_map: list[FieldPair] | None = Field(None, max_length=100)
    conflict_winner: Literal["latest", "crm", "desk"] | None = None


class SyncSettingsOut(Schema):
    direction: Literal["one_way", "two_way"]
    match_fields: list[str]
    department_id: int | None
    field_map: list[FieldPair]
    conflict_winner: Literal["latest", "crm", "desk"]
    state: Literal["not_enabled", "active", "paused"]


class PreviewOut(Schema):
    matched: int
    to_create_in_desk: int
    to_create_in_crm: int
    ambiguous: int
    samples: dict[str, list[dict]]


class InitialSync(Schema):
    state: Literal["running", "done"]
    done: int
    total: int


class StatusOut(Schema):
    state: Literal["not_enabled", "active", "paused"]
    linked: int
    created_in_desk: int
    created_in_crm: int
    skipped: int
    failed: int
    conflicts: int
    lag_seconds: float
    last_synced_at: datetime | None
    initial_sync: InitialSync | None


class LogEntryOut(Schema):
    id: int
    at: datetime
    module: str
    crm_id: int | None
    desk_id: int | None
    outcome: str
    reason: str
    field: str
    kept: str
    lost: str


class LogEntries(Schema):
    data: list[LogEntryOut]
