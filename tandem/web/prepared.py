"""Reads that every request makes, and the inserts of a write, compiled to SQL once instead of
on every call.

Django builds and compiles a query's SQL again each time it runs. For the few reads every
request makes — the session, the signed-in person, the API token, the person's memberships —
compiling cost more than the database did: about 0.5 ms of Python each, several per request
(`tandem bench http`). A `Prepared` read compiles its queryset once per thread, with marker
values standing in for its arguments; afterwards it only puts the arguments in their places,
runs the SQL and builds the model instances as the ORM does (select_related included).

Only for fixed shapes: the arguments must be ints or strings compared as they are (`=`), and
the queryset must not prefetch. Anything else is refused when the read is first compiled."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections, router
from django.db.models import QuerySet, signals
from django.db.models.query import ValuesListIterable, get_related_populators


class Compiled:
    def __init__(self, qs: QuerySet, markers: list[Any]):
        if qs._prefetch_related_lookups:
            raise ValueError("A prepared read cannot prefetch.")
        if qs._fields is not None and qs._iterable_class is not ValuesListIterable:
            raise ValueError("A prepared read of values is a plain values_list().")
        self.alias = qs.db
        compiler = qs.query.get_compiler(using=self.alias)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.slots = []
        for marker in markers:
            found = [i for i, value in enumerate(self.params) if value == marker]
            if len(found) != 1:
                raise ValueError("Each argument of a prepared read must be used once, as it is.")
            self.slots.append(found[0])
        select, klass_info = compiler.select, compiler.klass_info
        self.compiler = compiler
        self.converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
        if qs._fields is not None:  # values_list(): the rows as they are
            self.model = None
            return
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start : self.end]]
        self.related = get_related_populators(klass_info, select, self.alias)
        self.annotations = compiler.annotation_col_map

    def run(self, args) -> list:
        params = list(self.params)
        for slot, value in zip(self.slots, args, strict=True):
            params[slot] = value
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        if self.model is None:
            return [tuple(row) for row in rows]
        found = []
        for row in rows:
            obj = self.model.from_db(self.alias, self.init_list, row[self.start : self.end])
            for populator in self.related:
                populator.populate(row, obj)
            for name, position in (self.annotations or {}).items():
                setattr(obj, name, row[position])
            found.append(obj)
        return found


def _marker(index: int, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError("A prepared read takes ints and strings.")
    # Values no real argument takes, so each is found in the compiled parameters alone.
    return -(10**15) - index if isinstance(value, int) else f"\x00prepared-{index}\x00"


class Prepared:
    """`Prepared(lambda a, b: Model.objects.filter(x=a, y=b)[:1])`, then `read(1, "z")` is
    the list of that queryset's objects for those values; for a `values_list(…)` queryset,
    the list of its rows (tuples)."""

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self.local = threading.local()  # a compiler per thread: each has its connection

    def __call__(self, *args) -> list:
        key = tuple(type(a) for a in args)
        cache = self.local.__dict__.setdefault("compiled", {})
        compiled = cache.get(key)
        if compiled is None:
            markers = [_marker(i, a) for i, a in enumerate(args)]
            compiled = cache[key] = Compiled(self.build(*markers), markers)
        return compiled.run(args)


# ---- Inserts --------------------------------------------------------------------------------
# A write's rows are inserted while its transaction holds SQLite's one writer lock, for which
# every writer on the machine waits. `Model.save()` compiles the INSERT anew for each row:
# building and compiling it was most of the Python a ticket create ran under that lock.


class _Insert:
    """One model's `INSERT … RETURNING pk`, for one connection."""

    def __init__(self, model, connection):
        meta = model._meta
        self.fields = [
            f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated
        ]
        q = connection.ops.quote_name
        columns = ", ".join(q(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        # Table and column names come from the model's metadata, quoted; values are parameters.
        self.sql = (
            f"INSERT INTO {q(meta.db_table)} ({columns}) VALUES ({marks}) "  # noqa: S608
            f"RETURNING {q(meta.pk.column)}"
        )


_inserts: dict[tuple, _Insert] = {}


def insert(obj) -> None:
    """Save the new model instance `obj` as `obj.save()` would (pre_save and post_save sent,
    defaults and auto_now applied, its pk set), with its INSERT compiled once per model. A
    model without an automatic pk, or a value the database computes, takes `obj.save()`."""
    model = type(obj)
    meta = model._meta
    simple = meta.auto_field is not None and obj.pk is None and not meta.parents
    if not simple or any(
        hasattr(getattr(obj, f.attname), "resolve_expression") for f in meta.local_concrete_fields
    ):
        obj.save(force_insert=True)
        return
    alias = router.db_for_write(model, instance=obj)
    connection = connections[alias]
    key = (model, connection.vendor)
    if key not in _inserts:
        _inserts[key] = _Insert(model, connection)
    compiled = _inserts[key]
    obj._prepare_related_fields_for_save(operation_name="save")
    signals.pre_save.send(sender=model, instance=obj, raw=False, using=alias, update_fields=None)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in compiled.fields]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        setattr(obj, meta.pk.attname, cursor.fetchone()[0])
    obj._state.adding = False
    obj._state.db = alias
    signals.post_save.send(
        sender=model, instance=obj, created=True, update_fields=None, raw=False, using=alias
    )
