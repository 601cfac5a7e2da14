"""Per-user queries whose SQL the ORM builds once per process, then run with each request's user.

A queryset of subqueries costs the ORM more to build and compile than the database takes to run it: the
navigation's POK panels, drawn on every staff page, took about 1.5 ms of CPU to build against 0.1 ms to send
and read. Such a query is built here once, for a stand-in user whose id is a marker; every call runs the same
SQL with the real user's id in place of the marker. The query stays written with the ORM, in one place.
"""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.db.models.query import RawQuerySet

# A user id no row has (ids count up from 1): where the user's id goes among the compiled query's parameters.
MARKER = -2_000_000_017

_compiled: dict[tuple, tuple[Any, str, tuple, list[int]]] = {}


def for_user(name: str, build: Callable[[Any], QuerySet], user) -> RawQuerySet:
    """build(user)'s rows (annotations as attributes), its SQL built once per `name` and kind of user.

    build() may read the user's id and whether they are staff or superuser (what pok.permissions decides by),
    nothing else: those are what the stand-in user has."""
    key = (connection.vendor, name, bool(user.is_staff), bool(user.is_superuser))
    if key not in _compiled:
        stand_in = user._meta.model(pk=MARKER, is_staff=user.is_staff, is_superuser=user.is_superuser)
        queryset = build(stand_in)
        sql, params = queryset.query.sql_with_params()
        spots = [n for n, value in enumerate(params) if value == MARKER]
        if not spots:
            raise ValueError(f"{name}: the query does not depend on the user; build it as usual")
        _compiled[key] = (queryset.model, sql, params, spots)
    model, sql, params, spots = _compiled[key]
    values = list(params)
    for spot in spots:
        values[spot] = user.pk
    return model.objects.raw(sql, values)
