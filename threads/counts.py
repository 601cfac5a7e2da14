"""Thread counts per POK, status and owner, kept in a table so that reading them costs the same at any size.

Only threads/services.py moves them, in the same transaction as the change that moves them; reads go
through threads/selectors.py. A row is (POK, kind, status, owner key) -> count; kind THREADS counts every
thread (its status, spam included, and its owner or NO_OWNER). Another count is one more kind: what a
thread contributes is `keys_of`. Several moves in one transaction are written together, in key order, by
one statement (`grouped`): concurrent writers lock the rows they share in the same order, so they wait for
each other instead of deadlocking.

Not kept here, being bounded by something smaller than the archive: threads with an undelivered reply
(the partial index thread_undelivered holds only those) and each user's unread INBOX threads (only the
INBOX is counted, over the partial index thread_inbox_customer) - see threads/selectors.pok_panels.
"""

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Count

from threads.models import Thread, ThreadCount

NO_OWNER = 0
THREADS = "threads"
COUNTED_KINDS = (THREADS,)

Key = tuple[int, str, str, int]  # pok id, kind, status, owner key

_pending = threading.local()


def keys_of(pok_id: int, status: str, owner_id: int | None) -> list[Key]:
    """The counter rows one thread in this state adds one to."""
    return [(pok_id, THREADS, status, owner_id or NO_OWNER)]


def thread_keys(thread: Thread) -> list[Key]:
    return keys_of(thread.pok_id, thread.status, thread.owner_id)


def move(deltas: Counter) -> None:
    """Add the deltas (key -> +n/-n) to the counters: now, or at the end of the enclosing `grouped` block."""
    deltas = Counter({key: n for key, n in deltas.items() if n})
    if not deltas:
        return
    stack = getattr(_pending, "stack", None)
    if stack:
        stack[-1].update(deltas)
    else:
        _write(deltas)


@contextmanager
def grouped() -> Iterator[None]:
    """Moves inside are summed and written once on leaving (inside the caller's transaction)."""
    stack = _pending.__dict__.setdefault("stack", [])
    stack.append(Counter())
    try:
        yield
    except BaseException:
        stack.pop()
        raise
    move(stack.pop())


def _write(deltas: Counter) -> None:
    table = connection.ops.quote_name(ThreadCount._meta.db_table)
    rows = sorted(deltas.items())
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    params = [part for (pok_id, kind, status, owner), n in rows for part in (pok_id, kind, status, owner, n)]
    sql = (
        f"INSERT INTO {table} (pok_id, kind, status, owner_key, count) VALUES {values} "
        f"ON CONFLICT (pok_id, kind, status, owner_key) DO UPDATE SET count = {table}.count + excluded.count"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def recounted(pok_id: int) -> Counter:
    """The counts of one POK's threads, counted from the threads themselves (a full scan of the POK)."""
    true: Counter = Counter()
    rows = Thread.objects.filter(pok_id=pok_id).values_list("status", "owner_id").annotate(n=Count("id")).order_by()
    for status, owner_id, n in rows:
        for key in keys_of(pok_id, status, owner_id):
            true[key] += n
    return true


def stored(pok_id: int) -> Counter:
    rows = ThreadCount.objects.filter(pok_id=pok_id, kind__in=COUNTED_KINDS).exclude(count=0)
    return Counter({(pok_id, r.kind, r.status, r.owner_key): r.count for r in rows})


@transaction.atomic
def repair(pok_id: int) -> int:
    """Make one POK's counters equal to a recount; returns how many counter rows were wrong.

    The counter table is locked meanwhile (PostgreSQL; SQLite has one writer anyway), so that no change
    moves a counter between the recount and the write."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {ThreadCount._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
    kept = stored(pok_id)
    true = recounted(pok_id)
    wrong = sum(1 for key in kept.keys() | true.keys() if kept[key] != true[key])
    if wrong:
        ThreadCount.objects.filter(pok_id=pok_id, kind__in=COUNTED_KINDS).delete()
        ThreadCount.objects.bulk_create(
            ThreadCount(pok_id=p, kind=kind, status=status, owner_key=owner, count=n)
            for (p, kind, status, owner), n in sorted(true.items())
        )
    return wrong
