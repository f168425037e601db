"""The server log: a refused request is one line, an error keeps its traceback.

Django logs a 403 raised as PermissionDenied with the exception attached, so every ordinary
refusal (a Standard user opening Setup, an agent following a link to another department's
ticket) printed some 40 lines of traceback that looked like a crash and buried the real ones.
"""

from __future__ import annotations

import logging


class OneLineRefusals(logging.Filter):
    """On `django.request`: for a 4xx answer (refused, not found, not signed in, bad input) the
    line Django writes plus the reason, no traceback. A 5xx keeps everything: that is a bug."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is None or status >= 500 or not record.exc_info:
            return True
        exc = record.exc_info[1]
        reason = " ".join(str(exc).split()) if exc is not None else ""
        record.msg = record.getMessage() + (f" ({reason})" if reason else "")
        record.args = ()
        record.exc_info = record.exc_text = None
        return True
