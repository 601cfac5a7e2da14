"""Live-list poll benchmark: server time of one idle "has anything changed" poll on PostgreSQL.

Starts a throwaway PostgreSQL, migrates, creates two POKs with --threads threads between them (no
messages: the poll reads only the threads' change times), then, logged in as a staff member of
both through Django's test client, times the median of --repeat requests of:
- the idle poll (threads:live, nothing changed: 204),
- the poll after a change (chips re-rendered, the list told to refresh),
- the naive way: reloading the whole INBOX page to see whether anything changed,
and counts each one's SQL queries.

    .venv/bin/python bench/poll.py                       # 1,000,000 threads
    .venv/bin/python bench/poll.py --threads 100000      # quick try

Target: idle poll under 5 ms, a fixed query count.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":  # run as a file: make the project importable
    sys.path[0] = str(PROJECT_ROOT)

from bench.database import django_on_postgresql  # noqa: E402

TARGET_MS = 5
BATCH = 20_000
WARM_UP = 5
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def main() -> None:
    args = _arguments()
    with django_on_postgresql(args.database_url, "bench_poll"):
        run(args)


def run(args) -> None:
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    poks, user = _seed(args.threads)
    client = Client()
    client.force_login(user)
    loaded = int(time.time())
    live = reverse("threads:live")
    version = client.get(live, {"since": "", "loaded": loaded})["X-Live-Version"]
    idle = _measure(client, live, {"since": version, "loaded": loaded}, args.repeat, expect=204)
    changed = _measure(client, live, {"since": "0:", "loaded": loaded}, args.repeat, expect=200)
    naive = _measure(client, reverse("threads:inbox", args=[poks[0].pk]), {}, args.repeat, expect=200)
    print(f"\n{args.threads:,} threads in {len(poks)} POKs; median of {args.repeat} requests each")
    print(f"{'request':<42}{'ms':>9}{'queries':>9}")
    for name, (ms, queries) in (
        ("idle poll (nothing changed, 204)", idle),
        ("poll after a change (chips, refresh)", changed),
        ("naive: reload the INBOX page", naive),
    ):
        print(f"{name:<42}{ms:>9.2f}{queries:>9}")
    plan_ms, plan = _version_query_plan(user)
    print(f"\nthe version query inside PostgreSQL (EXPLAIN ANALYZE): {plan_ms:.3f} ms; {plan}")
    print(f"idle poll vs reloading the INBOX: {naive[0] / idle[0]:.0f}x less server time")
    print(f"target: idle poll under {TARGET_MS} ms: {'met' if idle[0] < TARGET_MS else 'NOT met'}")


def _version_query_plan(user):
    """PostgreSQL's own execution time of live_version's query and whether it stays on the index."""
    from django.db import connection

    from threads.selectors import latest_changes

    sql, params = latest_changes(user).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
    execution = float(next(line for line in lines if line.startswith("Execution Time")).split()[2])
    uses_index = "thread_pok_changed" in "\n".join(lines)
    return execution, "thread_pok_changed index used" if uses_index else "INDEX NOT USED:\n" + "\n".join(lines)


def _measure(client, url, params, repeat, expect):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        assert client.get(url, params).status_code == expect
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == expect, response.status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(url, params)
    return statistics.median(times), len(captured)


def _seed(count):
    from django.db import connection, transaction

    from pok.models import Pok
    from tests.factories import make_pok, make_staff
    from threads.models import Status, Thread

    existing = Pok.objects.filter(name__startswith="Bench").order_by("pk")
    if existing.count() == 2:
        print("Reusing the data of an earlier run in this database")
        from django.contrib.auth import get_user_model

        return list(existing), get_user_model().objects.get(username="bench")
    poks = [make_pok(name=f"Bench {n}", from_address=f"bok{n}@shop.example") for n in range(2)]
    user = make_staff("bench", *poks)
    statuses = [Status.NEW, Status.WAITING, Status.ARCHIVED, Status.ARCHIVED, Status.ARCHIVED]
    start = time.perf_counter()
    for first in range(0, count, BATCH):
        rows = [
            Thread(
                pok=poks[n % 2],
                public_id=_public_id(n),
                subject=f"Pytanie {n}",
                customer_email=f"c{n}@example.com",
                status=statuses[n % len(statuses)],
                message_count=1,
            )
            for n in range(first, min(first + BATCH, count))
        ]
        with transaction.atomic():
            Thread.objects.bulk_create(rows)
        print(f"\r  threads {min(first + BATCH, count):,}/{count:,}", end="", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"\nSeeded in {time.perf_counter() - start:.0f} s")
    return poks, user


def _public_id(n: int) -> str:
    digits = []
    for _ in range(7):
        n, digit = divmod(n, len(ALPHABET))
        digits.append(ALPHABET[digit])
    return "".join(digits)


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1_000_000, help="threads in all (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=50, help="timed requests each (default 50)")
    parser.add_argument("--database-url", help="use this PostgreSQL database instead of a throwaway server (kept)")
    return parser.parse_args()


if __name__ == "__main__":
    main()
