"""One exception for every refusal: problem+json in the APIs, a message in the UI."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _


class Problem(Exception):
    """A refusal with an HTTP status, a human reason and optional per-field messages.

    Actions raise it; the API turns it into RFC 9457 problem+json, the UI into a message.
    `detail` and the messages may be lazy translations (gettext_lazy): whoever shows them
    turns them into text with str(), in the reader's language (str.join refuses them).
    """

    titles = {
        400: "Bad request",
        401: "Not signed in",
        403: "Forbidden",
        404: "Not found",
        409: "Conflict",
        405: "Method not allowed",
        413: "Payload too large",
        422: "Unprocessable",
        429: "Too many requests",
    }

    def __init__(self, status: int, detail: str, errors: dict[str, list[str]] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or {}

    @property
    def title(self) -> str:
        return self.titles.get(self.status, "Error")

    def text(self, labels: Mapping | None = None) -> str:
        """The refusal as one line of text: the reason, then each field (by its label in
        `labels`, else its own name) and its messages — "The request has invalid fields.
        Department: Give a number.; Status: …". Lazy translations become text here, in the
        active language."""
        labels = labels or {}
        fields = "; ".join(
            f"{labels.get(field, field)}: {' '.join(str(m) for m in msgs)}"
            for field, msgs in self.errors.items()
        )
        return f"{self.detail} {fields}".strip()

    @classmethod
    def invalid(cls, errors: dict[str, list[str]], detail: str | None = None) -> Problem:
        return cls(400, detail or _("The request has invalid fields."), errors)


def require(condition: bool, detail: str, status: int = 403) -> None:
    """Refuse unless `condition` holds. Used by actions for permission checks."""
    if not condition:
        raise Problem(status, detail)
