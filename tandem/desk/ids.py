"""Object ids as forms and JSON bodies send them: "12", 12, or junk such as "abc" and "²"."""

from __future__ import annotations

MAX_ID = 2**63 - 1  # a 64-bit integer column


def as_id(value) -> int | None:
    """The id `value` stands for, or None when it cannot be one (the caller answers "no such
    item": a field error for a body value, a 404 for an id in the path)."""
    if isinstance(value, str):
        value = value.strip()
        if not (value.isascii() and value.isdigit()):
            return None
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value <= MAX_ID else None
