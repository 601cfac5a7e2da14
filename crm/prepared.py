"""Per-user queries whose SQL the ORM builds once per process, then run with each request's user (and POK).

A queryset of subqueries costs the ORM more to build and compile than the database takes to run it: the
navigation's POK panels, drawn on every staff page, took about 1.5 ms of CPU to build against 0.1 ms to send
and read. Such a query is built here once, for stand-in objects whose ids are markers; every call runs the same
SQL with the real ids in place of the markers. The query stays written with the ORM, in one place.
"""

from collections.abc import Callable, Hashable
from typing import Any

from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.query import RawQuerySet

from crm.memo import kept

# Ids no row has (ids count up from 1): where each object's id goes among the compiled query's parameters.
MARKER = -2_000_000_017
MARKERS = (MARKER, -2_000_000_029, -2_000_000_039)
KEPT = 1024  # compiled queries kept per process (a key may hold a page number: a bounded memory)

_compiled: dict[tuple, "_Compiled"] = {}


class _Compiled:
    """A query compiled for stand-ins: its SQL, its parameters, which of them are the stand-ins' ids."""

    def __init__(self, queryset: QuerySet, stand_ins: dict[str, Model], name):
        compiler = queryset.query.get_compiler(connection=connection)
        self.model = queryset.model
        self.query = queryset.query
        self.sql, self.params = compiler.as_sql()
        # What the rows hold, for the converters of the connection they are read on (values()).
        self.columns = [expression for expression, *_ in compiler.select[: compiler.col_count]]
        self.width = compiler.col_count if compiler.has_extra_select else None
        self.spots = [
            (n, key) for n, value in enumerate(self.params) for key, each in stand_ins.items() if value == each.pk
        ]
        missing = set(stand_ins) - {key for _, key in self.spots}
        if missing:
            raise ValueError(
                f"{name}: the query does not depend on the {', '.join(sorted(missing))}; build it as usual"
            )

    def parameters(self, objects: dict[str, Model]) -> list:
        values = list(self.params)
        for spot, key in self.spots:
            values[spot] = objects[key].pk
        return values


def for_user(name: str, build: Callable[[Any], QuerySet], user) -> RawQuerySet:
    """build(user)'s rows (annotations as attributes), its SQL built once per `name` and kind of user.

    build() may read the user's id and whether they are staff or superuser (what pok.permissions decides by),
    nothing else: those are what the stand-in user has."""
    return instances(name, lambda user: build(user), user=user)


def instances(key: Hashable, build: Callable[..., QuerySet], **objects: Model) -> RawQuerySet:
    """build(**objects)'s rows as model instances (annotations as attributes), its SQL built once per `key` and
    kind of object; of each object build() may read its id (and a user's is_staff and is_superuser), nothing
    else."""
    compiled = _prepared(key, build, objects)
    return compiled.model.objects.raw(compiled.sql, compiled.parameters(objects))


def values(key: Hashable, build: Callable[..., QuerySet], **objects: Model) -> list[tuple]:
    """The rows of build(**objects), a values_list() queryset, as it would return them; its SQL built once per
    `key` and kind of object. `key` names everything else build() depends on; of each object build() may read
    its id (and a user's is_staff and is_superuser), nothing else."""
    compiled = _prepared(key, build, objects)
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, compiled.parameters(objects))
        rows = cursor.fetchall()
    if compiled.width is not None:
        rows = [row[: compiled.width] for row in rows]
    compiler = compiled.query.get_compiler(connection=connection)
    converters = compiler.get_converters(compiled.columns)
    return [tuple(row) for row in compiler.apply_converters(rows, converters)] if converters else rows


def _prepared(key: Hashable, build: Callable[..., QuerySet], objects: dict[str, Model]) -> _Compiled:
    def compiled() -> _Compiled:
        stand_ins = {
            name: _stand_in(each, marker)
            for (name, each), marker in zip(objects.items(), MARKERS[: len(objects)], strict=True)
        }
        return _Compiled(build(**stand_ins), stand_ins, key)

    full_key = (connection.vendor, key, *((name, _kind(each)) for name, each in objects.items()))
    return kept(_compiled, full_key, compiled, KEPT)


def _kind(each: Model) -> tuple:
    if hasattr(each, "is_superuser"):
        return (each._meta.label, bool(each.is_staff), bool(each.is_superuser))
    return (each._meta.label,)


def _stand_in(each: Model, marker: int) -> Model:
    if hasattr(each, "is_superuser"):
        return each._meta.model(pk=marker, is_staff=each.is_staff, is_superuser=each.is_superuser)
    # A key that is text (a session's) gets a text marker.
    return each._meta.model(pk=marker if isinstance(each.pk, int) else f"stand-in{marker}")
