"""The last guard on text length: every CharField's max_length, and the limits a domain sets on
its TextFields (limit_text), are checked before any save. SQLite would store 10,000 characters
in a column of 80 and PostgreSQL would refuse them with a 500; with this guard both refuse with
a Problem naming the field — the refusal every layer already shows: a 400 problem in the API, a
message on the page in the UI. Forms and API schemas check the same limits first, with their
own messages; this catches any path that forgot."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext

from tandem.web.errors import Problem

_TEXT_LIMITS: dict[tuple[str, str], int] = {}


def limit_text(model_label: str, field: str, max_length: int) -> None:
    """Refuse longer text in `field` of the model "app_label.ModelName" on every save."""
    _TEXT_LIMITS[(model_label.lower(), field)] = max_length


def check_lengths(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw:  # loading a fixture: stored as it was dumped
        return
    label = sender._meta.label_lower
    errors: dict[str, list[str]] = {}
    for field in sender._meta.concrete_fields:
        if update_fields is not None and field.name not in update_fields:
            continue
        if isinstance(field, models.CharField):
            limit = field.max_length
        elif isinstance(field, models.TextField):
            limit = _TEXT_LIMITS.get((label, field.name))
        else:
            continue
        value = getattr(instance, field.attname, None)
        if limit and isinstance(value, str) and len(value) > limit:
            message = gettext("Use at most %(n)d characters (this text has %(count)d).")
            errors[field.name] = [message % {"n": limit, "count": len(value)}]
    if errors:
        raise Problem.invalid(errors)


def install() -> None:
    models.signals.pre_save.connect(check_lengths, dispatch_uid="tandem.web.limits")
