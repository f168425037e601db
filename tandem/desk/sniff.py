"""What a file really is, from its first bytes — never from the name the uploader chose."""

from __future__ import annotations

# (magic bytes, offset, content type). Office files are ZIP containers; their type is ZIP
# here, which is what the bytes prove.
SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"%PDF-", 0, "application/pdf"),
    (b"PK\x03\x04", 0, "application/zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "application/vnd.ms-office"),
]
REFUSED = [b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe"]


def content_type(head: bytes) -> str | None:
    """The accepted type of a file starting with `head`, or None if it is not accepted."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for magic, offset, kind in SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return kind
    if any(head.startswith(m) for m in REFUSED):
        return None
    return "text/plain" if _is_text(head) else None


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 4:
            return False
    lowered = head.lstrip().lower()
    # HTML or SVG could run script when opened from our origin.
    return not lowered.startswith((b"<!doctype html", b"<html", b"<svg", b"<?xml", b"<script"))
